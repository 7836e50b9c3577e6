import type { CursorShape, DrawSink, ImageKind } from './sink'
import { UnsupportedError } from './errors'

/** A decoded image, RGBA bytes row by row. */
export interface DecodedImage {
  width: number
  height: number
  rgba: Uint8Array
}

/**
 * Synchronous JPEG/PNG decoding for the Node framebuffer (the renderer uses Chromium's decoders).
 * An image declaring more than `maxWidth` x `maxHeight` (the rect) must be refused before decoding.
 */
export type ImageDecoder = (kind: ImageKind, data: Uint8Array, maxWidth?: number, maxHeight?: number) => DecodedImage

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

  /** Clips a rect to the framebuffer; returns null when nothing is left. */
  private clip(x: number, y: number, w: number, h: number): [number, number, number, number] | null {
    const x1 = Math.min(x + w, this.width)
    const y1 = Math.min(y + h, this.height)
    if (x >= x1 || y >= y1) return null
    return [x, y, x1 - x, y1 - y]
  }

  fill(x: number, y: number, w: number, h: number, colour: number): void {
    const c = this.clip(x, y, w, h)
    if (!c) return
    const [cx, cy, cw, ch] = c
    for (let r = cy; r < cy + ch; r++) {
      const o = r * this.width + cx
      this.words.fill(colour, o, o + cw)
    }
  }

  copy(sx: number, sy: number, x: number, y: number, w: number, h: number): void {
    // Clip the source and destination together so the copy stays rectangular.
    w = Math.min(w, this.width - sx, this.width - x)
    h = Math.min(h, this.height - sy, this.height - y)
    if (w <= 0 || h <= 0) return
    const W = this.width
    // Overlapping moves downwards must copy bottom-up; copyWithin handles overlap within a row.
    if (sy < y) {
      for (let r = h - 1; r >= 0; r--) this.words.copyWithin((y + r) * W + x, (sy + r) * W + sx, (sy + r) * W + sx + w)
    } else {
      for (let r = 0; r < h; r++) this.words.copyWithin((y + r) * W + x, (sy + r) * W + sx, (sy + r) * W + sx + w)
    }
  }

  pixels(x: number, y: number, w: number, h: number, rgba: Uint32Array): void {
    const c = this.clip(x, y, w, h)
    if (!c) return
    const [, , cw, ch] = c
    for (let r = 0; r < ch; r++) {
      this.words.set(rgba.subarray(r * w, r * w + cw), (y + r) * this.width + x)
    }
  }

  image(x: number, y: number, w: number, h: number, kind: ImageKind, data: Uint8Array): void {
    if (!this.decodeImage) throw new UnsupportedError(`no ${kind.toUpperCase()} decoder in this framebuffer`)
    const img = this.decodeImage(kind, data, w, h)
    const words = new Uint32Array(img.rgba.buffer, img.rgba.byteOffset, img.width * img.height)
    // Draw what the image and the rect have in common; a short image leaves the rest untouched.
    const c = this.clip(x, y, Math.min(w, img.width), Math.min(h, img.height))
    if (!c) return
    const [, , cw, ch] = c
    for (let r = 0; r < ch; r++) this.words.set(words.subarray(r * img.width, r * img.width + cw), (y + r) * this.width + x)
  }

  cursor(shape: CursorShape | null): void {
    this.cursorShape = shape
  }

  endUpdate(): void | Promise<void> {
    this.updates++
    return this.onUpdate?.()
  }
}
