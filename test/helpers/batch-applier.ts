import { type FrameBatch, ImageKindCode, OP_INTS, OpCode } from '../../src/shared/ops'
import type { FramebufferSink } from '../../src/main/rfb/framebuffer'

/**
 * Paints a FrameBatch onto a Node framebuffer, op by op, as the renderer paints its canvas:
 * the check that a batch says exactly what the engine drew.
 */
export function applyBatch(fb: FramebufferSink, batch: FrameBatch): void {
  const { ops, pixels, images } = batch
  const words = new Uint32Array(pixels.buffer.slice(pixels.byteOffset, pixels.byteOffset + pixels.byteLength))
  for (let o = 0; o < ops.length; o += OP_INTS) {
    const [code, x, y, w, h, a, b, c] = ops.subarray(o, o + OP_INTS)
    switch (code) {
      case OpCode.Resize:
        fb.resize(w, h)
        break
      case OpCode.Fill:
        fb.fill(x, y, w, h, a >>> 0)
        break
      case OpCode.Copy:
        fb.copy(a, b, x, y, w, h)
        break
      case OpCode.Pixels:
        fb.pixels(x, y, w, h, words.subarray(a, a + w * h))
        break
      case OpCode.Image:
        fb.image(x, y, w, h, c === ImageKindCode.Jpeg ? 'jpeg' : 'png', images.subarray(a, a + b))
        break
      default:
        throw new Error(`unknown op code ${code} at record ${o / OP_INTS}`)
    }
  }
}
