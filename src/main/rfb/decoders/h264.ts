import { VideoFlag } from '@shared/ops'
import type { ByteQueue } from '../byte-queue'
import { RfbProtocolError } from '../errors'
import type { DecodeContext, Rect, RectDecoder } from './decoder'
import { H264Contexts } from './h264-contexts'

/** Largest Annex B payload we accept for one rect, whatever its area. */
export const MAX_H264_RECT_BYTES = 64 << 20

/**
 * Bytes a rect of `pixels` may carry. An I_PCM macroblock (raw samples, the most any H.264
 * macroblock can cost) is 1.5 bytes a pixel at 4:2:0 and 3 at 4:4:4; 4 a pixel plus room for
 * parameter sets and SEI bounds every profile a browser decodes.
 */
export function h264Limit(pixels: number): number {
  return Math.min(MAX_H264_RECT_BYTES, 65536 + pixels * 4)
}

/**
 * The Open H.264 encoding (50, community rfbproto): a U32 length, U32 flags (bit 0: reset this
 * rect's context, bit 1: reset all contexts) and `length` bytes of Annex B data for the decoder
 * context of this rect's position and size. The engine does not decode H.264: it checks the
 * framing and limits, keeps the context table and hands the bytes on (DrawSink.video) for the
 * renderer's WebCodecs decoder, in update order with every other op.
 *
 * Servers differ: neatvnc never sets bit 0 and says "reset all" with an empty 0x0 rect with bit 1;
 * a new stream (SPS and a key frame) may start on any context at any time, which the renderer
 * follows from the data. Both arrive here as plain flags and bytes.
 */
export class H264Decoder implements RectDecoder {
  private rect: Rect = { x: 0, y: 0, w: 0, h: 0, encoding: 50 }
  private readonly contexts: H264Contexts
  /** -1 until the rect's 8-byte header is read. */
  private length = -1
  private flags = 0

  constructor(maxContexts?: number) {
    this.contexts = new H264Contexts(maxContexts)
  }

  begin(rect: Rect): void {
    this.rect = rect
    this.length = -1
    this.flags = 0
  }

  reset(): void {
    this.contexts.clear()
  }

  decode(q: ByteQueue, ctx: DecodeContext): boolean {
    const { x, y, w, h } = this.rect
    if (this.length < 0) {
      if (!q.has(8)) return false
      const at = q.position
      const length = q.peekU32(0)
      const limit = h264Limit(w * h)
      // Checked before anything waits for or copies the data.
      if (length > limit) throw new RfbProtocolError(`H.264 data of ${length} bytes for a ${w}x${h} rect (at most ${limit})`, at, 'RFB_ERR_H264')
      this.length = length
      // Bits above the two defined ones are reserved: ignored, as the spec's later flags would be.
      this.flags = q.peekU32(4) & (VideoFlag.ResetContext | VideoFlag.ResetAll)
      q.skip(8)
    }
    if (!q.has(this.length)) return false
    const data = ctx.scratchBytes(this.length).subarray(0, this.length)
    if (this.length > 0) q.copyTo(data, 0, this.length)
    let flags = this.flags
    if (flags & VideoFlag.ResetAll) this.contexts.clear()
    if (w === 0 || h === 0) {
      // No context for an empty rect: only its reset-all means anything (neatvnc's way to say it).
      if (flags & VideoFlag.ResetAll) ctx.sink.video?.(x, y, 0, 0, 0, VideoFlag.ResetAll, data.subarray(0, 0))
      return true
    }
    if (this.length === 0 && flags === 0) return true
    const c = this.contexts.use(x, y, w, h, flags)
    flags = c.flags
    ctx.sink.video?.(x, y, w, h, c.context, flags, data)
    return true
  }
}
