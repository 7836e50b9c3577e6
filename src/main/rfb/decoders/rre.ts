import type { ErrorCode } from '@shared/error-codes'
import type { ByteQueue } from '../byte-queue'
import { RfbProtocolError } from '../errors'
import type { DecodeContext, Rect, RectDecoder } from './decoder'

/** Subrects read per batch: bounds the decoder's buffer, not the rect. */
const BATCH = 1024

/**
 * RRE (rfbproto "RRE Encoding", 2): u32 subrect count and a background PIXEL, then per subrect
 * a PIXEL and u16 x, y, w, h relative to the rect. Subrects are drawn batch by batch as whole
 * ones arrive, so a rect with many never waits for all its bytes.
 */
export class RreDecoder implements RectDecoder {
  private rect: Rect = { x: 0, y: 0, w: 0, h: 0, encoding: 2 }
  private left = -1
  private buf = new Uint8Array(0)

  /** `coordBytes` is 2 for RRE, 1 for CoRRE. */
  constructor(
    private readonly name = 'RRE',
    private readonly code: ErrorCode = 'RFB_ERR_RRE',
    private readonly coordBytes = 2,
  ) {}

  begin(rect: Rect): void {
    this.rect = rect
    this.left = -1
  }

  decode(q: ByteQueue, ctx: DecodeContext): boolean {
    const { x, y, w, h } = this.rect
    const bpp = ctx.pixels.bytesPerPixel
    if (this.left < 0) {
      if (!q.has(4 + bpp)) return false
      const count = q.peekU32()
      // A subrect that covers no pixel of its own is pointless, so more than w*h is not RRE.
      if (count > w * h) {
        throw new RfbProtocolError(`${this.name} rect ${w}x${h} announces ${count} subrects`, ctx.position, this.code)
      }
      q.skip(4)
      this.ensure(bpp)
      q.copyTo(this.buf, 0, bpp)
      ctx.sink.fill(x, y, w, h, ctx.pixels.pixel(this.buf, 0))
      this.left = count
    }
    const unit = bpp + 4 * this.coordBytes
    while (this.left > 0) {
      const n = Math.min(this.left, BATCH, Math.floor(q.length / unit))
      if (n === 0) return false
      const at = ctx.position
      this.ensure(n * unit)
      q.copyTo(this.buf, 0, n * unit)
      this.drawBatch(n, unit, at, ctx)
      this.left -= n
    }
    return true
  }

  private drawBatch(n: number, unit: number, at: number, ctx: DecodeContext): void {
    const b = this.buf
    const { x, y, w, h } = this.rect
    // Hoisted: the context's getters cost a call per subrect, and subrects are mostly 1-4 pixels.
    const px = ctx.pixels
    const sink = ctx.sink
    const bpp = px.bytesPerPixel
    const wide = this.coordBytes === 2
    for (let i = 0, o = 0; i < n; i++, o += unit) {
      const colour = px.pixel(b, o)
      const c = o + bpp
      const sx = wide ? (b[c] << 8) | b[c + 1] : b[c]
      const sy = wide ? (b[c + 2] << 8) | b[c + 3] : b[c + 1]
      const sw = wide ? (b[c + 4] << 8) | b[c + 5] : b[c + 2]
      const sh = wide ? (b[c + 6] << 8) | b[c + 7] : b[c + 3]
      if (sx + sw > w || sy + sh > h) {
        throw new RfbProtocolError(`${this.name} subrect ${sw}x${sh}+${sx}+${sy} outside the ${w}x${h} rect`, at + o, this.code)
      }
      sink.fill(x + sx, y + sy, sw, sh, colour)
    }
  }

  private ensure(n: number): void {
    if (this.buf.length < n) this.buf = new Uint8Array(Math.max(n, BATCH * 12))
  }
}
