import type { PixelFormat } from '../../src/main/rfb/pixel-format'

/** Builds big-endian byte vectors for protocol tests. */
export class Bytes {
  private parts: number[] = []

  u8(...v: number[]): this {
    for (const x of v) this.parts.push(x & 0xff)
    return this
  }

  u16(...v: number[]): this {
    for (const x of v) this.parts.push((x >> 8) & 0xff, x & 0xff)
    return this
  }

  u32(...v: number[]): this {
    for (const x of v) this.parts.push((x >>> 24) & 0xff, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff)
    return this
  }

  s32(v: number): this {
    return this.u32(v >>> 0)
  }

  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i] & 0xff)
    return this
  }

  text(s: string): this {
    return this.bytes(Buffer.from(s, 'latin1'))
  }

  /** A length-prefixed (u32) string. */
  string(s: string): this {
    const b = Buffer.from(s, 'utf8')
    return this.u32(b.length).bytes(b)
  }

  /** One pixel with 8-bit channels, encoded in `pf`. */
  pixel(pf: PixelFormat, r: number, g: number, b: number): this {
    return this.bytes(encodePixel(pf, r, g, b))
  }

  build(): Uint8Array {
    return Uint8Array.from(this.parts)
  }
}

/** Encodes an 8-bit-per-channel colour as a PIXEL in `pf` (scaling channels down to its max). */
export function encodePixel(pf: PixelFormat, r: number, g: number, b: number): Uint8Array {
  const scale = (v: number, max: number): number => Math.round((v * max) / 255)
  const value = scale(r, pf.redMax) * 2 ** pf.redShift + scale(g, pf.greenMax) * 2 ** pf.greenShift + scale(b, pf.blueMax) * 2 ** pf.blueShift
  const n = pf.bitsPerPixel / 8
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const byte = Math.floor(value / 2 ** (8 * i)) & 0xff
    out[pf.bigEndian ? n - 1 - i : i] = byte
  }
  return out
}

/** The RGBA word a sink should hold for a colour after a round trip through `pf`. */
export function expectedWord(pf: PixelFormat, r: number, g: number, b: number): number {
  const q = (v: number, max: number): number => Math.round((Math.round((v * max) / 255) * 255) / max)
  return (q(r, pf.redMax) | (q(g, pf.greenMax) << 8) | (q(b, pf.blueMax) << 16) | 0xff000000) >>> 0
}
