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
