import { describe, expect, it } from 'vitest'
import { ZrleDecoder, zrleMaxData } from '../../../src/main/rfb/decoders/zrle'
import { PIXEL_FORMATS, type PixelFormat } from '../../../src/main/rfb/pixel-format'
import { Bytes, expectedWord } from '../../helpers/bytes'
import { feedEverySplit, feedRect } from '../../helpers/feed'
import { type Rgb, cpixel, expectArea, expectError, expectErrorEverySplit, feedSampled, withLength, zlibChunk, zrleTile } from '../../helpers/rect-vectors'
import { SyncDeflater } from '../../helpers/zlib'

const make = (): ZrleDecoder => new ZrleDecoder()
const FORMATS: [string, PixelFormat][] = [
  ['rgb888 (3-byte CPIXEL)', PIXEL_FORMATS.rgb888],
  ['rgb888be (3-byte CPIXEL, top bytes)', PIXEL_FORMATS.rgb888be],
  ['rgb565', PIXEL_FORMATS.rgb565],
  ['bgr233', PIXEL_FORMATS.bgr233],
]
const PALETTE: Rgb[] = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [255, 255, 0],
  [0, 255, 255],
  [255, 0, 255],
  [128, 128, 128],
  [255, 255, 255],
  [0, 0, 0],
  [128, 0, 0],
  [0, 128, 0],
  [0, 0, 128],
  [128, 128, 0],
  [0, 128, 128],
  [128, 0, 128],
  [64, 64, 64],
]
const colour = (x: number, y: number): Rgb => [(x * 40) & 255, (y * 70) & 255, ((x ^ y) * 30) & 255]

function rect(w: number, h: number, x = 0, y = 0): { x: number; y: number; w: number; h: number; encoding: number } {
  return { x, y, w, h, encoding: 16 }
}

function zrle(...tiles: number[][]): Uint8Array {
  return withLength(zlibChunk(tiles.flat()))
}

describe('ZRLE sub-encodings', () => {
  for (const [name, pf] of FORMATS) {
    describe(name, () => {
      const word = (c: Rgb): number => expectedWord(pf, ...c)

      it('raw (0)', () => {
        const pixels = Array.from({ length: 12 }, (_, i) => colour(i % 4, Math.floor(i / 4)))
        const tile = zrleTile.raw(pf, pixels)
        expect(tile.length).toBe(1 + 12 * (pf.bitsPerPixel === 32 ? 3 : pf.bitsPerPixel / 8))
        const fb = feedEverySplit(make, rect(4, 3, 1, 1), zrle(tile), { pf, width: 6, height: 5 })
        expectArea(fb, 1, 1, 4, 3, (x, y) => word(colour(x, y)))
      })

      it('solid (1)', () => {
        const fb = feedEverySplit(make, rect(4, 3), zrle(zrleTile.solid(pf, [12, 200, 99])), { pf })
        expectArea(fb, 0, 0, 4, 3, () => word([12, 200, 99]))
      })

      for (const size of [2, 3, 4, 5, 16]) {
        it(`packed palette of ${size}, rows padded to a byte`, () => {
          const palette = PALETTE.slice(0, size)
          // 5 wide, so every index width leaves padding at the end of each row.
          const indexes = Array.from({ length: 15 }, (_, i) => (i * 7 + 3) % size)
          const fb = feedEverySplit(make, rect(5, 3), zrle(zrleTile.packed(pf, palette, indexes, 5)), { pf })
          expectArea(fb, 0, 0, 5, 3, (x, y) => word(palette[indexes[y * 5 + x]]))
        })
      }

      it('plain RLE (128), runs crossing rows', () => {
        const runs: [Rgb, number][] = [
          [PALETTE[0], 7],
          [PALETTE[1], 1],
          [PALETTE[2], 7],
        ]
        const fb = feedEverySplit(make, rect(5, 3), zrle(zrleTile.plainRle(pf, runs)), { pf })
        expectArea(fb, 0, 0, 5, 3, (x, y) => {
          const i = y * 5 + x
          return word(i < 7 ? PALETTE[0] : i === 7 ? PALETTE[1] : PALETTE[2])
        })
      })

      it('palette RLE (130-255), single pixels and runs', () => {
        const palette = PALETTE.slice(0, 3)
        const runs: [number, number][] = [
          [0, 1],
          [1, 9],
          [2, 1],
          [0, 4],
        ]
        const expected = runs.flatMap(([idx, len]) => Array<number>(len).fill(idx))
        for (const long of [false, true]) {
          const fb = feedEverySplit(make, rect(5, 3), zrle(zrleTile.paletteRle(pf, palette, runs, long)), { pf })
          expectArea(fb, 0, 0, 5, 3, (x, y) => word(palette[expected[y * 5 + x]]))
        }
      })
    })
  }

  it('palette RLE with all 127 colours', () => {
    const pf = PIXEL_FORMATS.rgb888
    const palette = Array.from({ length: 127 }, (_, i): Rgb => [i * 2, 255 - i, i])
    const runs = Array.from({ length: 128 }, (_, i): [number, number] => [(126 - i + 127) % 127, 1])
    const tile = zrleTile.paletteRle(pf, palette, runs)
    expect(tile[0]).toBe(255)
    const fb = feedSampled(make, rect(64, 2), zrle(tile), { pf })
    expectArea(fb, 0, 0, 64, 2, (x, y) => expectedWord(pf, ...palette[(126 - (y * 64 + x) + 127) % 127]))
  })
})

describe('ZRLE rects', () => {
  it('splits into 64x64 tiles, smaller at the right and bottom edges', () => {
    const pf = PIXEL_FORMATS.rgb888
    // 70x66: tiles 64x64, 6x64, 64x2, 6x2; long runs need several length bytes.
    const tiles = [
      zrleTile.plainRle(pf, [
        [PALETTE[0], 1000],
        [PALETTE[1], 3096],
      ]),
      zrleTile.raw(
        pf,
        Array.from({ length: 6 * 64 }, (_, i) => colour(i % 6, Math.floor(i / 6))),
      ),
      zrleTile.paletteRle(
        pf,
        [PALETTE[2], PALETTE[3]],
        [
          [0, 100],
          [1, 28],
        ],
      ),
      zrleTile.solid(pf, PALETTE[4]),
    ]
    const fb = feedSampled(make, rect(70, 66, 3, 2), zrle(...tiles), { pf })
    const w = (c: Rgb): number => expectedWord(pf, ...c)
    expectArea(fb, 3, 2, 64, 64, (x, y) => w(y * 64 + x < 1000 ? PALETTE[0] : PALETTE[1]))
    expectArea(fb, 67, 2, 6, 64, (x, y) => w(colour(x, y)))
    expectArea(fb, 3, 66, 64, 2, (x, y) => w(y * 64 + x < 100 ? PALETTE[2] : PALETTE[3]))
    expectArea(fb, 67, 66, 6, 2, () => w(PALETTE[4]))
  })

  it('keeps one zlib stream across rects', () => {
    const pf = PIXEL_FORMATS.rgb565
    const z = new SyncDeflater()
    const tile = zrleTile.raw(
      pf,
      Array.from({ length: 64 }, (_, i) => colour(i % 8, i >> 3)),
    )
    const first = withLength(z.chunk(Uint8Array.from(tile)))
    const second = withLength(z.chunk(Uint8Array.from(tile)))
    const primed = (): ZrleDecoder => {
      const d = make()
      feedRect(d, rect(8, 8), [first], { pf })
      return d
    }
    const fb = feedEverySplit(primed, rect(8, 8), second, { pf })
    expectArea(fb, 0, 0, 8, 8, (x, y) => expectedWord(pf, ...colour(x, y)))
  })

  it('bounds the inflated size by what the tiles can hold', () => {
    // One 64x64 tile of 3-byte CPIXELs: 2 + 127*3 header bytes, 4 per pixel at most.
    expect(zrleMaxData(64, 64, 3)).toBe(2 + 127 * 3 + 4096 * 4)
    expect(zrleMaxData(65, 1, 1)).toBe(2 * (2 + 127) + 65 * 2)
  })
})

describe('ZRLE errors', () => {
  const pf = PIXEL_FORMATS.rgb888
  const code = 'RFB_ERR_ZRLE'

  it('refuses the undefined sub-encodings 17-127 and 129', () => {
    for (const sub of [17, 64, 127]) {
      expectErrorEverySplit(make, rect(2, 2), zrle([sub, ...cpixel(pf, PALETTE[0])]), code, new RegExp(`ZRLE tile at 0,0: sub-encoding ${sub} .*undefined`))
    }
    expectErrorEverySplit(make, rect(2, 2), zrle([129, ...cpixel(pf, PALETTE[0]), 0]), code, /sub-encoding 129 is undefined/)
  })

  it('refuses a packed index beyond the palette', () => {
    const tile = zrleTile.packed(pf, PALETTE.slice(0, 3), [0, 1, 2, 3], 2)
    expectErrorEverySplit(make, rect(2, 2), zrle(tile), code, /palette index 3 beyond the 3-colour palette/)
  })

  it('refuses a palette RLE index beyond the palette', () => {
    const tile = zrleTile.paletteRle(pf, PALETTE.slice(0, 2), [
      [0, 2],
      [5, 2],
    ])
    expectErrorEverySplit(make, rect(2, 2), zrle(tile), code, /palette index 5 beyond the 2-colour palette/)
  })

  it('refuses runs past the end of the tile', () => {
    expectErrorEverySplit(
      make,
      rect(2, 2),
      zrle(
        zrleTile.plainRle(pf, [
          [PALETTE[0], 3],
          [PALETTE[1], 2],
        ]),
      ),
      code,
      /run of 2 goes past the tile's 1 remaining pixels/,
    )
    expectErrorEverySplit(make, rect(2, 2), zrle(zrleTile.paletteRle(pf, PALETTE.slice(0, 2), [[1, 300]])), code, /run of \d+ goes past the tile's 4 remaining/)
  })

  it('refuses zlib data that ends inside a tile', () => {
    const raw = zrleTile.raw(pf, [PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3]])
    expectErrorEverySplit(make, rect(2, 2), zrle(raw.slice(0, -1)), code, /ends inside the raw pixels/)
    expectErrorEverySplit(make, rect(2, 2), zrle(zrleTile.solid(pf, PALETTE[0]).slice(0, 2)), code, /ZRLE tile at 0,0: the zlib data ends inside the colour/)
    expectErrorEverySplit(make, rect(2, 2), zrle(zrleTile.packed(pf, PALETTE.slice(0, 2), [0, 1, 1, 0], 2).slice(0, -1)), code, /ends inside the packed pixels/)
    expectErrorEverySplit(make, rect(2, 2), zrle(zrleTile.paletteRle(pf, PALETTE.slice(0, 2), [[0, 300]]).slice(0, 3)), code, /ends inside the palette/)
    expectErrorEverySplit(make, rect(66, 1), zrle(zrleTile.solid(pf, PALETTE[0])), code, /ZRLE tile at 64,0: the zlib data ends before the tile/)
    expectErrorEverySplit(make, rect(4, 1), zrle(zrleTile.plainRle(pf, [[PALETTE[0], 2]])), code, /ends inside a run/)
  })

  it('refuses zlib data past the rect', () => {
    expectErrorEverySplit(make, rect(2, 2), zrle(zrleTile.solid(pf, PALETTE[0]), [0]), code, /ZRLE zlib data goes 1 bytes past the rect's tiles/)
  })

  it('refuses a hostile length before buffering the data', () => {
    expectErrorEverySplit(make, rect(2, 2), new Bytes().u32(0x7fffffff).build(), code, /ZRLE rect 2x2 announces 2147483647 compressed bytes/)
  })

  it('refuses corrupt zlib data, naming the encoding', () => {
    const bad = zlibChunk(zrleTile.solid(pf, PALETTE[0]))
    bad[2] = 0xff
    expectError(() => feedRect(make(), rect(2, 2), [withLength(bad)]), code, /ZRLE: corrupt zlib data/)
  })
})
