/**
 * Draw ops as they cross from the engine to a renderer: one FrameBatch per FramebufferUpdate.
 * Ops are fixed 8-int records in one Int32Array; pixel data for all `Pixels` ops is packed into
 * one RGBA buffer and image bytes into another, so a batch is three transferable buffers.
 */
export const enum OpCode {
  /** [code, x, y, w, h, rgba, 0, 0] */
  Fill = 1,
  /** [code, x, y, w, h, srcX, srcY, 0] */
  Copy = 2,
  /** [code, x, y, w, h, wordOffset, 0, 0]: w*h RGBA words at `pixels[wordOffset]` */
  Pixels = 3,
  /** [code, x, y, w, h, byteOffset, byteLength, kind]: kind 0 = JPEG, 1 = PNG, bytes in `images` */
  Image = 4,
  /** [code, 0, 0, width, height, 0, 0, 0]: the framebuffer is now this size */
  Resize = 5,
  /**
   * [code, x, y, w, h, byteOffset, byteLength, videoWord(context, flags)]: an Open H.264 rect,
   * Annex B bytes in `images` (possibly none) for decoder context `context` (0..MAX_VIDEO_CONTEXTS-1).
   * With VideoFlag.ResetAll and w = h = 0 it only resets.
   */
  Video = 6,
}

/** Open H.264 rect flags as on the wire (community rfbproto, encoding 50). */
export const enum VideoFlag {
  /** Drop this context's decoder state before decoding the data. */
  ResetContext = 1,
  /** Drop every context before decoding the data. */
  ResetAll = 2,
}

/** Decoder contexts a session may hold at once; the engine reuses the least recently used id beyond. */
export const MAX_VIDEO_CONTEXTS = 64

/** The last int of a Video op: the context id in the low byte, the flags above it. */
export function videoWord(context: number, flags: number): number {
  return (context & 0xff) | ((flags & 0xff) << 8)
}

/** The context id and flags a Video op's last int carries (see {@link videoWord}). */
export function videoFields(word: number): { context: number; flags: number } {
  return { context: word & 0xff, flags: (word >>> 8) & 0xff }
}

/** Ints per op record. */
export const OP_INTS = 8

export const enum ImageKindCode {
  Jpeg = 0,
  Png = 1,
}

export interface FrameBatch {
  sessionId: string
  /** Increasing per session; the renderer acks it to let the next update be requested. */
  seq: number
  ops: Int32Array
  /** RGBA bytes (R first) of every Pixels op, back to back. */
  pixels: Uint8Array
  images: Uint8Array
}

/** The remote pointer image; rgba is width*height*4 bytes, alpha from the cursor mask. */
export interface CursorImage {
  width: number
  height: number
  hotX: number
  hotY: number
  rgba: Uint8Array
}
