import { describe, expect, it } from 'vitest'
import { ByteQueue } from '../../../src/main/rfb/byte-queue'
import type { Rect } from '../../../src/main/rfb/decoders/decoder'
import { ZRLE_TILE, ZrleDecoder } from '../../../src/main/rfb/decoders/zrle'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { PIXEL_FORMATS } from '../../../src/main/rfb/pixel-format'
import { expectedWord } from '../../helpers/bytes'
import { makeContext } from '../../helpers/feed'
import { type Rgb, expectError, withLength, zlibChunk, zrleTile } from '../../helpers/rect-vectors'

// ZRLE's palette RLE (sub-encodings 130-255) has its own loop (zrle.ts paletteRuns), with
// shortcuts for one-pixel runs, runs inside a row and word pairs. Here it is checked against the
// run list it was made from, on tiles cut at the rect's right and bottom edges, at odd and even
// framebuffer offsets, into the sink's memory and into the decoder's own tile, and refused
// cleanly when its data ends anywhere or indexes past its palette.
const pf = PIXEL_FORMATS.rgb888
const SENTINEL = 0x5a5a5a5a

/** A sink that lends no memory: the decoder parses into its own tile buffer. */
class NoLendSink extends FramebufferSink {
  override pixelTarget(): null {
    return null
  }
}

/** Deterministic pseudo-random numbers (xorshift32), so a failure reproduces. */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1
  return (n) => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s % n
  }
}

/** Run lengths around every boundary the loop has: 1, under 8, pairs, a row, one and two 255s. */
const LENGTHS = [1, 1, 1, 1, 2, 7, 8, 9, 31, 63, 64, 65, 255, 256, 257, 510, 511, 766]

/** One palette-RLE tile of tw x th: its palette, its runs, and the index of every pixel. */
function randomTile(next: (n: number) => number, tw: number, th: number) {
  const size = 2 + next(126)
  const palette = Array.from({ length: size }, (): Rgb => [next(256), next(256), 0xf0 + next(16)])
  const runs: [number, number][] = []
  const indexes: number[] = []
  for (let left = tw * th; left > 0;) {
    // A quarter of the runs end exactly at the row's end, where the loop moves to the next row.
    const toRowEnd = tw - ((tw * th - left) % tw)
    const len = Math.min(left, next(4) === 0 ? toRowEnd : LENGTHS[next(LENGTHS.length)])
    const idx = next(size)
    runs.push([idx, len])
    for (let k = 0; k < len; k++) indexes.push(idx)
    left -= len
  }
  return { palette, runs, indexes, long: next(4) === 0 }
}

/** Decodes `payload` (a u32 length and zlib data) as one ZRLE rect into a framebuffer of sentinels. */
function decode(sink: FramebufferSink, rect: Rect, width: number, height: number, payload: Uint8Array): FramebufferSink {
  sink.resize(width, height)
  sink.words.fill(SENTINEL)
  const q = new ByteQueue()
  const ctx = makeContext(sink, pf, width, height, q)
  const decoder = new ZrleDecoder()
  decoder.begin(rect)
  q.push(payload)
  expect(decoder.decode(q, ctx)).toBe(true)
  return sink
}

describe('ZRLE palette RLE against its run list', () => {
  // Rect sizes that cut tiles at the right and bottom edges (partial widths 1, 3, 63; heights 1, 5).
  const RECTS: [number, number][] = [
    [67, 5],
    [1, 70],
    [129, 3],
    [64, 64],
    [63, 1],
  ]
  for (const lend of [true, false]) {
    for (const x of [0, 1]) {
      it(`${lend ? 'into the sink' : 'through the tile buffer'}, rect at x=${x}: every pixel its run's colour, nothing outside touched`, () => {
        const next = random(0x2545f491 + x * 7 + (lend ? 1 : 0))
        for (const [w, h] of RECTS) {
          const rect: Rect = { x, y: 1, w, h, encoding: 16 }
          const width = x + w + 3
          const height = h + 2
          const tiles: number[][] = []
          const expected = new Uint32Array(w * h)
          for (let ty = 0; ty < h; ty += ZRLE_TILE) {
            for (let tx = 0; tx < w; tx += ZRLE_TILE) {
              const tw = Math.min(ZRLE_TILE, w - tx)
              const th = Math.min(ZRLE_TILE, h - ty)
              const t = randomTile(next, tw, th)
              tiles.push(zrleTile.paletteRle(pf, t.palette, t.runs, t.long))
              t.indexes.forEach((idx, i) => (expected[(ty + Math.floor(i / tw)) * w + tx + (i % tw)] = expectedWord(pf, ...t.palette[idx])))
            }
          }
          const fb = decode(lend ? new FramebufferSink(null) : new NoLendSink(null), rect, width, height, withLength(zlibChunk(tiles.flat())))
          for (let py = 0; py < height; py++) {
            for (let px = 0; px < width; px++) {
              const inside = px >= x && px < x + w && py >= 1 && py < 1 + h
              const want = inside ? expected[(py - 1) * w + px - x] : SENTINEL
              const got = fb.words[py * width + px]
              if (got !== want >>> 0) expect.fail(`${w}x${h} at ${x}: pixel (${px},${py}) is ${got.toString(16)}, expected ${(want >>> 0).toString(16)}`)
            }
          }
        }
      })
    }
  }
})

describe('ZRLE palette RLE refusals', () => {
  const rect: Rect = { x: 1, y: 0, w: 67, h: 5, encoding: 16 }
  const palette: Rgb[] = [
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ]
  // Two tiles (64x5, 3x5): one-pixel runs, a 255-chain crossing rows, a run to the tile's end.
  const first = zrleTile.paletteRle(pf, palette, [
    [0, 1],
    [1, 1],
    [2, 256],
    [0, 5],
    [1, 57],
  ])
  const second = zrleTile.paletteRle(pf, palette, [
    [2, 1],
    [0, 14],
  ])

  it('decodes the untouched tiles (the vectors below are otherwise valid)', () => {
    const fb = decode(new FramebufferSink(null), rect, 70, 5, withLength(zlibChunk([...first, ...second])))
    expect(fb.words[0 * 70 + 1 + 2]).toBe(expectedWord(pf, ...palette[2]) >>> 0)
    expect(fb.words[4 * 70 + 1 + 66]).toBe(expectedWord(pf, ...palette[0]) >>> 0)
  })

  it('refuses the data ending at every byte of either tile', () => {
    const all = [...first, ...second]
    for (let end = 0; end < all.length; end++) {
      expectError(
        () => decode(new FramebufferSink(null), rect, 70, 5, withLength(zlibChunk(all.slice(0, end)))),
        'RFB_ERR_ZRLE',
        /ZRLE tile at (0|64),0: the zlib data ends (before the tile|inside (the palette|a run|a run length))/,
        `data cut at ${end}`,
      )
    }
  })

  it('refuses an index past the palette in a one-pixel run and in a long run, in the edge tile', () => {
    for (const bad of [[3], [0x80 | 3, 13], [0x80 | 127, 0]]) {
      const tile = [...second.slice(0, 1 + 3 * 3), 2, ...bad]
      expectError(
        () => decode(new FramebufferSink(null), rect, 70, 5, withLength(zlibChunk([...first, ...tile]))),
        'RFB_ERR_ZRLE',
        new RegExp(`ZRLE tile at 64,0: palette index ${bad[0] & 127} beyond the 3-colour palette`),
      )
    }
  })

  it('refuses a 255-chain that passes the tile before its last length byte', () => {
    // 64x5 = 320 pixels: 1 + 255 + 255 passes it at the second 255, whatever follows.
    const tile = [...first.slice(0, 1 + 3 * 3), 0x80 | 1, 255, 255]
    expectError(
      () => decode(new FramebufferSink(null), rect, 70, 5, withLength(zlibChunk(tile))),
      'RFB_ERR_ZRLE',
      /ZRLE tile at 0,0: a run of 511 goes past the tile's 320 remaining pixels/,
    )
  })
})
