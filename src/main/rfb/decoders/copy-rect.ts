import type { ByteQueue } from '../byte-queue'
import { RfbProtocolError } from '../errors'
import type { DecodeContext, Rect, RectDecoder } from './decoder'

/** CopyRect (RFC 6143 §7.7.2): a source position; the sink copies within the framebuffer. */
export class CopyRectDecoder implements RectDecoder {
  private rect: Rect = { x: 0, y: 0, w: 0, h: 0, encoding: 1 }

  begin(rect: Rect): void {
    this.rect = rect
  }

  decode(q: ByteQueue, ctx: DecodeContext): boolean {
    if (!q.has(4)) return false
    const at = q.position
    const sx = q.u16()
    const sy = q.u16()
    const { x, y, w, h } = this.rect
    if (sx + w > ctx.fbWidth || sy + h > ctx.fbHeight) {
      throw new RfbProtocolError(`CopyRect source ${w}x${h}+${sx}+${sy} outside the ${ctx.fbWidth}x${ctx.fbHeight} framebuffer`, at)
    }
    ctx.sink.copy(sx, sy, x, y, w, h)
    return true
  }
}
