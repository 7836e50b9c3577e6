import { describe, expect, it } from 'vitest'
import { ColourMap, hasOpaqueKernel, PixelConverter } from '../../../src/main/rfb/pixel-converter'
import { PIXEL_FORMATS, RGBX8888, type PixelFormat } from '../../../src/main/rfb/pixel-format'
import { prng } from '../../helpers/desktop'
import { hex } from '../../helpers/feed'

/**
 * The bulk conversions (4-byte loads at any alignment, a copy and an alpha pass for long RGBX
 * runs, 3-byte pixels read 4 at a time) against the one-pixel reads, which go byte by byte.
 */

const FORMATS: Record<string, PixelFormat> = {
  rgbx8888: RGBX8888,
  bgrx8888: { ...RGBX8888, redShift: 16, blueShift: 0 },
  rgb888be: PIXEL_FORMATS.rgb888be,
  xrgb888be: { ...RGBX8888, bigEndian: true, redShift: 16, greenShift: 8, blueShift: 0 },
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
  rgb565: PIXEL_FORMATS.rgb565,
  rgb565be: { ...PIXEL_FORMATS.rgb565, bigEndian: true },
  bgr233: PIXEL_FORMATS.bgr233,
}

const COUNTS = [1, 2, 5, 63, 64, 65, 300]

/** `n` random bytes at byte offset `shift` of their buffer, with `tail` bytes after them in it. */
function bytesAt(n: number, shift: number, tail: number, rnd: () => number): Uint8Array {
  const buf = new Uint8Array(shift + n + tail)
  for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(rnd() * 256)
  return buf.subarray(shift, shift + n)
}

function expectWords(got: Uint32Array, at: number, want: number[], label: string): void {
  for (let i = 0; i < want.length; i++) {
    if (got[at + i] !== want[i] >>> 0) expect.fail(`${label}: pixel ${i} is ${hex(got[at + i])}, want ${hex(want[i])}`)
  }
}

describe('PixelConverter bulk conversion', () => {
  for (const [name, pf] of Object.entries(FORMATS)) {
    it(`toRgba matches pixel() for ${name} at every alignment, run length and destination offset`, () => {
      const conv = new PixelConverter(pf)
      const bpp = conv.bytesPerPixel
      const rnd = prng(21)
      for (const count of COUNTS) {
        for (let shift = 0; shift < 4; shift++) {
          for (const tail of [0, 3]) {
            // A few bytes before the run too, so `so` is not 0.
            const src = bytesAt(count * bpp + 3, shift, tail, rnd)
            const want = Array.from({ length: count }, (_, i) => conv.pixel(src, 3 + i * bpp))
            const dst = new Uint32Array(count + 8).fill(0x12345678)
            conv.toRgba(src, 3, dst, 5, count)
            const label = `${count} pixels, shift ${shift}, tail ${tail}`
            expectWords(dst, 5, want, label)
            expect(dst[4], `${label}: word before`).toBe(0x12345678)
            expect(dst[5 + count], `${label}: word after`).toBe(0x12345678)
          }
        }
      }
    })

    it(`toRgbaRows puts rows a stride apart for ${name}, leaving the gaps alone`, () => {
      const conv = new PixelConverter(pf)
      const bpp = conv.bytesPerPixel
      const rnd = prng(22)
      for (const w of [3, 64, 70]) {
        const h = 4
        const stride = w + 5
        const src = bytesAt(w * h * bpp, 1, 0, rnd)
        const dst = new Uint32Array(2 + stride * h).fill(7)
        conv.toRgbaRows(src, 0, dst, 2, w, h, stride)
        for (let r = 0; r < h; r++) {
          expectWords(
            dst,
            2 + r * stride,
            Array.from({ length: w }, (_, i) => conv.pixel(src, (r * w + i) * bpp)),
            `${w} wide, row ${r}`,
          )
          if (r < h - 1) expect(Array.from(dst.subarray(2 + r * stride + w, 2 + (r + 1) * stride))).toEqual([7, 7, 7, 7, 7])
        }
        // Packed rows (stride w) are one run.
        const packed = new Uint32Array(w * h)
        conv.toRgbaRows(src, 0, packed, 0, w, h, w)
        expectWords(
          packed,
          0,
          Array.from({ length: w * h }, (_, i) => conv.pixel(src, i * bpp)),
          `${w} wide, packed`,
        )
      }
    })
  }

  it('reads 3-byte pixels 4 bytes at a time, up to the very end of their buffer', () => {
    const rnd = prng(23)
    for (const pf of [RGBX8888, PIXEL_FORMATS.rgb888be, { ...RGBX8888, redShift: 16, blueShift: 0 }]) {
      const conv = new PixelConverter(pf)
      for (const count of COUNTS) {
        for (let shift = 0; shift < 4; shift++) {
          for (const tail of [0, 1, 2, 5]) {
            const src = bytesAt(count * 3, shift, tail, rnd)
            const dst = new Uint32Array(count)
            conv.cpixelsToRgba(src, 0, dst, 0, count)
            expectWords(
              dst,
              0,
              Array.from({ length: count }, (_, i) => conv.cpixel(src, i * 3)),
              `cpixels ${count}, shift ${shift}, tail ${tail}`,
            )
            conv.rgb24ToRgba(src, 0, dst, 0, count)
            expectWords(
              dst,
              0,
              Array.from({ length: count }, (_, i) => src[i * 3] | (src[i * 3 + 1] << 8) | (src[i * 3 + 2] << 16) | 0xff000000),
              `rgb24 ${count}, shift ${shift}, tail ${tail}`,
            )
          }
        }
      }
    }
  })

  it('follows the source from buffer to buffer (its cached views are per buffer)', () => {
    const rnd = prng(24)
    const conv = new PixelConverter(RGBX8888)
    const a = bytesAt(400, 1, 0, rnd)
    const b = bytesAt(400, 2, 0, rnd)
    const dstA = new Uint32Array(100)
    const dstB = new Uint32Array(100)
    for (let k = 0; k < 3; k++) {
      for (const n of [10, 100]) {
        conv.toRgba(a, 0, dstA, 0, n)
        conv.toRgba(b, 0, dstB, 0, n)
        expectWords(
          dstA,
          0,
          Array.from({ length: n }, (_, i) => conv.pixel(a, i * 4)),
          'a',
        )
        expectWords(
          dstB,
          0,
          Array.from({ length: n }, (_, i) => conv.pixel(b, i * 4)),
          'b',
        )
      }
    }
  })

  it('shuffles B,G,R,X and X,R,G,B (big-endian) words to R,G,B,A, aligned or not, from buffer to buffer', () => {
    const cases: [PixelFormat, (b: Uint8Array, o: number) => number][] = [
      [FORMATS.bgrx8888, (b, o) => b[o + 2] | (b[o + 1] << 8) | (b[o] << 16)],
      [FORMATS.xrgb888be, (b, o) => b[o + 1] | (b[o + 2] << 8) | (b[o + 3] << 16)],
    ]
    const rnd = prng(25)
    for (const [pf, rgb] of cases) {
      const conv = new PixelConverter(pf)
      // 200 pixels in JS, 1500 and 20000 (longer than its memory) through the SIMD shuffle kernel.
      for (const n of [200, 1500, 20000]) {
        for (const shift of [0, 4, 1, 2]) {
          const src = bytesAt(4 * n, shift, 0, rnd)
          const dst = new Uint32Array(n + 1)
          conv.toRgba(src, 0, dst, 1, n)
          expectWords(
            dst,
            1,
            Array.from({ length: n }, (_, i) => rgb(src, i * 4) | 0xff000000),
            `${pf.redShift}/${pf.bigEndian}, ${n} at ${shift}`,
          )
          expect(dst[0]).toBe(0)
        }
      }
      // Rows a stride apart, batched through the kernel.
      const src = bytesAt(4 * 100 * 30, 0, 0, rnd)
      const dst = new Uint32Array(130 * 30)
      conv.toRgbaRows(src, 0, dst, 5, 100, 30, 130)
      for (let r = 0; r < 30; r++) {
        expectWords(
          dst,
          5 + r * 130,
          Array.from({ length: 100 }, (_, i) => rgb(src, (r * 100 + i) * 4) | 0xff000000),
          `row ${r}`,
        )
        expect(dst[5 + r * 130 + 100]).toBe(0)
      }
    }
  })

  it('has the WebAssembly SIMD kernel in Node, so the tests below go through it', () => {
    expect(hasOpaqueKernel()).toBe(true)
  })

  it('makes long RGBX runs opaque through the kernel, in pieces, at any alignment', () => {
    const conv = new PixelConverter(RGBX8888)
    const rnd = prng(25)
    // Below, at and above the kernel's threshold, one page of its memory, and several pages.
    for (const count of [1023, 1024, 1025, 1111, 16384, 16385, 40000]) {
      for (const shift of [0, 1, 3]) {
        const src = bytesAt(count * 4 + 3, shift, 2, rnd)
        const dst = new Uint32Array(count + 8).fill(0x12345678)
        conv.toRgba(src, 3, dst, 5, count)
        const label = `${count} pixels, shift ${shift}`
        expectWords(
          dst,
          5,
          Array.from({ length: count }, (_, i) => conv.pixel(src, 3 + i * 4)),
          label,
        )
        expect(dst[4], `${label}: word before`).toBe(0x12345678)
        expect(dst[5 + count], `${label}: word after`).toBe(0x12345678)
      }
    }
  })

  it('puts kernel-converted rows a stride apart, rows longer than its memory too', () => {
    const conv = new PixelConverter(RGBX8888)
    const rnd = prng(26)
    // 64 wide: many rows per page of kernel memory; 900: some; 20000: one row in two pieces.
    for (const [w, h] of [
      [64, 40],
      [900, 45],
      [1920, 9],
      [20000, 2],
    ]) {
      const stride = w + 3
      const src = bytesAt(w * h * 4, 1, 0, rnd)
      const dst = new Uint32Array(2 + stride * h).fill(7)
      conv.toRgbaRows(src, 0, dst, 2, w, h, stride)
      for (let r = 0; r < h; r++) {
        expectWords(
          dst,
          2 + r * stride,
          Array.from({ length: w }, (_, i) => conv.pixel(src, (r * w + i) * 4)),
          `${w} wide, row ${r}`,
        )
        if (r < h - 1) expect(Array.from(dst.subarray(2 + r * stride + w, 2 + (r + 1) * stride)), `${w} wide, gap after row ${r}`).toEqual([7, 7, 7])
      }
      expect(dst[1], `${w} wide: word before`).toBe(7)
    }
  })

  it('converts colour-map pixels through the live map in bulk', () => {
    const map = new ColourMap()
    map.set(3, [0xffff, 0, 0])
    const conv = new PixelConverter({ ...RGBX8888, bitsPerPixel: 8, depth: 8, trueColour: false }, map)
    const dst = new Uint32Array(3)
    conv.toRgba(Uint8Array.of(3, 0, 3), 0, dst, 0, 3)
    expect(Array.from(dst).map(hex)).toEqual([0xff0000ff, 0xff000000, 0xff0000ff].map(hex))
  })

  it('gives single pixels as int32 words: the same bits, never a heap-allocated number', () => {
    const conv = new PixelConverter(RGBX8888)
    const v = conv.pixel(Uint8Array.of(1, 2, 3, 4), 0)
    expect(v).toBe(0xff030201 | 0)
    expect(v >>> 0).toBe(0xff030201)
  })
})
