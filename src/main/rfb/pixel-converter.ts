import type { PixelFormat } from './pixel-format'
import { UnsupportedError } from './errors'
import { KERNEL_BYTES, type OpaqueKernel, opaqueKernel, rowsViaKernel, shuffleKernel } from './simd-kernel'

export { hasOpaqueKernel } from './simd-kernel'

/** From this many RGBX pixels on, a copy and an alpha pass beat a conversion loop (measured). */
const MEMCPY_PIXELS = 64
/** From this many RGBX pixels on, the trip through {@link OpaqueKernel}'s memory pays (measured, see there). */
const KERNEL_PIXELS = 1024
/** R,G,B,X bytes are the RGBA word only where words are little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

/** Opaque alpha in an RGBA word as a little-endian Uint32Array sees it (R in the low byte). */
export const ALPHA = 0xff000000

/** Packs 8-bit channels into the RGBA word every sink works with. */
export function rgba(r: number, g: number, b: number): number {
  return (r | (g << 8) | (b << 16) | ALPHA) >>> 0
}

/** Colour map set by SetColourMapEntries (RFC 6143 §7.6.2), as RGBA words indexed by pixel value. */
export class ColourMap {
  private table: Uint32Array | null = null

  /** 64 Ki words, made on first use: every session has a map, few use a colour-map format. */
  get entries(): Uint32Array {
    return (this.table ??= new Uint32Array(65536).fill(ALPHA))
  }

  /** `rgb16` holds 16-bit red, green, blue triples as they came off the wire. */
  set(first: number, rgb16: ArrayLike<number>): void {
    const entries = this.entries
    for (let i = 0; i * 3 < rgb16.length && first + i < 65536; i++) {
      entries[first + i] = rgba(rgb16[i * 3] >> 8, rgb16[i * 3 + 1] >> 8, rgb16[i * 3 + 2] >> 8)
    }
  }
}

const enum Mode {
  Rgbx,
  /** 32 bpp with 8-bit channels on byte boundaries in another order (B,G,R,X and the like): a byte shuffle. */
  Shuffle32,
  Table8,
  Table16Le,
  Table16Be,
  Generic32,
}

function channelTable(max: number): Uint8Array {
  const t = new Uint8Array(max + 1)
  for (let v = 0; v <= max; v++) t[v] = Math.round((v * 255) / max)
  return t
}

/**
 * Converts server pixels (any RFB pixel format) to RGBA words, with a lookup table for 8 and
 * 16 bpp and a straight path for the RGBX layout the engine asks for. No per-pixel allocation.
 */
export class PixelConverter {
  readonly bytesPerPixel: number
  /** Size of a ZRLE/Tight CPIXEL: 3 when a 32 bpp true-colour pixel's colour fits in 3 bytes. */
  readonly cpixelBytes: number
  private readonly mode: Mode
  private readonly table: Uint32Array | null
  private readonly cpixelShift: number
  /** Shuffle32: where each channel sits in the pixel read as a little-endian word. */
  private readonly rS: number = 0
  private readonly gS: number = 0
  private readonly bS: number = 0
  private readonly rT: Uint8Array
  private readonly gT: Uint8Array
  private readonly bT: Uint8Array
  private viewBuffer: ArrayBufferLike | null = null
  private dataView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0))
  private wordsBuffer: ArrayBufferLike | null = null
  private wordsView: Uint32Array<ArrayBufferLike> = new Uint32Array(0)
  private dstBuffer: ArrayBufferLike | null = null
  private dstBytes: Uint8Array<ArrayBufferLike> = new Uint8Array(0)

  constructor(
    readonly pf: PixelFormat,
    colourMap?: ColourMap,
  ) {
    const bpp = pf.bitsPerPixel
    this.bytesPerPixel = bpp >> 3
    this.rT = channelTable(pf.trueColour ? pf.redMax : 1)
    this.gT = channelTable(pf.trueColour ? pf.greenMax : 1)
    this.bT = channelTable(pf.trueColour ? pf.blueMax : 1)
    this.cpixelShift = 0
    this.cpixelBytes = this.bytesPerPixel
    if (pf.trueColour && bpp === 32 && pf.depth <= 24) {
      const used = pf.redMax * 2 ** pf.redShift + pf.greenMax * 2 ** pf.greenShift + pf.blueMax * 2 ** pf.blueShift
      if (used <= 0xffffff) this.cpixelBytes = 3
      else if (used % 256 === 0) {
        this.cpixelBytes = 3
        this.cpixelShift = 8
      }
    }
    if (bpp === 32) {
      if (!pf.trueColour) throw new UnsupportedError('32 bpp colour-map pixel formats are not supported')
      const rgbx =
        !pf.bigEndian && pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255 && pf.redShift === 0 && pf.greenShift === 8 && pf.blueShift === 16
      // A big-endian pixel read as a little-endian word has its bytes reversed: shift s moves to 24 - s.
      const le = (shift: number): number => (pf.bigEndian ? 24 - shift : shift)
      const bytewise =
        pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255 && [pf.redShift, pf.greenShift, pf.blueShift].every((s) => s % 8 === 0 && s <= 24)
      this.mode = rgbx ? Mode.Rgbx : bytewise ? Mode.Shuffle32 : Mode.Generic32
      if (this.mode === Mode.Shuffle32) {
        this.rS = le(pf.redShift)
        this.gS = le(pf.greenShift)
        this.bS = le(pf.blueShift)
      }
      this.table = null
    } else {
      const size = bpp === 8 ? 256 : 65536
      if (pf.trueColour) {
        this.table = new Uint32Array(size)
        // Values here fit in 16 bits, so plain shifts are exact (and much faster than fromValue).
        const { redShift: rs, greenShift: gs, blueShift: bs, redMax: rm, greenMax: gm, blueMax: bm } = pf
        for (let v = 0; v < size; v++) {
          this.table[v] = (this.rT[(v >> rs) & rm] | (this.gT[(v >> gs) & gm] << 8) | (this.bT[(v >> bs) & bm] << 16) | ALPHA) >>> 0
        }
      } else {
        if (!colourMap) throw new UnsupportedError('colour-map pixel format without a colour map')
        this.table = colourMap.entries
      }
      this.mode = bpp === 8 ? Mode.Table8 : pf.bigEndian ? Mode.Table16Be : Mode.Table16Le
    }
  }

  /** RGBA word of a true-colour pixel value (as an int32, see {@link pixel}). */
  fromValue(v: number): number {
    const pf = this.pf
    return (
      this.rT[Math.floor(v / 2 ** pf.redShift) & pf.redMax] |
      (this.gT[Math.floor(v / 2 ** pf.greenShift) & pf.greenMax] << 8) |
      (this.bT[Math.floor(v / 2 ** pf.blueShift) & pf.blueMax] << 16) |
      ALPHA
    )
  }

  /**
   * A DataView over all of `src`'s buffer, kept while the buffer stays the same (a socket chunk,
   * an inflate buffer), so bulk conversions read whole pixels in one load at any alignment
   * without allocating per call. Measured: 2-2.5x the byte-by-byte loops.
   */
  private view(src: Uint8Array): DataView<ArrayBufferLike> {
    if (src.buffer !== this.viewBuffer) {
      this.viewBuffer = src.buffer
      this.dataView = new DataView(src.buffer)
    }
    return this.dataView
  }

  /** `src`'s whole buffer as words (whole words only), kept like {@link view}: aligned runs load a word per pixel without a DataView call. */
  private words(src: Uint8Array): Uint32Array<ArrayBufferLike> {
    if (src.buffer !== this.wordsBuffer) {
      this.wordsBuffer = src.buffer
      this.wordsView = new Uint32Array(src.buffer, 0, src.buffer.byteLength >> 2)
    }
    return this.wordsView
  }

  /** The bytes of `dst`'s whole buffer, kept like {@link view}. */
  private bytesOf(dst: Uint32Array): Uint8Array<ArrayBufferLike> {
    if (dst.buffer !== this.dstBuffer) {
      this.dstBuffer = dst.buffer
      this.dstBytes = new Uint8Array(dst.buffer)
    }
    return this.dstBytes
  }

  /** Converts `count` PIXELs starting at `src[so]` into `dst[d..]`. */
  toRgba(src: Uint8Array, so: number, dst: Uint32Array, d: number, count: number): void {
    const end = d + count
    switch (this.mode) {
      case Mode.Rgbx: {
        if (count >= MEMCPY_PIXELS && LITTLE_ENDIAN) {
          const bytes = this.bytesOf(dst)
          const b = dst.byteOffset + d * 4
          const k = count >= KERNEL_PIXELS ? opaqueKernel() : null
          if (k) {
            rowsViaKernel(k, src, so, bytes, b, count * 4, 1, 0)
            return
          }
          // Bandwidth-bound: a memcpy, then a store-only pass over the alpha bytes while they are
          // in cache, beats converting word by word (1.3-1.5x on Raw); unrolled, 13% more.
          const e = b + count * 4
          // A run of a whole chunk (packed targets) needs no view of its own.
          bytes.set(so === 0 && count * 4 === src.length ? src : src.subarray(so, so + count * 4), b)
          let i = b + 3
          for (const e4 = e - 12; i < e4; i += 16) {
            bytes[i] = 255
            bytes[i + 4] = 255
            bytes[i + 8] = 255
            bytes[i + 12] = 255
          }
          for (; i < e; i += 4) bytes[i] = 255
          return
        }
        const dv = this.view(src)
        // The X byte lands in the alpha byte, which the OR sets.
        for (let o = src.byteOffset + so; d < end; d++, o += 4) dst[d] = dv.getUint32(o, true) | ALPHA
        return
      }
      case Mode.Shuffle32: {
        const k = count >= KERNEL_PIXELS && LITTLE_ENDIAN ? this.kernel() : null
        if (k) rowsViaKernel(k, src, so, this.bytesOf(dst), dst.byteOffset + d * 4, count * 4, 1, 0)
        else this.shuffle(src, so, dst, d, count)
        return
      }
      case Mode.Table8: {
        const t = this.table!
        for (; d < end; d++, so++) dst[d] = t[src[so]]
        return
      }
      case Mode.Table16Le: {
        const t = this.table!
        const dv = this.view(src)
        for (let o = src.byteOffset + so; d < end; d++, o += 2) dst[d] = t[dv.getUint16(o, true)]
        return
      }
      case Mode.Table16Be: {
        const t = this.table!
        const dv = this.view(src)
        for (let o = src.byteOffset + so; d < end; d++, o += 2) dst[d] = t[dv.getUint16(o, false)]
        return
      }
      case Mode.Generic32: {
        const dv = this.view(src)
        const le = !this.pf.bigEndian
        for (let o = src.byteOffset + so; d < end; d++, o += 4) dst[d] = this.generic(dv.getUint32(o, le))
      }
    }
  }

  /**
   * Converts `rows` rows of `w` PIXELs, packed from `src[so]`, into `dst` rows that start
   * `stride` words apart from `dst[d]` (a sink's {@link PixelTarget}).
   */
  toRgbaRows(src: Uint8Array, so: number, dst: Uint32Array, d: number, w: number, rows: number, stride: number): void {
    if (stride === w) {
      this.toRgba(src, so, dst, d, w * rows)
      return
    }
    if (
      (this.mode === Mode.Rgbx || this.mode === Mode.Shuffle32) &&
      LITTLE_ENDIAN &&
      w >= MEMCPY_PIXELS &&
      w * rows >= KERNEL_PIXELS &&
      w * 4 <= KERNEL_BYTES
    ) {
      const k = this.kernel()
      if (k) {
        rowsViaKernel(k, src, so, this.bytesOf(dst), dst.byteOffset + d * 4, w * 4, rows, stride * 4)
        return
      }
    }
    const rowBytes = w * this.bytesPerPixel
    for (let r = 0; r < rows; r++, so += rowBytes, d += stride) this.toRgba(src, so, dst, d, w)
  }

  /** The SIMD kernel for this converter's 32 bpp format (Rgbx or Shuffle32), null without SIMD. */
  private kernel(): OpaqueKernel | null {
    return this.mode === Mode.Rgbx ? opaqueKernel() : shuffleKernel(this.rS, this.gS, this.bS)
  }

  /**
   * Shuffle32 runs below the kernel's threshold: each pixel one little-endian word load, its bytes moved with shifts and
   * masks (no tables). Aligned runs (the usual case: socket chunks and rows of 4-byte pixels)
   * load through a Uint32Array over the buffer; unaligned ones through the DataView. B,G,R,X, the
   * native format of most X servers, has a straight-line case: green stays, red and blue swap.
   */
  private shuffle(src: Uint8Array, so: number, dst: Uint32Array, d: number, count: number): void {
    const end = d + count
    const o0 = src.byteOffset + so
    if (LITTLE_ENDIAN && (o0 & 3) === 0) {
      const w = this.words(src)
      let s = o0 >> 2
      if (this.rS === 16 && this.gS === 8 && this.bS === 0) {
        for (; d < end; d++, s++) {
          const v = w[s]
          dst[d] = (v & 0xff00) | ((v >>> 16) & 0xff) | ((v & 0xff) << 16) | ALPHA
        }
        return
      }
      const { rS, gS, bS } = this
      for (; d < end; d++, s++) {
        const v = w[s]
        dst[d] = ((v >>> rS) & 0xff) | (((v >>> gS) & 0xff) << 8) | (((v >>> bS) & 0xff) << 16) | ALPHA
      }
      return
    }
    const dv = this.view(src)
    const { rS, gS, bS } = this
    for (let o = o0; d < end; d++, o += 4) {
      const v = dv.getUint32(o, true)
      dst[d] = ((v >>> rS) & 0xff) | (((v >>> gS) & 0xff) << 8) | (((v >>> bS) & 0xff) << 16) | ALPHA
    }
  }

  private generic(v: number): number {
    const pf = this.pf
    return (
      this.rT[(v >>> pf.redShift) & pf.redMax] |
      (this.gT[(v >>> pf.greenShift) & pf.greenMax] << 8) |
      (this.bT[(v >>> pf.blueShift) & pf.blueMax] << 16) |
      ALPHA
    )
  }

  /**
   * RGBA word of the single PIXEL at `src[o]`, as the int32 with the word's bits (negative, since
   * alpha is 255): V8 keeps that a small integer, where the unsigned value would be a heap number
   * allocated per call. Stored in a Uint32Array it is the word; compare it with `>>> 0`.
   */
  pixel(src: Uint8Array, o: number): number {
    switch (this.mode) {
      case Mode.Rgbx:
        return src[o] | (src[o + 1] << 8) | (src[o + 2] << 16) | ALPHA
      case Mode.Shuffle32: {
        const v = src[o] | (src[o + 1] << 8) | (src[o + 2] << 16) | (src[o + 3] << 24)
        return ((v >>> this.rS) & 0xff) | (((v >>> this.gS) & 0xff) << 8) | (((v >>> this.bS) & 0xff) << 16) | ALPHA
      }
      case Mode.Table8:
        return this.table![src[o]] | 0
      case Mode.Table16Le:
        return this.table![src[o] | (src[o + 1] << 8)] | 0
      case Mode.Table16Be:
        return this.table![(src[o] << 8) | src[o + 1]] | 0
      default:
        return this.generic(
          this.pf.bigEndian
            ? ((src[o] << 24) | (src[o + 1] << 16) | (src[o + 2] << 8) | src[o + 3]) >>> 0
            : ((src[o + 3] << 24) | (src[o + 2] << 16) | (src[o + 1] << 8) | src[o]) >>> 0,
        )
    }
  }

  /** Converts `count` CPIXELs (ZRLE, Tight) starting at `src[so]`. */
  cpixelsToRgba(src: Uint8Array, so: number, dst: Uint32Array, d: number, count: number): void {
    if (this.cpixelBytes !== 3) {
      this.toRgba(src, so, dst, d, count)
      return
    }
    const end = d + count
    if (this.mode === Mode.Rgbx) {
      this.rgb24ToRgba(src, so, dst, d, count)
      return
    }
    if (this.mode === Mode.Shuffle32 && !this.pf.bigEndian && this.cpixelShift === 0) {
      // The three bytes are the word's low three, so the word's shifts apply; the fourth byte
      // loaded (the next pixel's) is masked away. The buffer's last pixel goes byte by byte.
      const { rS, gS, bS } = this
      const dv = this.view(src)
      const last = dv.byteLength - 4
      for (let o = src.byteOffset + so; d < end && o <= last; d++, o += 3, so += 3) {
        const v = dv.getUint32(o, true)
        dst[d] = ((v >>> rS) & 0xff) | (((v >>> gS) & 0xff) << 8) | (((v >>> bS) & 0xff) << 16) | ALPHA
      }
    }
    for (; d < end; d++, so += 3) dst[d] = this.cpixel(src, so)
  }

  /** Converts `count` 3-byte R, G, B pixels (RGBX CPIXELs, Tight's TPIXELs) starting at `src[so]`. */
  rgb24ToRgba(src: Uint8Array, so: number, dst: Uint32Array, d: number, count: number): void {
    const end = d + count
    // One 4-byte load per pixel; its fourth byte (the next pixel's) lands in alpha, which the
    // OR sets. The last pixel of the buffer has no fourth byte: bytes there.
    const dv = this.view(src)
    const last = dv.byteLength - 4
    for (let o = src.byteOffset + so; d < end && o <= last; d++, o += 3, so += 3) dst[d] = dv.getUint32(o, true) | ALPHA
    for (; d < end; d++, so += 3) dst[d] = (src[so] | (src[so + 1] << 8) | (src[so + 2] << 16) | ALPHA) >>> 0
  }

  /** RGBA word of the single CPIXEL at `src[o]`, as an int32 (see {@link pixel}). */
  cpixel(src: Uint8Array, o: number): number {
    if (this.cpixelBytes !== 3) return this.pixel(src, o)
    const three = this.pf.bigEndian ? (src[o] << 16) | (src[o + 1] << 8) | src[o + 2] : src[o] | (src[o + 1] << 8) | (src[o + 2] << 16)
    return this.generic(this.cpixelShift ? (three << 8) >>> 0 : three)
  }
}
