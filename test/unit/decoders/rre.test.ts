import { describe, expect, it } from 'vitest'
import { RreDecoder } from '../../../src/main/rfb/decoders/rre'
import { PIXEL_FORMATS, type PixelFormat } from '../../../src/main/rfb/pixel-format'
import { Bytes, expectedWord } from '../../helpers/bytes'
import { feedEverySplit } from '../../helpers/feed'
import { type Rgb, expectArea, expectErrorEverySplit, feedSampled } from '../../helpers/rect-vectors'

const make = (): RreDecoder => new RreDecoder()
const BG: Rgb = [10, 20, 30]
const RED: Rgb = [255, 0, 0]
const GREEN: Rgb = [0, 255, 0]
const FORMATS: [string, PixelFormat][] = [
  ['rgb888', PIXEL_FORMATS.rgb888],
  ['rgb565', PIXEL_FORMATS.rgb565],
  ['bgr233', PIXEL_FORMATS.bgr233],
]
const INITIAL = 0xff777777

function rre(pf: PixelFormat, bg: Rgb, subrects: [Rgb, number, number, number, number][]): Uint8Array {
  const b = new Bytes().u32(subrects.length).pixel(pf, ...bg)
  for (const [c, x, y, w, h] of subrects) b.pixel(pf, ...c).u16(x, y, w, h)
  return b.build()
}

describe('RRE', () => {
  it('fills the background, then each subrect, in every pixel format and chunking', () => {
    for (const [, pf] of FORMATS) {
      const rect = { x: 1, y: 1, w: 5, h: 4, encoding: 2 }
      const bytes = rre(pf, BG, [
        [RED, 0, 0, 2, 2],
        [GREEN, 3, 1, 2, 3],
        [RED, 4, 3, 1, 1],
      ])
      const fb = feedEverySplit(make, rect, bytes, { pf, width: 7, height: 6, initial: new Uint32Array(42).fill(INITIAL) })
      const bg = expectedWord(pf, ...BG)
      const red = expectedWord(pf, ...RED)
      const green = expectedWord(pf, ...GREEN)
      expectArea(fb, 1, 1, 5, 4, [red, red, bg, bg, bg, red, red, bg, green, green, bg, bg, bg, green, green, bg, bg, bg, green, red])
      // Outside the rect nothing changes.
      expectArea(fb, 0, 0, 7, 1, () => INITIAL)
      expectArea(fb, 6, 0, 1, 6, () => INITIAL)
    }
  })

  it('draws a rect without subrects as its background', () => {
    const pf = PIXEL_FORMATS.rgb888
    const fb = feedEverySplit(make, { x: 0, y: 0, w: 3, h: 2, encoding: 2 }, rre(pf, BG, []), { pf })
    expectArea(fb, 0, 0, 3, 2, () => expectedWord(pf, ...BG))
  })

  it('decodes thousands of subrects batch by batch', () => {
    const pf = PIXEL_FORMATS.rgb565
    const subrects: [Rgb, number, number, number, number][] = []
    for (let y = 0; y < 40; y++) for (let x = 0; x < 60; x++) if ((x + y) % 2) subrects.push([[(x * 4) & 255, (y * 6) & 255, 128], x, y, 1, 1])
    expect(subrects.length).toBeGreaterThan(1024)
    const fb = feedSampled(make, { x: 0, y: 0, w: 60, h: 40, encoding: 2 }, rre(pf, BG, subrects), { pf })
    expectArea(fb, 0, 0, 60, 40, (x, y) => ((x + y) % 2 ? expectedWord(pf, (x * 4) & 255, (y * 6) & 255, 128) : expectedWord(pf, ...BG)))
  })

  it('accepts an empty rect', () => {
    feedEverySplit(make, { x: 0, y: 0, w: 0, h: 0, encoding: 2 }, rre(PIXEL_FORMATS.rgb888, BG, []), { width: 1, height: 1 })
  })

  it('refuses a subrect reaching outside the rect', () => {
    const pf = PIXEL_FORMATS.rgb888
    const rect = { x: 0, y: 0, w: 4, h: 4, encoding: 2 }
    expectErrorEverySplit(make, rect, rre(pf, BG, [[RED, 3, 0, 2, 1]]), 'RFB_ERR_RRE', /RRE subrect 2x1\+3\+0 outside the 4x4 rect/)
    expectErrorEverySplit(
      make,
      rect,
      rre(pf, BG, [
        [RED, 0, 0, 1, 1],
        [RED, 0, 2, 1, 3],
      ]),
      'RFB_ERR_RRE',
      /outside the 4x4 rect/,
    )
  })

  it('refuses a hostile subrect count before reading any subrect', () => {
    const pf = PIXEL_FORMATS.rgb888
    const header = new Bytes()
      .u32(0xffffffff)
      .pixel(pf, ...BG)
      .build()
    expectErrorEverySplit(make, { x: 0, y: 0, w: 4, h: 4, encoding: 2 }, header, 'RFB_ERR_RRE', /announces 4294967295 subrects/)
  })
})
