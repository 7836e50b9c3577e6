// Tight JPEG end to end: a real Xtigervnc showing photo-like colours (a plasma of the xterm's
// 256-colour cube, which TigerVNC sends as JPEG), at quality 8, decoded by the built renderer's
// image workers in Chromium, compared with a Raw snapshot of the same screen.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newProfile } from '../../src/shared/profile'
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { psnr } from '../helpers/h264-server'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import { type BrowserModeApp, canvasPixels, e2eUnavailable, ensureRendererBuilt, launchChromium, openBrowserMode, waitConnected, waitUntil } from './harness'

const skip = e2eUnavailable() ?? (serverAvailable('tigervnc') ? null : 'Xtigervnc not installed')

const W = 800
const H = 600

// One still frame of colour cells (80x30 of 10x20 pixels), then nothing: a screen that stays put
// while it is snapshotted and painted. Every cell differs from its neighbours, as in a photo.
const STILL = `
const out = []
for (let y = 0; y < 29; y++) {
  for (let x = 0; x < 80; x++) {
    const v = Math.sin(x / 7) + Math.sin(y / 4) + Math.sin((x + y) / 9)
    out.push('\\x1b[48;5;' + (16 + Math.floor(((v + 3) / 6) * 215)) + 'm\\x1b[38;5;' + (16 + ((x * 5 + y * 11) % 216)) + 'm' + 'Tessera'[(x + y) % 7])
  }
  out.push('\\x1b[0m\\r\\n')
}
process.stdout.write('\\x1b[?25l\\x1b[H' + out.join(''))
setInterval(() => {}, 1 << 30)
`

describe.skipIf(skip)('Tight JPEG in Chromium (browser mode)', () => {
  let browser: Browser
  let xvnc: RunningServer
  let app: BrowserModeApp | undefined
  let page: Page
  let errors: string[]
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-jpeg-'))

  beforeAll(async () => {
    ensureRendererBuilt()
    ;[browser, xvnc] = await Promise.all([launchChromium(), startServer('tigervnc', { width: W, height: H })])
    const xterm = xvnc.spawnClient('xterm', [
      '-geometry',
      '80x30+0+0',
      '-fn',
      '10x20',
      '-b',
      '0',
      '-bw',
      '0',
      '-xrm',
      'XTerm*cursorBlink: false',
      '-e',
      process.execPath,
      '-e',
      STILL,
    ])
    xterm.stdout?.resume()
    xterm.stderr?.resume()
    app = await openBrowserMode(browser, dataDir, {
      profiles: [newProfile({ id: 'jpeg8', name: 'Plasma JPEG', host: '127.0.0.1', port: xvnc.port, encodings: ['tight'], quality: 8, colourDepth: 24 })],
      // Counts the JPEGs the page hands to its image workers: proof the picture came as JPEG.
      prepare: (context) =>
        context.addInitScript(() => {
          const w = window as unknown as { __jpegJobs: number }
          w.__jpegJobs = 0
          const post = Worker.prototype.postMessage as (this: Worker, message: unknown, transfer?: unknown) => void
          Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: unknown) {
            if ((message as { type?: string } | null)?.type === 'image/jpeg') w.__jpegJobs++
            post.call(this, message, transfer)
          }
        }),
    })
    page = app.page
    errors = app.errors
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await browser?.close()
    await xvnc?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('paints a quality 8 JPEG stream close to a Raw snapshot of the same screen, with its images decoded in workers', async () => {
    // The still frame is on screen once two Raw snapshots a moment apart agree.
    let reference = new Uint8Array(0)
    await waitUntil(
      'the still frame',
      async () => {
        const a = (await takeSnapshot({ host: '127.0.0.1', port: xvnc.port }, { encodings: [0] })).framebuffer.data.slice()
        const same = a.length === reference.length && psnr(a, reference) === Infinity
        reference = a
        // Mostly colour cells, not the black screen before the xterm has drawn.
        return same && a.filter((_, i) => i % 4 === 0 && a[i] > 16).length > (W * H) / 4
      },
      30_000,
      500,
    )

    await page.click('[aria-label="Connect to Plasma JPEG"]')
    await waitConnected(page)
    let best = 0
    await waitUntil(
      'the picture',
      async () => {
        const c = await canvasPixels(page)
        if (c.width !== W || c.height !== H) return false
        best = psnr(reference, c.rgba)
        return best >= 30
      },
      20_000,
      250,
    ).catch(() => undefined)
    const jobs = await page.evaluate(() => (window as unknown as { __jpegJobs: number }).__jpegJobs)
    expect(jobs, 'JPEG rects decoded by the image workers').toBeGreaterThan(5)
    // JPEG at quality 8 over 256-colour text cells: close, not exact.
    expect(best).toBeGreaterThanOrEqual(30)
    expect(best).toBeLessThan(Infinity)
    expect(errors).toEqual([])
  })
})
