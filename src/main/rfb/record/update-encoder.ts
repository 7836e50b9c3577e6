import { Encoding } from '@shared/encodings'
import { RGBX8888 } from '../pixel-format'
import type { CursorShape, DrawSink, ImageKind } from '../sink'
import { canonicalHandshake } from './recorded-handshake'

/** Tight compression-control bytes of a TightPNG rect (rfbproto "Tight" / QEMU's TightPNG). */
const TIGHT_JPEG = 0x90
const TIGHT_PNG = 0xa0
/** Tight's compact length holds 22 bits: a longer image cannot be a TightPNG rect. */
export const MAX_TIGHT_IMAGE_BYTES = 0x3fffff

/**
 * The start of a recording made from draw ops: RFB 3.3, security None, and a ServerInit in RGBX8888,
 * the engine's own words (R in the low byte), so Raw rects are the framebuffer's bytes as they are.
 */
export function opStreamHandshake(width: number, height: number, name: string): Buffer {
  return canonicalHandshake({ width, height, name, pixelFormat: RGBX8888 }, RGBX8888)
}

/**
 * Turns one session's draw ops back into server messages, one FramebufferUpdate per update, using
 * only encodings that keep no state from one rect to the next: Raw, CopyRect, RRE (fills),
 * TightPNG (JPEG and PNG images as the server sent them), Cursor and DesktopSize. A recording
 * started in the middle of a session needs this: the server's own bytes continue zlib streams
 * (ZRLE, Tight, Zlib) begun before the recording, which nobody could decode from the file.
 * The same property lets a player restart decoding at any update (keyframes).
 *
 * Open H.264 rects are not written (the host cannot decode them to Raw); their areas keep the
 * picture from before in the recording. Neither are images over Tight's 4 MiB length (a JPEG
 * rect, encoding 21, may be 64 MiB): a wrapped length would make the rest of the file unreadable.
 */
export class UpdateEncoder implements DrawSink {
  private rects: Buffer[] = []
  private count = 0
  /** Bytes held for the update being built. */
  held = 0
  /** Open H.264 rects left out. */
  skippedVideo = 0
  /** Images left out: longer than a TightPNG rect can say. */
  skippedImages = 0

  /** @param emit receives each FramebufferUpdate message once its update ends. */
  constructor(private readonly emit: (message: Buffer) => void) {}

  private header(x: number, y: number, w: number, h: number, encoding: number, extra: number): Buffer {
    const b = Buffer.alloc(12 + extra)
    b.writeUInt16BE(x, 0)
    b.writeUInt16BE(y, 2)
    b.writeUInt16BE(w, 4)
    b.writeUInt16BE(h, 6)
    b.writeInt32BE(encoding, 8)
    return b
  }

  private push(rect: Buffer): void {
    // Each rect header counts as one of the update's 16-bit rect count: split before it would wrap.
    if (this.count === 0xffff) this.flush()
    this.rects.push(rect)
    this.count++
    this.held += rect.length
  }

  resize(width: number, height: number): void {
    this.push(this.header(0, 0, width, height, Encoding.DesktopSize, 0))
  }

  fill(x: number, y: number, w: number, h: number, colour: number): void {
    // RRE with no subrects: the background pixel alone.
    const b = this.header(x, y, w, h, Encoding.RRE, 8)
    b.writeUInt32BE(0, 12)
    b.writeUInt32LE(colour >>> 0, 16)
    this.push(b)
  }

  copy(sx: number, sy: number, x: number, y: number, w: number, h: number): void {
    const b = this.header(x, y, w, h, Encoding.CopyRect, 4)
    b.writeUInt16BE(sx, 12)
    b.writeUInt16BE(sy, 14)
    this.push(b)
  }

  pixels(x: number, y: number, w: number, h: number, rgba: Uint32Array): void {
    const b = this.header(x, y, w, h, Encoding.Raw, w * h * 4)
    b.set(new Uint8Array(rgba.buffer, rgba.byteOffset, w * h * 4), 12)
    this.push(b)
  }

  image(x: number, y: number, w: number, h: number, kind: ImageKind, data: Uint8Array): void {
    if (data.length > MAX_TIGHT_IMAGE_BYTES) {
      this.skippedImages++
      return
    }
    const len = compactLength(data.length)
    const b = this.header(x, y, w, h, Encoding.TightPNG, 1 + len.length + data.length)
    b[12] = kind === 'jpeg' ? TIGHT_JPEG : TIGHT_PNG
    b.set(len, 13)
    b.set(data, 13 + len.length)
    this.push(b)
  }

  video(): void {
    this.skippedVideo++
  }

  cursor(shape: CursorShape | null): void {
    if (!shape) {
      this.push(this.header(0, 0, 0, 0, Encoding.Cursor, 0))
      return
    }
    const { width: w, height: h } = shape
    const rowBytes = (w + 7) >> 3
    const b = this.header(shape.hotX, shape.hotY, w, h, Encoding.Cursor, w * h * 4 + rowBytes * h)
    const mask = 12 + w * h * 4
    for (let i = 0; i < w * h; i++) {
      const word = shape.rgba[i]
      b.writeUInt32LE((word & 0xffffff) >>> 0, 12 + i * 4)
      if (word >>> 24 >= 128) {
        const y = (i / w) | 0
        const x = i - y * w
        b[mask + y * rowBytes + (x >> 3)] |= 0x80 >> (x & 7)
      }
    }
    this.push(b)
  }

  endUpdate(): void {
    this.flush()
  }

  private flush(): void {
    if (this.count === 0) return
    const head = Buffer.alloc(4)
    head[0] = 0 // FramebufferUpdate
    head.writeUInt16BE(this.count, 2)
    const message = Buffer.concat([head, ...this.rects])
    this.rects = []
    this.count = 0
    this.held = 0
    this.emit(message)
  }
}

/** Tight's compact length: 7 bits per byte, low first, at most 3 bytes (22 bits). */
function compactLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n)
  if (n < 0x4000) return Uint8Array.of((n & 0x7f) | 0x80, n >> 7)
  return Uint8Array.of((n & 0x7f) | 0x80, ((n >> 7) & 0x7f) | 0x80, n >> 14)
}
