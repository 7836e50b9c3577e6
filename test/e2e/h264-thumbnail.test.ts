// The saved thumbnail of an H.264 session: the host cannot decode the video, so the thumbnail is
// the small picture the renderer takes of its canvas (session.thumbnail). Real H.264 (libx264,
// from real Xvnc screen content) from our test server, decoded by Chromium's WebCodecs.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DATA_FILES } from '../../src/main/host/create-host'
import { scalePreview } from '../../src/main/host/session-preview'
import { decodePng } from '../../src/main/rfb/images/png-decoder'
import { newProfile } from '../../src/shared/profile'
import { type H264Server, crop, encodeH264, psnr, startH264Server } from '../helpers/h264-server'
import type { RunningServer } from '../helpers/vnc-servers'
import { DESKTOP_WIDTH, chromiumAndDesktop, h264Unavailable } from './h264-desktop'
import { type BrowserModeApp, canvasPixels, disconnect, openBrowserMode, waitConnected, waitUntil } from './harness'

const skip = h264Unavailable()

const W = 640
const H = 480
const FRAMES = 6

describe.skipIf(skip)('the saved thumbnail of an H.264 session (browser mode)', () => {
  let browser: Browser
  let xvnc: RunningServer
  let server: H264Server
  let app: BrowserModeApp | undefined
  let page: Page
  let frames: Uint8Array[]
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-h264-thumb-'))

  beforeAll(async () => {
    let desktop: Uint8Array
    ;({ browser, xvnc, desktop } = await chromiumAndDesktop())
    // A window dragged across a real desktop; the last frame stays on screen.
    frames = Array.from({ length: FRAMES }, (_, i) => crop(desktop, DESKTOP_WIDTH, 10 + i * 20, 10 + i * 12, W, H))
    const units = encodeH264(frames, W, H, { profile: 'main', keyint: 3 })
    server = await startH264Server(W, H, [units.map((u) => [{ kind: 'h264', x: 0, y: 0, w: W, h: H, flags: 0, data: u }])])
    // Thumbnails only when the session ends: the saved one is the picture at the end.
    app = await openBrowserMode(browser, dataDir, { profiles: [newProfile({ id: 'video', name: 'Video desktop', host: '127.0.0.1', port: server.port })] })
    page = app.page
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await server?.close()
    await browser?.close()
    await xvnc?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('saves what the renderer painted, close to the source frame, when the host could not draw the video', async () => {
    const last = frames[FRAMES - 1]
    await page.click('[aria-label="Connect to Video desktop"]')
    await waitConnected(page)
    await waitUntil(
      'the last frame on the canvas',
      async () => {
        const c = await canvasPixels(page)
        return c.width === W && c.height === H && psnr(last, c.rgba) >= 35
      },
      20_000,
      200,
    )
    expect(server.connections[0].encodings).toContain(50)
    // The renderer sends its picture a couple of seconds after the last painted batch.
    await new Promise((r) => setTimeout(r, 4000))
    await disconnect(page)
    const file = path.join(dataDir, DATA_FILES.thumbnails, 'video.png')
    await waitUntil('the saved thumbnail', () => Promise.resolve(existsSync(file)), 10_000, 100)

    // 640x480 fits a 240 box as 240x180 (the decoder refuses any other size).
    const png = decodePng(readFileSync(file), 240, 180)
    // Compared at 60x45, where the two downscalers (the browser's, and the host's box filter
    // here) agree: at 240 the X root window's one-pixel weave aliases differently in each.
    const coarse = (words: Uint32Array, w: number, h: number): Uint8Array => scalePreview({ width: w, height: h, words }, 60).rgba
    const wordsOf = (rgba: Uint8Array): Uint32Array => new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.length / 4)
    const saved = coarse(png.words, 240, 180)
    const quality = psnr(coarse(wordsOf(last), W, H), saved)
    const early = psnr(coarse(wordsOf(frames[0]), W, H), saved)
    console.log(`saved thumbnail vs the last frame: ${quality.toFixed(1)} dB; vs the first frame: ${early.toFixed(1)} dB`)
    expect(quality).toBeGreaterThanOrEqual(30)
    // Far from what an earlier frame of the pan would give: it is the picture at the end.
    expect(early).toBeLessThan(quality - 6)
  })
})
