import type { ByteQueue } from '../byte-queue'
import type { DecodeContext, Rect, RectDecoder } from './decoder'

/** Largest batch of rows converted at once, so huge rects stream instead of waiting for all bytes. */
const MAX_BATCH_PIXELS = 1 << 16

/** Raw (RFC 6143 §7.7.1): w*h pixels; converted and emitted row batch by row batch as bytes arrive. */
export class RawDecoder implements RectDecoder {
  private rect: Rect = { x: 0, y: 0, w: 0, h: 0, encoding: 0 }
  private row = 0

  begin(rect: Rect): void {
    this.rect = rect
    this.row = 0
  }

  decode(q: ByteQueue, ctx: DecodeContext): boolean {
    const { x, y, w, h } = this.rect
    if (w === 0 || h === 0) return true
    const bpp = ctx.pixels.bytesPerPixel
    const rowBytes = w * bpp
    const batchRows = Math.max(1, Math.floor(MAX_BATCH_PIXELS / w))
    while (this.row < h) {
      const rows = Math.min(h - this.row, batchRows, Math.floor(q.length / rowBytes))
      if (rows === 0) return false
      const out = ctx.scratch(rows * w)
      let d = 0
      q.forEachView(rows * rowBytes, (view) => {
        // Views end at chunk boundaries, which may split a pixel: carry the partial pixel over.
        d = this.convert(view, out, d, ctx)
      })
      ctx.sink.pixels(x, y + this.row, w, rows, out)
      this.row += rows
    }
    return true
  }

  private carry = new Uint8Array(4)
  private carried = 0

  private convert(view: Uint8Array, out: Uint32Array, d: number, ctx: DecodeContext): number {
    const bpp = ctx.pixels.bytesPerPixel
    let i = 0
    if (this.carried > 0) {
      while (this.carried < bpp && i < view.length) this.carry[this.carried++] = view[i++]
      if (this.carried < bpp) return d
      ctx.pixels.toRgba(this.carry, 0, out, d++, 1)
      this.carried = 0
    }
    const whole = Math.floor((view.length - i) / bpp)
    ctx.pixels.toRgba(view, i, out, d, whole)
    d += whole
    i += whole * bpp
    while (i < view.length) this.carry[this.carried++] = view[i++]
    return d
  }
}
