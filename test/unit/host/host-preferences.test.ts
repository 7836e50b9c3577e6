import net from 'node:net'
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

/** A loopback port in [from, to] nobody listens on now. */
async function freePortIn(from: number, to: number): Promise<number> {
  for (let port = to; port >= from; port--) {
    const free = await new Promise<boolean>((ok) => {
      const probe = net.createServer()
      probe.once('error', () => ok(false))
      probe.listen(port, '127.0.0.1', () => probe.close(() => ok(true)))
    })
    if (free) return port
  }
  throw new Error(`no free port in ${from}-${to}`)
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

  it('names a typed address as typed: the saved connection and the Sessions card (a port stays a port)', async () => {
    // A port in 5900-5999 is what formatTarget writes as a display (`:99`), which is not what was typed.
    const near = new MiniServer()
    near.port = await freePortIn(5900, 5999)
    await near.start()
    try {
      const address = `127.0.0.1::${near.port}`
      const { sessionId } = (await host.handle('session.open', { address })) as { sessionId: string }
      await until('connected', () => states.find((s) => s.sessionId === sessionId && s.state === 'connected'))
      const summary = ((await host.handle('sessions.list', undefined)) as { sessionId: string; name: string }[]).find((s) => s.sessionId === sessionId)
      expect(summary?.name).toBe(address)
      const profiles = await until('the saved connection', () => {
        return host.handle('profiles.list', undefined).then((list) => ((list as ConnectionProfile[]).length ? (list as ConnectionProfile[]) : undefined))
      })
      expect(profiles[0].name).toBe(address)
    } finally {
      await near.stop().catch(() => undefined)
    }
  })

  it('does not reconnect by itself when the preference says "never": the session ends', async () => {
    await host.handle('prefs.set', { reconnect: 'never' })
    const id = await connect()
    server.dropAll()
    const end = await until('closed', () => states.find((s) => s.sessionId === id && s.state === 'closed'))
    expect(end.error?.kind).toBe('network')
    expect(states.some((s) => s.sessionId === id && s.state === 'reconnecting')).toBe(false)
  })

  it('asks before reconnecting when the preference says "ask", and reconnects on the answer', async () => {
    await host.handle('prefs.set', { reconnect: 'ask' })
    const id = await connect()
    server.dropAll()
    const asked = await until('the question', () => states.find((s) => s.sessionId === id && s.state === 'reconnecting'))
    expect(asked).toMatchObject({ askReconnect: true, error: { kind: 'network' } })
    expect(asked.retryInMs).toBeUndefined()
    // No attempt of its own while the question is open (automatic would have retried after 20 ms).
    await new Promise((r) => setTimeout(r, 200))
    expect(states.filter((s) => s.sessionId === id).at(-1)?.state).toBe('reconnecting')
    const before = states.length
    await host.handle('session.reconnect', { sessionId: id })
    await until('connected again', () => states.slice(before).find((s) => s.sessionId === id && s.state === 'connected'))
  })

  it('ends the asking session on Close', async () => {
    await host.handle('prefs.set', { reconnect: 'ask' })
    const id = await connect()
    server.dropAll()
    await until('the question', () => states.find((s) => s.sessionId === id && s.askReconnect))
    await host.handle('session.close', { sessionId: id })
    const end = await until('closed', () => states.find((s) => s.sessionId === id && s.state === 'closed'))
    expect(end.error).toBeUndefined()
  })

  it('reconnects by itself when the preference says automatic (the default)', async () => {
    const id = await connect()
    server.dropAll()
    await until('reconnecting', () => states.find((s) => s.sessionId === id && s.state === 'reconnecting'))
  })
})
