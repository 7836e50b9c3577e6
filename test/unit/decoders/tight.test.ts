import { describe, expect, it } from 'vitest'
import { jpegShell, pngShell } from '../../helpers/images'
import { ByteQueue } from '../../../src/main/rfb/byte-queue'
import type { Rect, RectDecoder } from '../../../src/main/rfb/decoders/decoder'
import { TIGHT_MAX_WIDTH, TightDecoder, readCompactLength, tpixelSize } from '../../../src/main/rfb/decoders/tight'
import { TightPngDecoder } from '../../../src/main/rfb/decoders/tight-png'
import { RfbProtocolError } from '../../../src/main/rfb/errors'
import { FramebufferSink, type ImageDecoder } from '../../../src/main/rfb/framebuffer'
import { PIXEL_FORMATS, RGBX8888, type PixelFormat } from '../../../src/main/rfb/pixel-format'
import type { ImageKind } from '../../../src/main/rfb/sink'
import { Bytes, encodePixel, expectedWord } from '../../helpers/bytes'
import { prng } from '../../helpers/desktop'
import { type FeedOptions, chunkings, feedEverySplit, feedRect, hex, makeContext } from '../../helpers/feed'
import { SyncDeflater } from '../../helpers/zlib'
import { protocolErrorOf } from '../../helpers/protocol-error'

type Rgb = [number, number, number]

const RGB565 = PIXEL_FORMATS.rgb565
const BGR233 = PIXEL_FORMATS.bgr233
/** 32 bpp depth 24 with blue in the low byte: a TPIXEL is still sent as R, G, B. */
const BGRX8888: PixelFormat = { ...RGBX8888, redShift: 16, greenShift: 8, blueShift: 0 }
/** 32 bpp with 10-bit channels: no 3-byte TPIXEL, gradient on 0..1023 channels. */
const RGB101010: PixelFormat = {
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
}

const tight = (): TightDecoder => new TightDecoder()
const rect = (w: number, h: number, x = 0, y = 0): Rect => ({ x, y, w, h, encoding: 7 })

/** Tight compact length (rfbproto "Tight Encoding"). */
function compact(n: number): number[] {
  if (n < 0x80) return [n]
  if (n < 0x4000) return [(n & 0x7f) | 0x80, n >> 7]
  return [(n & 0x7f) | 0x80, ((n >> 7) & 0x7f) | 0x80, n >> 14]
}

/** A TPIXEL for `pf` (3 bytes R,G,B for 888 formats, else a PIXEL). */
function tpixel(pf: PixelFormat, [r, g, b]: Rgb): number[] {
  return tpixelSize(pf) === 3 ? [r, g, b] : Array.from(encodePixel(pf, r, g, b))
}

/** Filtered data as it follows the header: as is below 12 bytes, else compact length + zlib. */
function payload(data: number[] | Uint8Array, z: SyncDeflater): number[] {
  if (data.length < 12) return Array.from(data)
  const c = z.chunk(Uint8Array.from(data))
  return [...compact(c.length), ...c]
}

function randomColours(n: number, seed: number): Rgb[] {
  const rnd = prng(seed)
  return Array.from({ length: n }, () => [Math.floor(rnd() * 256), Math.floor(rnd() * 256), Math.floor(rnd() * 256)] as Rgb)
}

/** Smooth colours with some noise: what the gradient filter is meant for. */
function photo(w: number, h: number, seed: number): Rgb[] {
  const rnd = prng(seed)
  const out: Rgb[] = []
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const n = Math.floor(rnd() * 40) - 20
      const c = (v: number): number => Math.max(0, Math.min(255, Math.round(v + n)))
      out.push([c(x * 9), c(255 - y * 13), c(128 + x * y)])
    }
  }
  // Extremes, so the prediction is clamped at both ends: at (1,1) it is 255 + 255 - 0, at (2,1) 0 + 0 - 255.
  const black: Rgb = [0, 0, 0]
  const white: Rgb = [255, 255, 255]
  out[0] = black
  out[1] = white
  out[2] = black
  out[w] = white
  out[w + 1] = black
  return out
}

function expectPixels(fb: FramebufferSink, pf: PixelFormat, colours: Rgb[], w: number, h: number, x = 0, y = 0): void {
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const want = expectedWord(pf, ...colours[r * w + c])
      const got = fb.words[(y + r) * fb.width + x + c]
      if (got !== want) throw new Error(`pixel ${c},${r}: got ${hex(got)}, want ${hex(want)}`)
    }
  }
}

/** Gradient filter as an encoder applies it (rfbproto pseudo-code), on channels 0..max. */
function gradientDiffs(colours: Rgb[], w: number, h: number, max: Rgb): Rgb[] {
  const v = (x: number, y: number, c: number): number => (x < 0 || y < 0 ? 0 : colours[y * w + x][c])
  const out: Rgb[] = []
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = [0, 0, 0] as Rgb
      for (let c = 0; c < 3; c++) {
        const p = Math.max(0, Math.min(max[c], v(x - 1, y, c) + v(x, y - 1, c) - v(x - 1, y - 1, c)))
        d[c] = (v(x, y, c) - p) & max[c]
      }
      out.push(d)
    }
  }
  return out
}

/** Quantises 8-bit colours to `pf`'s channel values. */
function channels(pf: PixelFormat, colours: Rgb[]): Rgb[] {
  const q = (v: number, max: number): number => Math.round((v * max) / 255)
  return colours.map(([r, g, b]) => [q(r, pf.redMax), q(g, pf.greenMax), q(b, pf.blueMax)])
}

/** A PIXEL of `pf` from channel values (not 8-bit colours). */
function rawPixel(pf: PixelFormat, [r, g, b]: Rgb): number[] {
  const value = r * 2 ** pf.redShift + g * 2 ** pf.greenShift + b * 2 ** pf.blueShift
  const n = pf.bitsPerPixel / 8
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push(Math.floor(value / 2 ** (8 * i)) & 0xff)
  return pf.bigEndian ? out.reverse() : out
}

/** The same protocol error whichever way the rect's bytes are cut. */
function expectErrorEverySplit(make: () => RectDecoder, r: Rect, bytes: Uint8Array, code: string, message: RegExp, opts: FeedOptions = {}): void {
  for (const { label, chunks } of chunkings(bytes)) {
    const err = protocolErrorOf(() => feedRect(make(), r, chunks, opts))
    expect(err.code, label).toBe(code)
    expect(err.message, label).toMatch(message)
  }
}

interface Step {
  rect: Rect
  bytes: Uint8Array
}

/**
 * Feeds rects in order to one decoder (its zlib streams persist), once whole and once byte by
 * byte, and checks both give the same pictures; returns the framebuffer after each rect.
 */
function feedSequence(make: () => RectDecoder, steps: Step[], opts: FeedOptions = {}): FramebufferSink[] {
  const runs = [false, true].map((bytewise) => {
    const decoder = make()
    return steps.map((s) => feedRect(decoder, s.rect, bytewise ? Array.from(s.bytes, (_, i) => s.bytes.subarray(i, i + 1)) : [s.bytes], opts))
  })
  runs[0].forEach((fb, i) => {
    if (Buffer.compare(Buffer.from(fb.data), Buffer.from(runs[1][i].data)) !== 0) throw new Error(`rect ${i} differs when fed byte by byte`)
  })
  return runs[0]
}

describe('compact length', () => {
  it.each([0, 1, 127, 128, 10000, 16383, 16384, 4194303])('reads %i back', (n) => {
    const q = new ByteQueue()
    q.push(Uint8Array.from([...compact(n), 0xee]))
    expect(readCompactLength(q)).toBe(n)
    expect(q.length).toBe(1)
  })

  it('matches the spec example: 10000 is 90 4E', () => {
    expect(compact(10000)).toEqual([0x90, 0x4e])
  })

  it('consumes nothing until all its bytes are there', () => {
    for (const bytes of [[], [0x80], [0xff, 0x80]]) {
      const q = new ByteQueue()
      q.push(Uint8Array.from(bytes))
      expect(readCompactLength(q)).toBe(-1)
      expect(q.length).toBe(bytes.length)
    }
  })
})

describe('TPIXEL size', () => {
  it('is 3 bytes only for true-colour 32 bpp depth 24 with 8-bit channels', () => {
    expect(tpixelSize(RGBX8888)).toBe(3)
    expect(tpixelSize(PIXEL_FORMATS.rgb888be)).toBe(3)
    expect(tpixelSize(BGRX8888)).toBe(3)
    expect(tpixelSize(RGB101010)).toBe(4)
    expect(tpixelSize({ ...RGBX8888, depth: 32 })).toBe(4)
    expect(tpixelSize(RGB565)).toBe(2)
    expect(tpixelSize(BGR233)).toBe(1)
  })
})

describe('Tight fill', () => {
  it.each([
    ['rgb888', RGBX8888],
    ['rgb888be', PIXEL_FORMATS.rgb888be],
    ['bgrx8888 (TPIXEL stays R,G,B)', BGRX8888],
    ['rgb565', RGB565],
    ['bgr233', BGR233],
    ['rgb101010', RGB101010],
  ])('paints the whole rect in %s', (_, pf) => {
    const colour: Rgb = [200, 100, 50]
    const bytes = new Bytes().u8(0x80).bytes(tpixel(pf, colour)).build()
    const fb = feedEverySplit(tight, rect(5, 3, 1, 2), bytes, { pf, width: 8, height: 6 })
    expectPixels(fb, pf, Array(15).fill(colour), 5, 3, 1, 2)
    expect(fb.words[0]).toBe(0) // outside the rect: untouched
  })
})

describe('Tight basic compression, copy filter', () => {
  it('sends under 12 bytes as is, without a length (implicit copy filter)', () => {
    const colours = randomColours(3, 1)
    const bytes = new Bytes()
      .u8(0x00)
      .bytes(colours.flatMap((c) => tpixel(RGBX8888, c)))
      .build()
    expect(bytes.length).toBe(1 + 9)
    expectPixels(feedEverySplit(tight, rect(3, 1), bytes), RGBX8888, colours, 3, 1)
  })

  it('inflates 12 bytes and more (explicit filter id 0)', () => {
    const colours = randomColours(4 * 3, 2)
    const data = colours.flatMap((c) => tpixel(RGBX8888, c))
    const bytes = new Bytes().u8(0x40, 0).bytes(payload(data, new SyncDeflater())).build()
    expectPixels(feedEverySplit(tight, rect(4, 3), bytes), RGBX8888, colours, 4, 3)
  })

  it.each([
    ['rgb888be', PIXEL_FORMATS.rgb888be],
    ['bgrx8888', BGRX8888],
    ['rgb565', RGB565],
    ['bgr233', BGR233],
    ['rgb101010', RGB101010],
  ])('converts %s pixels', (_, pf) => {
    const colours = randomColours(6 * 5, 3)
    const data = colours.flatMap((c) => tpixel(pf, c))
    const bytes = new Bytes().u8(0x00).bytes(payload(data, new SyncDeflater())).build()
    expectPixels(feedEverySplit(tight, rect(6, 5), bytes, { pf }), pf, colours, 6, 5)
  })

  it('handles a rect too big to feed at every split (64x64)', () => {
    const colours = randomColours(64 * 64, 4)
    const bytes = new Bytes()
      .u8(0x00)
      .bytes(
        payload(
          colours.flatMap((c) => tpixel(RGBX8888, c)),
          new SyncDeflater(),
        ),
      )
      .build()
    expectPixels(feedRect(tight(), rect(64, 64), [bytes]), RGBX8888, colours, 64, 64)
  })
})

describe('Tight palette filter', () => {
  const mono = (pf: PixelFormat, w: number, h: number, seed: number): { bytes: Uint8Array; colours: Rgb[]; bitmap: number[] } => {
    const pal: Rgb[] = [
      [10, 20, 30],
      [240, 230, 220],
    ]
    const rnd = prng(seed)
    const bits = Array.from({ length: w * h }, () => (rnd() < 0.5 ? 0 : 1))
    const rowBytes = (w + 7) >> 3
    const bitmap = new Array<number>(rowBytes * h).fill(0)
    bits.forEach((bit, i) => {
      const x = i % w
      const y = Math.floor(i / w)
      if (bit) bitmap[y * rowBytes + (x >> 3)] |= 0x80 >> (x & 7)
    })
    const head = new Bytes()
      .u8(0x40 | 0x10, 1, 1)
      .bytes(pal.flatMap((c) => tpixel(pf, c)))
      .build()
    return { bytes: Uint8Array.from([...head, ...payload(bitmap, new SyncDeflater())]), colours: bits.map((b) => pal[b]), bitmap }
  }

  it('decodes 2 colours as a 1-bit bitmap with rows padded to a byte (width 11, sent as is)', () => {
    const { bytes, colours, bitmap } = mono(RGBX8888, 11, 3, 5)
    expect(bitmap.length).toBe(6) // 2 bytes a row: under 12, so no zlib
    expectPixels(feedEverySplit(tight, rect(11, 3), bytes), RGBX8888, colours, 11, 3)
  })

  it('decodes a compressed 1-bit bitmap (width 13) on stream 1', () => {
    const { bytes, colours } = mono(RGBX8888, 13, 9, 6)
    expectPixels(feedEverySplit(tight, rect(13, 9), bytes), RGBX8888, colours, 13, 9)
  })

  it('decodes a 2-colour palette of rgb565 PIXELs', () => {
    const { bytes, colours } = mono(RGB565, 17, 4, 7)
    expectPixels(feedEverySplit(tight, rect(17, 4), bytes, { pf: RGB565 }), RGB565, colours, 17, 4)
  })

  it.each([3, 17, 256])('decodes %i colours as 8-bit indexes', (n) => {
    const pal = randomColours(n, n)
    const rnd = prng(n + 1)
    const w = 9
    const h = 7
    const idx = Array.from({ length: w * h }, (_, i) => (i < n ? i : Math.floor(rnd() * n)) % n)
    const bytes = new Bytes()
      .u8(0x60, 1, n - 1)
      .bytes(pal.flatMap((c) => tpixel(RGBX8888, c)))
      .bytes(payload(idx, new SyncDeflater()))
      .build()
    const make = n === 256 ? null : tight
    const fb = make ? feedEverySplit(make, rect(w, h), bytes) : feedRect(tight(), rect(w, h), [bytes])
    expectPixels(
      fb,
      RGBX8888,
      idx.map((i) => pal[i]),
      w,
      h,
    )
  })

  it('decodes a palette of bgr233 PIXELs', () => {
    const pal = randomColours(4, 9)
    const idx = [0, 1, 2, 3, 3, 2, 1, 0, 0, 2, 2, 1]
    const bytes = new Bytes()
      .u8(0x40, 1, 3)
      .bytes(pal.flatMap((c) => tpixel(BGR233, c)))
      .bytes(payload(idx, new SyncDeflater()))
      .build()
    expectPixels(
      feedEverySplit(tight, rect(4, 3), bytes, { pf: BGR233 }),
      BGR233,
      idx.map((i) => pal[i]),
      4,
      3,
    )
  })

  it('rejects an index beyond the palette', () => {
    const pal = randomColours(3, 10)
    const idx = [0, 1, 2, 0, 1, 2, 3, 0, 0, 0, 0, 0]
    const bytes = new Bytes()
      .u8(0x40, 1, 2)
      .bytes(pal.flatMap((c) => tpixel(RGBX8888, c)))
      .bytes(payload(idx, new SyncDeflater()))
      .build()
    const err = protocolErrorOf(() => feedRect(tight(), rect(4, 3), [bytes]))
    expect(err.code).toBe('RFB_ERR_TIGHT')
    expect(err.message).toMatch(/palette index 3 beyond the 3-colour palette/)
  })

  it('rejects an index beyond the palette after a larger palette filled that entry', () => {
    // The decoder keeps one palette array across rects: entry 3 of the first rect must not make
    // index 3 valid in the second rect's 3-colour palette.
    const z = new SyncDeflater()
    const dec = tight()
    const four = randomColours(4, 11)
    const first = new Bytes()
      .u8(0x40, 1, 3)
      .bytes(four.flatMap((c) => tpixel(RGBX8888, c)))
      .bytes(payload([0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3], z))
      .build()
    expectPixels(
      feedRect(dec, rect(4, 3), [first]),
      RGBX8888,
      [0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3].map((i) => four[i]),
      4,
      3,
    )
    const three = randomColours(3, 12)
    const second = new Bytes()
      .u8(0x40, 1, 2)
      .bytes(three.flatMap((c) => tpixel(RGBX8888, c)))
      .bytes(payload([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 3, 0], z))
      .build()
    const err = protocolErrorOf(() => feedRect(dec, rect(4, 3), [second]))
    expect(err.message).toMatch(/palette index 3 beyond the 3-colour palette/)
  })

  // Rects this large go through the WebAssembly palette kernel (decoders/palette-kernel.ts),
  // several calls per rect: framed in a wider framebuffer (row by row out) and alone (one copy).
  it.each([
    [1000, 30, 1200],
    [1000, 30, 1000],
    [64, 64, 64],
  ])('decodes a %ix%i palette rect in a %i-wide framebuffer', (w, h, width) => {
    const n = 17
    const pal = randomColours(n, 21)
    const rnd = prng(22)
    const idx = Array.from({ length: w * h }, () => Math.floor(rnd() * n))
    const bytes = new Bytes()
      .u8(0x40, 1, n - 1)
      .bytes(pal.flatMap((c) => tpixel(RGBX8888, c)))
      .bytes(payload(idx, new SyncDeflater()))
      .build()
    const fb = feedRect(tight(), rect(w, h, width - w, 1), [bytes], { width, height: h + 2 })
    expectPixels(
      fb,
      RGBX8888,
      idx.map((i) => pal[i]),
      w,
      h,
      width - w,
      1,
    )
  })

  it('rejects an index beyond the palette in a rect the kernel converts', () => {
    const z = new SyncDeflater()
    const dec = tight()
    const big = randomColours(20, 23)
    const w = 1000
    const h = 30
    const ok = Array.from({ length: w * h }, (_, i) => i % 20)
    const first = new Bytes()
      .u8(0x40, 1, 19)
      .bytes(big.flatMap((c) => tpixel(RGBX8888, c)))
      .bytes(payload(ok, z))
      .build()
    feedRect(dec, rect(w, h), [first])
    // Index 17 was valid in the first rect's palette; the second has 17 colours, and the bad
    // index sits in the last call's rows.
    const bad = ok.map((i) => i % 17)
    bad[w * h - 5] = 17
    const second = new Bytes()
      .u8(0x40, 1, 16)
      .bytes(randomColours(17, 24).flatMap((c) => tpixel(RGBX8888, c)))
      .bytes(payload(bad, z))
      .build()
    const err = protocolErrorOf(() => feedRect(dec, rect(w, h), [second]))
    expect(err.message).toMatch(/palette index 17 beyond the 17-colour palette/)
  })

  it('rejects a 1-colour palette', () => {
    const bytes = new Bytes().u8(0x40, 1, 0, 1, 2, 3, 0).build()
    expectErrorEverySplit(tight, rect(8, 1), bytes, 'RFB_ERR_TIGHT', /palette of 1 colour/)
  })
})

describe('Tight gradient filter', () => {
  it('reconstructs RGB888 TPIXELs exactly (prediction clamped to 0..255)', () => {
    const w = 7
    const h = 5
    const colours = photo(w, h, 11)
    const diffs = gradientDiffs(colours, w, h, [255, 255, 255])
    const bytes = new Bytes().u8(0x40, 2).bytes(payload(diffs.flat(), new SyncDeflater())).build()
    expectPixels(feedEverySplit(tight, rect(w, h, 2, 1), bytes, { width: 10, height: 8 }), RGBX8888, colours, w, h, 2, 1)
  })

  it('works the same for a big-endian 888 format (TPIXELs are R,G,B either way)', () => {
    const w = 6
    const h = 4
    const pf = PIXEL_FORMATS.rgb888be
    const colours = photo(w, h, 12)
    const bytes = new Bytes()
      .u8(0x40, 2)
      .bytes(payload(gradientDiffs(colours, w, h, [255, 255, 255]).flat(), new SyncDeflater()))
      .build()
    expectPixels(feedEverySplit(tight, rect(w, h), bytes, { pf }), pf, colours, w, h)
  })

  it.each([
    ['rgb565', RGB565],
    ['rgb565 big-endian', { ...RGB565, bigEndian: true }],
    ['rgb101010 (32 bpp, 10-bit channels)', RGB101010],
  ])('predicts each channel within its own max in %s', (_, pf) => {
    const w = 8
    const h = 6
    const colours = photo(w, h, 13)
    const values = channels(pf, colours)
    const diffs = gradientDiffs(values, w, h, [pf.redMax, pf.greenMax, pf.blueMax])
    const data = diffs.flatMap((d) => rawPixel(pf, d))
    const bytes = new Bytes().u8(0x40, 2).bytes(payload(data, new SyncDeflater())).build()
    expectPixels(feedEverySplit(tight, rect(w, h), bytes, { pf }), pf, colours, w, h)
  })

  it('is refused in 8 bpp', () => {
    const bytes = new Bytes().u8(0x40, 2, 0, 0, 0).build()
    expectErrorEverySplit(tight, rect(3, 1), bytes, 'RFB_ERR_TIGHT', /gradient filter with a 8 bpp/, { pf: BGR233 })
  })
})

describe('Tight zlib streams', () => {
  /** A rect of basic compression on stream `id` with the copy filter. */
  const basic = (id: number, z: SyncDeflater, colours: Rgb[], reset = 0): number[] => [
    (id << 4) | reset,
    ...payload(
      colours.flatMap((c) => tpixel(RGBX8888, c)),
      z,
    ),
  ]

  it('keeps 4 streams apart and persistent across rects', () => {
    const deflaters = [0, 1, 2, 3].map(() => new SyncDeflater())
    const steps: Step[] = []
    const expected: Rgb[][] = []
    // The same colours repeat on every stream, so later rects back-reference earlier ones.
    for (let round = 0; round < 3; round++) {
      for (const id of [2, 0, 3, 1]) {
        const colours = randomColours(16, id + (round % 2) * 10)
        expected.push(colours)
        steps.push({ rect: rect(4, 4), bytes: Uint8Array.from(basic(id, deflaters[id], colours)) })
      }
    }
    feedSequence(tight, steps).forEach((fb, i) => expectPixels(fb, RGBX8888, expected[i], 4, 4))
  })

  it.each([0, 1, 2, 3])('resets stream %i when its bit is set, and only that one', (id) => {
    const deflaters = [0, 1, 2, 3].map(() => new SyncDeflater())
    const a = randomColours(16, 20)
    const b = randomColours(16, 21)
    const steps: Step[] = []
    for (let s = 0; s < 4; s++) steps.push({ rect: rect(4, 4), bytes: Uint8Array.from(basic(s, deflaters[s], a)) })
    // The server restarts stream `id` and says so; the others go on.
    deflaters[id] = new SyncDeflater()
    for (let s = 0; s < 4; s++) steps.push({ rect: rect(4, 4), bytes: Uint8Array.from(basic(s, deflaters[s], b, s === 0 ? 1 << id : 0)) })
    const fbs = feedSequence(tight, steps)
    fbs.slice(4).forEach((fb) => expectPixels(fb, RGBX8888, b, 4, 4))
  })

  it('resets streams named by a fill rect and by a JPEG rect too (rfbproto NOTE1)', () => {
    let z0 = new SyncDeflater()
    let z3 = new SyncDeflater()
    const a = randomColours(16, 30)
    const seen: string[] = []
    const imageDecoder: ImageDecoder = (kind) => {
      seen.push(kind)
      return { width: 4, height: 4, rgba: new Uint8Array(64) }
    }
    const steps: Step[] = [
      { rect: rect(4, 4), bytes: Uint8Array.from(basic(0, z0, a)) },
      { rect: rect(4, 4), bytes: Uint8Array.from(basic(3, z3, a)) },
      { rect: rect(4, 4), bytes: Uint8Array.from([0x80 | 0x1, 1, 2, 3]) },
      { rect: rect(4, 4), bytes: Uint8Array.from([0x90 | 0x8, ...compact(40), ...jpegShell(4, 4, 40)]) },
    ]
    z0 = new SyncDeflater()
    z3 = new SyncDeflater()
    steps.push({ rect: rect(4, 4), bytes: Uint8Array.from(basic(0, z0, a)) })
    steps.push({ rect: rect(4, 4), bytes: Uint8Array.from(basic(3, z3, a)) })
    const fbs = feedSequence(tight, steps, { imageDecoder })
    expectPixels(fbs[4], RGBX8888, a, 4, 4)
    expectPixels(fbs[5], RGBX8888, a, 4, 4)
  })

  it('fails to continue a stream the server reset without telling', () => {
    const a = randomColours(16, 40)
    const decoder = tight()
    feedRect(decoder, rect(4, 4), [Uint8Array.from(basic(0, new SyncDeflater(), a))])
    // A fresh stream starts with a zlib header, which the persistent stream cannot take mid-way.
    const err = protocolErrorOf(() => feedRect(decoder, rect(4, 4), [Uint8Array.from(basic(0, new SyncDeflater(), a))]))
    expect(err.code).toBe('RFB_ERR_ZLIB')
  })

  it('forgets every stream on reset() (new connection)', () => {
    const a = randomColours(16, 41)
    const decoder = tight()
    feedRect(decoder, rect(4, 4), [Uint8Array.from(basic(1, new SyncDeflater(), a))])
    decoder.reset()
    expectPixels(feedRect(decoder, rect(4, 4), [Uint8Array.from(basic(1, new SyncDeflater(), a))]), RGBX8888, a, 4, 4)
  })

  it('rejects zlib data that inflates past the rect', () => {
    const data = randomColours(5, 42).flatMap((c) => tpixel(RGBX8888, c)) // 15 bytes for a 4-pixel rect
    const c = new SyncDeflater().chunk(Uint8Array.from(data))
    const bytes = Uint8Array.from([0x00, ...compact(c.length), ...c])
    const err = protocolErrorOf(() => feedRect(tight(), rect(4, 1), [bytes]))
    expect(err.code).toBe('RFB_ERR_ZLIB')
    expect(err.message).toMatch(/Tight zlib stream 0: .*past the 12 bytes/)
    expect((err.cause as RfbProtocolError).code).toBe('RFB_ERR_ZLIB')
    expect(err.detail).toBe(`Tight zlib stream 0: ${(err.cause as RfbProtocolError).detail}`)
  })

  it('rejects zlib data that stops short of the rect', () => {
    const data = randomColours(4, 43).flatMap((c) => tpixel(RGBX8888, c)) // 12 bytes for a 5-pixel rect
    const c = new SyncDeflater().chunk(Uint8Array.from(data))
    const bytes = Uint8Array.from([0x00, ...compact(c.length), ...c])
    expectErrorEverySplit(tight, rect(5, 1), bytes, 'RFB_ERR_TIGHT', /stream 0 gave 12 bytes; the rect needs 15/)
  })

  it('rejects corrupt zlib data', () => {
    const bytes = Uint8Array.from([0x00, 4, 0x78, 0x9c, 0xff, 0xff])
    const err = protocolErrorOf(() => feedRect(tight(), rect(5, 1), [bytes]))
    expect(err.code).toBe('RFB_ERR_ZLIB')
  })

  it('waits for a compact length cut short', () => {
    // 0x85 says a second length byte follows; 0x85 0x80 says a third one does.
    for (const cut of [
      [0x00, 0x85],
      [0x00, 0x85, 0x80],
      [0x90, 0xff, 0xff],
    ]) {
      expect(() => feedRect(tight(), rect(5, 1), [Uint8Array.from(cut)])).toThrow(/did not finish/)
    }
  })
})

describe('Tight JPEG and PNG', () => {
  const recorder = (): { seen: { kind: ImageKind; data: Uint8Array }[]; imageDecoder: ImageDecoder } => {
    const seen: { kind: ImageKind; data: Uint8Array }[] = []
    return {
      seen,
      imageDecoder: (kind, data) => {
        seen.push({ kind, data: data.slice() })
        return { width: 2, height: 2, rgba: new Uint8Array(16).fill(0x7f) }
      },
    }
  }

  it('hands the JPEG bytes to the sink unchanged', () => {
    const jpeg = Array.from(jpegShell(2, 2, 300))
    const bytes = Uint8Array.from([0x90, ...compact(jpeg.length), ...jpeg])
    const { seen, imageDecoder } = recorder()
    feedEverySplit(tight, rect(2, 2, 1, 1), bytes, { imageDecoder, width: 4, height: 4 })
    expect(seen.length).toBe(bytes.length + 1) // one per chunking
    for (const s of seen) {
      expect(s.kind).toBe('jpeg')
      expect(Array.from(s.data)).toEqual(jpeg)
    }
  })

  it('hands PNG bytes to the sink in TightPNG', () => {
    const png = Array.from(pngShell(2, 2, 130))
    const bytes = Uint8Array.from([0xa0, ...compact(png.length), ...png])
    const { seen, imageDecoder } = recorder()
    const fb = feedEverySplit(() => new TightPngDecoder(), rect(2, 2), bytes, { imageDecoder })
    expect(seen.every((s) => s.kind === 'png' && s.data.length === 130 && s.data[129] === png[129])).toBe(true)
    expect(fb.words[0]).toBe(0x7f7f7f7f)
  })

  it('decodes fill, basic and gradient rects in TightPNG as Tight does (QEMU mixes them)', () => {
    const w = 5
    const h = 4
    const colours = photo(w, h, 50)
    const grad = new Bytes()
      .u8(0x40, 2)
      .bytes(payload(gradientDiffs(colours, w, h, [255, 255, 255]).flat(), new SyncDeflater()))
      .build()
    expectPixels(
      feedEverySplit(() => new TightPngDecoder(), rect(w, h), grad),
      RGBX8888,
      colours,
      w,
      h,
    )
    const fill = new Bytes().u8(0x80, 1, 2, 3).build()
    expectPixels(
      feedEverySplit(() => new TightPngDecoder(), rect(2, 2), fill),
      RGBX8888,
      Array(4).fill([1, 2, 3]),
      2,
      2,
    )
  })

  it('rejects PNG in plain Tight', () => {
    expectErrorEverySplit(tight, rect(2, 2), Uint8Array.from([0xa0, 1, 0]), 'RFB_ERR_TIGHT', /PNG compression, which only TightPNG has/)
  })

  it('rejects an empty image', () => {
    expectErrorEverySplit(tight, rect(2, 2), Uint8Array.from([0x90, 0]), 'RFB_ERR_TIGHT', /empty image/)
  })
})

describe('Tight malformed rects', () => {
  it.each([0xb0, 0xc0, 0xd0, 0xe0, 0xf0])('rejects compression type 0x%s', (ctl) => {
    const make = (): RectDecoder => (ctl === 0xb0 ? new TightPngDecoder() : tight())
    expectErrorEverySplit(make, rect(2, 2), Uint8Array.from([ctl | 0x3, 0, 0, 0]), 'RFB_ERR_TIGHT', /invalid compression type/)
  })

  it.each([3, 4, 0x80, 0xff])('rejects filter id %i', (id) => {
    expectErrorEverySplit(tight, rect(2, 2), Uint8Array.from([0x40, id, 0, 0]), 'RFB_ERR_TIGHT', new RegExp(`filter id ${id} `))
  })

  it(`rejects basic compression wider than ${TIGHT_MAX_WIDTH} pixels`, () => {
    const err = protocolErrorOf(() => feedRect(tight(), rect(TIGHT_MAX_WIDTH + 1, 1), [Uint8Array.from([0x00, 1, 0])]))
    expect(err.code).toBe('RFB_ERR_TIGHT')
    expect(err.message).toMatch(/2049 pixels wide/)
  })

  it('leaves the bytes after the rect in the queue', () => {
    const fb = new FramebufferSink(null)
    fb.resize(2, 2)
    const q = new ByteQueue()
    const ctx = makeContext(fb, RGBX8888, 2, 2, q)
    const colours = randomColours(4, 60)
    q.push(
      Uint8Array.from([
        0x00,
        ...payload(
          colours.flatMap((c) => tpixel(RGBX8888, c)),
          new SyncDeflater(),
        ),
        0x42,
        0x43,
      ]),
    )
    const decoder = tight()
    decoder.begin(rect(2, 2), ctx)
    expect(decoder.decode(q, ctx)).toBe(true)
    expect(q.length).toBe(2)
    expectPixels(fb, RGBX8888, colours, 2, 2)
  })
})
