import { describe, expect, it } from 'vitest'
import { ZrleDecoder } from '../../../src/main/rfb/decoders/zrle'
import { PIXEL_FORMATS } from '../../../src/main/rfb/pixel-format'
import { expectedWord } from '../../helpers/bytes'
import { feedRect } from '../../helpers/feed'
import { type Rgb, withLength, zlibChunk, zrleTile } from '../../helpers/rect-vectors'

// Runs of 8 pixels and more are stored two words at a time as doubles (zrle.ts, fillPairs). An
// opaque colour whose blue is 0xf0 or more makes a NaN double (bits 52-62 all set): such colours
// must land bit for bit, at odd and even word offsets, and never past the run.
const pf = PIXEL_FORMATS.rgb888
const NAN_COLOURS: Rgb[] = [
  [255, 255, 255],
  [1, 2, 0xf0],
  [0x12, 0x34, 0xf8],
  [0, 0, 0xff],
]
const OTHER: Rgb[] = [
  [0, 0, 0],
  [200, 100, 50],
]
const SENTINEL = 0x5a5a5a5a

/** Plain-RLE runs of lengths 1-70 cycling through the colours, until `n` pixels. */
function runsFor(n: number, colours: Rgb[]): [Rgb, number][] {
  const runs: [Rgb, number][] = []
  for (let i = 0, left = n; left > 0; i++) {
    const len = Math.min(left, 1 + ((i * 13) % 70))
    runs.push([colours[i % colours.length], len])
    left -= len
  }
  return runs
}

describe('ZRLE runs stored two pixels at a time', () => {
  for (const x of [0, 1]) {
    it(`stores NaN-pattern colours exactly, rect at x=${x} in a framebuffer of odd width, nothing outside touched`, () => {
      const colours = [...NAN_COLOURS, ...OTHER]
      // 67x5: a 64-wide tile and a 3-wide one; width 71 makes rows start at odd and even words.
      const w = 67
      const h = 5
      const wide = runsFor(64 * h, colours)
      const narrow = runsFor(3 * h, colours)
      const data = withLength(zlibChunk([...zrleTile.plainRle(pf, wide), ...zrleTile.plainRle(pf, narrow)]))
      const width = 71
      const height = 7
      const fb = feedRect(new ZrleDecoder(), { x, y: 1, w, h, encoding: 16 }, [data], {
        pf,
        width,
        height,
        initial: new Uint32Array(width * height).fill(SENTINEL),
      })
      const expect64 = wide.flatMap(([c, len]) => Array<number>(len).fill(expectedWord(pf, ...c)))
      const expect3 = narrow.flatMap(([c, len]) => Array<number>(len).fill(expectedWord(pf, ...c)))
      for (let py = 0; py < height; py++) {
        for (let px = 0; px < width; px++) {
          const cx = px - x
          const cy = py - 1
          const inside = cx >= 0 && cx < w && cy >= 0 && cy < h
          const want = !inside ? SENTINEL : cx < 64 ? expect64[cy * 64 + cx] : expect3[cy * 3 + cx - 64]
          const got = fb.words[py * width + px]
          if (got !== want >>> 0) expect.fail(`pixel ${px},${py}: ${got.toString(16)}, want ${(want >>> 0).toString(16)}`)
        }
      }
    })
  }

  it('stores palette-RLE runs of NaN-pattern colours exactly', () => {
    const palette = [...NAN_COLOURS, ...OTHER]
    const runs: [number, number][] = []
    for (let i = 0, left = 64 * 64; left > 0; i++) {
      const len = Math.min(left, 1 + ((i * 29) % 90))
      runs.push([i % palette.length, len])
      left -= len
    }
    const data = withLength(zlibChunk(zrleTile.paletteRle(pf, palette, runs)))
    const fb = feedRect(new ZrleDecoder(), { x: 3, y: 0, w: 64, h: 64, encoding: 16 }, [data], { pf, width: 69, height: 64 })
    const want = runs.flatMap(([idx, len]) => Array<number>(len).fill(expectedWord(pf, ...palette[idx]) >>> 0))
    let wrong = 0
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) if (fb.words[y * 69 + 3 + x] !== want[y * 64 + x]) wrong++
    expect(wrong).toBe(0)
  })
})
