import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli'
import { jpegDeclaring, pngBomb, progressiveJpeg } from '../../helpers/crafted-images'
import { encodeJpeg, smooth } from '../../helpers/images'
import { imageUpdate, none38, scriptedServer, tightImage } from '../../helpers/server-script'

// Hostile images through the whole engine and the framebuffer sink, as `tessera snapshot` meets
// them: a scripted server on 127.0.0.1 sends a 16x16 desktop and one image rect.

const work = mkdtempSync(join(tmpdir(), 'tessera-hostile-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

async function snapshot(update: Uint8Array, encodings: string) {
  const srv = await scriptedServer(none38(16, 16), update)
  const err: string[] = []
  const rssBefore = process.memoryUsage().rss
  const peakBefore = process.resourceUsage().maxRSS * 1024
  const started = performance.now()
  try {
    const code = await main(
      ['snapshot', `127.0.0.1::${srv.port}`, join(work, 'out.png'), '--encodings', encodings, '--timeout', '10'],
      () => {},
      (l) => err.push(l),
    )
    return {
      code,
      err,
      ms: performance.now() - started,
      rssGrowth: process.memoryUsage().rss - rssBefore,
      peakGrowth: process.resourceUsage().maxRSS * 1024 - peakBefore,
    }
  } finally {
    srv.close()
  }
}

const MiB = 1 << 20

describe('tessera snapshot against hostile images', () => {
  it.each([
    [
      'a 1 MB TightPNG declaring 16x16 whose data inflates to 1 GiB',
      'tightpng',
      () => imageUpdate(-260, 16, 16, tightImage(0xa0, pngBomb(16, 16, 1 << 30))),
      /corrupt PNG image: image data inflates past the 784 bytes a 16x16 image needs/,
    ],
    [
      'a Tight JPEG declaring 8192x8192 in a 16x16 rect',
      'tight',
      () => imageUpdate(7, 16, 16, tightImage(0x90, jpegDeclaring(16, 16, 8192, 8192))),
      /Tight JPEG image of 8192x8192 in a 16x16 rect/,
    ],
    [
      'a Tight JPEG smaller than its rect',
      'tight',
      () => imageUpdate(7, 16, 16, tightImage(0x90, encodeJpeg(8, 8, smooth(8, 8)))),
      /Tight JPEG image of 8x8 in a 16x16 rect/,
    ],
    [
      'a TightPNG whose header says 32x16 in a 16x16 rect',
      'tightpng',
      () => imageUpdate(-260, 16, 16, tightImage(0xa0, pngBomb(32, 16, 1568))),
      /Tight PNG image of 32x16 in a 16x16 rect/,
    ],
    [
      'a JPEG (21) declaring 8192x8192 in a 16x16 rect',
      'jpeg',
      () => imageUpdate(21, 16, 16, jpegDeclaring(16, 16, 8192, 8192)),
      /JPEG image of 8192x8192 in a 16x16 rect/,
    ],
    ['a Tight JPEG with 35 scans', 'tight', () => imageUpdate(7, 16, 16, tightImage(0x90, progressiveJpeg(16, 16, 10))), /JPEG image with 35 scans/],
  ] as const)('refuses %s quickly, as a protocol error, without growing', async (_, encodings, script, message) => {
    const r = await snapshot(script(), encodings)
    console.log(`${_}: ${r.ms.toFixed(0)} ms, RSS ${(r.rssGrowth / MiB).toFixed(1)} MiB, peak RSS +${(r.peakGrowth / MiB).toFixed(1)} MiB`)
    expect(r.code).toBe(6) // protocol error
    expect(r.err[0]).toMatch(message)
    expect(r.ms).toBeLessThan(3000)
    expect(r.peakGrowth).toBeLessThan(64 * MiB)
  })

  it('still takes a snapshot from a valid Tight JPEG and TightPNG', async () => {
    const jpeg = await snapshot(imageUpdate(7, 16, 16, tightImage(0x90, encodeJpeg(16, 16, smooth(16, 16)))), 'tight')
    expect(jpeg.err).toEqual([])
    expect(jpeg.code).toBe(0)
  })
})
