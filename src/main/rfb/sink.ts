/** The pointer image from the Cursor / XCursor pseudo-encodings, as RGBA with alpha from the mask. */
export interface CursorShape {
  width: number
  height: number
  hotX: number
  hotY: number
  /** width*height RGBA words (R in the low byte); owned by the receiver. */
  rgba: Uint32Array
}

/**
 * Memory a decoder may write a rect's RGBA words into directly; see {@link DrawSink.pixelTarget}.
 * Row r of the rect is `words[offset + r * stride]` to `words[offset + r * stride + w - 1]`.
 */
export interface PixelTarget {
  words: Uint32Array
  offset: number
  /** Words from one row of the rect to the next: the framebuffer width, or w for packed memory. */
  stride: number
}

/** Compressed images a sink decodes itself (Chromium natively in the renderer, a library in Node). */
export type ImageKind = 'jpeg' | 'png'

/**
 * Where decoders send their output. Decoders never know whether pixels land in a Node
 * framebuffer, an IPC batch or a canvas. Colours are RGBA words (R in the low byte, A = 255);
 * a fill colour may come as the int32 with the same bits (decoders keep colours signed, which V8
 * holds without allocating), so use it as a Uint32Array store does, or compare it `>>> 0`.
 */
export interface DrawSink {
  /** The framebuffer is now this size (ServerInit, DesktopSize, ExtendedDesktopSize); contents undefined. */
  resize(width: number, height: number): void
  fill(x: number, y: number, w: number, h: number, colour: number): void
  /** CopyRect: copy the area at (sx, sy) to (x, y), reading before writing (areas may overlap). */
  copy(sx: number, sy: number, x: number, y: number, w: number, h: number): void
  /** `rgba` holds w*h words row by row; it may be a scratch buffer reused once this returns. */
  pixels(x: number, y: number, w: number, h: number, rgba: Uint32Array): void
  /**
   * Optional: where the w*h rect's pixels go, for the caller to write there itself instead of
   * calling pixels() with a buffer it filled (one copy less per pixel). The rect counts as drawn,
   * as by pixels(); the caller must write every word of it before its next call to the sink, and
   * the returned object (which the sink may reuse) is valid only until then. Null when the sink
   * cannot lend memory for this rect (outside the framebuffer, a byte order that needs converting);
   * the caller then falls back to pixels().
   */
  pixelTarget?(x: number, y: number, w: number, h: number): PixelTarget | null
  /** A compressed image covering the rect; `data` may be a view the caller reuses once this returns. */
  image(x: number, y: number, w: number, h: number, kind: ImageKind, data: Uint8Array): void
  /**
   * Optional: an Open H.264 rect for a renderer to decode (encoding 50): Annex B bytes (maybe
   * none) for decoder context `context`, with VideoFlag bits saying which contexts to reset first.
   * A reset-all with nothing to decode comes as a 0x0 rect. `data` may be a view reused once this
   * returns. Sinks without it cannot show H.264 (the host announces it only when the renderer can).
   */
  video?(x: number, y: number, w: number, h: number, context: number, flags: number, data: Uint8Array): void
  /** The remote pointer's shape; null hides it. */
  cursor(shape: CursorShape | null): void
  /**
   * The end of one FramebufferUpdate. The engine sends its next update request once the returned
   * promise settles, so a slow consumer lowers the update rate instead of queueing frames.
   */
  endUpdate(): void | Promise<void>
}
