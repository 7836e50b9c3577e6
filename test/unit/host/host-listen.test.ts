import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import { HostError } from '../../../src/main/host/errors'
import type { HostClient } from '../../../src/main/host/endpoint'
import type { Host } from '../../../src/main/host/host'
import type { EventName, HostEvents, SessionError } from '../../../src/shared/contract'
import { EVENT_NAMES } from '../../../src/shared/schemas'
import { FakeClient } from './fake-client'
import { MiniServer } from './mini-server'

type Event = { [K in EventName]: { name: K; payload: HostEvents[K] } }[EventName]

const OWNER = new FakeClient('window-1')
const OTHER = new FakeClient('window-2')
let dir: string
let host: Host
let events: Event[]
const minis: MiniServer[] = []

async function makeHost(listenAnswerTimeoutMs?: number): Promise<void> {
  host = (
    await createHost({
      dataDir: dir,
      decodeImage: null,
      log: () => {},
      timings: { statsIntervalMs: 1000, thumbnailDelayMs: 60_000 },
      ...(listenAnswerTimeoutMs !== undefined ? { listenAnswerTimeoutMs } : {}),
    })
  ).host
  events = []
  for (const name of EVENT_NAMES) host.on(name, (payload: HostEvents[typeof name]) => events.push({ name, payload } as Event))
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-host-listen-'))
  await makeHost()
})

afterEach(async () => {
  await host.shutdown()
  for (const m of minis.splice(0)) m.dropAll()
  rmSync(dir, { recursive: true, force: true })
})

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = probe()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; saw ${events.map((e) => e.name).join(', ')}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

function next<K extends EventName>(name: K, test: (p: HostEvents[K]) => boolean = () => true): Promise<HostEvents[K]> {
  return until(name, () => events.find((e) => e.name === name && test(e.payload as HostEvents[K]))?.payload as HostEvents[K] | undefined)
}

/** A port free a moment ago (the request takes 1-65535, not 0). */
async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok))
  const { port } = s.address() as net.AddressInfo
  await new Promise<void>((ok) => s.close(() => ok()))
  return port
}

async function listen(owner: HostClient = OWNER): Promise<number> {
  const port = await freePort()
  const r = (await host.handle('listen.start', { port, host: '127.0.0.1' }, owner)) as { port: number }
  expect(r.port).toBe(port)
  return port
}

/** A MiniServer that connects out to the listener; resolves with its socket and the `listen.incoming` event. */
async function serverConnects(
  port: number,
  options: ConstructorParameters<typeof MiniServer>[0] = {},
): Promise<{ mini: MiniServer; socket: net.Socket; ask: HostEvents['listen.incoming'] }> {
  const mini = new MiniServer({ width: 4, height: 3, ...options })
  minis.push(mini)
  const socket = mini.connectOut(port)
  await new Promise<void>((ok, fail) => socket.once('connect', ok).once('error', fail))
  const local = socket.localPort
  const ask = await next('listen.incoming', (p) => p.remotePort === local)
  return { mini, socket, ask }
}

const socketClosed = (s: net.Socket): Promise<void> => (s.destroyed ? Promise.resolve() : new Promise((ok) => s.once('close', () => ok())))

async function refusal(name: string, arg: unknown, owner: HostClient = OWNER): Promise<SessionError> {
  try {
    await host.handle(name, arg, owner)
  } catch (e) {
    expect(e).toBeInstanceOf(HostError)
    return (e as HostError).error
  }
  throw new Error(`${name} was not refused`)
}

describe('host: listening for reverse connections', () => {
  it('asks about a server that connects; accepting makes it a session of the answerer, with frames', async () => {
    const port = await listen()
    const { mini, ask } = await serverConnects(port)
    expect(ask).toMatchObject({ remoteAddress: '127.0.0.1' })
    expect(ask.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(host.listenOwner()).toBe(OWNER)
    // Nobody else may answer.
    expect((await refusal('listen.answer', { id: ask.id, accept: true }, OTHER)).code).toBe('HOST_UNKNOWN_INCOMING')
    const { sessionId } = (await host.handle('listen.answer', { id: ask.id, accept: true }, OWNER)) as { sessionId: string }
    expect(host.ownerOf(sessionId)).toBe(OWNER)
    const state = await next('session.state', (p) => p.sessionId === sessionId && p.state === 'connected')
    expect(state.info).toMatchObject({ name: 'mini', width: 4, height: 3 })
    const frame = await next('session.frame', (b) => b.sessionId === sessionId && b.ops.length > 0)
    expect(frame.pixels.length).toBeGreaterThan(0)
    expect(mini.events.some((e) => e.type === 'update-request' && !e.incremental)).toBe(true)
    // Input reaches the server through the same connection.
    await host.handle('session.key', { sessionId, keysym: 0x61, down: true }, OWNER)
    await until('the key', () => mini.events.find((e) => e.type === 'key'))
    // Answered once: a second answer is refused. Nothing is added to the address book.
    expect((await refusal('listen.answer', { id: ask.id, accept: true })).code).toBe('HOST_UNKNOWN_INCOMING')
    expect(await host.handle('profiles.list', undefined, OWNER)).toEqual([])
    await host.handle('session.close', { sessionId }, OWNER)
    await next('session.state', (p) => p.sessionId === sessionId && p.state === 'closed')
  })

  it('asks for the password through session.credentials as usual', async () => {
    const port = await listen()
    const { ask } = await serverConnects(port, { password: 'pw' })
    const { sessionId } = (await host.handle('listen.answer', { id: ask.id, accept: true }, OWNER)) as { sessionId: string }
    const cred = await next('session.credentials', (p) => p.sessionId === sessionId)
    expect(cred).toMatchObject({ kind: 'password', retry: false })
    await host.handle('session.credentials', { sessionId, password: 'pw', save: false }, OWNER)
    await next('session.state', (p) => p.sessionId === sessionId && p.state === 'connected')
  })

  it('ends a reverse session when its server goes away instead of reconnecting', async () => {
    const port = await listen()
    const { socket, ask } = await serverConnects(port)
    const { sessionId } = (await host.handle('listen.answer', { id: ask.id, accept: true }, OWNER)) as { sessionId: string }
    await next('session.state', (p) => p.sessionId === sessionId && p.state === 'connected')
    socket.destroy()
    const closed = await next('session.state', (p) => p.sessionId === sessionId && p.state === 'closed')
    expect(closed.error?.kind).toBe('network')
    expect(events.some((e) => e.name === 'session.state' && e.payload.sessionId === sessionId && e.payload.state === 'reconnecting')).toBe(false)
    expect(host.sessionIds()).toEqual([])
  })

  it('rejecting closes the connection at once and opens no session', async () => {
    const port = await listen()
    const { socket, ask } = await serverConnects(port)
    expect(await host.handle('listen.answer', { id: ask.id, accept: false }, OWNER)).toBeNull()
    await socketClosed(socket)
    expect(host.sessionIds()).toEqual([])
    expect(events.some((e) => e.name === 'session.state')).toBe(false)
  })

  it('closes a connection nobody answers once the answer timeout passes, and says so', async () => {
    await host.shutdown()
    await makeHost(100)
    const port = await listen()
    const { socket, ask } = await serverConnects(port)
    await socketClosed(socket)
    // The window is told, so it can take its question down.
    expect(await next('listen.timedOut')).toEqual({ id: ask.id })
    expect((await refusal('listen.answer', { id: ask.id, accept: true })).code).toBe('HOST_UNKNOWN_INCOMING')
    expect(host.sessionIds()).toEqual([])
  })

  it('stops on listen.stop, when its owner goes away, and on shutdown; one owner at a time', async () => {
    const port = await listen()
    expect((await refusal('listen.start', { port }, OTHER)).code).toBe('HOST_LISTEN_BUSY')
    expect((await refusal('listen.stop', undefined, OTHER)).code).toBe('HOST_LISTEN_NOT_OWNER')
    // A waiting server is turned away when listening stops.
    const { socket } = await serverConnects(port)
    await host.handle('listen.stop', undefined, OWNER)
    await socketClosed(socket)
    expect(host.listenOwner()).toBeUndefined()
    await expect(new Promise((ok, fail) => net.connect(port, '127.0.0.1').once('connect', ok).once('error', fail))).rejects.toThrow(/ECONNREFUSED/)

    const again = await listen(OTHER)
    host.closeOwnedBy(OTHER)
    expect(host.listenOwner()).toBeUndefined()
    await expect(new Promise((ok, fail) => net.connect(again, '127.0.0.1').once('connect', ok).once('error', fail))).rejects.toThrow(/ECONNREFUSED/)

    const last = await listen()
    await host.shutdown()
    await expect(new Promise((ok, fail) => net.connect(last, '127.0.0.1').once('connect', ok).once('error', fail))).rejects.toThrow(/ECONNREFUSED/)
  })

  it('reports a port that cannot be bound', async () => {
    const blocker = net.createServer()
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok))
    const { port } = blocker.address() as net.AddressInfo
    try {
      const e = await refusal('listen.start', { port, host: '127.0.0.1' })
      expect(e).toMatchObject({ kind: 'network', code: 'HOST_LISTEN' })
      expect(e.message).toMatch(/in use/)
    } finally {
      await new Promise<void>((ok) => blocker.close(() => ok()))
    }
  })
})
