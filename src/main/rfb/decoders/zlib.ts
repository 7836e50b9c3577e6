import type { ByteQueue } from '../byte-queue'
import { RfbProtocolError } from '../errors'
import { createInflateStream } from '../zlib/create-inflate-stream'
import type { InflateStream } from '../zlib/inflate-stream'
import type { DecodeContext, Rect, RectDecoder } from './decoder'
import { PayloadReader, inflateChecked, zlibInputLimit } from './zlib-payload'

const CODE = 'RFB_ERR_ZLIB'
/** Rows converted per sink call, as in Raw, so a big rect does not need a rect-sized RGBA buffer. */
const MAX_BATCH_PIXELS = 1 << 16

/**
 * Zlib (rfbproto "zlib Encoding", 6): a u32 length, then that many bytes of one per-connection
 * zlib stream that inflate to exactly the rect's Raw pixels. The whole payload is buffered
 * before inflating (servers sync-flush per rect), after checking its length is plausible.
 */
export class ZlibDecoder implements RectDecoder {
  private rect: Rect = { x: 0, y: 0, w: 0, h: 0, encoding: 6 }
  private readonly stream: InflateStream = createInflateStream()
  private readonly payload = new PayloadReader()

  begin(rect: Rect): void {
    this.rect = rect
  }

  decode(q: ByteQueue, ctx: DecodeContext): boolean {
    if (!q.has(4)) return false
    const { x, y, w, h } = this.rect
    const bpp = ctx.pixels.bytesPerPixel
    const size = w * h * bpp
    const len = q.peekU32()
    if (len > zlibInputLimit(size)) {
      throw new RfbProtocolError(`Zlib rect ${w}x${h} announces ${len} compressed bytes for ${size} bytes of pixels`, ctx.position, CODE)
    }
    if (!q.has(4 + len)) return false
    q.skip(4)
    const at = ctx.position
    const data = inflateChecked(this.stream, this.payload.read(q, len), size, 'Zlib', CODE, at)
    if (data.length !== size) {
      throw new RfbProtocolError(`Zlib data for the ${w}x${h} rect ends after ${data.length} of ${size} bytes`, at, CODE)
    }
    if (size === 0) return true
    const px = ctx.pixels
    // Straight from the inflate buffer into the sink's memory when it lends it.
    const target = ctx.sink.pixelTarget?.(x, y, w, h)
    if (target) {
      px.toRgbaRows(data, 0, target.words, target.offset, w, h, target.stride)
      return true
    }
    const batchRows = Math.max(1, Math.floor(MAX_BATCH_PIXELS / w))
    for (let row = 0; row < h; row += batchRows) {
      const rows = Math.min(batchRows, h - row)
      const out = ctx.scratch(rows * w)
      px.toRgba(data, row * w * bpp, out, 0, rows * w)
      ctx.sink.pixels(x, y + row, w, rows, out)
    }
    return true
  }

  reset(): void {
    this.stream.reset()
  }
}
