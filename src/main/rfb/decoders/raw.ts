import type { ByteQueue } from '../byte-queue'
import type { PixelConverter } from '../pixel-converter'
import type { DecodeContext, Rect, RectDecoder } from './decoder'

/** Largest batch of rows converted at once, so huge rects stream instead of waiting for all bytes. */
const MAX_BATCH_PIXELS = 1 << 16
const NO_WORDS: Uint32Array = new Uint32Array(0)

/**
 * Raw (RFC 6143 §7.7.1): w*h pixels; converted and emitted row batch by row batch as bytes arrive.
 * Where the sink lends its memory ({@link DrawSink.pixelTarget}) the pixels are converted from
 * the socket's chunks straight into it: one pass over each pixel, no scratch copy.
 */
export class RawDecoder implements RectDecoder {
  private rect: Rect = { x: 0, y: 0, w: 0, h: 0, encoding: 0 }
  private row = 0
  /** Where the batch being converted goes: `dst[at + col]` is the next pixel. */
  private dst = NO_WORDS
  private at = 0
  private col = 0
  /** Pixels until the destination jumps by `stride` (a whole batch when it is packed). */
  private span = 0
  private stride = 0
  private px: PixelConverter | null = null
  /** A pixel split by a chunk boundary. */
  private readonly carry = new Uint8Array(4)
  private carried = 0

  begin(rect: Rect): void {
    this.rect = rect
    this.row = 0
    this.carried = 0
  }

  decode(q: ByteQueue, ctx: DecodeContext): boolean {
    const { x, y, w, h } = this.rect
    if (w === 0 || h === 0) return true
    const bpp = ctx.pixels.bytesPerPixel
    const rowBytes = w * bpp
    const batchRows = Math.max(1, Math.floor(MAX_BATCH_PIXELS / w))
    this.px = ctx.pixels
    while (this.row < h) {
      const rows = Math.min(h - this.row, batchRows, Math.floor(q.length / rowBytes))
      if (rows === 0) return false
      const target = ctx.sink.pixelTarget?.(x, y + this.row, w, rows) ?? null
      if (target) {
        this.dst = target.words
        this.at = target.offset
        this.stride = target.stride
      } else {
        this.dst = ctx.scratch(rows * w)
        this.at = 0
        this.stride = w
      }
      this.span = this.stride === w ? w * rows : w
      this.col = 0
      q.forEachView(rows * rowBytes, this.convert)
      if (!target) ctx.sink.pixels(x, y + this.row, w, rows, this.dst)
      this.row += rows
    }
    this.dst = NO_WORDS
    return true
  }

  /** Converts one chunk's share of the batch; a bound field, so no closure is made per batch. */
  private readonly convert = (view: Uint8Array): void => {
    const px = this.px!
    const bpp = px.bytesPerPixel
    let i = 0
    if (this.carried > 0) {
      while (this.carried < bpp && i < view.length) this.carry[this.carried++] = view[i++]
      if (this.carried < bpp) return
      this.dst[this.at + this.col] = px.pixel(this.carry, 0)
      this.carried = 0
      this.advance(1)
    }
    let whole = Math.floor((view.length - i) / bpp)
    while (whole > 0) {
      if (this.col === 0 && whole >= this.span && this.stride !== this.span) {
        // Whole rows into a wider framebuffer: one call for all of them, so long runs can be batched.
        const rows = Math.floor(whole / this.span)
        px.toRgbaRows(view, i, this.dst, this.at, this.span, rows, this.stride)
        i += rows * this.span * bpp
        whole -= rows * this.span
        this.at += rows * this.stride
        continue
      }
      const n = Math.min(whole, this.span - this.col)
      px.toRgba(view, i, this.dst, this.at + this.col, n)
      i += n * bpp
      whole -= n
      this.advance(n)
    }
    while (i < view.length) this.carry[this.carried++] = view[i++]
  }

  private advance(n: number): void {
    this.col += n
    if (this.col === this.span) {
      this.col = 0
      this.at += this.stride
    }
  }
}
