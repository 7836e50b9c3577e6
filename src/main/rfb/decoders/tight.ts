import { imageProblem } from '@shared/image-header'
import type { ByteQueue } from '../byte-queue'
import { RfbProtocolError } from '../errors'
import { ALPHA, type PixelConverter } from '../pixel-converter'
import type { PixelFormat } from '../pixel-format'
import type { ImageKind } from '../sink'
import { createInflateStream } from '../zlib/create-inflate-stream'
import type { InflateStream } from '../zlib/inflate-stream'
import type { DecodeContext, Rect, RectDecoder } from './decoder'
import { drawIndexed, drawMono } from './tight-palette'

/** rfbproto "Tight Encoding": compression types, the high nibble of the compression-control byte. */
const enum TightCompression {
  /** 0x0-0x7 are BasicCompression: bits 5-4 pick the zlib stream, bit 6 says a filter id follows. */
  ExplicitFilter = 0x4,
  Fill = 0x8,
  Jpeg = 0x9,
  /** TightPNG (QEMU, -260) only. */
  Png = 0xa,
}

/** rfbproto "Tight Encoding": the filter-id byte of BasicCompression. */
const enum TightFilter {
  Copy = 0,
  Palette = 1,
  Gradient = 2,
}

/** rfbproto: filtered data shorter than this is sent as is, without zlib and without a length. */
export const TIGHT_MIN_TO_COMPRESS = 12
/** rfbproto: "the width of any Tight-encoded rectangle cannot exceed 2048 pixels". */
export const TIGHT_MAX_WIDTH = 2048
/**
 * Largest filtered (uncompressed) data we accept for one rect. Real servers send at most 64K
 * pixels per rect; this leaves room for a full-height 2048-wide strip of a 4K portrait screen.
 */
export const TIGHT_MAX_DATA_BYTES = 64 << 20

const enum Step {
  Control,
  Fill,
  Filter,
  Palette,
  Length,
  Data,
  Image,
}

function tightError(message: string, at: number): RfbProtocolError {
  return new RfbProtocolError(message, at, 'RFB_ERR_TIGHT')
}

/**
 * Size of a TPIXEL (rfbproto "Tight Encoding"): 3 bytes in the order red, green, blue when the
 * format is true colour, 32 bpp, depth 24 with 8-bit channels; otherwise a whole PIXEL. Unlike
 * ZRLE's CPIXEL the three bytes are always R, G, B, whatever the shifts and endianness.
 */
export function tpixelSize(pf: PixelFormat): number {
  const rgb888 = pf.trueColour && pf.bitsPerPixel === 32 && pf.depth === 24 && pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255
  return rgb888 ? 3 : pf.bitsPerPixel >> 3
}

/**
 * Reads a Tight compact length (1-3 bytes, 7 + 7 + 8 bits, little end first; at most 4194303),
 * consuming it only when it is complete; -1 when more bytes are needed.
 */
export function readCompactLength(q: ByteQueue): number {
  if (!q.has(1)) return -1
  const b0 = q.peekU8(0)
  if ((b0 & 0x80) === 0) {
    q.skip(1)
    return b0
  }
  if (!q.has(2)) return -1
  const b1 = q.peekU8(1)
  if ((b1 & 0x80) === 0) {
    q.skip(2)
    return (b0 & 0x7f) | (b1 << 7)
  }
  if (!q.has(3)) return -1
  const b2 = q.peekU8(2)
  q.skip(3)
  return (b0 & 0x7f) | ((b1 & 0x7f) << 7) | (b2 << 14)
}

/** Grow-only byte buffer: steady-state rects reuse the same memory. */
function ensure(buf: Uint8Array, n: number): Uint8Array {
  return buf.length >= n ? buf : new Uint8Array(Math.max(n, buf.length * 2))
}

/** Options of the shared Tight/TightPNG decoder. */
export interface TightOptions {
  /** Accept compression type 0xA (PNG), as TightPNG does. */
  png?: boolean
}

/**
 * Tight (rfbproto "Tight Encoding", 7): fill, JPEG, and zlib-compressed basic rects with the copy,
 * palette and gradient filters over 4 persistent zlib streams. Each unit (control byte, palette,
 * compressed block) is read whole once buffered; the streams live as long as the connection.
 * With `png`, it is the TightPNG decoder (QEMU), which adds PNG rects and keeps the rest.
 */
export class TightDecoder implements RectDecoder {
  private readonly png: boolean
  private readonly streams: (InflateStream | null)[] = [null, null, null, null]
  private rect: Rect = { x: 0, y: 0, w: 0, h: 0, encoding: 7 }
  private step = Step.Control
  private tb = 4
  /** The pixel format `tb` was worked out for. */
  private tbFormat: PixelFormat | null = null
  private streamId = 0
  private filter = TightFilter.Copy
  private paletteSize = 0
  /** The rect is a JPEG or PNG image, not basic compression. */
  private image = false
  private imageKind: ImageKind = 'jpeg'
  private dataSize = 0
  /** Bytes on the wire for the data: compressed block, short uncompressed data, or image. */
  private length = 0

  private readonly tmp = new Uint8Array(4)
  private readonly palette = new Uint32Array(256)
  /** Entries of `palette` that may be non-zero: those of the last palette read. */
  private paletteHigh = 0
  private readonly paletteBytes = new Uint8Array(256 * 4)
  private buf: Uint8Array = new Uint8Array(4096)
  /** Channels of the row above, for the gradient filter; made on first use. */
  private prevRowBuf: Int32Array | null = null

  constructor(options: TightOptions = {}) {
    this.png = options.png ?? false
  }

  begin(rect: Rect, ctx: DecodeContext): void {
    this.rect = rect
    this.step = Step.Control
    const pf = ctx.pixels.pf
    if (pf !== this.tbFormat) {
      this.tbFormat = pf
      this.tb = tpixelSize(pf)
    }
  }

  reset(): void {
    for (const s of this.streams) s?.reset()
  }

  decode(q: ByteQueue, ctx: DecodeContext): boolean {
    for (;;) {
      switch (this.step) {
        case Step.Control:
          if (!q.has(1)) return false
          this.readControl(q)
          break
        case Step.Fill: {
          if (!q.has(this.tb)) return false
          q.copyTo(this.tmp, 0, this.tb)
          const { x, y, w, h } = this.rect
          ctx.sink.fill(x, y, w, h, this.tpixel(this.tmp, 0, ctx))
          return true
        }
        case Step.Filter:
          if (!q.has(1)) return false
          this.readFilter(q, ctx)
          break
        case Step.Palette:
          if (!this.readPalette(q, ctx)) return false
          break
        case Step.Length: {
          const at = q.position
          const n = readCompactLength(q)
          if (n < 0) return false
          if (this.image && n === 0) throw tightError(`Tight ${this.imageKind.toUpperCase()} rect with an empty image`, at)
          this.length = n
          this.step = this.image ? Step.Image : Step.Data
          break
        }
        case Step.Image: {
          if (!q.has(this.length)) return false
          const at = q.position
          let data: Uint8Array
          // Sinks copy or decode an image before returning, so a view of the socket chunk will do.
          if (q.contiguous(this.length)) data = q.bytes(this.length)
          else {
            this.buf = ensure(this.buf, this.length)
            q.copyTo(this.buf, 0, this.length)
            data = this.buf.subarray(0, this.length)
          }
          // Checked here, before any sink, so no decoder ever sees an image larger than its rect.
          const problem = imageProblem(this.imageKind, data, this.rect.w, this.rect.h)
          if (problem) throw new RfbProtocolError(`Tight ${problem}`, at, 'RFB_ERR_IMAGE')
          ctx.sink.image(this.rect.x, this.rect.y, this.rect.w, this.rect.h, this.imageKind, data)
          return true
        }
        case Step.Data:
          return this.readData(q, ctx)
      }
    }
  }

  private readControl(q: ByteQueue): void {
    const at = q.position
    const ctl = q.u8()
    // rfbproto [NOTE1]: reset the flagged streams whatever the compression type.
    for (let i = 0; i < 4; i++) if (ctl & (1 << i)) this.streams[i]?.reset()
    const type = ctl >> 4
    this.image = false
    if ((type & 0x8) === 0) {
      this.streamId = type & 0x3
      if (type & TightCompression.ExplicitFilter) this.step = Step.Filter
      else this.startData(TightFilter.Copy, 0, at)
    } else if (type === TightCompression.Fill) {
      this.step = Step.Fill
    } else if (type === TightCompression.Jpeg || (type === TightCompression.Png && this.png)) {
      this.image = true
      this.imageKind = type === TightCompression.Jpeg ? 'jpeg' : 'png'
      this.step = Step.Length
    } else {
      const what = type === TightCompression.Png ? 'PNG compression, which only TightPNG has' : 'an invalid compression type'
      throw tightError(`Tight compression control 0x${ctl.toString(16)} names ${what}`, at)
    }
  }

  private readFilter(q: ByteQueue, ctx: DecodeContext): void {
    const at = q.position
    const id = q.u8()
    switch (id) {
      case TightFilter.Copy:
        return this.startData(TightFilter.Copy, 0, at)
      case TightFilter.Palette:
        this.step = Step.Palette
        return
      case TightFilter.Gradient: {
        const pf = ctx.pixels.pf
        // rfbproto: the gradient filter is only defined for 16 and 32 bpp (true colour: it predicts intensities).
        if (!pf.trueColour || pf.bitsPerPixel === 8) {
          throw tightError(`Tight gradient filter with a ${pf.bitsPerPixel} bpp ${pf.trueColour ? 'true-colour' : 'colour-map'} pixel format`, at)
        }
        return this.startData(TightFilter.Gradient, 0, at)
      }
      default:
        throw tightError(`Tight filter id ${id} is not copy (0), palette (1) or gradient (2)`, at)
    }
  }

  private readPalette(q: ByteQueue, ctx: DecodeContext): boolean {
    if (!q.has(1)) return false
    const at = q.position
    const n = q.peekU8(0) + 1
    // rfbproto: "a palette which can consist of 2..256 colors".
    if (n < 2) throw tightError('Tight palette of 1 colour (the spec allows 2 to 256)', at)
    const bytes = n * this.tb
    if (!q.has(1 + bytes)) return false
    q.skip(1)
    q.copyTo(this.paletteBytes, 0, bytes)
    for (let i = 0; i < n; i++) this.palette[i] = this.tpixel(this.paletteBytes, i * this.tb, ctx)
    // Entries past the palette back to 0: indexed() tells an index out of range by them.
    if (this.paletteHigh > n) this.palette.fill(0, n, this.paletteHigh)
    this.paletteHigh = n
    this.startData(TightFilter.Palette, n, at)
    return true
  }

  private startData(filter: TightFilter, paletteSize: number, at: number): void {
    const { w, h } = this.rect
    if (w > TIGHT_MAX_WIDTH) throw tightError(`Tight rect ${w} pixels wide (at most ${TIGHT_MAX_WIDTH})`, at)
    this.filter = filter
    this.paletteSize = paletteSize
    // A 2-colour palette packs 1 bit per pixel, rows padded to a byte; more colours use 1 byte.
    const rowBytes = filter !== TightFilter.Palette ? w * this.tb : paletteSize === 2 ? (w + 7) >> 3 : w
    const size = rowBytes * h
    if (size > TIGHT_MAX_DATA_BYTES) throw tightError(`Tight rect of ${size} bytes exceeds ${TIGHT_MAX_DATA_BYTES}`, at)
    this.dataSize = size
    if (size < TIGHT_MIN_TO_COMPRESS) {
      this.length = size
      this.streamId = -1
      this.step = Step.Data
    } else {
      this.step = Step.Length
    }
  }

  private readData(q: ByteQueue, ctx: DecodeContext): boolean {
    if (!q.has(this.length)) return false
    const at = q.position
    this.buf = ensure(this.buf, this.length)
    q.copyTo(this.buf, 0, this.length)
    let data: Uint8Array = this.buf.subarray(0, this.length)
    if (this.streamId >= 0) {
      const id = this.streamId
      const stream = this.streams[id] ?? (this.streams[id] = createInflateStream())
      try {
        data = stream.inflate(data, this.dataSize)
      } catch (err) {
        // The stream's error keeps its code (RFB_ERR_ZLIB); this names the stream and the offset.
        if (err instanceof RfbProtocolError && err.offset < 0)
          throw new RfbProtocolError(`Tight zlib stream ${id}: ${err.detail}`, at, err.code, { cause: err })
        throw err
      }
      if (data.length !== this.dataSize) {
        throw tightError(`Tight zlib stream ${id} gave ${data.length} bytes; the rect needs ${this.dataSize}`, at)
      }
    }
    this.drawData(data, ctx, at)
    return true
  }

  /** RGBA word of the TPIXEL at `src[o]`, as an int32 (see PixelConverter.pixel). */
  private tpixel(src: Uint8Array, o: number, ctx: DecodeContext): number {
    return this.tb === 3 ? src[o] | (src[o + 1] << 8) | (src[o + 2] << 16) | ALPHA : ctx.pixels.pixel(src, o)
  }

  /**
   * Converts the filtered data into the sink's memory where it lends it (else into scratch,
   * then one pixels() call): rows of w words, `stride` apart from `dst[o]`.
   */
  private drawData(src: Uint8Array, ctx: DecodeContext, at: number): void {
    const { x, y, w, h } = this.rect
    if (w === 0 || h === 0) return
    const target = ctx.sink.pixelTarget?.(x, y, w, h) ?? null
    const out = target ? target.words : ctx.scratch(w * h)
    const o = target ? target.offset : 0
    const stride = target ? target.stride : w
    const px = ctx.pixels
    switch (this.filter) {
      case TightFilter.Copy:
        if (this.tb === 3 && stride === w) {
          px.rgb24ToRgba(src, 0, out, o, w * h)
        } else if (this.tb === 3) {
          for (let r = 0, s = 0, d = o; r < h; r++, s += w * 3, d += stride) px.rgb24ToRgba(src, s, out, d, w)
        } else {
          px.toRgbaRows(src, 0, out, o, w, h, stride)
        }
        break
      case TightFilter.Palette:
        if (this.paletteSize === 2) drawMono(src, out, o, stride, w, h, this.palette)
        else drawIndexed(src, out, o, stride, w, h, this.palette, this.paletteSize, at)
        break
      case TightFilter.Gradient:
        if (this.tb === 3) this.gradient24(src, out, o, stride)
        else this.gradientPixels(src, out, o, stride, px)
        break
    }
    if (!target) ctx.sink.pixels(x, y, w, h, out)
  }

  /**
   * Gradient filter on TPIXELs (rfbproto "GradientFilter"): each byte is the difference from
   * P = left + above - above-left, clamped to 0..255, per colour; pixels outside the rect are 0.
   */
  private gradient24(src: Uint8Array, out: Uint32Array, o: number, stride: number): void {
    const { w, h } = this.rect
    const prev = (this.prevRowBuf ??= new Int32Array(TIGHT_MAX_WIDTH * 3))
    prev.fill(0, 0, w * 3)
    let s = 0
    for (let r = 0; r < h; r++, o += stride) {
      let d = o
      let l0 = 0,
        l1 = 0,
        l2 = 0
      let ul0 = 0,
        ul1 = 0,
        ul2 = 0
      for (let c = 0, p = 0; c < w; c++, p += 3) {
        const u0 = prev[p],
          u1 = prev[p + 1],
          u2 = prev[p + 2]
        let e0 = l0 + u0 - ul0
        let e1 = l1 + u1 - ul1
        let e2 = l2 + u2 - ul2
        e0 = e0 < 0 ? 0 : e0 > 255 ? 255 : e0
        e1 = e1 < 0 ? 0 : e1 > 255 ? 255 : e1
        e2 = e2 < 0 ? 0 : e2 > 255 ? 255 : e2
        l0 = (src[s] + e0) & 0xff
        l1 = (src[s + 1] + e1) & 0xff
        l2 = (src[s + 2] + e2) & 0xff
        s += 3
        ul0 = u0
        ul1 = u1
        ul2 = u2
        prev[p] = l0
        prev[p + 1] = l1
        prev[p + 2] = l2
        out[d++] = (l0 | (l1 << 8) | (l2 << 16) | ALPHA) >>> 0
      }
    }
  }

  /**
   * Gradient filter on whole PIXELs (16 and 32 bpp formats other than the 3-byte TPIXEL one):
   * the prediction works on each channel's own range 0..max, as the spec's MAX says and as
   * libvncserver and QEMU encode it; the difference fields sit in a pixel of the agreed format.
   */
  private gradientPixels(src: Uint8Array, out: Uint32Array, o: number, stride: number, px: PixelConverter): void {
    const { w, h } = this.rect
    const pf = px.pf
    const bpp = pf.bitsPerPixel >> 3
    const big = pf.bigEndian
    const rs = pf.redShift,
      gs = pf.greenShift,
      bs = pf.blueShift
    const rm = pf.redMax,
      gm = pf.greenMax,
      bm = pf.blueMax
    const prev = (this.prevRowBuf ??= new Int32Array(TIGHT_MAX_WIDTH * 3))
    prev.fill(0, 0, w * 3)
    let s = 0
    for (let r = 0; r < h; r++, o += stride) {
      let d = o
      let l0 = 0,
        l1 = 0,
        l2 = 0
      let ul0 = 0,
        ul1 = 0,
        ul2 = 0
      for (let c = 0, p = 0; c < w; c++, p += 3) {
        let v: number
        if (bpp === 2) v = big ? (src[s] << 8) | src[s + 1] : src[s] | (src[s + 1] << 8)
        else {
          v = big
            ? ((src[s] << 24) | (src[s + 1] << 16) | (src[s + 2] << 8) | src[s + 3]) >>> 0
            : ((src[s + 3] << 24) | (src[s + 2] << 16) | (src[s + 1] << 8) | src[s]) >>> 0
        }
        s += bpp
        const u0 = prev[p],
          u1 = prev[p + 1],
          u2 = prev[p + 2]
        let e0 = l0 + u0 - ul0
        let e1 = l1 + u1 - ul1
        let e2 = l2 + u2 - ul2
        e0 = e0 < 0 ? 0 : e0 > rm ? rm : e0
        e1 = e1 < 0 ? 0 : e1 > gm ? gm : e1
        e2 = e2 < 0 ? 0 : e2 > bm ? bm : e2
        l0 = (((v >>> rs) & rm) + e0) & rm
        l1 = (((v >>> gs) & gm) + e1) & gm
        l2 = (((v >>> bs) & bm) + e2) & bm
        ul0 = u0
        ul1 = u1
        ul2 = u2
        prev[p] = l0
        prev[p + 1] = l1
        prev[p + 2] = l2
        out[d++] = px.fromValue(l0 * 2 ** rs + l1 * 2 ** gs + l2 * 2 ** bs)
      }
    }
  }
}
