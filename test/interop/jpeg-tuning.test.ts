import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Encoding } from '@shared/encodings'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../src/main/rfb/images/node-image-decoder'
import type { RfbClientOptions } from '../../src/main/rfb/session'
import { completeScreen } from '../helpers/complete-screen'
import { photoXwd } from '../helpers/images'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'

// Fine JPEG quality and chroma subsampling against TigerVNC's server, the one that honours both
// (TightJPEGEncoder: fine settings trump the level). The screen is one photo, so every rect is JPEG.

const WIDTH = 320
const HEIGHT = 240

let server: RunningServer | undefined
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tessera-jpeg-tuning-'))

beforeAll(async () => {
  if (!serverAvailable('tigervnc')) return
  server = await startServer('tigervnc', { width: WIDTH, height: HEIGHT })
  const xwd = path.join(tmp, 'photo.xwd')
  writeFileSync(xwd, photoXwd(WIDTH, HEIGHT))
  server.spawnClient('xwud', ['-in', xwd, '-geometry', '+0+0'])
  await new Promise((r) => setTimeout(r, 1500))
}, 60_000)

afterAll(async () => {
  await server?.stop()
  rmSync(tmp, { recursive: true, force: true })
})

interface Shot {
  fb: FramebufferSink
  /** Wire bytes of the updates that painted the screen. */
  bytes: number
  jpegRects: number
}

type Tuning = Pick<RfbClientOptions, 'quality' | 'fineQuality' | 'subsampling'>

/** The whole screen over Tight with this tuning, in a fresh connection. */
async function shot(tuning: Tuning): Promise<Shot> {
  let jpegRects = 0
  const fb = new FramebufferSink((kind, data, w, h) => {
    if (kind === 'jpeg') jpegRects++
    return decodeImageNode(kind, data, w, h)
  })
  const bytes = await completeScreen(server!.port, fb, { encodings: [Encoding.Tight], ...tuning })
  return { fb, bytes, jpegRects }
}

/** Pixels whose channels differ by more than `tolerance`, with the first one for the message. */
function colouredPixels(fb: FramebufferSink, tolerance: number): { count: number; first: string } {
  let count = 0
  let first = 'none'
  const d = fb.data
  for (let i = 0; i < d.length; i += 4) {
    const [r, g, b] = [d[i], d[i + 1], d[i + 2]]
    if (Math.max(r, g, b) - Math.min(r, g, b) > tolerance) {
      if (count++ === 0) first = `(${(i / 4) % fb.width}, ${Math.floor(i / 4 / fb.width)}) = rgb(${r}, ${g}, ${b})`
    }
  }
  return { count, first }
}

describe.skipIf(!serverAvailable('tigervnc'))('JPEG tuning against TigerVNC', () => {
  it('subsampling "gray" makes a coloured screen grey, "none" keeps its colour', { timeout: 60_000 }, async () => {
    const grey = await shot({ quality: 6, subsampling: 'gray' })
    expect(grey.jpegRects, 'JPEG rects with gray').toBeGreaterThan(0)
    const greyed = colouredPixels(grey.fb, 2)
    expect(greyed.count, `pixels with R, G, B more than 2 apart; first ${greyed.first}`).toBe(0)

    const colour = await shot({ quality: 6, subsampling: 'none' })
    expect(colour.jpegRects, 'JPEG rects with none').toBeGreaterThan(0)
    // The photo is coloured almost everywhere.
    expect(colouredPixels(colour.fb, 2).count).toBeGreaterThan((WIDTH * HEIGHT) / 2)

    // Without a level or fine quality the picture stays lossless: subsampling alone is not announced.
    const lossless = await shot({ subsampling: 'gray' })
    expect(lossless.jpegRects, 'JPEG rects with subsampling alone').toBe(0)
    expect(colouredPixels(lossless.fb, 2).count).toBeGreaterThan((WIDTH * HEIGHT) / 2)
  })

  it('fine quality 100 costs more wire bytes than 10, and the server uses the fine value, not just its level', { timeout: 60_000 }, async () => {
    const best = await shot({ fineQuality: 100, subsampling: 'none' })
    const worst = await shot({ fineQuality: 10, subsampling: 'none' })
    expect(best.jpegRects).toBeGreaterThan(0)
    expect(worst.jpegRects).toBeGreaterThan(0)
    expect(best.bytes, `bytes at fine quality 100 (${best.bytes}) vs 10 (${worst.bytes})`).toBeGreaterThan(worst.bytes * 2)
    // 63 and 76 announce the same QualityLevel4: a difference can only come from the fine quality.
    const high = await shot({ fineQuality: 76, subsampling: 'none' })
    const low = await shot({ fineQuality: 63, subsampling: 'none' })
    expect(high.bytes, `bytes at fine quality 76 (${high.bytes}) vs 63 (${low.bytes})`).toBeGreaterThan(low.bytes)
  })
})
