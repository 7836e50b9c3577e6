import { describe, expect, it } from 'vitest'
import { ZywrleDecoder, zywrleLevel } from '../../../src/main/rfb/decoders/zywrle'
import { PixelConverter } from '../../../src/main/rfb/pixel-converter'
import { PIXEL_FORMATS, type PixelFormat } from '../../../src/main/rfb/pixel-format'
import { Encoding } from '../../../src/shared/encodings'
import { expectedWord } from '../../helpers/bytes'
import { prng } from '../../helpers/desktop'
import { feedEverySplit, feedRect } from '../../helpers/feed'
import { type Rgb, cpixelOfValue, expectArea, expectErrorEverySplit, feedSampled, withLength, zlibChunk, zrleTile } from '../../helpers/rect-vectors'
import { SyncDeflater } from '../../helpers/zlib'
import { type ZywrleLayout, zywrleAnalyze } from '../../helpers/zywrle'

const RGB555: PixelFormat = {
  bitsPerPixel: 16,
  depth: 15,
  bigEndian: false,
  trueColour: true,
  redMax: 31,
  greenMax: 31,
  blueMax: 31,
  redShift: 10,
  greenShift: 5,
  blueShift: 0,
}
const FORMATS: [ZywrleLayout, PixelFormat][] = [
  ['rgb888', PIXEL_FORMATS.rgb888],
  ['rgb565', PIXEL_FORMATS.rgb565],
  ['rgb555', RGB555],
]

function decoder(quality: number | null): () => ZywrleDecoder {
  return () => {
    const d = new ZywrleDecoder()
    d.setQuality(quality)
    return d
  }
}

function rect(w: number, h: number): { x: number; y: number; w: number; h: number; encoding: number } {
  return { x: 0, y: 0, w, h, encoding: 17 }
}

/** A ZYWRLE rect of one tile: sub-encoding 0, then the nested tile. */
function wavelet(nested: number[]): Uint8Array {
  return withLength(zlibChunk([0, ...nested]))
}

/** The nested tile as raw CPIXELs of the given coefficient pixel values. */
function rawValues(pf: PixelFormat, values: number[]): number[] {
  return [0, ...values.flatMap((v) => cpixelOfValue(pf, v))]
}

/** Coefficient (U, Y, V) as a 32 bpp pixel value: V in bits 16-23, Y in 8-15, U in 0-7. */
const coeff = (u: number, y: number, v: number): number => (((v & 255) << 16) | ((y & 255) << 8) | (u & 255)) >>> 0

describe('ZYWRLE', () => {
  it('derives the wavelet level count from the quality level as libvncserver does', () => {
    expect([null, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(zywrleLevel)).toEqual([1, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1])
  })

  it('inverts one level by hand: Hx splits the columns, Hy the rows', () => {
    const pf = PIXEL_FORMATS.rgb888
    const grey = (g: number): number => expectedWord(pf, g, g, g)
    // Packed order: Hxy, Hy, Hx, then L. PLHaar turns (L 10, Hx 4) into 10 and 6: Y + 128 = grey.
    let fb = feedEverySplit(decoder(null), rect(2, 2), wavelet(rawValues(pf, [0, 0, coeff(0, 4, 0), coeff(0, 10, 0)])), { pf })
    expectArea(fb, 0, 0, 2, 2, [grey(138), grey(134), grey(138), grey(134)])
    fb = feedEverySplit(decoder(9), rect(2, 2), wavelet(rawValues(pf, [0, coeff(0, 8, 0), 0, coeff(0, 20, 0)])), { pf })
    expectArea(fb, 0, 0, 2, 2, [grey(148), grey(148), grey(140), grey(140)])
  })

  it('turns U and V back into colour: G = Y - (U+V)/2, B = G + 2U, R = G + 2V', () => {
    const pf = PIXEL_FORMATS.rgb888
    // U 8, V -8 with Y 0 give R 112, G 128, B 144 in ZYWRLE's labels, i.e. value bits 16-23,
    // 8-15 and 0-7; RGBX8888 holds red in bits 0-7, so red shows 144 and blue 112.
    const fb = feedEverySplit(decoder(7), rect(2, 2), wavelet(rawValues(pf, [0, 0, 0, coeff(8, 0, -8)])), { pf })
    expectArea(fb, 0, 0, 2, 2, () => expectedWord(pf, 144, 128, 112))
  })

  it('decodes a nested solid or run-length coefficient tile', () => {
    const pf = PIXEL_FORMATS.rgb888
    // Every coefficient equal: each PLHaar step maps (c, c) to (c, 0) and back, so only a tile
    // whose H bands are zero is flat; a solid nested tile gives the same value everywhere.
    let fb = feedEverySplit(decoder(null), rect(2, 2), wavelet(zrleTile.solid(pf, [0, 0, 0])), { pf })
    expectArea(fb, 0, 0, 2, 2, () => expectedWord(pf, 128, 128, 128))
    const nested = [128 + 2, ...cpixelOfValue(pf, 0), ...cpixelOfValue(pf, coeff(0, 10, 0)), 0x80, 2, 0x81, 0]
    fb = feedEverySplit(decoder(8), rect(2, 2), wavelet(nested), { pf })
    expectArea(fb, 0, 0, 2, 2, () => expectedWord(pf, 138, 138, 138))
  })

  for (const [layout, pf] of FORMATS) {
    it(`reproduces ${layout} tiles exactly at every level, aligned or not`, () => {
      const px = new PixelConverter(pf)
      const rnd = prng(layout.length * 101)
      // Channels that are multiples of 32 pass the colour transform (Y, U, V multiples of 8) and
      // the 16 bpp coefficient packing (which drops their low 2 or 3 bits) unchanged.
      const channel = (): number => 64 + 32 * Math.floor(rnd() * 5)
      const valueOf = ([r, g, b]: Rgb): number =>
        layout === 'rgb888'
          ? (r << 16) | (g << 8) | b
          : layout === 'rgb565'
            ? ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3)
            : ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3)
      for (const [quality, level] of [
        [7, 1],
        [4, 2],
        [1, 3],
      ]) {
        for (const [w, h] of [
          [64, 64],
          [13, 10],
          [64, 5],
          [3, 3],
        ]) {
          const values = Array.from({ length: w * h }, () => valueOf([channel(), channel(), channel()]))
          const nested = zywrleAnalyze(values, w, h, level, layout)
          const bytes = wavelet(rawValues(pf, nested))
          const fb = w * h > 64 ? feedSampled(decoder(quality), rect(w, h), bytes, { pf }, 3) : feedEverySplit(decoder(quality), rect(w, h), bytes, { pf })
          expectArea(fb, 0, 0, w, h, (x, y) => px.fromValue(values[y * w + x]))
        }
      }
    })
  }

  it('follows the last QualityLevel the client sent, and forgets it on reset()', () => {
    const pf = PIXEL_FORMATS.rgb888
    const values = Array.from({ length: 16 }, (_, i) => (((100 + i * 8) << 16) | ((120 + i * 4) << 8) | (140 - i * 4)) >>> 0)
    const px = new PixelConverter(pf)
    const expected = (x: number, y: number): number => px.fromValue(values[y * 4 + x])
    const tile = (level: number): Uint8Array => Uint8Array.from([0, ...rawValues(pf, zywrleAnalyze(values, 4, 4, level, 'rgb888'))])
    const z = new SyncDeflater()
    const d = new ZywrleDecoder()
    d.encodingsSent([17, 16, 0, Encoding.QualityLevel0 + 9, Encoding.QualityLevel0 + 4, Encoding.Cursor])
    expectArea(feedRect(d, rect(4, 4), [withLength(z.chunk(tile(2)))], { pf }), 0, 0, 4, 4, expected)
    // A list without a quality level keeps the last one.
    d.encodingsSent([17, 0])
    expectArea(feedRect(d, rect(4, 4), [withLength(z.chunk(tile(2)))], { pf }), 0, 0, 4, 4, expected)
    d.reset()
    expectArea(feedRect(d, rect(4, 4), [withLength(new SyncDeflater().chunk(tile(1)))], { pf }), 0, 0, 4, 4, expected)
  })

  it('needs the quality level: another level count gives another picture', () => {
    const pf = PIXEL_FORMATS.rgb888
    const values = Array.from({ length: 16 }, (_, i) => (((100 + i * 8) << 16) | ((120 + i * 4) << 8) | (140 - i * 4)) >>> 0)
    const bytes = wavelet(rawValues(pf, zywrleAnalyze(values, 4, 4, 2, 'rgb888')))
    const right = feedRect(decoder(3)(), rect(4, 4), [bytes], { pf })
    const wrong = feedRect(decoder(9)(), rect(4, 4), [bytes], { pf })
    expect(Buffer.compare(Buffer.from(right.data), Buffer.from(wrong.data))).not.toBe(0)
  })

  it('leaves tiles that are not raw, and every tile at 8 bpp, to plain ZRLE', () => {
    const pf = PIXEL_FORMATS.rgb888
    let fb = feedEverySplit(decoder(0), rect(2, 2), withLength(zlibChunk(zrleTile.solid(pf, [1, 2, 3]))), { pf })
    expectArea(fb, 0, 0, 2, 2, () => expectedWord(pf, 1, 2, 3))
    const low = PIXEL_FORMATS.bgr233
    const colours: Rgb[] = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 255, 255],
    ]
    fb = feedEverySplit(decoder(0), rect(2, 2), withLength(zlibChunk(zrleTile.raw(low, colours))), { pf: low })
    expectArea(
      fb,
      0,
      0,
      2,
      2,
      colours.map((c) => expectedWord(low, ...c)),
    )
  })

  it('refuses a broken nested tile under its own name', () => {
    const pf = PIXEL_FORMATS.rgb888
    expectErrorEverySplit(decoder(null), rect(2, 2), wavelet([17, 0, 0, 0]), 'RFB_ERR_ZYWRLE', /ZYWRLE tile at 0,0: sub-encoding 17/, { pf })
    expectErrorEverySplit(
      decoder(null),
      rect(2, 2),
      wavelet(rawValues(pf, [0, 0, 0])),
      'RFB_ERR_ZYWRLE',
      /ZYWRLE tile at 0,0: the zlib data ends inside the raw pixels/,
      { pf },
    )
    expectErrorEverySplit(decoder(null), rect(2, 2), wavelet([]), 'RFB_ERR_ZYWRLE', /ends before the tile/, { pf })
  })
})
