// Open H.264 end to end: real H.264 (libx264, from real Xvnc screen content) from a test server
// of our own, decoded by Chromium's WebCodecs in the built renderer, in browser mode.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VideoFlag } from '../../src/shared/ops'
import { type H264Server, type Script, type ScriptRect, crop, encodeH264, psnr, startH264Server } from '../helpers/h264-server'
import type { RunningServer } from '../helpers/vnc-servers'
import { DESKTOP_WIDTH, chromiumAndDesktop, h264Unavailable } from './h264-desktop'
import { type BrowserModeApp, canvasPixels, disconnect, openBrowserMode, waitConnected, waitUntil } from './harness'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const skip = h264Unavailable()

const W = 640
const H = 480
const FRAMES = 10

/** Frames panning across a snapshot of a real desktop (800x600), as a window being dragged would. */
function panFrames(desktop: Uint8Array): Uint8Array[] {
  return Array.from({ length: FRAMES }, (_, i) => crop(desktop, DESKTOP_WIDTH, 8 + ((i * 14) % 140), 8 + ((i * 10) % 100), W, H))
}

const h264 = (x: number, y: number, w: number, h: number, data: Uint8Array, flags = 0): ScriptRect => ({ kind: 'h264', x, y, w, h, flags, data })

/** The picture with a solid box drawn in (what a Raw rect after a frame leaves). */
function withBox(rgba: Uint8Array, x: number, y: number, w: number, h: number, rgb: [number, number, number]): Uint8Array {
  const out = rgba.slice()
  for (let r = y; r < y + h; r++) for (let c = x; c < x + w; c++) out.set([...rgb, 255], (r * W + c) * 4)
  return out
}

/** Bytes of the access unit's slice data scrambled: the NAL headers stay, the picture is garbage. */
function corrupt(unit: Uint8Array): Uint8Array {
  const out = unit.slice()
  let seed = 7
  for (let i = Math.floor(out.length / 3); i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0
    out[i] = (seed >>> 16) & 0xff || 1
  }
  return out
}

describe.skipIf(skip)('Open H.264 in Chromium (browser mode)', () => {
  let browser: Browser
  let xvnc: RunningServer
  let app: BrowserModeApp
  let frames: Uint8Array[]
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-h264-'))

  beforeAll(async () => {
    let desktop: Uint8Array
    ;({ browser, xvnc, desktop } = await chromiumAndDesktop())
    frames = panFrames(desktop)
    app = await openBrowserMode(browser, dataDir)
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await browser?.close()
    await xvnc?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  /** Connects to the server, waits for the whole script, and returns how close the canvas came to `expected`. */
  async function play(server: H264Server, expected: Uint8Array, page: Page = app.page): Promise<number> {
    const index = server.connections.length
    await page.fill('#quick-connect-input', `127.0.0.1::${server.port}`)
    await page.press('#quick-connect-input', 'Enter')
    await waitConnected(page)
    let best = 0
    await waitUntil(
      'the last frame on the canvas',
      async () => {
        const c = await canvasPixels(page)
        if (c.width !== W || c.height !== H) return false
        best = psnr(expected, c.rgba)
        return best >= 35
      },
      15_000,
      200,
    ).catch(() => undefined)
    expect(server.connections[index].encodings).toContain(50)
    await disconnect(page)
    return best
  }

  it('announces H.264 and shows a baseline stream with key frames and per-rect resets, in order with Raw rects', async () => {
    const units = encodeH264(frames, W, H, { profile: 'baseline', keyint: 4 })
    const script: Script = units.map((u, i) => [h264(0, 0, W, H, u, i === 4 ? VideoFlag.ResetContext : 0)])
    // A Raw rect after the frame in the same update must paint over it, not under it.
    script[FRAMES - 1].push({ kind: 'fill', x: 0, y: 0, w: 32, h: 32, rgb: [255, 0, 0] })
    const server = await startH264Server(W, H, [script])
    try {
      const quality = await play(server, withBox(frames[FRAMES - 1], 0, 0, 32, 32, [255, 0, 0]))
      expect(quality).toBeGreaterThanOrEqual(35)
      expect(server.connections[0].sent).toBe(FRAMES)
    } finally {
      await server.close()
    }
  })

  it("follows two high-profile contexts through neatvnc's empty reset-all rect and a new stream without flags", async () => {
    const half = (f: Uint8Array, top: boolean): Uint8Array => crop(f, W, 0, top ? 0 : H / 2, W, H / 2)
    const enc = (from: number, top: boolean): Uint8Array[] =>
      encodeH264(
        frames.slice(from).map((f) => half(f, top)),
        W,
        H / 2,
        { profile: 'high', keyint: 100 },
      )
    const top1 = enc(0, true)
    const bottom1 = enc(0, false)
    const top2 = enc(3, true)
    const bottom2 = enc(3, false)
    const top3 = enc(5, true)
    const T = (u: Uint8Array, flags = 0): ScriptRect => h264(0, 0, W, H / 2, u, flags)
    const B = (u: Uint8Array, flags = 0): ScriptRect => h264(0, H / 2, W, H / 2, u, flags)
    const script: Script = [
      [T(top1[0]), B(bottom1[0])],
      [T(top1[1]), B(bottom1[1])],
      // neatvnc: a 0x0 rect with only the reset-all bit; new streams follow on both contexts.
      [{ kind: 'h264', x: 0, y: 0, w: 0, h: 0, flags: VideoFlag.ResetAll, data: new Uint8Array(0) }, T(top2[0]), B(bottom2[0])],
      [T(top2[1]), B(bottom2[1])],
      // A new stream (SPS and key frame) on the top context, no flag saying so.
      [T(top3[0]), B(bottom2[2])],
      [T(top3[1]), B(bottom2[3])],
    ]
    const server = await startH264Server(W, H, [script])
    try {
      expect(await play(server, frames[6])).toBeGreaterThanOrEqual(35)
    } finally {
      await server.close()
    }
  })

  it('recovers from corrupt data and a frame it cannot start on within one key frame, asking for a refresh', async () => {
    const units = encodeH264(frames, W, H, { profile: 'baseline', keyint: 5 })
    const script: Script = [
      [h264(0, 0, W, H, units[0])],
      [h264(0, 0, W, H, units[1])],
      [h264(0, 0, W, H, corrupt(units[2]))],
      // A reset context given a delta frame: nothing to start from.
      [h264(0, 0, W, H, units[3], VideoFlag.ResetContext)],
      [h264(0, 0, W, H, units[4])],
      [h264(0, 0, W, H, units[5])],
      [h264(0, 0, W, H, units[6])],
    ]
    const server = await startH264Server(W, H, [script])
    try {
      expect(await play(server, frames[6])).toBeGreaterThanOrEqual(35)
      const requests = server.connections[0].requests
      // The first request is the initial full one; a later full one is the painter's refresh.
      expect(requests.slice(1)).toContain(false)
      expect(app.errors.filter((e) => !/H\.264|tessera painter/.test(e))).toEqual([])
    } finally {
      await server.close()
    }
  })
})
