import { describe, it } from 'vitest'
import { ZlibHexDecoder } from '../../../src/main/rfb/decoders/zlib-hex'
import { PIXEL_FORMATS, type PixelFormat } from '../../../src/main/rfb/pixel-format'
import { Bytes, encodePixel, expectedWord } from '../../helpers/bytes'
import { feedEverySplit, feedRect } from '../../helpers/feed'
import { type Rgb, expectArea, expectError, expectErrorEverySplit, zlibChunk } from '../../helpers/rect-vectors'
import { SyncDeflater } from '../../helpers/zlib'

const make = (): ZlibHexDecoder => new ZlibHexDecoder()
const FORMATS: PixelFormat[] = [PIXEL_FORMATS.rgb888, PIXEL_FORMATS.rgb565, PIXEL_FORMATS.bgr233]
const WHITE: Rgb = [255, 255, 255]
const BLACK: Rgb = [0, 0, 0]
const RED: Rgb = [255, 0, 0]
const GREEN: Rgb = [0, 255, 0]
const colour = (x: number, y: number): Rgb => [x * 16, 255 - y * 16, (x * y) & 255]

function pixels(pf: PixelFormat, w: number, h: number, c: (x: number, y: number) => Rgb): number[] {
  const out: number[] = []
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.push(...encodePixel(pf, ...c(x, y)))
  return out
}

/** A mask byte, then a u16 length and the zlib data. */
function zlibTile(mask: number, data: Uint8Array): number[] {
  return [mask, ...new Bytes().u16(data.length).bytes(data).build()]
}

describe('ZlibHex', () => {
  it('decodes ZlibRaw, Zlib and plain tiles side by side, in every pixel format and chunking', () => {
    for (const pf of FORMATS) {
      const raw = new SyncDeflater()
      const hex = new SyncDeflater()
      // 36x4: tiles 16x4, 16x4, 4x4.
      const hexBody = [...encodePixel(pf, ...WHITE), ...encodePixel(pf, ...BLACK), 2, 0x00, 0x03, 0xf0, 0x00]
      const bytes = Uint8Array.from([
        ...zlibTile(32, raw.chunk(Uint8Array.from(pixels(pf, 16, 4, colour)))),
        ...zlibTile(64 | 2 | 4 | 8, hex.chunk(Uint8Array.from(hexBody))),
        8 | 16,
        1,
        ...encodePixel(pf, ...RED),
        0x11,
        0x11,
      ])
      const fb = feedEverySplit(make, { x: 0, y: 0, w: 36, h: 4, encoding: 8 }, bytes, { pf })
      const [w, k, r] = [WHITE, BLACK, RED].map((c) => expectedWord(pf, ...c))
      expectArea(fb, 0, 0, 16, 4, (x, y) => expectedWord(pf, ...colour(x, y)))
      expectArea(fb, 16, 0, 16, 4, (x, y) => ((x === 0 && y < 4) || (x === 15 && y === 0) ? k : w))
      // The plain tile keeps the white background the compressed tile gave.
      expectArea(fb, 32, 0, 4, 4, (x, y) => (x >= 1 && x < 3 && y >= 1 && y < 3 ? r : w))
    }
  })

  it('keeps both zlib streams across tiles and rects', () => {
    const pf = PIXEL_FORMATS.rgb888
    const raw = new SyncDeflater()
    const hex = new SyncDeflater()
    const body = Uint8Array.from(encodePixel(pf, ...GREEN))
    const rect = { x: 0, y: 0, w: 16, h: 2, encoding: 8 }
    const first = Uint8Array.from([...zlibTile(32, raw.chunk(Uint8Array.from(pixels(pf, 16, 2, colour))))])
    const second = Uint8Array.from([...zlibTile(64 | 2, hex.chunk(body))])
    const third = Uint8Array.from([...zlibTile(32, raw.chunk(Uint8Array.from(pixels(pf, 16, 2, colour))))])
    const primed = (): ZlibHexDecoder => {
      const d = make()
      feedRect(d, rect, [first], { pf })
      feedRect(d, rect, [second], { pf })
      return d
    }
    const fb = feedEverySplit(primed, rect, third, { pf })
    expectArea(fb, 0, 0, 16, 2, (x, y) => expectedWord(pf, ...colour(x, y)))
    const after = (): ZlibHexDecoder => {
      const d = primed()
      feedRect(d, rect, [third], { pf })
      return d
    }
    const fb2 = feedEverySplit(after, rect, Uint8Array.from(zlibTile(64 | 2, hex.chunk(body))), { pf })
    expectArea(fb2, 0, 0, 16, 2, () => expectedWord(pf, ...GREEN))
  })

  it('starts fresh streams after reset()', () => {
    const pf = PIXEL_FORMATS.rgb888
    const d = make()
    const rect = { x: 0, y: 0, w: 2, h: 2, encoding: 8 }
    feedRect(d, rect, [Uint8Array.from(zlibTile(32, zlibChunk(pixels(pf, 2, 2, colour))))], { pf })
    d.reset()
    const fb = feedRect(d, rect, [Uint8Array.from(zlibTile(32, zlibChunk(pixels(pf, 2, 2, () => RED))))], { pf })
    expectArea(fb, 0, 0, 2, 2, () => expectedWord(pf, ...RED))
  })

  it('refuses Zlib together with Raw, and undefined mask bits', () => {
    const pf = PIXEL_FORMATS.rgb888
    const rect = { x: 0, y: 0, w: 2, h: 2, encoding: 8 }
    expectErrorEverySplit(
      make,
      rect,
      Uint8Array.from(zlibTile(64 | 1, zlibChunk(pixels(pf, 2, 2, colour)))),
      'RFB_ERR_ZLIBHEX',
      /ZlibHex tile mask 0x41 sets both Raw and Zlib/,
    )
    expectErrorEverySplit(make, rect, Uint8Array.from(zlibTile(64 | 128, zlibChunk([]))), 'RFB_ERR_ZLIBHEX', /mask 0xc0 has undefined bits/)
    expectErrorEverySplit(make, rect, Uint8Array.from([128 | 2, ...encodePixel(pf, ...RED)]), 'RFB_ERR_ZLIBHEX', /mask 0x82 has undefined bits/)
  })

  it('refuses a ZlibRaw tile of the wrong size', () => {
    const pf = PIXEL_FORMATS.rgb888
    const rect = { x: 0, y: 0, w: 2, h: 2, encoding: 8 }
    expectErrorEverySplit(
      make,
      rect,
      Uint8Array.from(zlibTile(32, zlibChunk(pixels(pf, 3, 1, colour)))),
      'RFB_ERR_ZLIBHEX',
      /ZlibRaw tile inflates to 12 bytes, not 16/,
    )
    expectErrorEverySplit(
      make,
      rect,
      Uint8Array.from(zlibTile(32, zlibChunk(pixels(pf, 5, 1, colour)))),
      'RFB_ERR_ZLIBHEX',
      /ZlibHex: zlib data inflates past the 16 bytes/,
    )
  })

  it('refuses a Zlib tile whose data does not match its mask and count', () => {
    const pf = PIXEL_FORMATS.rgb888
    const rect = { x: 0, y: 0, w: 4, h: 4, encoding: 8 }
    const bg = encodePixel(pf, ...WHITE)
    const fg = encodePixel(pf, ...BLACK)
    // Two subrects announced, one given.
    expectErrorEverySplit(
      make,
      rect,
      Uint8Array.from(zlibTile(64 | 2 | 4 | 8, zlibChunk([...bg, ...fg, 2, 0x00, 0x00]))),
      'RFB_ERR_ZLIBHEX',
      /inflates to 11 bytes where its mask and count need 13/,
    )
    // A byte past the tile.
    expectErrorEverySplit(
      make,
      rect,
      Uint8Array.from(zlibTile(64 | 2, zlibChunk([...bg, 0]))),
      'RFB_ERR_ZLIBHEX',
      /ZlibHex: zlib data inflates past the 4 bytes/,
    )
    // Fewer subrects than the largest count allows, but more than announced.
    expectErrorEverySplit(
      make,
      rect,
      Uint8Array.from(zlibTile(64 | 2 | 4 | 8, zlibChunk([...bg, ...fg, 1, 0x00, 0x00, 0x11, 0x00]))),
      'RFB_ERR_ZLIBHEX',
      /inflates to 13 bytes where its mask and count need 11/,
    )
    // A compressed subrect outside the tile.
    expectErrorEverySplit(
      make,
      rect,
      Uint8Array.from(zlibTile(64 | 2 | 4 | 8, zlibChunk([...bg, ...fg, 1, 0x30, 0x10]))),
      'RFB_ERR_ZLIBHEX',
      /ZlibHex subrect 2x1\+3\+0 outside the 4x4 tile/,
    )
  })

  it('refuses corrupt zlib data', () => {
    const pf = PIXEL_FORMATS.rgb888
    const bad = zlibChunk(pixels(pf, 2, 2, colour))
    bad[2] = 0xff
    expectError(
      () => feedRect(make(), { x: 0, y: 0, w: 2, h: 2, encoding: 8 }, [Uint8Array.from(zlibTile(32, bad))]),
      'RFB_ERR_ZLIBHEX',
      /ZlibHex: corrupt zlib data/,
    )
  })
})
