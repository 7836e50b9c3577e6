import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import { type Host, MAX_SESSIONS, MAX_WATCH_SESSIONS } from '../../../src/main/host/host'
import type { Transport } from '../../../src/main/rfb/transport/transport'
import type { HostReply } from '../../../src/shared/contract'
import { FakeClient } from './fake-client'
import { MiniServer } from './mini-server'

const cleanup: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

/** A host of its own; `hang`: every TCP connection stays connecting forever (sessions that cost nothing). */
async function ownHost(hang: boolean, watchIntervalMs = 1_000): Promise<Host> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-watch-limits-'))
  const { host } = await createHost({
    dataDir: dir,
    keychain: null,
    decodeImage: null,
    log: () => {},
    timings: { watchIntervalMs, statsIntervalMs: 60_000, thumbnailDelayMs: 60_000 },
    ...(hang ? { openTransport: () => new Promise<Transport>(() => {}) } : {}),
  })
  cleanup.push(async () => {
    await host.shutdown()
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  })
  return host
}

function client(host: Host, label: string): (name: string, arg?: unknown) => Promise<HostReply> {
  const link = host.attach(new FakeClient(label))
  return (name, arg) => link.request(name, arg)
}

const ok = (r: HostReply): unknown => {
  if (!r.ok) throw new Error(`refused: ${r.error.code} ${r.error.message}`)
  return r.result
}

async function until(what: string, test: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('session budgets', () => {
  it(`wall tiles have their own ${MAX_WATCH_SESSIONS}, ordinary sessions their own ${MAX_SESSIONS}, each refused with its own code`, async () => {
    const host = await ownHost(true)
    const wall = client(host, 'wall')
    const book = client(host, 'book')
    for (let i = 0; i < MAX_WATCH_SESSIONS; i++) ok(await wall('session.open', { address: `10.0.0.${i % 250}::5900`, watch: true }))
    const tile = await wall('session.open', { address: '10.0.1.1::5900', watch: true })
    expect(tile).toMatchObject({ ok: false, error: { kind: 'refused', code: 'HOST_TOO_MANY_TILES' } })
    expect(!tile.ok && tile.error.message).toContain(`at most ${MAX_WATCH_SESSIONS}`)
    // A full wall leaves every ordinary slot free.
    for (let i = 0; i < MAX_SESSIONS; i++) ok(await book('session.open', { address: `10.0.2.${i % 250}::5900` }))
    expect(await book('session.open', { address: '10.0.3.1::5900' })).toMatchObject({ ok: false, error: { code: 'HOST_TOO_MANY_SESSIONS' } })
    // ... and a full set of sessions does not spend a tile's slot: closing one tile makes room for exactly one.
    const first = host.sessionIds()[0]
    ok(await wall('session.close', { sessionId: first }))
    ok(await wall('session.open', { address: '10.0.1.2::5900', watch: true }))
    expect(await wall('session.open', { address: '10.0.1.3::5900', watch: true })).toMatchObject({ ok: false, error: { code: 'HOST_TOO_MANY_TILES' } })
    expect(host.sessionIds()).toHaveLength(MAX_WATCH_SESSIONS + MAX_SESSIONS)
  })
})

describe('session.watchPaused', () => {
  it('stops a watch session asking for updates while paused, and resumes it', async () => {
    const server = await new MiniServer({ busy: true, width: 16, height: 8 }).start()
    cleanup.push(() => server.stop())
    const host = await ownHost(false, 40)
    const wall = client(host, 'wall')
    const { sessionId } = ok(await wall('session.open', { address: `127.0.0.1::${server.port}`, watch: true })) as { sessionId: string }
    const requests = (): number => server.events.filter((e) => e.type === 'update-request').length
    await until('paced updates', () => requests() >= 4)
    ok(await wall('session.watchPaused', { sessionId, paused: true }))
    // An update asked for before the pause may still arrive; after it, nothing is asked for.
    await new Promise((r) => setTimeout(r, 100))
    const atPause = requests()
    await new Promise((r) => setTimeout(r, 600))
    expect(requests() - atPause, 'update requests while paused (15 intervals)').toBe(0)
    ok(await wall('session.watchPaused', { sessionId, paused: false }))
    await until('updates again', () => requests() >= atPause + 3)
  })

  it('is its owner’s only, and only for watch sessions', async () => {
    const host = await ownHost(true)
    const wall = client(host, 'wall')
    const other = client(host, 'other')
    const { sessionId: tile } = ok(await wall('session.open', { address: '10.0.0.1::5900', watch: true })) as { sessionId: string }
    const { sessionId: plain } = ok(await wall('session.open', { address: '10.0.0.2::5900' })) as { sessionId: string }
    expect(await other('session.watchPaused', { sessionId: tile, paused: true })).toMatchObject({ ok: false, error: { code: 'HOST_UNKNOWN_SESSION' } })
    expect(await wall('session.watchPaused', { sessionId: plain, paused: true })).toMatchObject({ ok: false, error: { code: 'HOST_NOT_WATCHING' } })
    expect(await wall('session.watchPaused', { sessionId: tile, paused: 'yes' })).toMatchObject({ ok: false, error: { code: 'HOST_INVALID_REQUEST' } })
    ok(await wall('session.watchPaused', { sessionId: tile, paused: true }))
  })
})
