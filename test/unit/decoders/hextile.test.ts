import { describe, expect, it } from 'vitest'
import { ByteQueue } from '../../../src/main/rfb/byte-queue'
import type { RectDecoder } from '../../../src/main/rfb/decoders/decoder'
import { HextileDecoder } from '../../../src/main/rfb/decoders/hextile'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { PIXEL_FORMATS, type PixelFormat } from '../../../src/main/rfb/pixel-format'
import { encodePixel, expectedWord } from '../../helpers/bytes'
import { feedEverySplit, makeContext } from '../../helpers/feed'
import { type Rgb, expectArea, expectErrorEverySplit } from '../../helpers/rect-vectors'

const make = (): HextileDecoder => new HextileDecoder()
const FORMATS: PixelFormat[] = [PIXEL_FORMATS.rgb888, PIXEL_FORMATS.rgb565, PIXEL_FORMATS.bgr233]
const WHITE: Rgb = [255, 255, 255]
const BLACK: Rgb = [0, 0, 0]
const RED: Rgb = [255, 0, 0]
const BLUE: Rgb = [0, 0, 255]

/** Subrect [x, y, w, h] with an optional colour (only for SubrectsColoured tiles). */
type Sub = [number, number, number, number, Rgb?]

/** A non-raw tile: mask bits follow from what is given. */
function tile(pf: PixelFormat, t: { bg?: Rgb; fg?: Rgb; subrects?: Sub[]; coloured?: boolean; extraBits?: number }): number[] {
  const coloured = t.coloured ?? false
  const mask = (t.bg ? 2 : 0) | (t.fg ? 4 : 0) | (t.subrects ? 8 : 0) | (coloured ? 16 : 0) | (t.extraBits ?? 0)
  const out = [mask]
  if (t.bg) out.push(...encodePixel(pf, ...t.bg))
  if (t.fg) out.push(...encodePixel(pf, ...t.fg))
  if (t.subrects) {
    out.push(t.subrects.length)
    for (const [x, y, w, h, c] of t.subrects) {
      if (coloured) out.push(...encodePixel(pf, ...c!))
      out.push((x << 4) | y, ((w - 1) << 4) | (h - 1))
    }
  }
  return out
}

function rawTile(pf: PixelFormat, w: number, h: number, colour: (x: number, y: number) => Rgb, mask = 1): number[] {
  const out = [mask]
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.push(...encodePixel(pf, ...colour(x, y)))
  return out
}

const gradient = (x: number, y: number): Rgb => [x * 16, y * 16, 255 - x * 8]

describe('Hextile', () => {
  it('draws background, foreground and coloured subrects across tiles, in every pixel format and chunking', () => {
    for (const pf of FORMATS) {
      // 20x5: a 16x5 tile then a 4x5 edge tile that reuses the background.
      const bytes = Uint8Array.from([
        ...tile(pf, {
          bg: WHITE,
          fg: BLACK,
          subrects: [
            [0, 0, 2, 1],
            [15, 4, 1, 1],
          ],
        }),
        ...tile(pf, {
          subrects: [
            [0, 0, 4, 1, RED],
            [3, 1, 1, 4, BLUE],
          ],
          coloured: true,
        }),
      ])
      const fb = feedEverySplit(make, { x: 1, y: 2, w: 20, h: 5, encoding: 5 }, bytes, { pf, width: 22, height: 8 })
      const [w, k, r, b] = [WHITE, BLACK, RED, BLUE].map((c) => expectedWord(pf, ...c))
      expectArea(fb, 1, 2, 16, 5, (x, y) => ((y === 0 && x < 2) || (y === 4 && x === 15) ? k : w))
      expectArea(fb, 17, 2, 4, 5, (x, y) => (y === 0 ? r : x === 3 ? b : w))
    }
  })

  it('carries background and foreground across a raw tile', () => {
    const pf = PIXEL_FORMATS.rgb888
    const bytes = Uint8Array.from([...tile(pf, { bg: BLUE, fg: RED }), ...rawTile(pf, 16, 16, gradient), ...tile(pf, { subrects: [[1, 1, 2, 2]] }), 0])
    const fb = feedEverySplit(make, { x: 0, y: 0, w: 32, h: 32, encoding: 5 }, bytes, { pf })
    const [blue, red] = [BLUE, RED].map((c) => expectedWord(pf, ...c))
    expectArea(fb, 0, 0, 16, 16, () => blue)
    expectArea(fb, 16, 0, 16, 16, (x, y) => expectedWord(pf, ...gradient(x, y)))
    expectArea(fb, 0, 16, 16, 16, (x, y) => (x >= 1 && x < 3 && y >= 1 && y < 3 ? red : blue))
    expectArea(fb, 16, 16, 16, 16, () => blue)
  })

  it("takes the last coloured subrect as the next tile's foreground", () => {
    const pf = PIXEL_FORMATS.rgb565
    const bytes = Uint8Array.from([
      ...tile(pf, {
        bg: WHITE,
        subrects: [
          [0, 0, 1, 1, RED],
          [1, 0, 1, 1, BLUE],
        ],
        coloured: true,
      }),
      ...tile(pf, { subrects: [[0, 0, 16, 1]] }),
    ])
    const fb = feedEverySplit(make, { x: 0, y: 0, w: 32, h: 2, encoding: 5 }, bytes, { pf })
    const [w, r, b] = [WHITE, RED, BLUE].map((c) => expectedWord(pf, ...c))
    expectArea(fb, 0, 0, 16, 2, (x, y) => (y === 0 && x === 0 ? r : y === 0 && x === 1 ? b : w))
    expectArea(fb, 16, 0, 16, 2, (_x, y) => (y === 0 ? b : w))
  })

  it('clips tiles at the right and bottom edges and allows subrects up to them', () => {
    const pf = PIXEL_FORMATS.bgr233
    // 20x18: tiles 16x16, 4x16, 16x2, 4x2.
    const bytes = Uint8Array.from([
      ...tile(pf, { bg: WHITE, fg: BLACK, subrects: [[15, 15, 1, 1]] }),
      ...tile(pf, { subrects: [[0, 0, 4, 16]] }),
      ...rawTile(pf, 16, 2, gradient),
      ...tile(pf, { bg: RED, fg: BLUE, subrects: [[3, 1, 1, 1]] }),
    ])
    const fb = feedEverySplit(make, { x: 0, y: 0, w: 20, h: 18, encoding: 5 }, bytes, { pf })
    const [w, k, r, b] = [WHITE, BLACK, RED, BLUE].map((c) => expectedWord(pf, ...c))
    expectArea(fb, 0, 0, 16, 16, (x, y) => (x === 15 && y === 15 ? k : w))
    expectArea(fb, 16, 0, 4, 16, () => k)
    expectArea(fb, 0, 16, 16, 2, (x, y) => expectedWord(pf, ...gradient(x, y)))
    expectArea(fb, 16, 16, 4, 2, (x, y) => (x === 3 && y === 1 ? b : r))
  })

  it('ignores the other mask bits of a raw tile', () => {
    const pf = PIXEL_FORMATS.rgb888
    const fb = feedEverySplit(make, { x: 0, y: 0, w: 2, h: 2, encoding: 5 }, Uint8Array.from(rawTile(pf, 2, 2, gradient, 0xff)), { pf })
    expectArea(fb, 0, 0, 2, 2, (x, y) => expectedWord(pf, ...gradient(x, y)))
  })

  it('draws a row of solid tiles in one colour with one fill', () => {
    const pf = PIXEL_FORMATS.rgb888
    const fb = new FramebufferSink()
    fb.resize(64, 16)
    const fills: string[] = []
    const sink = Object.assign(Object.create(fb) as FramebufferSink, {
      fill(x: number, y: number, w: number, h: number, c: number) {
        fills.push(`${w}x${h}+${x}+${y}`)
        fb.fill(x, y, w, h, c)
      },
    })
    const q = new ByteQueue()
    const ctx = makeContext(sink, pf, 64, 16, q)
    const d: RectDecoder = make()
    d.begin({ x: 0, y: 0, w: 64, h: 16, encoding: 5 }, ctx)
    q.push(Uint8Array.from([...tile(pf, { bg: RED }), 0, 0, ...tile(pf, { bg: BLUE })]))
    expect(d.decode(q, ctx)).toBe(true)
    expect(fills).toEqual(['48x16+0+0', '16x16+48+0'])
    expectArea(fb, 0, 0, 64, 16, (x) => expectedWord(pf, ...(x < 48 ? RED : BLUE)))
  })

  it('finishes an empty rect without reading a byte', () => {
    const q = new ByteQueue()
    const ctx = makeContext(new FramebufferSink(), PIXEL_FORMATS.rgb888, 1, 5, q)
    const d: RectDecoder = make()
    d.begin({ x: 0, y: 0, w: 0, h: 5, encoding: 5 }, ctx)
    q.push(Uint8Array.of(2))
    expect(d.decode(q, ctx)).toBe(true)
    expect(q.length).toBe(1)
  })

  it('refuses a subrect outside its tile', () => {
    const pf = PIXEL_FORMATS.rgb888
    // The second tile is only 4 wide.
    const bytes = Uint8Array.from([...tile(pf, { bg: WHITE }), ...tile(pf, { fg: BLACK, subrects: [[3, 0, 2, 1]] })])
    expectErrorEverySplit(make, { x: 0, y: 0, w: 20, h: 4, encoding: 5 }, bytes, 'RFB_ERR_HEXTILE', /Hextile subrect 2x1\+3\+0 outside the 4x4 tile at 16,0/)
  })

  it('refuses a first tile without a background', () => {
    const pf = PIXEL_FORMATS.rgb888
    expectErrorEverySplit(
      make,
      { x: 0, y: 0, w: 4, h: 4, encoding: 5 },
      Uint8Array.from(tile(pf, { fg: BLACK, subrects: [[0, 0, 1, 1]] })),
      'RFB_ERR_HEXTILE',
      /no background/,
    )
  })

  it('refuses foreground subrects before any foreground was given', () => {
    const pf = PIXEL_FORMATS.rgb888
    expectErrorEverySplit(
      make,
      { x: 0, y: 0, w: 4, h: 4, encoding: 5 },
      Uint8Array.from(tile(pf, { bg: WHITE, subrects: [[0, 0, 1, 1]] })),
      'RFB_ERR_HEXTILE',
      /foreground colour, which was never given/,
    )
  })

  it('refuses mask bits Hextile does not define', () => {
    const pf = PIXEL_FORMATS.rgb888
    expectErrorEverySplit(
      make,
      { x: 0, y: 0, w: 4, h: 4, encoding: 5 },
      Uint8Array.from(tile(pf, { bg: WHITE, extraBits: 0x40 })),
      'RFB_ERR_HEXTILE',
      /mask 0x42 has undefined bits/,
    )
  })
})

// Whole-tile backgrounds are stored two words at a time as doubles (word-pairs.ts). An opaque
// colour whose blue is 0xf0 or more makes a NaN double: such colours must land bit for bit, and
// nothing outside the rect may change, with tiles starting at odd and even words.
describe('Hextile backgrounds stored two words at a time', () => {
  const pf = PIXEL_FORMATS.rgb888
  const NAN_BLUE: Rgb[] = [
    [255, 255, 255],
    [1, 2, 0xf0],
    [0x12, 0x34, 0xf8],
  ]
  const SENTINEL = 0x5a5a5a5a
  for (const [x, width] of [
    [0, 50],
    [1, 50],
    [0, 51],
    [1, 51],
  ]) {
    it(`rect at x=${x} in a framebuffer ${width} wide`, () => {
      const w = 48
      const h = 16
      // Subrect tiles start the strip; the third tile, one colour, is then filled in the strip.
      const bytes = Uint8Array.from([
        ...tile(pf, { bg: NAN_BLUE[0], fg: RED, subrects: [[3, 3, 2, 2]] }),
        ...tile(pf, { bg: NAN_BLUE[1], subrects: [[0, 15, 16, 1]] }),
        ...tile(pf, { bg: NAN_BLUE[2] }),
      ])
      const height = 18
      const fb = feedEverySplit(make, { x, y: 1, w, h, encoding: 5 }, bytes, { pf, width, height, initial: new Uint32Array(width * height).fill(SENTINEL) })
      const want = (cx: number, cy: number): number => {
        const t = cx >> 4
        const tx = cx & 15
        if (t === 0 && tx >= 3 && tx < 5 && cy >= 3 && cy < 5) return expectedWord(pf, ...RED)
        if (t === 1 && cy === 15) return expectedWord(pf, ...RED)
        return expectedWord(pf, ...NAN_BLUE[t])
      }
      for (let py = 0; py < height; py++) {
        for (let px = 0; px < width; px++) {
          const cx = px - x
          const cy = py - 1
          const inside = cx >= 0 && cx < w && cy >= 0 && cy < h
          const expected = (inside ? want(cx, cy) : SENTINEL) >>> 0
          const got = fb.words[py * width + px]
          if (got !== expected) expect.fail(`pixel ${px},${py}: ${got.toString(16)}, want ${expected.toString(16)}`)
        }
      }
    })
  }
})
