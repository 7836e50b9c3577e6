import type { ByteQueue } from '../byte-queue'
import { rgba } from '../pixel-converter'
import { checkCursorSize } from './cursor'
import type { DecodeContext, Rect, RectDecoder } from './decoder'

/**
 * XCursor pseudo-encoding (-240): a two-colour cursor. Foreground and background RGB, then a
 * bitmap (1 = foreground) and a mask, both with rows padded to a byte. x/y are the hotspot.
 */
export class XCursorDecoder implements RectDecoder {
  private rect: Rect = { x: 0, y: 0, w: 0, h: 0, encoding: -240 }

  begin(rect: Rect, ctx: DecodeContext): void {
    checkCursorSize(rect, ctx)
    this.rect = rect
  }

  decode(q: ByteQueue, ctx: DecodeContext): boolean {
    const { x, y, w, h } = this.rect
    if (w === 0 || h === 0) {
      ctx.sink.cursor(null)
      return true
    }
    const row = (w + 7) >> 3
    if (!q.has(6 + 2 * row * h)) return false
    const colours = q.bytes(6)
    const fg = rgba(colours[0], colours[1], colours[2])
    const bg = rgba(colours[3], colours[4], colours[5])
    const bitmap = q.bytes(row * h).slice()
    const mask = q.bytes(row * h)
    const out = new Uint32Array(w * h)
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const bit = 7 - (c & 7)
        const i = r * row + (c >> 3)
        if ((mask[i] >> bit) & 1) out[r * w + c] = (bitmap[i] >> bit) & 1 ? fg : bg
      }
    }
    ctx.sink.cursor({ width: w, height: h, hotX: Math.min(x, w - 1), hotY: Math.min(y, h - 1), rgba: out })
    return true
  }
}
