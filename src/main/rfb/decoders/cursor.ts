import type { ByteQueue } from '../byte-queue'
import { RfbProtocolError } from '../errors'
import { ALPHA } from '../pixel-converter'
import type { DecodeContext, Rect, RectDecoder } from './decoder'

/** Cursor shapes larger than this are refused: no real pointer is, and the size comes from the wire. */
export const MAX_CURSOR_SIZE = 512

/** Refuses a cursor rect beyond {@link MAX_CURSOR_SIZE} before any of its bytes are awaited. */
export function checkCursorSize(rect: Rect, ctx: DecodeContext): void {
  if (rect.w > MAX_CURSOR_SIZE || rect.h > MAX_CURSOR_SIZE) {
    throw new RfbProtocolError(`cursor of ${rect.w}x${rect.h} exceeds ${MAX_CURSOR_SIZE}x${MAX_CURSOR_SIZE}`, ctx.position)
  }
}

/**
 * Cursor pseudo-encoding (rfbproto "Cursor", -239): w*h pixels then a 1-bit mask, rows padded to a
 * byte. The rect's x/y are the hotspot. The whole shape is read at once (it is small).
 */
export class CursorDecoder implements RectDecoder {
  private rect: Rect = { x: 0, y: 0, w: 0, h: 0, encoding: -239 }

  begin(rect: Rect, ctx: DecodeContext): void {
    checkCursorSize(rect, ctx)
    this.rect = rect
  }

  decode(q: ByteQueue, ctx: DecodeContext): boolean {
    const { x, y, w, h } = this.rect
    const pixelBytes = w * h * ctx.pixels.bytesPerPixel
    const maskRow = (w + 7) >> 3
    if (!q.has(pixelBytes + maskRow * h)) return false
    if (w === 0 || h === 0) {
      ctx.sink.cursor(null)
      return true
    }
    const rgba = new Uint32Array(w * h)
    ctx.pixels.toRgba(q.bytes(pixelBytes), 0, rgba, 0, w * h)
    const mask = q.bytes(maskRow * h)
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const visible = (mask[r * maskRow + (c >> 3)] >> (7 - (c & 7))) & 1
        const i = r * w + c
        rgba[i] = visible ? (rgba[i] | ALPHA) >>> 0 : 0
      }
    }
    ctx.sink.cursor({ width: w, height: h, hotX: Math.min(x, w - 1), hotY: Math.min(y, h - 1), rgba })
    return true
  }
}
