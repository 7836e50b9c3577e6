import { describe, expect, it } from 'vitest'
import { UnsupportedError } from '../../../src/main/rfb/errors'
import { ColourMap, PixelConverter } from '../../../src/main/rfb/pixel-converter'
import { PIXEL_FORMATS, RGBX8888, type PixelFormat, validatePixelFormat } from '../../../src/main/rfb/pixel-format'
import { encodePixel, expectedWord } from '../../helpers/bytes'
import { hex } from '../../helpers/feed'

const COLOURS: [number, number, number][] = [
  [0, 0, 0],
  [255, 255, 255],
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [18, 52, 86],
  [200, 100, 50],
]

const FORMATS: Record<string, PixelFormat> = {
  ...PIXEL_FORMATS,
  bgr888: { ...RGBX8888, redShift: 16, blueShift: 0 },
  xrgb888be: { ...RGBX8888, bigEndian: true, redShift: 16, greenShift: 8, blueShift: 0 },
  rgb555be: {
    bitsPerPixel: 16,
    depth: 15,
    bigEndian: true,
    trueColour: true,
    redMax: 31,
    greenMax: 31,
    blueMax: 31,
    redShift: 10,
    greenShift: 5,
    blueShift: 0,
  },
  rgb101010: {
    bitsPerPixel: 32,
    depth: 30,
    bigEndian: false,
    trueColour: true,
    redMax: 1023,
    greenMax: 1023,
    blueMax: 1023,
    redShift: 20,
    greenShift: 10,
    blueShift: 0,
  },
}

describe('PixelConverter', () => {
  for (const [name, pf] of Object.entries(FORMATS)) {
    it(`converts ${name} pixels, one by one and in runs`, () => {
      const conv = new PixelConverter(pf)
      const bytes = Buffer.concat(COLOURS.map((c) => encodePixel(pf, ...c)))
      const out = new Uint32Array(COLOURS.length + 1)
      conv.toRgba(bytes, 0, out, 1, COLOURS.length)
      COLOURS.forEach((c, i) => {
        expect(hex(out[i + 1]), `${name} colour ${c}`).toBe(hex(expectedWord(pf, ...c)))
        expect(hex(conv.pixel(bytes, i * conv.bytesPerPixel))).toBe(hex(expectedWord(pf, ...c)))
      })
      expect(out[0]).toBe(0)
    })
  }

  it('reads 3-byte CPIXELs for 32 bpp depth 24 when the colour fits the low bytes (LE)', () => {
    const conv = new PixelConverter(RGBX8888)
    expect(conv.cpixelBytes).toBe(3)
    const out = new Uint32Array(2)
    conv.cpixelsToRgba(Uint8Array.of(1, 2, 3, 4, 5, 6), 0, out, 0, 2)
    expect(Array.from(out).map(hex)).toEqual([hex(0xff030201), hex(0xff060504)])
  })

  it('reads 3-byte CPIXELs when the colour lives in the high bytes (big-endian RGBX)', () => {
    const conv = new PixelConverter(PIXEL_FORMATS.rgb888be)
    expect(conv.cpixelBytes).toBe(3)
    // Red at shift 24: the three most significant bytes, sent in big-endian order.
    expect(hex(conv.cpixel(Uint8Array.of(0x11, 0x22, 0x33), 0))).toBe(hex(0xff332211))
  })

  it('keeps full-size CPIXELs for 16 bpp and for depth 32', () => {
    expect(new PixelConverter(PIXEL_FORMATS.rgb565).cpixelBytes).toBe(2)
    expect(new PixelConverter({ ...RGBX8888, depth: 32 }).cpixelBytes).toBe(4)
  })

  it('looks colour-map pixels up in the live colour map', () => {
    const map = new ColourMap()
    const conv = new PixelConverter({ ...RGBX8888, bitsPerPixel: 8, depth: 8, trueColour: false }, map)
    map.set(7, [0xffff, 0, 0x8000])
    expect(hex(conv.pixel(Uint8Array.of(7), 0))).toBe(hex(0xff8000ff))
    map.set(7, [0, 0xffff, 0])
    expect(hex(conv.pixel(Uint8Array.of(7), 0))).toBe(hex(0xff00ff00))
  })

  it.each([
    [{ ...RGBX8888, bitsPerPixel: 24 }, /bits-per-pixel 24/],
    [{ ...RGBX8888, redMax: 200 }, /red max 200/],
    [{ ...PIXEL_FORMATS.rgb565, redShift: 12 }, /red max 31 shift 12/],
  ])('refuses an unusable pixel format', (pf, message) => {
    expect(() => validatePixelFormat(pf)).toThrow(UnsupportedError)
    expect(() => validatePixelFormat(pf)).toThrow(message)
  })
})
