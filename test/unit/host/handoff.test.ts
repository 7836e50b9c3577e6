import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import type { ClientLink } from '../../../src/main/host/endpoint'
import type { Host } from '../../../src/main/host/host'
import type { HostReply, SessionSummary } from '../../../src/shared/contract'
import { type Delivered, FakeClient } from './fake-client'
import { MiniServer, type MiniServerOptions } from './mini-server'

// Moving a session between windows: session.handOff gives its owner a one-time code, and only
// that code, once and in time, lets another client adopt it. Real sockets to a mini RFB server.

let dir: string
let host: Host | null = null
const servers: MiniServer[] = []

async function server(options: MiniServerOptions = {}): Promise<MiniServer> {
  const s = await new MiniServer(options).start()
  servers.push(s)
  return s
}

/** A host whose hand-off codes live `handOffMs`. */
async function start(handOffMs = 30_000): Promise<Host> {
  ;({ host } = await createHost({
    dataDir: dir,
    keychain: null,
    decodeImage: null,
    log: () => {},
    handOffMs,
    // Acks that never come must not be rescued by the timeout in these tests.
    timings: { ackTimeoutMs: 60_000, statsIntervalMs: 60_000, thumbnailDelayMs: 60_000 },
  }))
  return host
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-handoff-'))
})

afterEach(async () => {
  await host?.shutdown()
  host = null
  await Promise.all(servers.splice(0).map((s) => s.stop().catch(() => undefined)))
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
})

interface Attached {
  client: FakeClient
  link: ClientLink
  ask: (name: string, arg?: unknown) => Promise<unknown>
}

function attach(h: Host, label: string): Attached {
  const client = new FakeClient(label)
  const link = h.attach(client)
  const ask = async (name: string, arg?: unknown): Promise<unknown> => {
    const reply: HostReply = await link.request(name, arg)
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error)
    return reply.result
  }
  return { client, link, ask }
}

async function until(what: string, test: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

const of = (c: FakeClient, name: Delivered['name'], sessionId: string): Delivered[] =>
  c.delivered.filter((d) => d.name === name && (d.payload as { sessionId?: string }).sessionId === sessionId)
const states = (c: FakeClient, id: string): Array<{ state: string; error?: { code: string } }> =>
  of(c, 'session.state', id).map((d) => d.payload as { state: string; error?: { code: string } })
const connected = (c: FakeClient, id: string): boolean => states(c, id).some((s) => s.state === 'connected')
const refusedWith = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => expect.fail('expected a refusal'),
    (e: unknown) => e,
  )

/** A FramebufferUpdate the server sends unasked: one Raw pixel at the origin. */
function onePixelUpdate(): Uint8Array {
  return Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 9, 9, 9, 0)
}

async function openConnected(a: Attached, s: MiniServer): Promise<string> {
  const { sessionId } = (await a.ask('session.open', { address: `127.0.0.1::${s.port}` })) as { sessionId: string }
  await until('connected', () => connected(a.client, sessionId))
  return sessionId
}

describe('session.handOff and session.adopt', () => {
  it('only the owner gets a code: a fresh random one each time, 32 base64url characters', async () => {
    const h = await start()
    const s = await server()
    const alice = attach(h, 'alice')
    const mallory = attach(h, 'mallory')
    const sessionId = await openConnected(alice, s)
    expect(await refusedWith(mallory.ask('session.handOff', { sessionId }))).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
    const first = (await alice.ask('session.handOff', { sessionId })) as { code: string }
    const second = (await alice.ask('session.handOff', { sessionId })) as { code: string }
    expect(first.code).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(second.code).not.toBe(first.code)
    // A new code replaces the old one.
    expect(await refusedWith(mallory.ask('session.adopt', { sessionId, code: first.code }))).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
    expect(h.ownerOf(sessionId)).toBe(alice.client)
  })

  it('adopt is refused without a code, with a wrong one and with a used one, exactly as for a session that does not exist', async () => {
    const h = await start()
    const s = await server()
    const alice = attach(h, 'alice')
    const bob = attach(h, 'bob')
    const mallory = attach(h, 'mallory')
    const sessionId = await openConnected(alice, s)
    // No code pending at all.
    const unknown = await refusedWith(mallory.ask('session.adopt', { sessionId: 'no-such-session', code: 'A'.repeat(32) }))
    expect(await refusedWith(mallory.ask('session.adopt', { sessionId, code: 'A'.repeat(32) }))).toEqual(unknown)
    // A missing code is not even a valid request.
    expect(await refusedWith(mallory.ask('session.adopt', { sessionId }))).toMatchObject({ code: 'HOST_INVALID_REQUEST' })

    const { code } = (await alice.ask('session.handOff', { sessionId })) as { code: string }
    const wrong = code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A')
    expect(await refusedWith(mallory.ask('session.adopt', { sessionId, code: wrong }))).toEqual(unknown)
    expect(await refusedWith(mallory.ask('session.adopt', { sessionId, code: code + 'A' }))).toEqual(unknown)
    expect(h.ownerOf(sessionId)).toBe(alice.client)

    expect(await bob.ask('session.adopt', { sessionId, code })).toMatchObject({ sessionId, state: 'connected' })
    expect(h.ownerOf(sessionId)).toBe(bob.client)
    // Once only: neither mallory nor alice can use it again.
    expect(await refusedWith(mallory.ask('session.adopt', { sessionId, code }))).toEqual(unknown)
    expect(await refusedWith(alice.ask('session.adopt', { sessionId, code }))).toEqual(unknown)
    expect(h.ownerOf(sessionId)).toBe(bob.client)
  })

  it('the old owner is told the session moved; the new one drives it', async () => {
    const h = await start()
    const s = await server()
    const alice = attach(h, 'alice')
    const bob = attach(h, 'bob')
    const sessionId = await openConnected(alice, s)
    const { code } = (await alice.ask('session.handOff', { sessionId })) as { code: string }
    // Until it is adopted, it is still alice's.
    await alice.ask('session.key', { sessionId, keysym: 65, down: true })
    await bob.ask('session.adopt', { sessionId, code })
    expect(states(alice.client, sessionId).at(-1)).toEqual({
      sessionId,
      state: 'closed',
      error: { kind: 'closed', code: 'HOST_SESSION_MOVED', message: 'the session moved to another window' },
    })
    expect(states(bob.client, sessionId).at(-1)).toMatchObject({ state: 'connected' })
    expect(await refusedWith(alice.ask('session.key', { sessionId, keysym: 66, down: true }))).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
    await bob.ask('session.key', { sessionId, keysym: 67, down: true })
    await until('both keys', () => s.events.filter((e) => e.type === 'key').length === 2)
    // The session stays open for bob; the session list never lost it.
    expect(h.sessionIds()).toEqual([sessionId])
  })

  it('an expired code is refused, and the session stays with its owner', async () => {
    const h = await start(150)
    const s = await server()
    const alice = attach(h, 'alice')
    const bob = attach(h, 'bob')
    const sessionId = await openConnected(alice, s)
    const { code } = (await alice.ask('session.handOff', { sessionId })) as { code: string }
    await new Promise((r) => setTimeout(r, 300))
    expect(await refusedWith(bob.ask('session.adopt', { sessionId, code }))).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
    expect(h.ownerOf(sessionId)).toBe(alice.client)
    expect(h.sessionIds()).toEqual([sessionId])
    expect(states(alice.client, sessionId).at(-1)).toMatchObject({ state: 'connected' })
  })

  it('a wall tile can be neither handed off nor adopted', async () => {
    const h = await start()
    const s = await server()
    const wall = attach(h, 'wall')
    const bob = attach(h, 'bob')
    const { sessionId } = (await wall.ask('session.open', { address: `127.0.0.1::${s.port}`, watch: true })) as { sessionId: string }
    await until('connected', () => connected(wall.client, sessionId))
    expect(await refusedWith(wall.ask('session.handOff', { sessionId }))).toMatchObject({ kind: 'refused', code: 'HOST_HANDOFF_WATCH' })
    expect(await refusedWith(bob.ask('session.adopt', { sessionId, code: 'A'.repeat(32) }))).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
    expect(h.ownerOf(sessionId)).toBe(wall.client)
  })

  it('is refused while the session waits for a password, and allowed once it is answered', async () => {
    const h = await start()
    const s = await server({ password: 'secret' })
    const alice = attach(h, 'alice')
    const { sessionId } = (await alice.ask('session.open', { address: `127.0.0.1::${s.port}` })) as { sessionId: string }
    await until('the password question', () => of(alice.client, 'session.credentials', sessionId).length === 1)
    expect(await refusedWith(alice.ask('session.handOff', { sessionId }))).toMatchObject({ kind: 'refused', code: 'HOST_HANDOFF_BUSY' })
    // A wrong password: the question is asked again, and moving is still refused.
    await alice.ask('session.credentials', { sessionId, password: 'wrong', save: false })
    await until('the second question', () => of(alice.client, 'session.credentials', sessionId).length === 2)
    expect(await refusedWith(alice.ask('session.handOff', { sessionId }))).toMatchObject({ code: 'HOST_HANDOFF_BUSY' })
    await alice.ask('session.credentials', { sessionId, password: 'secret', save: false })
    await until('connected', () => connected(alice.client, sessionId))
    expect(await alice.ask('session.handOff', { sessionId })).toMatchObject({ code: expect.any(String) })
  })

  it('an orphan survives its owner leaving, keeps reading updates nobody acks, and is adopted', async () => {
    const h = await start()
    const s = await server({ width: 16, height: 8, colour: [1, 2, 3] })
    const alice = attach(h, 'alice')
    const bob = attach(h, 'bob')
    const mallory = attach(h, 'mallory')
    const sessionId = await openConnected(alice, s)
    await until('a frame', () => of(alice.client, 'session.frame', sessionId).length === 1)
    const { code } = (await alice.ask('session.handOff', { sessionId })) as { code: string }
    // Alice's window closes (or reloads) before bob's page has loaded; her frame stays unacked.
    alice.link.detach()
    expect(h.sessionIds()).toEqual([sessionId])
    // No client owns it now: nobody can drive it.
    expect(await refusedWith(mallory.ask('session.refresh', { sessionId }))).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
    // The screen changes four times: batches 2-5 go to nobody, and none may hold the engine
    // (with two in flight and no ack coming it would wait for the 60 s ack timeout).
    for (let i = 0; i < 4; i++) for (const sock of s.sockets) sock.write(onePixelUpdate())
    await new Promise((r) => setTimeout(r, 300))

    const summary = (await bob.ask('session.adopt', { sessionId, code })) as SessionSummary
    expect(summary).toMatchObject({ sessionId, state: 'connected' })
    expect(h.ownerOf(sessionId)).toBe(bob.client)
    await until('a frame for bob', () => of(bob.client, 'session.frame', sessionId).length > 0, 3_000)
    // Bob's first batch is the full picture asked for on adopting, after all four were read.
    expect((of(bob.client, 'session.frame', sessionId)[0].payload as { seq: number }).seq).toBe(6)
    expect(of(mallory.client, 'session.frame', sessionId)).toEqual([])
  })

  it('an orphan nobody adopts is closed at the deadline', async () => {
    const h = await start(200)
    const s = await server()
    const alice = attach(h, 'alice')
    const watcher = attach(h, 'address book')
    const sessionId = await openConnected(alice, s)
    const { code } = (await alice.ask('session.handOff', { sessionId })) as { code: string }
    alice.link.detach()
    expect(h.sessionIds()).toEqual([sessionId])
    await until('closed', () => h.sessionIds().length === 0, 3_000)
    await until('the server hung up', () => s.sockets.size === 0, 3_000)
    expect(await refusedWith(watcher.ask('session.adopt', { sessionId, code }))).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
  })

  it('an owner that leaves without a hand-off still ends its session', async () => {
    const h = await start()
    const s = await server()
    const alice = attach(h, 'alice')
    const sessionId = await openConnected(alice, s)
    alice.link.detach()
    expect(h.sessionIds()).toEqual([])
    void sessionId
  })
})
