import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HostEvents } from '../../../src/shared/contract'
import type { ConnectionProfile } from '../../../src/shared/profile'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import { MiniServer } from './mini-server'

let dir: string
let host: Host
let server: MiniServer
const states: HostEvents['session.state'][] = []

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-host-prefs-'))
  states.length = 0
  host = (await createHost({ dataDir: dir, keychain: null, decodeImage: null, log: () => {}, timings: { reconnect: { baseMs: 20, maxMs: 100, attempts: 3 } } }))
    .host
  host.on('session.state', (e) => states.push(e))
  server = await new MiniServer().start()
})

afterEach(async () => {
  await host.shutdown()
  await server.stop().catch(() => undefined)
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
})

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function connect(): Promise<string> {
  const { sessionId } = (await host.handle('session.open', { address: `127.0.0.1::${server.port}` })) as { sessionId: string }
  await until('connected', () => states.find((s) => s.sessionId === sessionId && s.state === 'connected'))
  return sessionId
}

describe('the host follows the preferences', () => {
  it('saves a typed address with the default scaling of the preferences', async () => {
    await host.handle('prefs.set', { scaling: 'remote' })
    await connect()
    const profiles = await until('the saved connection', () => {
      return host.handle('profiles.list', undefined).then((list) => ((list as ConnectionProfile[]).length ? (list as ConnectionProfile[]) : undefined))
    })
    expect(profiles[0]).toMatchObject({ host: '127.0.0.1', port: server.port, scaling: 'remote' })
  })

  it.each(['ask', 'never'] as const)('does not reconnect by itself when the preference says "%s"', async (reconnect) => {
    await host.handle('prefs.set', { reconnect })
    const id = await connect()
    server.dropAll()
    const end = await until('closed', () => states.find((s) => s.sessionId === id && s.state === 'closed'))
    expect(end.error?.kind).toBe('network')
    expect(states.some((s) => s.sessionId === id && s.state === 'reconnecting')).toBe(false)
  })

  it('reconnects by itself when the preference says automatic (the default)', async () => {
    const id = await connect()
    server.dropAll()
    await until('reconnecting', () => states.find((s) => s.sessionId === id && s.state === 'reconnecting'))
  })
})
