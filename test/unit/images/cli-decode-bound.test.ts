// The CLI (snapshot, record, replay, probe) decodes Tight JPEG/PNG on its main thread, unlike
// the host (a worker: src/main/host/image-decode-pool.ts). docs/security.md ("Image decoding in
// the command line") argues why that is acceptable; this pins the premise: one decode is bounded
// by its rect in time and memory, whatever the image's own bytes ask for.
import { describe, expect, it } from 'vitest'
import { MAX_JPEG_SCANS } from '../../../src/shared/image-header'
import { decodeImage } from '../../../src/main/rfb/images/node-image-decoder'
import { encodePng } from '../../../src/main/rfb/png'
import { pngBomb, progressiveJpeg } from '../../helpers/crafted-images'
import { smooth } from '../../helpers/images'

const MiB = 1 << 20

function timed<T>(work: () => T): { ms: number; value: T | Error } {
  const t = performance.now()
  let value: T | Error
  try {
    value = work()
  } catch (e) {
    value = e as Error
  }
  return { ms: performance.now() - t, value }
}

describe('one image decode in the CLI is bounded by its rect', () => {
  it('a PNG whose data inflates to 1 GiB stops at the rect; one that fills a 2048x2048 rect exactly decodes in bounded time', () => {
    const side = 2048
    const bombPng = pngBomb(side, side, 1 << 30)
    const realPng = encodePng(side, side, smooth(side, side))
    const bomb = timed(() => decodeImage('png', bombPng, side, side))
    const full = timed(() => decodeImage('png', realPng, side, side))
    console.log(`PNG ${side}x${side}: 1 GiB bomb refused in ${bomb.ms.toFixed(0)} ms; exact-size image decoded in ${full.ms.toFixed(0)} ms`)
    expect(bomb.value).toBeInstanceOf(Error)
    expect((bomb.value as Error).message).toMatch(/inflates past/)
    expect(full.value).not.toBeInstanceOf(Error)
    // Inflating 1 GiB would take seconds here; the cap makes the bomb cost no more than the real image.
    expect(bomb.ms).toBeLessThan(full.ms * 3 + 500)
  })

  it(`the costliest JPEG per byte (progressive, ${MAX_JPEG_SCANS} scans) in a 2048x2048 rect decodes in bounded time and memory`, () => {
    const side = 2048
    // Five scans to start (DC, then each component), three per refinement round.
    const refinements = Math.floor((MAX_JPEG_SCANS - 5) / 3)
    const jpeg = progressiveJpeg(side, side, refinements)
    global.gc?.()
    const rss0 = process.memoryUsage.rss()
    const r = timed(() => decodeImage('jpeg', jpeg, side, side))
    const growth = process.memoryUsage.rss() - rss0
    console.log(
      `JPEG ${side}x${side}, ${jpeg.length} bytes, ${refinements} refinement rounds: ${r.ms.toFixed(0)} ms (${r.value instanceof Error ? r.value.message : 'decoded'}), RSS +${(growth / MiB).toFixed(0)} MiB`,
    )
    // libjpeg walks every scan either way; whether it then calls the crafted data corrupt does not matter here.
    if (r.value instanceof Error) expect(r.value.message).toMatch(/corrupt JPEG/)
    expect(r.ms).toBeLessThan(10_000)
    // The output (16 MiB) and libjpeg's coefficient buffers for a progressive image (~3 x 8 MiB).
    expect(growth).toBeLessThan(160 * MiB)
  }, 20_000)
})
