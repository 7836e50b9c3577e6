import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Encoding } from '@shared/encodings'
import { busyRecording } from '../../../bench/synthetic'
import { connectRfb } from '../../../src/main/rfb/connect'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { RGBX8888 } from '../../../src/main/rfb/pixel-format'
import { FBS_MAGIC, encodeFbsBlock } from '../../../src/main/rfb/record/fbs'
import { canonicalHandshake } from '../../../src/main/rfb/record/recorded-handshake'
import type { RfbClient } from '../../../src/main/rfb/session'
import { Bytes } from '../../helpers/bytes'
import { desktopFrame } from '../../helpers/desktop'
import { type ReplayServer, startReplayServer } from '../../helpers/replay-server'
import { loadReplayRecording } from '../../helpers/replay-updates'

const W = 96
const H = 64
const LAYOUTS = 3
const servers: ReplayServer[] = []
const clients: RfbClient[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  for (const s of servers.splice(0)) await s.stop()
})

async function serve(opts: { intervalMs?: number; idle?: boolean; log?: (l: string) => void } = {}): Promise<ReplayServer> {
  const s = await startReplayServer({ recording: busyRecording('hextile', W, H, LAYOUTS), ...opts })
  servers.push(s)
  return s
}

/** Connects, and collects a copy of the picture after each of the first `count` updates. */
async function pictures(server: ReplayServer, count: number, pixelFormat: 'rgb888' | 'rgb565' = 'rgb888'): Promise<Uint8Array[]> {
  const sink = new FramebufferSink()
  const seen: Uint8Array[] = []
  let done!: () => void
  const all = new Promise<void>((r) => (done = r))
  sink.onUpdate = () => {
    if (seen.length < count) seen.push(sink.data.slice())
    if (seen.length === count) done()
  }
  const { client } = await connectRfb({ host: '127.0.0.1', port: server.port }, { sink, pixelFormat, encodings: [Encoding.Hextile] })
  clients.push(client)
  await all
  return seen
}

/** The largest difference of any colour channel between two RGBA pictures (alpha ignored). */
function maxChannelDifference(a: Uint8Array, b: Uint8Array): number {
  let worst = 0
  for (let i = 0; i < a.length; i++) if ((i & 3) !== 3) worst = Math.max(worst, Math.abs(a[i] - b[i]))
  return worst
}

describe('replay server', () => {
  it('answers each request with the next recorded update and loops, the picture following the recorded frames', async () => {
    const server = await serve()
    // Update 0 is frame 0; update k is frame k mod LAYOUTS; after the last the loop starts again at update 1.
    const got = await pictures(server, 2 * LAYOUTS + 2)
    got.forEach((picture, k) => {
      const diff = maxChannelDifference(picture, desktopFrame(W, H, k % LAYOUTS))
      expect(diff, `picture after update ${k} differs from frame ${k % LAYOUTS}`).toBe(0)
    })
    expect(server.updatesSent).toBeGreaterThanOrEqual(2 * LAYOUTS + 2)
  })

  it('serves another true-colour format by rewriting the recorded pixels', async () => {
    const server = await serve()
    const got = await pictures(server, 2, 'rgb565')
    // 5 bits of red and blue: each channel within one step of 255/31.
    expect(maxChannelDifference(got[1], desktopFrame(W, H, 1))).toBeLessThanOrEqual(9)
    expect(maxChannelDifference(got[1], desktopFrame(W, H, 0))).toBeGreaterThan(9)
  })

  it('waits intervalMs between updates', async () => {
    const server = await serve({ intervalMs: 150 })
    const started = performance.now()
    await pictures(server, 4)
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 150 - 5)
  })

  it('idle: answers the first request and then holds incremental ones, as a desktop where nothing changes', async () => {
    const server = await serve({ idle: true })
    await pictures(server, 1)
    await new Promise((r) => setTimeout(r, 300))
    expect(server.updatesSent).toBe(1)
  })

  it('timestamps every PointerEvent it receives', async () => {
    const server = await serve()
    const sink = new FramebufferSink()
    const { client } = await connectRfb({ host: '127.0.0.1', port: server.port }, { sink })
    clients.push(client)
    const seen = new Promise<{ x: number; y: number; buttons: number; at: number }>((r) => server.once('pointer', r))
    const sentAt = performance.timeOrigin + performance.now()
    client.sendPointer(1, 40, 30)
    const p = await seen
    expect({ x: p.x, y: p.y, buttons: p.buttons }).toEqual({ x: 40, y: 30, buttons: 1 })
    expect(p.at).toBeGreaterThanOrEqual(sentAt)
    expect(p.at - sentAt).toBeLessThan(1000)
  })

  it('ends a connection that asks for a colour-map format, saying why', async () => {
    const lines: string[] = []
    const server = await serve({ log: (l) => lines.push(l) })
    const sock = net.connect(server.port, '127.0.0.1')
    sock.on('error', () => undefined)
    const closed = new Promise<void>((r) => sock.on('close', () => r()))
    sock.once('data', () => {
      const colourMap = new Bytes().u8(8, 8, 0, 0).u16(0, 0, 0).u8(0, 0, 0, 0, 0, 0).build()
      sock.write(new Bytes().text('RFB 003.008\n').u8(1, 1).build())
      sock.write(new Bytes().u8(0, 0, 0, 0).bytes(colourMap).build())
    })
    await closed
    expect(lines.join('\n')).toMatch(/pixel format this server cannot serve \(a colour map\)/)
  })

  it('ends a connection whose client did not announce the recording’s encoding', async () => {
    const lines: string[] = []
    const server = await serve({ log: (l) => lines.push(l) })
    const { client } = await connectRfb({ host: '127.0.0.1', port: server.port }, { sink: new FramebufferSink(), encodings: [Encoding.ZRLE] })
    clients.push(client)
    await new Promise<void>((r) => client.once('close', () => r()))
    expect(lines.join('\n')).toMatch(/needs encodings 5 that the client did not announce/)
  })

  it('refuses a recording whose encoding keeps zlib state between updates', () => {
    const zrleRect = new Bytes().u8(0, 0).u16(1).u16(0, 0, 4, 4).s32(Encoding.ZRLE).u32(0).build()
    const fbs = Buffer.concat([
      Buffer.from(FBS_MAGIC, 'latin1'),
      encodeFbsBlock(canonicalHandshake({ width: 4, height: 4, pixelFormat: RGBX8888, name: 'z' }, RGBX8888), 0),
      encodeFbsBlock(zrleRect, 40),
    ])
    expect(() => loadReplayRecording(fbs)).toThrow(/encoding 16 keeps state between rects/)
  })

  it('stop() drops its clients', async () => {
    const server = await serve()
    const { client } = await connectRfb({ host: '127.0.0.1', port: server.port }, { sink: new FramebufferSink() })
    clients.push(client)
    const closed = new Promise<void>((r) => client.once('close', () => r()))
    await server.stop()
    servers.length = 0
    await closed
  })
})
