import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONNECTIONS_FILE, ConnectionStore } from '../../../src/main/host/connection-store'
import { SECURITY_POLICIES } from '../../../src/main/rfb/security/policy'
import { PROFILE_SCHEMA_VERSION, SECURITY_CHOICES, newProfile } from '../../../src/shared/profile'
import { profileSchema, requestSchemas } from '../../../src/shared/schemas'

describe('profile security fields', () => {
  it('names exactly the engine policies', () => {
    expect([...SECURITY_CHOICES].sort()).toEqual([...SECURITY_POLICIES].sort())
  })

  it('defaults a missing policy (version 1 profiles) and checks the new fields', () => {
    const { security: _, ...old } = newProfile({ id: 'a', host: 'h' })
    expect(profileSchema.parse(old).security).toBe('allow-unencrypted')
    const full = newProfile({ id: 'a', host: 'h', security: 'require-server-auth', caFile: '/etc/ca.pem', tls: true })
    expect(profileSchema.parse(full)).toEqual(full)
    expect(() => profileSchema.parse({ ...full, security: 'prefer-magic' })).toThrow(/security: must be one of/)
    expect(() => profileSchema.parse({ ...full, security: null })).toThrow(/security/)
    expect(() => profileSchema.parse({ ...full, caFile: '' })).toThrow(/caFile/)
    expect(() => profileSchema.parse({ ...full, caFile: 'a\nb' })).toThrow(/caFile/)
    expect(() => profileSchema.parse({ ...full, tls: 'yes' })).toThrow(/tls/)
  })

  it('validates trust answers', () => {
    const s = requestSchemas['session.trust']
    for (const decision of ['once', 'always', 'reject'] as const) expect(s.parse({ sessionId: 'x', decision })).toEqual({ sessionId: 'x', decision })
    expect(() => s.parse({ sessionId: 'x', decision: 'yes' })).toThrow(/decision/)
    expect(() => s.parse({ sessionId: 'x' })).toThrow(/decision: is required/)
    expect(() => s.parse({ sessionId: 'x', decision: 'once', fingerprint: 'AA' })).toThrow(/not a known field/)
    expect(() => s.parse({ sessionId: '../x', decision: 'once' })).toThrow(/sessionId/)
  })

  it('reads a version 1 connections file without losing a connection, and writes the current version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-migrate-'))
    try {
      const { security: _, ...v1 } = newProfile({ id: 'old', host: 'server', name: 'Old one' })
      writeFileSync(join(dir, CONNECTIONS_FILE), JSON.stringify({ schemaVersion: 1, profiles: [v1] }))
      const store = await ConnectionStore.open(dir)
      expect(store.problems).toEqual([])
      expect(store.list()).toEqual([{ ...v1, security: 'allow-unencrypted' }])
      await store.save({ ...store.list()[0], security: 'require-encryption' })
      const disk = JSON.parse(readFileSync(join(dir, CONNECTIONS_FILE), 'utf8'))
      expect(disk.schemaVersion).toBe(PROFILE_SCHEMA_VERSION)
      expect(PROFILE_SCHEMA_VERSION).toBeGreaterThanOrEqual(2)
      expect(disk.profiles[0]).toMatchObject({ id: 'old', name: 'Old one', security: 'require-encryption' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
