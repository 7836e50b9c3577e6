import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import type { ClientLink } from '../../../src/main/host/endpoint'
import { type Host, MAX_SESSIONS } from '../../../src/main/host/host'
import type { ConnectionStore } from '../../../src/main/host/connection-store'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import type { HostReply, SessionPreview, SessionSummary } from '../../../src/shared/contract'
import { newProfile } from '../../../src/shared/profile'
import { applyBatch } from '../../helpers/batch-applier'
import { type Delivered, FakeClient } from './fake-client'
import { MiniServer, type MiniServerOptions } from './mini-server'

let dir: string
let host: Host
let store: ConnectionStore
const servers: MiniServer[] = []

async function server(options: MiniServerOptions = {}): Promise<MiniServer> {
  const s = await new MiniServer(options).start()
  servers.push(s)
  return s
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-sessions-'))
  ;({ host, store } = await createHost({
    dataDir: dir,
    keychain: null,
    decodeImage: null,
    log: () => {},
    // Acks that never come must not be rescued by the timeout in these tests.
    timings: { ackTimeoutMs: 60_000, statsIntervalMs: 60_000, thumbnailDelayMs: 60_000, reconnect: { baseMs: 20, maxMs: 100, attempts: 2 } },
  }))
})

afterEach(async () => {
  await host.shutdown()
  await Promise.all(servers.splice(0).map((s) => s.stop().catch(() => undefined)))
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
})

/** A client attached to the host, with its link and what it was delivered. */
function attach(label: string): { client: FakeClient; link: ClientLink; ask: (name: string, arg?: unknown) => Promise<unknown> } {
  const client = new FakeClient(label)
  const link = host.attach(client)
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
const connected = (c: FakeClient, id: string): boolean => of(c, 'session.state', id).some((d) => (d.payload as { state: string }).state === 'connected')
const lastList = (c: FakeClient): SessionSummary[] | undefined =>
  (c.delivered.filter((d) => d.name === 'sessions.changed').at(-1)?.payload as { sessions: SessionSummary[] } | undefined)?.sessions
const refusedWith = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => expect.fail('expected a refusal'),
    (e: unknown) => e,
  )

describe('sessions registry', () => {
  it('lists every open session to every client, and tells them all when sessions open, connect and close', async () => {
    const s = await server({ width: 8, height: 6 })
    const alice = attach('alice')
    const bob = attach('bob')
    const saved = await store.save(newProfile({ id: '', host: '127.0.0.1', port: s.port, name: 'Build box' }))
    const { sessionId: a } = (await alice.ask('session.open', { profileId: saved.id })) as { sessionId: string }
    const { sessionId: b } = (await bob.ask('session.open', { address: `127.0.0.1::${s.port}`, username: 'x' })) as { sessionId: string }
    await until('both connected', () => connected(alice.client, a) && connected(bob.client, b))
    // The typed address becomes a saved connection just after connecting: wait for the list that names it.
    await until('the list with both connected', () => lastList(alice.client)?.filter((x) => x.state === 'connected' && x.profileId).length === 2)
    const expected = [
      { sessionId: a, profileId: saved.id, name: 'Build box', desktopName: 'mini', state: 'connected', width: 8, height: 6, viewOnly: false, watch: false },
      // A typed address is named by its address (and remembered as a new entry on connecting).
      {
        sessionId: b,
        profileId: expect.any(String),
        name: `127.0.0.1::${s.port}`,
        desktopName: 'mini',
        state: 'connected',
        width: 8,
        height: 6,
        viewOnly: false,
        watch: false,
      },
    ]
    expect(lastList(alice.client)).toEqual(expected)
    await until('bob hears it too', () => lastList(bob.client)?.filter((x) => x.state === 'connected' && x.profileId).length === 2)
    // Whoever asks gets the same list: session summaries are not private.
    expect(await bob.ask('sessions.list')).toEqual(expected)

    await alice.ask('session.close', { sessionId: a })
    await until('the list without a', () => lastList(bob.client)?.length === 1)
    expect(lastList(bob.client)![0].sessionId).toBe(b)
  })

  it('coalesces bursts: sessions opening together and their frames cost a few sessions.changed, not one per change', async () => {
    const s = await server()
    const alice = attach('alice')
    const ids: string[] = []
    for (let i = 0; i < 6; i++) ids.push(((await alice.ask('session.open', { address: `127.0.0.1::${s.port}` })) as { sessionId: string }).sessionId)
    await until('all connected', () => ids.every((id) => connected(alice.client, id)))
    // Connected, and remembered in the address book (the summaries then name their new profiles).
    await until('the list with all connected', () => lastList(alice.client)?.filter((x) => x.state === 'connected' && x.profileId).length === 6)
    // ... and the address book writes have settled: no announcement for a while.
    const announcements = (): number => alice.client.names().filter((n) => n === 'sessions.changed').length
    for (let before = -1; before !== announcements();) {
      before = announcements()
      await new Promise((r) => setTimeout(r, 400))
    }
    const announced = announcements()
    const states = alice.client.names().filter((n) => n === 'session.state').length
    expect(states).toBeGreaterThanOrEqual(12)
    // Without coalescing: one per open, per state change and per address book entry (over 24).
    expect(announced).toBeLessThanOrEqual(6)
    // Frames (a refresh paints a full update) change nothing a summary shows.
    const frames = alice.client.names().filter((n) => n === 'session.frame').length
    for (const id of ids) await alice.ask('session.refresh', { sessionId: id })
    await until('the refreshed frames', () => alice.client.names().filter((n) => n === 'session.frame').length >= frames + 6)
    await new Promise((r) => setTimeout(r, 400))
    expect(alice.client.names().filter((n) => n === 'sessions.changed').length).toBe(announced)
  })

  it('any client may close or preview any session; input and answers stay with the owner', async () => {
    const s = await server({ width: 640, height: 480, colour: [200, 100, 50] })
    const alice = attach('alice')
    const bob = attach('bob')
    const { sessionId } = (await alice.ask('session.open', { address: `127.0.0.1::${s.port}` })) as { sessionId: string }
    await until('a frame', () => of(alice.client, 'session.frame', sessionId).length > 0)
    const preview = (await bob.ask('sessions.preview', { sessionId, maxWidth: 320 })) as SessionPreview
    expect([preview.width, preview.height]).toEqual([320, 240])
    expect(preview.rgba).toHaveLength(320 * 240 * 4)
    for (let i = 0; i < preview.rgba.length; i += 4) if (preview.rgba[i] !== 200) expect.fail(`pixel ${i / 4} is ${[...preview.rgba.subarray(i, i + 4)]}`)
    expect([...preview.rgba.subarray(0, 4)]).toEqual([200, 100, 50, 255])

    for (const [name, arg] of [
      ['session.key', { sessionId, keysym: 65, down: true }],
      ['session.pointer', { sessionId, buttons: 1, x: 1, y: 1 }],
      ['session.clipboard', { sessionId, text: 'x' }],
      ['session.ack', { sessionId, seq: 1 }],
      ['session.credentials', { sessionId, password: 'p', save: false }],
      ['session.trust', { sessionId, decision: 'always' }],
      ['session.hostKey', { sessionId, decision: 'always' }],
      ['session.downgrade', { sessionId, accept: true }],
    ] as const) {
      expect(await refusedWith(bob.ask(name, arg)), name).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
    }
    expect(s.events.filter((e) => e.type !== 'update-request')).toEqual([])

    await bob.ask('session.close', { sessionId })
    await until('closed for alice', () => of(alice.client, 'session.state', sessionId).some((d) => (d.payload as { state: string }).state === 'closed'))
    expect(host.sessionIds()).toEqual([])
    expect(await refusedWith(bob.ask('sessions.preview', { sessionId, maxWidth: 320 }))).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
    expect(await refusedWith(bob.ask('session.close', { sessionId }))).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
  })

  it('adopt: the new owner gets the state, the cursor and a full picture, even when the old owner left batches unacked', async () => {
    const s = await server({ width: 16, height: 8, colour: [1, 2, 3] })
    const alice = attach('alice')
    const bob = attach('bob')
    const { sessionId } = (await alice.ask('session.open', { address: `127.0.0.1::${s.port}` })) as { sessionId: string }
    await until('a frame', () => of(alice.client, 'session.frame', sessionId).length === 1)
    // Alice never acks: a second batch fills both slots, and the engine waits for an ack that will not come.
    await alice.ask('session.refresh', { sessionId })
    await until('a second frame', () => of(alice.client, 'session.frame', sessionId).length === 2)
    const aliceSaw = alice.client.delivered.length

    const summary = (await bob.ask('session.adopt', { sessionId })) as SessionSummary
    expect(summary).toMatchObject({ sessionId, state: 'connected', width: 16, height: 8 })
    expect(host.ownerOf(sessionId)).toBe(bob.client)
    // Long before the 60 s ack timeout: the hand-off freed the engine.
    await until('a frame for bob', () => of(bob.client, 'session.frame', sessionId).length > 0, 3_000)
    const state = of(bob.client, 'session.state', sessionId)[0].payload as { state: string; info?: { width: number } }
    expect(state).toMatchObject({ state: 'connected', info: { width: 16, height: 8, name: 'mini' } })
    expect(of(bob.client, 'session.cursor', sessionId)).toHaveLength(1)
    // Bob's canvas starts empty: what he is sent paints all of it.
    const fb = new FramebufferSink(null)
    fb.resize(16, 8)
    for (const d of of(bob.client, 'session.frame', sessionId)) applyBatch(fb, d.payload as Parameters<typeof applyBatch>[1])
    expect(new Set(fb.words)).toEqual(new Set([fb.words[0]]))
    expect([...fb.data.subarray(0, 4)]).toEqual([1, 2, 3, 255])
    expect(s.events.filter((e) => e.type === 'update-request' && !e.incremental).length).toBe(3)

    // Alice hears nothing more of it and cannot drive it; bob can, and his acks keep it going.
    expect(alice.client.delivered.slice(aliceSaw).filter((d) => (d.payload as { sessionId?: string }).sessionId === sessionId)).toEqual([])
    expect(await refusedWith(alice.ask('session.key', { sessionId, keysym: 65, down: true }))).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
    await bob.ask('session.key', { sessionId, keysym: 65, down: true })
    await until('the key', () => s.events.some((e) => e.type === 'key'))
    for (let i = 0; i < 3; i++) {
      const seen = of(bob.client, 'session.frame', sessionId)
      await bob.ask('session.ack', { sessionId, seq: (seen.at(-1)!.payload as { seq: number }).seq })
      await bob.ask('session.refresh', { sessionId })
      await until('the next frame', () => of(bob.client, 'session.frame', sessionId).length > seen.length)
    }
    // Alice leaving no longer ends it: it is bob's now.
    alice.link.detach()
    expect(host.sessionIds()).toEqual([sessionId])
  })

  it('a client leaving ends its own sessions and nothing else', async () => {
    const s = await server()
    const alice = attach('alice')
    const bob = attach('bob')
    const { sessionId: a } = (await alice.ask('session.open', { address: `127.0.0.1::${s.port}` })) as { sessionId: string }
    const { sessionId: b } = (await bob.ask('session.open', { address: `127.0.0.1::${s.port}` })) as { sessionId: string }
    await until('both connected', () => connected(alice.client, a) && connected(bob.client, b))
    alice.link.detach()
    expect(host.sessionIds()).toEqual([b])
    await until('the list without a', () => lastList(bob.client)?.length === 1)
    expect(lastList(bob.client)![0]).toMatchObject({ sessionId: b, state: 'connected' })
    expect(of(bob.client, 'session.state', b).map((d) => (d.payload as { state: string }).state)).toEqual(['connecting', 'connected'])
  })
})

describe('watch sessions', () => {
  it('are view-only, stream no frames, and still have a preview', async () => {
    const s = await server({ width: 64, height: 32, colour: [9, 99, 199] })
    const wall = attach('wall')
    const { sessionId } = (await wall.ask('session.open', { address: `127.0.0.1::${s.port}`, watch: true })) as { sessionId: string }
    await until('connected', () => connected(wall.client, sessionId))
    await until('a preview', () => host.sessionIds().length === 1 && lastList(wall.client)?.[0]?.state === 'connected')
    let preview: SessionPreview | null = null
    await until('the first picture', () => {
      void wall.ask('sessions.preview', { sessionId, maxWidth: 16 }).then((p) => (preview = p as SessionPreview | null))
      return preview !== null
    })
    expect([preview!.width, preview!.height]).toEqual([16, 8])
    expect([...preview!.rgba.subarray(0, 4)]).toEqual([9, 99, 199, 255])
    expect(lastList(wall.client)![0]).toMatchObject({ sessionId, watch: true, viewOnly: true, width: 64, height: 32 })
    expect(wall.client.names().filter((n) => n === 'session.frame' || n === 'session.cursor')).toEqual([])
    // View-only whatever the profile says: nothing reaches the server.
    await wall.ask('session.key', { sessionId, keysym: 65, down: true })
    await wall.ask('session.pointer', { sessionId, buttons: 1, x: 1, y: 1 })
    await wall.ask('session.clipboard', { sessionId, text: 'x' })
    expect(await refusedWith(wall.ask('session.power', { sessionId, action: 'reboot' }))).toMatchObject({ code: 'HOST_VIEW_ONLY' })
    await new Promise((r) => setTimeout(r, 100))
    expect(s.events.filter((e) => e.type !== 'update-request')).toEqual([])
  })

  it('never ask for a password: one not saved ends the session with "open it to sign in"', async () => {
    const s = await server({ password: 'secret' })
    const wall = attach('wall')
    const { sessionId } = (await wall.ask('session.open', { address: `127.0.0.1::${s.port}`, watch: true })) as { sessionId: string }
    await until('closed', () => of(wall.client, 'session.state', sessionId).some((d) => (d.payload as { state: string }).state === 'closed'))
    const closed = of(wall.client, 'session.state', sessionId).at(-1)!.payload as { error?: { code: string; message: string } }
    expect(closed.error).toMatchObject({ kind: 'auth', code: 'HOST_WATCH_SIGN_IN' })
    expect(closed.error!.message).toContain('open it to sign in')
    expect(wall.client.names()).not.toContain('session.credentials')
    expect(host.sessionIds()).toEqual([])
  })

  it('a saved password that is refused ends it too, without asking again', async () => {
    await host.handle('secrets.allowPlainFile', { allow: true })
    const first = await server({ password: 'secret' })
    const typist = attach('typist')
    const { sessionId: typed } = (await typist.ask('session.open', { address: `127.0.0.1::${first.port}` })) as { sessionId: string }
    await until('asked', () => of(typist.client, 'session.credentials', typed).length > 0)
    await typist.ask('session.credentials', { sessionId: typed, password: 'secret', save: true })
    await until('saved', () => store.list().some((p) => p.port === first.port && p.savePassword))
    await typist.ask('session.close', { sessionId: typed })
    // The server's password changes: the saved one is wrong now.
    await first.stop()
    const changed = new MiniServer({ password: 'changed' })
    changed.port = first.port
    servers.push(await changed.start())

    const wall = attach('wall')
    const { sessionId } = (await wall.ask('session.open', { address: `127.0.0.1::${first.port}`, watch: true })) as { sessionId: string }
    await until('closed', () => of(wall.client, 'session.state', sessionId).some((d) => (d.payload as { state: string }).state === 'closed'))
    expect(changed.connections).toBe(1)
    const closed = of(wall.client, 'session.state', sessionId).at(-1)!.payload as { error?: { message: string } }
    expect(closed).toMatchObject({ error: { kind: 'auth', code: 'HOST_WATCH_SIGN_IN' } })
    // The server's refusal of the saved password, not a password missing.
    expect(closed.error!.message).toContain('authentication failed')
    expect(wall.client.names()).not.toContain('session.credentials')
  })

  it('never ask about weaker security: a downgrade ends the session with "open it to answer"', async () => {
    const s = await server()
    const saved = await store.save({ ...newProfile({ id: '', host: '127.0.0.1', port: s.port }), protection: 'encrypted' })
    const wall = attach('wall')
    const { sessionId } = (await wall.ask('session.open', { profileId: saved.id, watch: true })) as { sessionId: string }
    await until('closed', () => of(wall.client, 'session.state', sessionId).some((d) => (d.payload as { state: string }).state === 'closed'))
    expect(of(wall.client, 'session.state', sessionId).at(-1)!.payload).toMatchObject({ error: { kind: 'refused', code: 'HOST_WATCH_NEEDS_ANSWER' } })
    expect(wall.client.names()).not.toContain('session.downgrade')
  })

  it('retry like other sessions when the server goes away, and every window sees it in the list', async () => {
    // Its own host: reconnect attempts spaced widely enough for the list to show them.
    const ownDir = mkdtempSync(join(tmpdir(), 'tessera-sessions-retry-'))
    const own = (
      await createHost({ dataDir: ownDir, keychain: null, decodeImage: null, log: () => {}, timings: { reconnect: { baseMs: 300, maxMs: 300, attempts: 50 } } })
    ).host
    try {
      const s = await server()
      const wall = new FakeClient('wall')
      const other = new FakeClient('address book')
      const link = own.attach(wall)
      own.attach(other)
      const reply = (await link.request('session.open', { address: `127.0.0.1::${s.port}`, watch: true })) as HostReply & { ok: true }
      const { sessionId } = reply.result as { sessionId: string }
      await until('connected', () => lastList(other)?.[0]?.state === 'connected')
      await s.stop()
      await until('reconnecting in the list', () => lastList(other)?.[0]?.state === 'reconnecting')
      expect(lastList(other)![0]).toMatchObject({ sessionId, watch: true, error: { kind: 'network' } })
      expect(of(wall, 'session.state', sessionId).at(-1)!.payload).toMatchObject({ state: 'reconnecting', error: { kind: 'network' } })
      await s.restart()
      await until('connected again', () => lastList(other)?.[0]?.state === 'connected')
      expect(lastList(other)![0].error).toBeUndefined()
    } finally {
      await own.shutdown()
      rmSync(ownDir, { recursive: true, force: true, maxRetries: 3 })
    }
  })

  it(`count toward MAX_SESSIONS (${MAX_SESSIONS}): a wall of 20 tiles and 4 sessions fit`, async () => {
    const s = await server()
    const wall = attach('wall')
    const ids: string[] = []
    for (let i = 0; i < 20; i++)
      ids.push(((await wall.ask('session.open', { address: `127.0.0.1::${s.port}`, watch: true })) as { sessionId: string }).sessionId)
    for (let i = 0; i < 4; i++) ids.push(((await wall.ask('session.open', { address: `127.0.0.1::${s.port}` })) as { sessionId: string }).sessionId)
    await until('all connected', () => ids.every((id) => connected(wall.client, id)), 10_000)
    await until('all listed', () => lastList(wall.client)?.filter((x) => x.state === 'connected').length === 24)
    expect(lastList(wall.client)!.filter((x) => x.watch)).toHaveLength(20)
  })
})
