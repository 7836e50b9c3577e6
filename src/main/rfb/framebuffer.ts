import { imageProblem } from '@shared/image-header'
import type { CursorShape, DrawSink, ImageKind, PixelTarget } from './sink'
import { RfbProtocolError, UnsupportedError } from './errors'

/** Below this many words a row is written with a loop: a fill()/set() call costs more (measured). */
const NARROW = 32

/** A decoded image, RGBA bytes row by row. */
export interface DecodedImage {
  width: number
  height: number
  rgba: Uint8Array
}

/**
 * Synchronous JPEG/PNG decoding for Node sinks (the renderer uses Chromium's decoders) of an
 * image for a `width` x `height` rect. It returns exactly that size, or throws: an image whose
 * header declares another size must be refused before any decoding (imageProblem). A 0x0 result
 * means "not decoded" and leaves the rect undrawn (the benchmark's protocol-only passes).
 */
export type ImageDecoder = (kind: ImageKind, data: Uint8Array, width: number, height: number) => DecodedImage

/**
 * The framebuffer sink: an RGBA picture in Node memory, for the CLI, thumbnails, replay and tests.
 * Every draw op is clipped to the framebuffer, so a bad rect can never write out of bounds.
 */
export class FramebufferSink implements DrawSink {
  width = 0
  height = 0
  /** RGBA bytes, row by row. */
  data = new Uint8Array(0)
  /** The same memory as RGBA words (R in the low byte). */
  words = new Uint32Array(0)
  cursorShape: CursorShape | null = null
  updates = 0
  /** Called after every FramebufferUpdate; its promise delays the next update request. */
  onUpdate: (() => void | Promise<void>) | null = null
  private readonly target: PixelTarget = { words: this.words, offset: 0, stride: 0 }

  constructor(private readonly decodeImage: ImageDecoder | null = null) {}

  resize(width: number, height: number): void {
    if (width === this.width && height === this.height) return
    const old = { width: this.width, height: this.height, words: this.words }
    const data = new Uint8Array(width * height * 4)
    const words = new Uint32Array(data.buffer)
    // Keep what overlaps, as a viewer's canvas would, so a resize never flashes black.
    const w = Math.min(width, old.width)
    for (let y = 0; y < Math.min(height, old.height); y++) {
      words.set(old.words.subarray(y * old.width, y * old.width + w), y * width)
    }
    this.width = width
    this.height = height
    this.data = data
    this.words = words
  }

  fill(x: number, y: number, w: number, h: number, colour: number): void {
    const W = this.width
    const x1 = Math.min(x + w, W)
    const y1 = Math.min(y + h, this.height)
    if (x >= x1 || y >= y1) return
    const words = this.words
    const cw = x1 - x
    if (cw === W) {
      words.fill(colour, y * W, y1 * W)
      return
    }
    if (cw < NARROW) {
      // RRE and Hextile subrects are mostly a few pixels wide: a loop beats a fill() call per row.
      for (let o = y * W + x, end = y1 * W; o < end; o += W) {
        for (let i = o, e = o + cw; i < e; i++) words[i] = colour
      }
      return
    }
    for (let o = y * W + x, end = y1 * W; o < end; o += W) words.fill(colour, o, o + cw)
  }

  copy(sx: number, sy: number, x: number, y: number, w: number, h: number): void {
    // Clip the source and destination together so the copy stays rectangular.
    w = Math.min(w, this.width - sx, this.width - x)
    h = Math.min(h, this.height - sy, this.height - y)
    if (w <= 0 || h <= 0) return
    const W = this.width
    const words = this.words
    // Whole rows are one block, and copyWithin moves overlapping blocks correctly.
    if (w === W) {
      words.copyWithin(y * W, sy * W, (sy + h) * W)
      return
    }
    // Overlapping moves downwards must copy bottom-up; copyWithin handles overlap within a row.
    if (sy < y) {
      for (let r = h - 1; r >= 0; r--) words.copyWithin((y + r) * W + x, (sy + r) * W + sx, (sy + r) * W + sx + w)
    } else {
      for (let r = 0; r < h; r++) words.copyWithin((y + r) * W + x, (sy + r) * W + sx, (sy + r) * W + sx + w)
    }
  }

  pixels(x: number, y: number, w: number, h: number, rgba: Uint32Array): void {
    const W = this.width
    const cw = Math.min(x + w, W) - x
    const ch = Math.min(y + h, this.height) - y
    if (cw <= 0 || ch <= 0) return
    const words = this.words
    // Whole rows, unclipped, are one block in both.
    if (cw === W && w === W) {
      const n = W * ch
      words.set(rgba.length === n ? rgba : rgba.subarray(0, n), y * W)
      return
    }
    if (cw < NARROW) {
      for (let r = 0, s = 0, o = y * W + x; r < ch; r++, s += w, o += W) {
        for (let i = 0; i < cw; i++) words[o + i] = rgba[s + i]
      }
      return
    }
    for (let r = 0, s = 0, o = y * W + x; r < ch; r++, s += w, o += W) words.set(rgba.subarray(s, s + cw), o)
  }

  pixelTarget(x: number, y: number, w: number, h: number): PixelTarget | null {
    // Only whole rects: a target has no way to say that part of it is clipped away.
    if (x + w > this.width || y + h > this.height) return null
    const t = this.target
    t.words = this.words
    t.offset = y * this.width + x
    t.stride = this.width
    return t
  }

  image(x: number, y: number, w: number, h: number, kind: ImageKind, data: Uint8Array): void {
    if (!this.decodeImage) throw new UnsupportedError(`no ${kind.toUpperCase()} decoder in this framebuffer`)
    // The rect bounds what the decoder may spend, never the image's own header.
    const problem = imageProblem(kind, data, w, h)
    if (problem) throw new RfbProtocolError(problem, -1, 'RFB_ERR_IMAGE')
    const img = this.decodeImage(kind, data, w, h)
    if (img.width === 0 && img.height === 0) return
    if (img.width !== w || img.height !== h)
      throw new RfbProtocolError(`${kind.toUpperCase()} image decoded to ${img.width}x${img.height} in a ${w}x${h} rect`, -1, 'RFB_ERR_IMAGE')
    const cw = Math.min(x + w, this.width) - x
    const ch = Math.min(y + h, this.height) - y
    if (cw <= 0 || ch <= 0) return
    const words = new Uint32Array(img.rgba.buffer, img.rgba.byteOffset, w * h)
    for (let r = 0; r < ch; r++) this.words.set(words.subarray(r * w, r * w + cw), (y + r) * this.width + x)
  }

  cursor(shape: CursorShape | null): void {
    this.cursorShape = shape
  }

  endUpdate(): void | Promise<void> {
    this.updates++
    return this.onUpdate?.()
  }
}
