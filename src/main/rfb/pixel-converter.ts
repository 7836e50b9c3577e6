import type { PixelFormat } from './pixel-format'
import { UnsupportedError } from './errors'

/** From this many RGBX pixels on, a copy and an alpha pass beat a conversion loop (measured). */
const MEMCPY_PIXELS = 64
/** From this many RGBX pixels on, the trip through {@link OpaqueKernel}'s memory pays (measured, see there). */
const KERNEL_PIXELS = 1024
/** R,G,B,X bytes are the RGBA word only where words are little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

/** Bytes of the kernel's memory: one 64 KiB page, a socket chunk's worth of pixels. */
const KERNEL_BYTES = 1 << 16

/**
 * WebAssembly (with SIMD) exporting `opaque(end)`, which ORs 0xff into every 4th byte of its one
 * page of memory from 0 to `end`, 64 bytes per iteration (`end` a multiple of 64). Written out as
 * bytes: there is no wasm toolchain in the build. In WAT:
 *   (func (param $e i32) (local $p i32) (local $a v128)
 *     (local.set $a (v128.const i32x4 0xff000000 0xff000000 0xff000000 0xff000000))
 *     (block (loop (br_if 1 (i32.ge_u (local.get $p) (local.get $e)))
 *       (v128.store offset=0 (local.get $p) (v128.or (v128.load offset=0 (local.get $p)) (local.get $a)))
 *       ... offset=16, 32, 48 ...
 *       (local.set $p (i32.add (local.get $p) (i32.const 64))) (br 0))))
 */
function opaqueModuleBytes(): Uint8Array<ArrayBuffer> {
  const alphaBytes = Array.from({ length: 16 }, (_, i) => (i % 4 === 3 ? 0xff : 0))
  const orAt = (offset: number): number[] => [
    0x20,
    0x01, // local.get $p (store address)
    0x20,
    0x01,
    0xfd,
    0x00,
    0x04,
    offset, // v128.load align=16 offset
    0x20,
    0x02,
    0xfd,
    0x50, // local.get $a, v128.or
    0xfd,
    0x0b,
    0x04,
    offset, // v128.store align=16 offset
  ]
  const body = [
    0x02,
    0x01,
    0x7f,
    0x01,
    0x7b, // locals: $p i32, $a v128
    0xfd,
    0x0c,
    ...alphaBytes,
    0x21,
    0x02, // $a = alpha in every word
    0x02,
    0x40,
    0x03,
    0x40, // block, loop
    0x20,
    0x01,
    0x20,
    0x00,
    0x4f,
    0x0d,
    0x01, // br_if 1 ($p >= $e)
    ...orAt(0),
    ...orAt(16),
    ...orAt(32),
    ...orAt(48),
    0x20,
    0x01,
    0x41,
    0xc0,
    0x00,
    0x6a,
    0x21,
    0x01, // $p += 64
    0x0c,
    0x00,
    0x0b,
    0x0b,
    0x0b, // br 0, end loop, end block, end func
  ]
  const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes]
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x00]), // type: (i32) -> ()
    ...section(3, [0x01, 0x00]), // one function of that type
    ...section(5, [0x01, 0x01, 0x01, 0x01]), // memory: 1 page, at most 1
    ...section(7, [0x02, 0x06, ...[...'opaque'].map((c) => c.charCodeAt(0)), 0x00, 0x00, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00]), // exports opaque, mem
    ...section(10, [0x01, ...uleb(body.length), ...body]),
  ])
}

function uleb(n: number): number[] {
  const out: number[] = []
  do {
    const b = n & 0x7f
    n >>>= 7
    out.push(n ? b | 0x80 : b)
  } while (n)
  return out
}

/**
 * RGBX runs made opaque with SIMD: the bytes are copied into the kernel's memory, get alpha there
 * 16 bytes per OR while they are in cache, and are copied out. Measured (Node 20, 2-core EPYC,
 * alternating passes; bench/rgbx-floor.run.ts): the JS alpha pass stores a byte per pixel and
 * costs twice the copy itself; through the kernel, 64 MiB of rows 1920 / 900 / 256 / 64 pixels
 * wide convert 2.0-2.2x / 1.6-1.9x / 3.5-4.0x / 1.2-1.3x as fast as copy + JS pass (rows batched
 * per page), and whole replays of the Raw and CopyRect recordings run 1.6-2.0x as fast (quiet
 * machine, 15 alternating passes; TigerVNC Raw 82.9 -> 42.3 ms). A single run under ~1000
 * pixels gains nothing: the two copies and the call cost what the SIMD saves. OR-ing whole
 * words instead (Uint32Array or BigUint64Array, with or without the copy first) ran at 0.3-0.7x
 * the copy + JS pass. Null where WebAssembly SIMD is missing: the JS pass is used.
 */
interface OpaqueKernel {
  /** The kernel's memory, {@link KERNEL_BYTES} long. */
  bytes: Uint8Array
  /** Makes `bytes[0, end)` opaque; `end` a multiple of 64. */
  opaque(end: number): void
}

let kernel: OpaqueKernel | null | undefined

function opaqueKernel(): OpaqueKernel | null {
  if (kernel !== undefined) return kernel
  kernel = null
  try {
    const wa = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly
    const code = opaqueModuleBytes()
    if (wa && wa.validate(code)) {
      const exports = new wa.Instance(new wa.Module(code)).exports as { opaque: (end: number) => void; mem: WebAssembly.Memory }
      kernel = { bytes: new Uint8Array(exports.mem.buffer, 0, KERNEL_BYTES), opaque: exports.opaque }
    }
  } catch {
    kernel = null
  }
  return kernel
}

/** Opaque alpha in an RGBA word as a little-endian Uint32Array sees it (R in the low byte). */
export const ALPHA = 0xff000000

/** Packs 8-bit channels into the RGBA word every sink works with. */
export function rgba(r: number, g: number, b: number): number {
  return (r | (g << 8) | (b << 16) | ALPHA) >>> 0
}

/** Whether RGBX runs go through the WebAssembly SIMD kernel here (for tests and the bench). */
export function hasOpaqueKernel(): boolean {
  return opaqueKernel() !== null
}

/**
 * `rows` rows of `rowBytes` RGBX bytes, packed from `src[so]`, to `dst` bytes from `at`, rows
 * `strideBytes` apart, made opaque by the kernel: as many whole rows as fit its memory at a
 * time. A single row longer than that memory (`rows` 1) goes through in pieces.
 */
function rowsViaKernel(k: OpaqueKernel, src: Uint8Array, so: number, dst: Uint8Array, at: number, rowBytes: number, rows: number, strideBytes: number): void {
  const kb = k.bytes
  if (rowBytes > KERNEL_BYTES) {
    for (let done = 0; done < rowBytes; done += KERNEL_BYTES) {
      const n = Math.min(rowBytes - done, KERNEL_BYTES)
      kb.set(src.subarray(so + done, so + done + n))
      k.opaque((n + 63) & ~63)
      dst.set(n === KERNEL_BYTES ? kb : kb.subarray(0, n), at + done)
    }
    return
  }
  const per = Math.floor(KERNEL_BYTES / rowBytes)
  for (let r = 0; r < rows; r += per) {
    const n = Math.min(per, rows - r)
    const len = n * rowBytes
    kb.set(src.subarray(so, so + len))
    k.opaque((len + 63) & ~63)
    if (n === 1) dst.set(len === KERNEL_BYTES ? kb : kb.subarray(0, len), at)
    else for (let i = 0, o = 0; i < n; i++, o += rowBytes) dst.set(kb.subarray(o, o + rowBytes), at + i * strideBytes)
    so += len
    at += n * strideBytes
  }
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
  private readonly rT: Uint8Array
  private readonly gT: Uint8Array
  private readonly bT: Uint8Array
  private viewBuffer: ArrayBufferLike | null = null
  private dataView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0))
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
      this.mode = rgbx ? Mode.Rgbx : Mode.Generic32
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
    if (this.mode === Mode.Rgbx && LITTLE_ENDIAN && w >= MEMCPY_PIXELS && w * rows >= KERNEL_PIXELS && w * 4 <= KERNEL_BYTES) {
      const k = opaqueKernel()
      if (k) {
        rowsViaKernel(k, src, so, this.bytesOf(dst), dst.byteOffset + d * 4, w * 4, rows, stride * 4)
        return
      }
    }
    const rowBytes = w * this.bytesPerPixel
    for (let r = 0; r < rows; r++, so += rowBytes, d += stride) this.toRgba(src, so, dst, d, w)
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
