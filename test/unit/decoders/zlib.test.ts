import { describe, expect, it } from 'vitest'
import { ZlibDecoder } from '../../../src/main/rfb/decoders/zlib'
import { RfbProtocolError } from '../../../src/main/rfb/errors'
import { PIXEL_FORMATS, type PixelFormat } from '../../../src/main/rfb/pixel-format'
import { Bytes, encodePixel, expectedWord } from '../../helpers/bytes'
import { feedEverySplit, feedRect } from '../../helpers/feed'
import { protocolErrorOf } from '../../helpers/protocol-error'
import { type Rgb, expectArea, expectError, expectErrorEverySplit, feedSampled, withLength, zlibChunk } from '../../helpers/rect-vectors'
import { SyncDeflater } from '../../helpers/zlib'

const make = (): ZlibDecoder => new ZlibDecoder()
const FORMATS: PixelFormat[] = [PIXEL_FORMATS.rgb888, PIXEL_FORMATS.rgb565, PIXEL_FORMATS.bgr233, PIXEL_FORMATS.rgb888be]
const colour = (x: number, y: number): Rgb => [(x * 37) & 255, (y * 53) & 255, ((x + y) * 11) & 255]

function rawPixels(pf: PixelFormat, w: number, h: number, c: (x: number, y: number) => Rgb, dx = 0): Uint8Array {
  const b = new Bytes()
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) b.pixel(pf, ...c(x + dx, y))
  return b.build()
}

/** Decoders that already inflated `first` (a rect in the same zlib stream). */
function primed(firstRect: { w: number; h: number }, first: Uint8Array, pf: PixelFormat): () => ZlibDecoder {
  return () => {
    const d = make()
    feedRect(d, { x: 0, y: 0, ...firstRect, encoding: 6 }, [first], { pf })
    return d
  }
}

describe('Zlib', () => {
  it('inflates a rect to raw pixels in every pixel format and chunking', () => {
    for (const pf of FORMATS) {
      const bytes = withLength(zlibChunk(rawPixels(pf, 5, 3, colour)))
      const fb = feedEverySplit(make, { x: 1, y: 1, w: 5, h: 3, encoding: 6 }, bytes, { pf, width: 7, height: 5 })
      expectArea(fb, 1, 1, 5, 3, (x, y) => expectedWord(pf, ...colour(x, y)))
    }
  })

  it('keeps one stream across rects, so later rects may refer to earlier data', () => {
    const pf = PIXEL_FORMATS.rgb888
    const z = new SyncDeflater()
    const first = withLength(z.chunk(rawPixels(pf, 8, 8, colour)))
    const second = withLength(z.chunk(rawPixels(pf, 8, 8, colour)))
    const fb = feedEverySplit(primed({ w: 8, h: 8 }, first, pf), { x: 0, y: 0, w: 8, h: 8, encoding: 6 }, second, { pf })
    expectArea(fb, 0, 0, 8, 8, (x, y) => expectedWord(pf, ...colour(x, y)))
  })

  it('converts a rect larger than one batch of rows', () => {
    const pf = PIXEL_FORMATS.rgb565
    const bytes = withLength(zlibChunk(rawPixels(pf, 300, 300, colour)))
    const fb = feedSampled(make, { x: 0, y: 0, w: 300, h: 300, encoding: 6 }, bytes, { pf })
    expectArea(fb, 0, 0, 300, 300, (x, y) => expectedWord(pf, ...colour(x, y)))
  })

  it('starts a fresh stream after reset()', () => {
    const pf = PIXEL_FORMATS.rgb888
    const d = make()
    const rect = { x: 0, y: 0, w: 2, h: 1, encoding: 6 }
    feedRect(d, rect, [withLength(zlibChunk(rawPixels(pf, 2, 1, colour)))], { pf })
    d.reset()
    const fb = feedRect(d, rect, [withLength(zlibChunk(rawPixels(pf, 2, 1, colour, 5)))], { pf })
    expectArea(fb, 0, 0, 2, 1, (x, y) => expectedWord(pf, ...colour(x + 5, y)))
  })

  it('refuses a hostile length before buffering the data', () => {
    const rect = { x: 0, y: 0, w: 4, h: 4, encoding: 6 }
    // 4x4x4 = 64 bytes of pixels can never take 64 KiB of zlib data.
    expectErrorEverySplit(make, rect, new Bytes().u32(65536).build(), 'RFB_ERR_ZLIB', /announces 65536 compressed bytes for 64 bytes/)
  })

  it('refuses zlib data that inflates past the rect', () => {
    const pf = PIXEL_FORMATS.rgb888
    const bytes = withLength(zlibChunk(rawPixels(pf, 3, 1, colour)))
    expectErrorEverySplit(make, { x: 0, y: 0, w: 2, h: 1, encoding: 6 }, bytes, 'RFB_ERR_ZLIB', /Zlib: zlib data inflates past the 8 bytes/)
  })

  it('refuses zlib data that ends before the rect', () => {
    const pf = PIXEL_FORMATS.rgb888
    const bytes = withLength(zlibChunk(rawPixels(pf, 3, 1, colour)))
    expectErrorEverySplit(make, { x: 0, y: 0, w: 2, h: 2, encoding: 6 }, bytes, 'RFB_ERR_ZLIB', /ends after 12 of 16 bytes/)
  })

  it('refuses corrupt zlib data', () => {
    const good = zlibChunk(rawPixels(PIXEL_FORMATS.rgb888, 4, 4, colour))
    const bad = good.slice()
    bad[2] = 0xff // an invalid block type right after the header
    expectError(() => feedRect(make(), { x: 0, y: 0, w: 4, h: 4, encoding: 6 }, [withLength(bad)]), 'RFB_ERR_ZLIB', /Zlib: corrupt zlib data/)
    const notZlib = Uint8Array.from([0x12, 0x34, ...encodePixel(PIXEL_FORMATS.rgb888, 1, 2, 3)])
    expectError(() => feedRect(make(), { x: 0, y: 0, w: 1, h: 1, encoding: 6 }, [withLength(notZlib)]), 'RFB_ERR_ZLIB', /not a zlib stream/)
  })

  it('keeps the inflate stream error as the cause, its message named once', () => {
    const good = zlibChunk(rawPixels(PIXEL_FORMATS.rgb888, 4, 4, colour))
    const bad = good.slice()
    bad[2] = 0xff
    const err = protocolErrorOf(() => feedRect(make(), { x: 0, y: 0, w: 4, h: 4, encoding: 6 }, [withLength(bad)]))
    expect(err.message).toMatch(/^protocol error at byte 4: Zlib: corrupt zlib data/)
    expect(err.cause).toBeInstanceOf(RfbProtocolError)
    const cause = err.cause as RfbProtocolError
    expect(cause.offset).toBe(-1)
    expect(err.detail).toBe(`Zlib: ${cause.detail}`)
  })
})
