import type { ImageDecoder } from '../../src/main/rfb/framebuffer'
import type { NoVncColour, NoVncDisplay } from './types'

/**
 * noVNC's Display drawing into an RGBA byte array laid out as our FramebufferSink's `data`
 * (row by row, R,G,B,A in memory, A = 255), instead of a canvas. Every op is clipped to the
 * framebuffer, as a canvas clips. Rows move with typed-array copies and fills, so noVNC's
 * numbers measure its decoders, not a slow stand-in for the canvas.
 *
 * `imageRect` decodes JPEG/PNG synchronously with the same decoder our framebuffer uses (in a
 * browser both viewers would hand the file to the browser's decoder); a decoder returning a 0x0
 * image (the bench's protocol-only passes) draws nothing, as our FramebufferSink then does.
 */
export class RgbaDisplay implements NoVncDisplay {
  width = 0
  height = 0
  data = new Uint8Array(0)
  words = new Uint32Array(0)

  constructor(private readonly decodeImage: ImageDecoder | null = null) {}

  /** New size; what overlaps the old picture is kept, as noVNC's Display keeps it. */
  resize(width: number, height: number): void {
    if (width === this.width && height === this.height) return
    const data = new Uint8Array(width * height * 4)
    const words = new Uint32Array(data.buffer)
    const w = Math.min(width, this.width)
    for (let y = 0; y < Math.min(height, this.height); y++) words.set(this.words.subarray(y * this.width, y * this.width + w), y * width)
    this.width = width
    this.height = height
    this.data = data
    this.words = words
  }

  fillRect(x: number, y: number, w: number, h: number, colour: NoVncColour): void {
    const x1 = Math.min(x + w, this.width)
    const y1 = Math.min(y + h, this.height)
    if (x >= x1 || y >= y1) return
    const word = (colour[0] | (colour[1] << 8) | (colour[2] << 16) | 0xff000000) >>> 0
    const W = this.width
    for (let r = y; r < y1; r++) this.words.fill(word, r * W + x, r * W + x1)
  }

  copyImage(oldX: number, oldY: number, newX: number, newY: number, w: number, h: number): void {
    w = Math.min(w, this.width - oldX, this.width - newX)
    h = Math.min(h, this.height - oldY, this.height - newY)
    if (w <= 0 || h <= 0) return
    const W = this.width
    const words = this.words
    // A canvas drawing onto itself reads the whole source first: copy rows bottom-up when moving down.
    if (oldY < newY) {
      for (let r = h - 1; r >= 0; r--) words.copyWithin((newY + r) * W + newX, (oldY + r) * W + oldX, (oldY + r) * W + oldX + w)
    } else {
      for (let r = 0; r < h; r++) words.copyWithin((newY + r) * W + newX, (oldY + r) * W + oldX, (oldY + r) * W + oldX + w)
    }
  }

  blitImage(x: number, y: number, w: number, h: number, arr: Uint8Array, offset: number): void {
    const cw = Math.min(w, this.width - x)
    const ch = Math.min(h, this.height - y)
    if (cw <= 0 || ch <= 0) return
    const rowBytes = w * 4
    const W4 = this.width * 4
    for (let r = 0; r < ch; r++) {
      const src = offset + r * rowBytes
      this.data.set(arr.subarray(src, src + cw * 4), (y + r) * W4 + x * 4)
    }
  }

  imageRect(x: number, y: number, w: number, h: number, mime: string, arr: Uint8Array): void {
    if (w === 0 || h === 0) return
    if (!this.decodeImage) throw new Error(`no image decoder for ${mime}`)
    const img = this.decodeImage(mime === 'image/png' ? 'png' : 'jpeg', arr, w, h)
    if (img.width === 0 && img.height === 0) return
    // noVNC refuses to draw an image whose size differs from its rect.
    if (img.width !== w || img.height !== h) throw new Error(`${mime} of ${img.width}x${img.height} in a ${w}x${h} rect`)
    this.blitImage(x, y, w, h, img.rgba, 0)
  }

  flip(): void {}

  pending(): boolean {
    return false
  }

  flush(): Promise<void> {
    return Promise.resolve()
  }
}
