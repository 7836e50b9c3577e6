import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONNECTIONS_FILE, ConnectionStore } from '../../../src/main/host/connection-store'
import { PROFILE_SCHEMA_VERSION, type SshTunnel, newProfile } from '../../../src/shared/profile'
import { EVENT_NAMES, profileSchema, requestSchemas } from '../../../src/shared/schemas'

const tunnel: SshTunnel = { host: 'gw.example', port: 22, username: 'alice', auth: 'password' }

describe('profile ssh tunnel', () => {
  it('accepts every login method and round-trips', () => {
    for (const ssh of [tunnel, { ...tunnel, auth: 'agent' }, { ...tunnel, auth: 'key', keyFile: '/home/a/.ssh/id_ed25519' }] as SshTunnel[]) {
      const p = newProfile({ id: 'a', host: 'localhost', ssh })
      expect(profileSchema.parse(p)).toEqual(p)
    }
  })

  it('leaves it out when absent (older files: no tunnel)', () => {
    const p = profileSchema.parse(newProfile({ id: 'a', host: 'h' }))
    expect('ssh' in p).toBe(false)
  })

  it('refuses incomplete or malformed tunnels', () => {
    const bad: [unknown, RegExp][] = [
      [{ ...tunnel, auth: 'key' }, /ssh\.keyFile: is required/],
      [{ ...tunnel, keyFile: '/k' }, /ssh\.keyFile: is only for a key login/],
      [{ ...tunnel, auth: 'kerberos' }, /ssh\.auth/],
      [{ ...tunnel, host: '' }, /ssh\.host/],
      [{ ...tunnel, host: 'a b' }, /ssh\.host/],
      [{ ...tunnel, port: 0 }, /ssh\.port/],
      [{ ...tunnel, port: 70000 }, /ssh\.port/],
      [{ ...tunnel, username: '' }, /ssh\.username/],
      [{ ...tunnel, username: 'a@b' }, /ssh\.username/],
      [{ ...tunnel, password: 'x' }, /ssh\.password: is not a known field/],
      [{ ...tunnel, auth: 'key', keyFile: 'a\nb' }, /ssh\.keyFile/],
      ['gw', /ssh/],
    ]
    for (const [ssh, re] of bad) expect(() => profileSchema.parse({ ...newProfile({ id: 'a', host: 'h' }), ssh })).toThrow(re)
  })

  it('validates host key answers, and the event is known', () => {
    const s = requestSchemas['session.hostKey']
    for (const decision of ['once', 'always', 'reject'] as const) expect(s.parse({ sessionId: 'x', decision })).toEqual({ sessionId: 'x', decision })
    expect(() => s.parse({ sessionId: 'x', decision: 'maybe' })).toThrow(/decision/)
    expect(() => s.parse({ sessionId: '../x', decision: 'once' })).toThrow(/sessionId/)
    expect(EVENT_NAMES).toContain('session.hostKey')
  })

  it('reads a version 2 connections file (no tunnels) and writes the current version with the tunnel kept', async () => {
    expect(PROFILE_SCHEMA_VERSION).toBeGreaterThanOrEqual(3)
    const dir = mkdtempSync(join(tmpdir(), 'tessera-ssh-schema-'))
    try {
      writeFileSync(join(dir, CONNECTIONS_FILE), JSON.stringify({ schemaVersion: 2, profiles: [newProfile({ id: 'old', host: 'h' })] }))
      const store = await ConnectionStore.open(dir)
      expect(store.list()).toHaveLength(1)
      expect(store.list()[0].ssh).toBeUndefined()
      await store.save({ ...store.list()[0], ssh: tunnel })
      await store.idle()
      const again = await ConnectionStore.open(dir)
      expect(again.list()[0].ssh).toEqual(tunnel)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
