import { MAX_JPEG_SCANS, imageProblem } from '@shared/image-header'
import type { ByteQueue } from '../byte-queue'
import { RfbProtocolError } from '../errors'
import type { DecodeContext, Rect, RectDecoder } from './decoder'

/** ITU-T T.81 Table B.1 marker codes used here. */
const enum Marker {
  TEM = 0x01,
  DHT = 0xc4,
  RST0 = 0xd0,
  RST7 = 0xd7,
  SOI = 0xd8,
  EOI = 0xd9,
  SOS = 0xda,
  DQT = 0xdb,
}

const FF = new Uint8Array([0xff])

/** Largest JPEG we buffer for one rect, whatever its area. */
export const MAX_JPEG_RECT_BYTES = 64 << 20

const enum Step {
  Marker,
  Entropy,
}

function jpegError(message: string, at: number): RfbProtocolError {
  return new RfbProtocolError(message, at, 'RFB_ERR_JPEG')
}

/** SOFn markers (T.81 B.1.1.3): C0-CF except DHT (C4), JPG (C8) and DAC (CC). */
function isFrameHeader(type: number): boolean {
  return type >= 0xc0 && type <= 0xcf && type !== 0xc4 && type !== 0xc8 && type !== 0xcc
}

/** Inside entropy-coded data 0xFF is followed by a stuffed 0x00 or is a restart marker (T.81 B.1.1.5). */
function staysInScan(next: number): boolean {
  return next === 0 || (next >= Marker.RST0 && next <= Marker.RST7)
}

/** A grow-only byte list, reused rect after rect; empty until used (every session has five). */
class ByteList {
  data: Uint8Array = new Uint8Array(0)
  length = 0

  reserve(n: number): void {
    if (this.length + n <= this.data.length) return
    const grown = new Uint8Array(Math.max(this.length + n, this.data.length * 2, 16 * 1024))
    grown.set(this.data.subarray(0, this.length))
    this.data = grown
  }

  append(src: Uint8Array, from = 0, to = src.length): void {
    this.reserve(to - from)
    this.data.set(src.subarray(from, to), this.length)
    this.length += to - from
  }
}

/**
 * The JPEG encoding (21, RealVNC's): the rect is one JPEG stream, SOI to EOI, with no length in
 * front of it, so its end is found by walking the marker segments (each carries its length) and
 * scanning each scan's entropy-coded data for the next marker, byte-stuffing aside. A stream may
 * leave out its quantisation or Huffman tables and reuse those of an earlier rect (RealVNC does),
 * so the last ones seen are kept and put back in front of the first scan when missing.
 */
export class JpegDecoder implements RectDecoder {
  private rect: Rect = { x: 0, y: 0, w: 0, h: 0, encoding: 21 }
  private readonly out = new ByteList()
  private step = Step.Marker
  private limit = 0
  private hasQuant = false
  private hasHuffman = false
  private scanSeen = false
  private scans = 0
  private quant = new ByteList()
  private huffman = new ByteList()
  private nextQuant = new ByteList()
  private nextHuffman = new ByteList()

  // Entropy scan progress within one decode call.
  private scanned = 0
  private scanEnded = false
  private pendingFF = false
  private readonly scanView = (view: Uint8Array): void => this.scan(view)

  begin(rect: Rect): void {
    this.rect = rect
    this.out.length = 0
    this.step = Step.Marker
    this.hasQuant = false
    this.hasHuffman = false
    this.scanSeen = false
    this.scans = 0
    this.nextQuant.length = 0
    this.nextHuffman.length = 0
    // Even quality 100 with no subsampling stays well under 8 bytes a pixel.
    this.limit = Math.min(MAX_JPEG_RECT_BYTES, 65536 + rect.w * rect.h * 8)
  }

  reset(): void {
    this.quant.length = 0
    this.huffman.length = 0
  }

  decode(q: ByteQueue, ctx: DecodeContext): boolean {
    for (;;) {
      if (this.step === Step.Entropy) {
        if (!this.readEntropy(q)) return false
        this.step = Step.Marker
      }
      if (!q.has(2)) return false
      const at = q.position
      const ff = q.peekU8(0)
      if (ff !== 0xff) throw jpegError(`expected a JPEG marker, got byte 0x${ff.toString(16)}`, at)
      const type = q.peekU8(1)
      if (type === 0xff) {
        // T.81 B.1.1.2: any marker may be preceded by 0xFF fill bytes.
        q.skip(1)
        continue
      }
      if (this.out.length === 0 && type !== Marker.SOI) throw jpegError(`JPEG rect starts with marker 0x${type.toString(16)}, not SOI`, at)
      if (type === Marker.SOI) {
        if (this.out.length !== 0) throw jpegError('a second SOI inside one JPEG rect', at)
        this.take(q, 2, at)
        continue
      }
      if (type === Marker.EOI) {
        this.take(q, 2, at)
        this.finish(ctx, at)
        return true
      }
      if (type === Marker.TEM || (type >= Marker.RST0 && type <= Marker.RST7)) {
        this.take(q, 2, at)
        continue
      }
      if (type === 0x00) throw jpegError('stuffed 0xFF00 outside entropy-coded data', at)
      if (!q.has(4)) return false
      const length = q.peekU16(2)
      if (length < 2) throw jpegError(`JPEG segment 0x${type.toString(16)} with length ${length}`, at)
      if (!q.has(2 + length)) return false
      if (type === Marker.SOS && !this.scanSeen) this.restoreTables()
      const start = this.out.length
      this.take(q, 2 + length, at)
      const seg = this.out.data.subarray(start, this.out.length)
      if (type === Marker.DQT) {
        this.hasQuant = true
        this.nextQuant.append(seg)
      } else if (type === Marker.DHT) {
        this.hasHuffman = true
        this.nextHuffman.append(seg)
      } else if (isFrameHeader(type) && length >= 7) {
        const h = (seg[5] << 8) | seg[6]
        const w = (seg[7] << 8) | seg[8]
        if (w !== this.rect.w || h !== this.rect.h) {
          throw jpegError(`JPEG image of ${w}x${h} in a ${this.rect.w}x${this.rect.h} rect`, at)
        }
      } else if (type === Marker.SOS) {
        if (++this.scans > MAX_JPEG_SCANS) throw jpegError(`JPEG rect with more than ${MAX_JPEG_SCANS} scans`, at)
        this.scanSeen = true
        this.step = Step.Entropy
      }
    }
  }

  /** Moves `n` bytes from the queue to the image, within the size limit. */
  private take(q: ByteQueue, n: number, at: number): void {
    this.checkLimit(n, at)
    this.out.reserve(n)
    q.copyTo(this.out.data, this.out.length, n)
    this.out.length += n
  }

  private checkLimit(n: number, at: number): void {
    if (this.out.length + n > this.limit) {
      throw jpegError(`JPEG data for a ${this.rect.w}x${this.rect.h} rect exceeds ${this.limit} bytes`, at)
    }
  }

  /** Puts the tables of an earlier rect before the first scan when this stream has none. */
  private restoreTables(): void {
    if (!this.hasQuant && this.quant.length > 0) this.out.append(this.quant.data, 0, this.quant.length)
    if (!this.hasHuffman && this.huffman.length > 0) this.out.append(this.huffman.data, 0, this.huffman.length)
  }

  /**
   * Copies entropy-coded bytes up to the next real marker; true once that marker is reached.
   * The queue is scanned view by view, then rewound and advanced by exactly what was taken.
   */
  private readEntropy(q: ByteQueue): boolean {
    const at = q.position
    const mark = q.mark()
    this.scanned = 0
    this.scanEnded = false
    this.pendingFF = false
    q.forEachView(q.length, this.scanView)
    q.rewind(mark)
    q.skip(this.scanned)
    if (this.out.length > this.limit) {
      throw jpegError(`JPEG data for a ${this.rect.w}x${this.rect.h} rect exceeds ${this.limit} bytes`, at)
    }
    return this.scanEnded
  }

  private scan(view: Uint8Array): void {
    if (this.scanEnded || this.out.length > this.limit) return
    let i = 0
    if (this.pendingFF) {
      // The previous view ended with 0xFF, which was not taken yet.
      if (!staysInScan(view[0])) {
        this.scanEnded = true
        return
      }
      this.out.append(FF)
      this.out.append(view, 0, 1)
      this.scanned += 2
      this.pendingFF = false
      i = 1
    }
    while (i < view.length) {
      const j = view.indexOf(0xff, i)
      const end = j < 0 ? view.length : j
      this.out.append(view, i, end)
      this.scanned += end - i
      if (j < 0) return
      if (j + 1 === view.length) {
        this.pendingFF = true
        return
      }
      if (!staysInScan(view[j + 1])) {
        this.scanEnded = true
        return
      }
      this.out.append(view, j, j + 2)
      this.scanned += 2
      i = j + 2
    }
  }

  private finish(ctx: DecodeContext, at: number): void {
    // The tables this stream defined replace the kept ones for the rects that follow.
    if (this.hasQuant) {
      const kept = this.quant
      this.quant = this.nextQuant
      this.nextQuant = kept
    }
    if (this.hasHuffman) {
      const kept = this.huffman
      this.huffman = this.nextHuffman
      this.nextHuffman = kept
    }
    const { x, y, w, h } = this.rect
    const image = this.out.data.subarray(0, this.out.length)
    // The whole stream once more, as every sink will see it: no frame header is caught here.
    const problem = imageProblem('jpeg', image, w, h)
    if (problem) throw jpegError(problem, at)
    ctx.sink.image(x, y, w, h, 'jpeg', image)
  }
}
