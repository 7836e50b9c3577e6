import { Encoding } from '@shared/encodings'
import type { PixelFormat } from '../pixel-format'
import type { DecodeContext } from './decoder'
import { type CpixelReader, ZRLE_TILE, ZrleDecoder } from './zrle'

const N = ZRLE_TILE * ZRLE_TILE

/**
 * The wavelet level count a ZYWRLE server uses for a client's JPEG quality level (the most recent
 * QualityLevel0-9 pseudo-encoding it was sent; null when none was). libvncserver: none -> 1,
 * 0-2 -> 3, 3-5 -> 2, 6-9 -> 1. QEMU agrees for 0-8 and answers 9 (or none) with plain ZRLE
 * rects, which never reach this decoder. (libvncclient's own 3 - q/3 gives 0 for 9: wrong
 * against libvncserver.)
 */
export function zywrleLevel(quality: number | null): number {
  if (quality === null || quality < 0) return 1
  if (quality < 3) return 3
  if (quality < 6) return 2
  return 1
}

/** CPIXELs as the pixel values the server's wavelet worked on (ZYWRLE_ENDIAN = the client's byte order). */
class ValueReader implements CpixelReader {
  readonly size: number
  private readonly bigEndian: boolean
  /** 8 when a 3-byte CPIXEL holds the value's top three bytes (rfbproto "CPIXEL"). */
  private readonly shift: number

  constructor(
    readonly pf: PixelFormat,
    size: number,
  ) {
    this.size = size
    this.bigEndian = pf.bigEndian
    const used = pf.redMax * 2 ** pf.redShift + pf.greenMax * 2 ** pf.greenShift + pf.blueMax * 2 ** pf.blueShift
    this.shift = size === 3 && used > 0xffffff ? 8 : 0
  }

  one(s: Uint8Array, o: number): number {
    const be = this.bigEndian
    switch (this.size) {
      case 1:
        return s[o]
      case 2:
        return be ? (s[o] << 8) | s[o + 1] : s[o] | (s[o + 1] << 8)
      case 3:
        return ((be ? (s[o] << 16) | (s[o + 1] << 8) | s[o + 2] : s[o] | (s[o + 1] << 8) | (s[o + 2] << 16)) << this.shift) >>> 0
      default:
        return (be ? (s[o] << 24) | (s[o + 1] << 16) | (s[o + 2] << 8) | s[o + 3] : s[o] | (s[o + 1] << 8) | (s[o + 2] << 16) | (s[o + 3] << 24)) >>> 0
    }
  }

  many(s: Uint8Array, o: number, dst: Uint32Array, d: number, n: number): void {
    for (let i = 0; i < n; i++, o += this.size) dst[d + i] = this.one(s, o)
  }

  /** Writes `v` back as a CPIXEL, so the engine's converter turns it into RGBA. */
  put(d: Uint8Array, o: number, v: number): void {
    const be = this.bigEndian
    switch (this.size) {
      case 1:
        d[o] = v
        return
      case 2:
        d[o + (be ? 1 : 0)] = v
        d[o + (be ? 0 : 1)] = v >>> 8
        return
      default: {
        const n = this.size
        const w = this.size === 3 ? v >>> this.shift : v
        for (let i = 0; i < n; i++) d[be ? o + n - 1 - i : o + i] = w >>> (8 * i)
      }
    }
  }
}

/** Buffers for one 64x64 wavelet tile. */
class Workspace {
  readonly coeffs = new Uint32Array(N)
  readonly rest = new Uint32Array(N)
  readonly bytes = new Uint8Array(N * 4)
  /** The transform's three 8-bit planes: byte 0 (U), 1 (Y) and 2 (V) of the reference's ints. */
  readonly u = new Int8Array(N)
  readonly yy = new Int8Array(N)
  readonly v = new Int8Array(N)
}

/** ZYWRLE_LOAD_PIXEL / SAVE_PIXEL: where the wavelet's 8-bit R, G, B sit in a pixel value. */
const enum Layout {
  /** 32 bpp: R, G, B in bits 16-23, 8-15, 0-7. */
  Rgb888,
  /** 16 bpp with green max above 31: 5-6-5 from the top bit. */
  Rgb565,
  /** Other 16 bpp: 5-5-5. */
  Rgb555,
}

/** Piecewise-linear Haar (PLHaar) step on the 8-bit pair (i, j) of one plane; its own inverse. */
export function harr(p: Int8Array, i: number, j: number): void {
  let x0 = p[i]
  let x1 = p[j]
  const o0 = x0
  const o1 = x1
  // Bit 7 stands for the sign of the 8-bit result, as in the reference C code.
  if ((x0 ^ x1) & 0x80) {
    x1 += x0
    if (((x1 ^ o1) & 0x80) === 0) x0 -= x1
  } else {
    x0 -= x1
    if (((x0 ^ o0) & 0x80) === 0) x1 += x0
  }
  p[i] = x1
  p[j] = x0
}

/**
 * ZYWRLE (Hitachi, encoding 17; no section in rfbproto): ZRLE whose raw tiles carry a lossy
 * wavelet transform. Verified against libvncserver's zywrletemplate.c / zrleencodetemplate.c and
 * QEMU's copy of them: a tile that would be raw is sent as sub-encoding 0 followed by a complete
 * nested ZRLE tile (any sub-encoding; its raw form is plain) holding the coefficients as pixels
 * in the client's format. Those come packed level by level, each level's Hxy, Hy and Hx bands
 * and after the last one the L band, then the pixels right of, below and beyond the largest
 * part of the tile whose sides are multiples of 2^level, untransformed. The inverse runs PLHaar
 * on columns then rows from the top level down, then turns (U, Y, V) back into RGB with the
 * reversible colour transform of JPEG 2000. At 8 bpp servers never transform, so it is ZRLE.
 *
 * The level count is not on the wire: it follows from the quality level the client sent, which
 * the session passes on through {@link encodingsSent} (or {@link setQuality}); see {@link zywrleLevel}.
 */
export class ZywrleDecoder extends ZrleDecoder {
  protected override readonly name = 'ZYWRLE'
  protected override readonly code = 'RFB_ERR_ZYWRLE'
  private level = zywrleLevel(null)
  private values: ValueReader | null = null
  /** Made with the first wavelet tile: a session has this decoder whether or not it sees ZYWRLE. */
  private ws: Workspace | null = null

  /** The quality level (0-9) from the last QualityLevel pseudo-encoding sent; null if none was. */
  setQuality(quality: number | null): void {
    this.level = zywrleLevel(quality)
  }

  /**
   * Takes the last QualityLevel0-9 of a SetEncodings list. A list without one keeps the level:
   * libvncserver keeps its quality until a new one arrives (QEMU forgets it, but then sends ZRLE).
   */
  encodingsSent(encodings: readonly number[]): void {
    for (const e of encodings) {
      if (e >= Encoding.QualityLevel0 && e <= Encoding.QualityLevel9) this.setQuality(e - Encoding.QualityLevel0)
    }
  }

  /** A new connection: the server has no quality level until the client sends one. */
  override reset(): void {
    super.reset()
    this.level = zywrleLevel(null)
  }

  protected override rawTile(
    d: Uint8Array,
    p: number,
    tw: number,
    th: number,
    out: Uint32Array,
    o: number,
    stride: number,
    rd: CpixelReader,
    ctx: DecodeContext,
    at: number,
  ): number {
    const pf = ctx.pixels.pf
    if (pf.bitsPerPixel === 8) return super.rawTile(d, p, tw, th, out, o, stride, rd, ctx, at)
    if (this.values?.pf !== pf || this.values.size !== rd.size) this.values = new ValueReader(pf, rd.size)
    const vals = this.values
    const ws = (this.ws ??= new Workspace())
    const coeffs = ws.coeffs
    p = this.parseTile(d, p, tw, th, coeffs, 0, tw, vals, ctx, at, false)
    if (this.solid) {
      coeffs.fill(this.solidColour, 0, tw * th)
      this.solid = false
    }
    const layout = pf.bitsPerPixel === 32 ? Layout.Rgb888 : pf.greenMax > 31 ? Layout.Rgb565 : Layout.Rgb555
    this.synthesize(ws, tw, th, layout)
    const cb = vals.size
    for (let i = 0; i < tw * th; i++) vals.put(ws.bytes, i * cb, coeffs[i])
    for (let r = 0; r < th; r++) ctx.pixels.cpixelsToRgba(ws.bytes, r * tw * cb, out, o + r * stride, tw)
    return p
  }

  /** ZYWRLE_SYNTHESIZE in place: `ws.coeffs` holds the packed coefficients in and the pixel values out. */
  private synthesize(ws: Workspace, W: number, H: number, layout: Layout): void {
    const px = ws.coeffs
    const level = this.level
    const w = W & ~((1 << level) - 1)
    const h = H & ~((1 << level) - 1)
    // A tile smaller than 2^level in a direction is not transformed at all.
    if (w === 0 || h === 0) return
    const { u, yy, v } = ws
    let s = 0
    for (let l = 0; l < level; l++) {
      const step = 2 << l
      const half = step >> 1
      for (let band = 3; band >= (l === level - 1 ? 0 : 1); band--) {
        for (let r = band & 2 ? half : 0; r < h; r += step) {
          for (let c = band & 1 ? half : 0; c < w; c += step) {
            const val = px[s++]
            const i = r * w + c
            switch (layout) {
              case Layout.Rgb888:
                v[i] = val >>> 16
                yy[i] = val >>> 8
                u[i] = val
                break
              case Layout.Rgb565:
                v[i] = (val >>> 8) & 0xf8
                yy[i] = (val >>> 3) & 0xfc
                u[i] = (val << 3) & 0xf8
                break
              case Layout.Rgb555:
                v[i] = (val >>> 7) & 0xf8
                yy[i] = (val >>> 2) & 0xf8
                u[i] = (val << 3) & 0xf8
                break
            }
          }
        }
      }
    }
    const restLen = W * H - w * h
    ws.rest.set(px.subarray(s, s + restLen))

    for (let l = level - 1; l >= 0; l--) {
      const half = 1 << l
      const step = 2 << l
      for (let c = 0; c < w; c += half) {
        for (let k = 0, i = c; k < h >> (l + 1); k++, i += step * w) {
          harr(u, i, i + half * w)
          harr(yy, i, i + half * w)
          harr(v, i, i + half * w)
        }
      }
      for (let r = 0; r < h; r += half) {
        for (let k = 0, i = r * w; k < w >> (l + 1); k++, i += step) {
          harr(u, i, i + half)
          harr(yy, i, i + half)
          harr(v, i, i + half)
        }
      }
    }

    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const i = r * w + c
        // Reversible colour transform: Y = (R+2G+B)/4 - 128, U = (B-G)/2, V = (R-G)/2.
        const Y = yy[i] + 128
        const U = u[i] << 1
        const V = v[i] << 1
        const G = clamp(Y - ((U + V) >> 2))
        const B = clamp(U + Y - ((U + V) >> 2))
        const R = clamp(V + Y - ((U + V) >> 2))
        px[r * W + c] = save(layout, R, G, B)
      }
    }

    // The untransformed remainder: right strip, bottom strip, corner (ZYWRLE_LOAD_UNALIGN).
    const rest = ws.rest
    let k = 0
    for (let r = 0; r < h && w < W; r++) for (let c = w; c < W; c++) px[r * W + c] = rest[k++]
    for (let r = h; r < H; r++) for (let c = 0; c < w; c++) px[r * W + c] = rest[k++]
    for (let r = h; r < H && w < W; r++) for (let c = w; c < W; c++) px[r * W + c] = rest[k++]
  }
}

function clamp(x: number): number {
  return x < 0 ? 0 : x > 255 ? 255 : x
}

function save(layout: Layout, R: number, G: number, B: number): number {
  switch (layout) {
    case Layout.Rgb888:
      return ((R << 16) | (G << 8) | B) >>> 0
    case Layout.Rgb565:
      return ((R & 0xf8) << 8) | ((G & 0xfc) << 3) | ((B & 0xf8) >> 3)
    case Layout.Rgb555:
      return ((R & 0xf8) << 7) | ((G & 0xf8) << 2) | ((B & 0xf8) >> 3)
  }
}
