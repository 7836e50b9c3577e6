// Builders and checks shared by the decoder tests: CPIXELs, ZRLE tiles, zlib payloads, feeding
// big vectors in a sample of chunkings, and pixel and error assertions with readable messages.
import { constants, deflateSync } from 'node:zlib'
import { expect } from 'vitest'
import type { Rect, RectDecoder } from '../../src/main/rfb/decoders/decoder'
import { RfbProtocolError } from '../../src/main/rfb/errors'
import type { FramebufferSink } from '../../src/main/rfb/framebuffer'
import type { PixelFormat } from '../../src/main/rfb/pixel-format'
import { Bytes, encodePixel } from './bytes'
import { type FeedOptions, chunkings, feedRect, hex } from './feed'

export type Rgb = readonly [number, number, number]

/** rfbproto "CPIXEL": 3 bytes when a 32 bpp true-colour pixel's colour fits in 3 of its bytes. */
export function cpixelLayout(pf: PixelFormat): { size: number; shift: number } {
  if (pf.bitsPerPixel !== 32 || !pf.trueColour || pf.depth > 24) return { size: pf.bitsPerPixel / 8, shift: 0 }
  const used = pf.redMax * 2 ** pf.redShift + pf.greenMax * 2 ** pf.greenShift + pf.blueMax * 2 ** pf.blueShift
  if (used <= 0xffffff) return { size: 3, shift: 0 }
  return used % 256 === 0 ? { size: 3, shift: 8 } : { size: 4, shift: 0 }
}

/** A pixel value written as a CPIXEL of `pf`. */
export function cpixelOfValue(pf: PixelFormat, value: number): number[] {
  const { size, shift } = cpixelLayout(pf)
  const v = size === 3 ? Math.floor(value / 2 ** shift) : value
  const out: number[] = []
  for (let i = 0; i < size; i++) out.push(Math.floor(v / 2 ** (8 * i)) & 0xff)
  return pf.bigEndian ? out.reverse() : out
}

/** The pixel value of an 8-bit-per-channel colour in `pf`. */
export function pixelValue(pf: PixelFormat, [r, g, b]: Rgb): number {
  const bytes = encodePixel(pf, r, g, b)
  let v = 0
  for (let i = 0; i < bytes.length; i++) v += bytes[pf.bigEndian ? bytes.length - 1 - i : i] * 2 ** (8 * i)
  return v
}

export function cpixel(pf: PixelFormat, c: Rgb): number[] {
  return cpixelOfValue(pf, pixelValue(pf, c))
}

/** ZRLE run length bytes (rfbproto: 255s, then (len - 1) % 255). */
export function runLength(len: number): number[] {
  const out: number[] = []
  let left = len - 1
  while (left >= 255) {
    out.push(255)
    left -= 255
  }
  out.push(left)
  return out
}

/** ZRLE tile builders: each returns the tile's bytes, sub-encoding first. */
export const zrleTile = {
  raw(pf: PixelFormat, pixels: Rgb[]): number[] {
    return [0, ...pixels.flatMap((c) => cpixel(pf, c))]
  },
  solid(pf: PixelFormat, c: Rgb): number[] {
    return [1, ...cpixel(pf, c)]
  },
  /** Packed palette; `indexes` row by row for a tile `tw` wide. */
  packed(pf: PixelFormat, palette: Rgb[], indexes: number[], tw: number): number[] {
    const bits = palette.length === 2 ? 1 : palette.length <= 4 ? 2 : 4
    const out = [palette.length, ...palette.flatMap((c) => cpixel(pf, c))]
    for (let r = 0; r * tw < indexes.length; r++) {
      let byte = 0
      let used = 0
      for (let c = 0; c < tw; c++) {
        byte = (byte << bits) | indexes[r * tw + c]
        used += bits
        if (used === 8) {
          out.push(byte)
          byte = 0
          used = 0
        }
      }
      if (used > 0) out.push((byte << (8 - used)) & 0xff)
    }
    return out
  },
  plainRle(pf: PixelFormat, runs: [Rgb, number][]): number[] {
    return [128, ...runs.flatMap(([c, len]) => [...cpixel(pf, c), ...runLength(len)])]
  },
  /** Palette RLE; a run of one is written as a bare index unless `long` asks for the long form. */
  paletteRle(pf: PixelFormat, palette: Rgb[], runs: [number, number][], long = false): number[] {
    const out = [128 + palette.length, ...palette.flatMap((c) => cpixel(pf, c))]
    for (const [idx, len] of runs) {
      if (len === 1 && !long) out.push(idx)
      else out.push(idx | 128, ...runLength(len))
    }
    return out
  },
}

/** One complete zlib chunk ending in a sync flush, as a server sends for one rect. */
export function zlibChunk(data: ArrayLike<number>): Uint8Array {
  return new Uint8Array(deflateSync(Uint8Array.from(data), { finishFlush: constants.Z_SYNC_FLUSH }))
}

/** A u32 length and the payload. */
export function withLength(payload: Uint8Array): Uint8Array {
  return new Bytes().u32(payload.length).bytes(payload).build()
}

/** For vectors too big for every split: whole, byte by byte, and `splits` spread split points. */
export function feedSampled(make: () => RectDecoder, rect: Rect, bytes: Uint8Array, opts: FeedOptions = {}, splits = 16): FramebufferSink {
  const first = feedRect(make(), rect, [bytes], opts)
  const ways: { label: string; chunks: Uint8Array[] }[] = [{ label: 'byte by byte', chunks: Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)) }]
  for (let k = 1; k <= splits; k++) {
    const at = Math.floor((bytes.length * k) / (splits + 1))
    if (at > 0 && at < bytes.length) ways.push({ label: `split at ${at}`, chunks: [bytes.subarray(0, at), bytes.subarray(at)] })
  }
  for (const { label, chunks } of ways) {
    const fb = feedRect(make(), rect, chunks, opts)
    if (Buffer.compare(Buffer.from(first.data), Buffer.from(fb.data)) !== 0) throw new Error(`framebuffer differs when the rect is fed ${label}`)
  }
  return first
}

/** Asserts the w*h area at (x, y) holds `expected` (row by row, or a function of the offsets). */
export function expectArea(
  fb: FramebufferSink,
  x: number,
  y: number,
  w: number,
  h: number,
  expected: ArrayLike<number> | ((cx: number, cy: number) => number),
): void {
  for (let cy = 0; cy < h; cy++) {
    for (let cx = 0; cx < w; cx++) {
      const want = typeof expected === 'function' ? expected(cx, cy) : expected[cy * w + cx]
      const got = fb.words[(y + cy) * fb.width + x + cx]
      if (got !== want >>> 0) {
        expect.fail(`pixel (${x + cx},${y + cy}) is ${hex(got)}, expected ${hex(want)}`)
      }
    }
  }
}

/** Asserts every chunking of the rect fails with an RfbProtocolError of `code` whose message matches. */
export function expectErrorEverySplit(make: () => RectDecoder, rect: Rect, bytes: Uint8Array, code: string, message: RegExp, opts: FeedOptions = {}): void {
  for (const { label, chunks } of chunkings(bytes)) expectError(() => feedRect(make(), rect, chunks, opts), code, message, label)
}

export function expectError(run: () => unknown, code: string, message: RegExp, label = ''): void {
  let caught: unknown = null
  try {
    run()
  } catch (err) {
    caught = err
  }
  if (!(caught instanceof RfbProtocolError)) {
    expect.fail(`${label ? `${label}: ` : ''}expected an RfbProtocolError ${code}, got ${caught === null ? 'no error' : String(caught)}`)
  }
  expect(caught.code, `${label}: ${caught.message}`).toBe(code)
  expect(caught.message, label).toMatch(message)
  expect(caught.offset, `${label}: error offset`).toBeGreaterThanOrEqual(0)
}
