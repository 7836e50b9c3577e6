import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { createHost } from '../../src/main/host/create-host'
import type { ClientLink, HostClient } from '../../src/main/host/endpoint'
import type { Host } from '../../src/main/host/host'
import { scalePreview } from '../../src/main/host/session-preview'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { connectTcp } from '../../src/main/rfb/transport/tcp'
import type { ClientEventName, ClientEvents, HostReply, SessionPreview, SessionSummary } from '../../src/shared/contract'
import type { FrameBatch } from '../../src/shared/ops'
import type { ConnectionProfile } from '../../src/shared/profile'
import { applyBatch } from '../helpers/batch-applier'
import { firstDifference } from '../helpers/compare'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'

/** A window or browser tab as the host sees it: what it is delivered, and its way to ask. */
class Window implements HostClient {
  readonly events: { name: ClientEventName; payload: unknown }[] = []
  readonly link: ClientLink
  /** Paints the frames it is sent (acking each, as the renderer does) once `canvas` is set. */
  canvas: FramebufferSink | null = null

  constructor(host: Host) {
    this.link = host.attach(this)
  }

  deliver<K extends ClientEventName>(name: K, payload: ClientEvents[K]): void {
    this.events.push({ name, payload })
    if (name === 'session.frame' && this.canvas) {
      const batch = payload as FrameBatch
      applyBatch(this.canvas, batch)
      void this.link.request('session.ack', { sessionId: batch.sessionId, seq: batch.seq })
    }
  }

  async ask<T>(name: string, arg?: unknown): Promise<T> {
    const reply: HostReply = await this.link.request(name, arg)
    if (!reply.ok) throw new Error(`${name}: ${reply.error.code} ${reply.error.message}`)
    return reply.result as T
  }

  count(name: ClientEventName, sessionId?: string): number {
    return this.events.filter((e) => e.name === name && (sessionId === undefined || (e.payload as { sessionId?: string }).sessionId === sessionId)).length
  }

  lastSessions(): SessionSummary[] {
    return (this.events.filter((e) => e.name === 'sessions.changed').at(-1)?.payload as { sessions: SessionSummary[] } | undefined)?.sessions ?? []
  }
}

/** Channel differences between a preview and the same scaling of a reference picture: the mean, and the share of pixels off by more than `tolerance`. */
function compare(preview: SessionPreview, expected: SessionPreview, tolerance: number): { mean: number; off: number } {
  let sum = 0
  let off = 0
  for (let i = 0; i < preview.rgba.length; i += 4) {
    let worst = 0
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(preview.rgba[i + c] - expected.rgba[i + c])
      sum += d
      worst = Math.max(worst, d)
    }
    if (worst > tolerance) off++
  }
  return { mean: sum / (preview.rgba.length * 0.75), off: off / (preview.rgba.length / 4) }
}

describe.skipIf(!serverAvailable('tigervnc'))('sessions shared by two windows, against TigerVNC', () => {
  let server: RunningServer
  let reference: FramebufferSink
  let dir: string
  let host: Host

  beforeAll(async () => {
    server = await startServer('tigervnc', { content: 'static' })
    reference = (await takeSnapshot({ host: server.host, port: server.port }, { encodings: [0] })).framebuffer
    dir = mkdtempSync(join(tmpdir(), 'tessera-host-sessions-'))
    host = (await createHost({ dataDir: dir, log: () => {} })).host
  })
  afterAll(async () => {
    await host?.shutdown()
    await server?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('both see the session listed; either previews it; adopting it with the code alice handed off moves its frames, and the new picture equals a Raw snapshot', async () => {
    const alice = new Window(host)
    const bob = new Window(host)
    // Full colour and no quality level: lossless, so pictures compare exactly.
    const profile = await alice.ask<ConnectionProfile>('profiles.save', {
      id: '',
      name: 'tiger',
      host: server.host,
      port: server.port,
      group: '',
      notes: '',
      savePassword: false,
      viewOnly: true,
      shared: true,
      encodings: 'auto',
      quality: null,
      compression: null,
      colourDepth: 24,
      scaling: 'fit',
      createdAt: 0,
      lastUsedAt: 0,
    })
    alice.canvas = new FramebufferSink()
    const { sessionId } = await alice.ask<{ sessionId: string }>('session.open', { profileId: profile.id })
    await expect.poll(() => firstDifference(alice.canvas!, reference), { timeout: 15_000 }).toBeNull()

    const listed = { sessionId, profileId: profile.id, name: 'tiger', state: 'connected', width: 800, height: 600, viewOnly: true, watch: false }
    for (const w of [alice, bob]) await expect.poll(() => w.lastSessions(), { timeout: 5_000 }).toEqual([expect.objectContaining(listed)])
    expect(await bob.ask<SessionSummary[]>('sessions.list')).toEqual([expect.objectContaining(listed)])

    // Bob's preview of alice's session is the server's picture scaled down (800 columns: the mirror has them all).
    const preview = await bob.ask<SessionPreview>('sessions.preview', { sessionId, maxWidth: 320 })
    expect([preview.width, preview.height]).toEqual([320, 240])
    const { mean, off } = compare(preview, scalePreview(reference, 320), 8)
    expect(mean).toBeLessThan(1)
    expect(off).toBeLessThan(0.01)

    // Bob cannot take it without the code alice's window hands off; with it, once.
    await expect(bob.ask('session.adopt', { sessionId, code: 'A'.repeat(32) })).rejects.toThrow(/HOST_UNKNOWN_SESSION/)
    await expect(bob.ask('session.handOff', { sessionId })).rejects.toThrow(/HOST_UNKNOWN_SESSION/)
    const { code } = await alice.ask<{ code: string }>('session.handOff', { sessionId })

    // Bob adopts it: his empty canvas is made whole, and alice is told it moved and hears no more of it.
    const aliceSaw = alice.events.length
    bob.canvas = new FramebufferSink()
    bob.canvas.resize(800, 600)
    const summary = await bob.ask<SessionSummary>('session.adopt', { sessionId, code })
    expect(summary).toMatchObject(listed)
    await expect.poll(() => firstDifference(bob.canvas!, reference), { timeout: 15_000 }).toBeNull()
    expect(bob.events.find((e) => e.name === 'session.state')?.payload).toMatchObject({ sessionId, state: 'connected', info: { width: 800, height: 600 } })
    expect(bob.count('session.cursor', sessionId)).toBe(1)
    expect(alice.events.slice(aliceSaw).filter((e) => (e.payload as { sessionId?: string }).sessionId === sessionId)).toEqual([
      {
        name: 'session.state',
        payload: { sessionId, state: 'closed', error: { kind: 'closed', code: 'HOST_SESSION_MOVED', message: 'the session moved to another window' } },
      },
    ])
    await expect(alice.ask('session.adopt', { sessionId, code })).rejects.toThrow(/HOST_UNKNOWN_SESSION/)

    // Alice's window closing no longer ends it; bob closing it does.
    alice.link.detach()
    expect(host.sessionIds()).toEqual([sessionId])
    await bob.ask('session.close', { sessionId })
    await expect.poll(() => bob.lastSessions(), { timeout: 5_000 }).toEqual([])
  }, 60_000)
})

describe.skipIf(!serverAvailable('tigervnc'))('a watch session (live-wall tile) against TigerVNC with a busy screen', () => {
  const ROOT = [0x33, 0x66, 0xcc]
  let server: RunningServer
  let dir: string
  let host: Host
  /** When each FramebufferUpdateRequest left for the server (ms), and whether it was incremental. */
  const requests: { at: number; incremental: boolean }[] = []
  /** SetPixelFormat messages sent. */
  let pixelFormats = 0

  beforeAll(async () => {
    server = await startServer('tigervnc', { width: 1024, height: 768 })
    const hex = ROOT.map((c) => c.toString(16).padStart(2, '0')).join('')
    await new Promise((ok) => server.spawnClient('xsetroot', ['-solid', `#${hex}`]).once('exit', ok))
    // A clock that changes 20 times a second in the top-left corner: there is always something new.
    server.spawnClient('xterm', ['-geometry', '30x3+0+0', '-e', 'sh', '-c', 'while :; do date +%s.%N; sleep 0.05; done'])
    dir = mkdtempSync(join(tmpdir(), 'tessera-host-watch-'))
    host = (
      await createHost({
        dataDir: dir,
        log: () => {},
        // The real TCP connection, with every update request it carries noted.
        openTransport: async (target, timeoutMs) => {
          const t = await connectTcp(target.host, target.port, timeoutMs)
          const write = t.write.bind(t)
          t.write = (data: Uint8Array) => {
            if (data[0] === 3 && data.length === 10) requests.push({ at: performance.now(), incremental: data[1] !== 0 })
            if (data[0] === 0 && data.length === 20) pixelFormats++
            return write(data)
          }
          return t
        },
      })
    ).host
  })
  afterAll(async () => {
    await host?.shutdown()
    await server?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('asks for about one update a second, sends its window no frames, and its preview shows the screen', async () => {
    const wall = new Window(host)
    const { sessionId } = await wall.ask<{ sessionId: string }>('session.open', { address: `${server.host}::${server.port}`, watch: true })
    await expect.poll(() => wall.lastSessions()[0]?.state, { timeout: 15_000 }).toBe('connected')
    expect(wall.lastSessions()[0]).toMatchObject({ sessionId, watch: true, viewOnly: true, width: 1024, height: 768 })
    const start = performance.now()
    await new Promise((r) => setTimeout(r, 5_000))
    const inWindow = requests.filter((r) => r.at >= start && r.incremental)
    // One a second, give or take the update in flight at each end (and a loaded machine's timers).
    expect(inWindow.length).toBeGreaterThanOrEqual(4)
    expect(inWindow.length).toBeLessThanOrEqual(6)
    for (let i = 1; i < inWindow.length; i++) expect(inWindow[i].at - inWindow[i - 1].at).toBeGreaterThan(950)
    expect(wall.count('session.frame')).toBe(0)
    expect(wall.count('session.cursor')).toBe(0)
    // TigerVNC answers with Tight, so the tile keeps full colour for JPEG: the first SetPixelFormat is the only one.
    expect(pixelFormats).toBe(1)

    // The preview: the root's colour away from the clock and the pointer in the middle (JPEG at a low level: close, not exact).
    const preview = (await wall.ask<SessionPreview | null>('sessions.preview', { sessionId, maxWidth: 256 }))!
    expect([preview.width, preview.height]).toEqual([256, 192])
    const at = (x: number, y: number): number[] => [...preview.rgba.subarray((y * 256 + x) * 4, (y * 256 + x) * 4 + 3)]
    for (const [x, y] of [
      [200, 150],
      [60, 120],
      [250, 10],
      [10, 180],
    ]) {
      const px = at(x, y)
      px.forEach((c, i) => expect(Math.abs(c - ROOT[i]), `pixel ${x},${y} is ${px}`).toBeLessThanOrEqual(12))
    }
    await wall.ask('session.close', { sessionId })
  }, 60_000)
})
