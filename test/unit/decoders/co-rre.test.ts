import { describe, it } from 'vitest'
import { CoRreDecoder } from '../../../src/main/rfb/decoders/co-rre'
import { PIXEL_FORMATS, type PixelFormat } from '../../../src/main/rfb/pixel-format'
import { Bytes, expectedWord } from '../../helpers/bytes'
import { feedEverySplit } from '../../helpers/feed'
import { type Rgb, expectArea, expectErrorEverySplit } from '../../helpers/rect-vectors'

const make = (): CoRreDecoder => new CoRreDecoder()
const BG: Rgb = [200, 200, 200]
const INK: Rgb = [0, 0, 128]
const FORMATS: PixelFormat[] = [PIXEL_FORMATS.rgb888, PIXEL_FORMATS.rgb565, PIXEL_FORMATS.bgr233, PIXEL_FORMATS.rgb888be]

function corre(pf: PixelFormat, bg: Rgb, subrects: [Rgb, number, number, number, number][]): Uint8Array {
  const b = new Bytes().u32(subrects.length).pixel(pf, ...bg)
  for (const [c, x, y, w, h] of subrects) b.pixel(pf, ...c).u8(x, y, w, h)
  return b.build()
}

describe('CoRRE', () => {
  it('reads one-byte subrect geometry in every pixel format and chunking', () => {
    for (const pf of FORMATS) {
      const rect = { x: 2, y: 1, w: 4, h: 3, encoding: 4 }
      const fb = feedEverySplit(
        make,
        rect,
        corre(pf, BG, [
          [INK, 1, 0, 3, 1],
          [[255, 255, 0], 0, 2, 1, 1],
        ]),
        { pf },
      )
      const bg = expectedWord(pf, ...BG)
      const ink = expectedWord(pf, ...INK)
      const yellow = expectedWord(pf, 255, 255, 0)
      expectArea(fb, 2, 1, 4, 3, [bg, ink, ink, ink, bg, bg, bg, bg, yellow, bg, bg, bg])
    }
  })

  it('covers a 255x255 rect with a subrect at the largest coordinates', () => {
    const pf = PIXEL_FORMATS.rgb888
    const fb = feedEverySplit(make, { x: 0, y: 0, w: 255, h: 255, encoding: 4 }, corre(pf, BG, [[INK, 254, 254, 1, 1]]), { pf })
    expectArea(fb, 253, 253, 2, 2, [expectedWord(pf, ...BG), expectedWord(pf, ...BG), expectedWord(pf, ...BG), expectedWord(pf, ...INK)])
  })

  it('refuses a subrect reaching outside the rect', () => {
    const pf = PIXEL_FORMATS.rgb565
    expectErrorEverySplit(
      make,
      { x: 0, y: 0, w: 4, h: 3, encoding: 4 },
      corre(pf, BG, [[INK, 0, 1, 4, 3]]),
      'RFB_ERR_CORRE',
      /CoRRE subrect 4x3\+0\+1 outside the 4x3 rect/,
      { pf },
    )
  })

  it('refuses more subrects than the rect has pixels', () => {
    const pf = PIXEL_FORMATS.rgb888
    expectErrorEverySplit(
      make,
      { x: 0, y: 0, w: 2, h: 2, encoding: 4 },
      new Bytes()
        .u32(5)
        .pixel(pf, ...BG)
        .build(),
      'RFB_ERR_CORRE',
      /CoRRE rect 2x2 announces 5 subrects/,
    )
  })
})
