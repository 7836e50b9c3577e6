import { type CursorImage, type FrameBatch, ImageKindCode, OP_INTS, OpCode, videoWord } from '@shared/ops'
import type { CursorShape, DrawSink, ImageKind, PixelTarget } from '../rfb/sink'

/** How long a batch may wait for its ack before the session carries on anyway. */
export const DEFAULT_ACK_TIMEOUT_MS = 5_000

/** Batches that may await their ack at once by default: one being painted, the next on its way. */
export const DEFAULT_MAX_IN_FLIGHT = 2

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

export interface BatchSinkOptions {
  sessionId: string
  /**
   * Receives one batch per FramebufferUpdate. Its buffers are views into the sink's reusable
   * memory, valid until the batch is acked (or its ack times out): a consumer that keeps them
   * longer copies them. Structured clone and the WebSocket codec both copy on send.
   */
  onBatch(batch: FrameBatch): void
  onCursor(cursor: CursorImage | null): void
  ackTimeoutMs?: number
  /**
   * Unacked batches the engine may run ahead by (default DEFAULT_MAX_IN_FLIGHT). With 2, the
   * next update is requested and decoded while the renderer receives and paints the last one,
   * instead of after; with 1 it is strict stop-and-wait. Batches still paint in order.
   */
  maxInFlight?: number
}

/** One batch's memory: op records, packed pixels, packed images. */
interface BatchMemory {
  ops: Int32Array<ArrayBuffer>
  words: Uint32Array<ArrayBuffer>
  images: Uint8Array<ArrayBuffer>
}

interface InFlight {
  seq: number
  sentAt: number
  memory: BatchMemory
  timer: NodeJS.Timeout
}

/**
 * The IPC batcher: packs every draw op of one FramebufferUpdate into one FrameBatch (fixed
 * op records, one packed RGBA buffer, one packed image buffer) and holds the engine's next
 * update request while `maxInFlight` batches await their ack, so a slow painter slows the
 * server instead of queueing frames. Buffers grow by doubling and are reused once their batch
 * is acked (each batch in flight keeps its own), so a steady session allocates nothing per
 * rect; each pixel is copied once, from the decoder into the batch.
 */
export class BatchSink implements DrawSink {
  /** Seq of the last batch emitted (0 before the first). */
  seq = 0
  /** Milliseconds from emit to ack of the last acked batch. */
  ackLatencyMs = 0
  /** Batches whose ack never came within the timeout. */
  ackTimeouts = 0

  private ops = new Int32Array(OP_INTS * 64)
  private opCount = 0
  private words = new Uint32Array(16 * 1024)
  private wordBytes = new Uint8Array(this.words.buffer)
  private wordCount = 0
  private images = new Uint8Array(16 * 1024)
  private imageBytes = 0
  private readonly target: PixelTarget = { words: this.words, offset: 0, stride: 0 }
  /** Unacked batches, oldest first. */
  private readonly inFlight: InFlight[] = []
  /** Memory of acked batches, ready for the next update. */
  private readonly spare: BatchMemory[] = []
  /** The current memory belongs to a batch in flight: the next write must move to other memory. */
  private lent = false
  /** The engine, waiting for an ack to free a slot. */
  private waiter: (() => void) | null = null
  private readonly maxInFlight: number
  private disposed = false

  constructor(private readonly options: BatchSinkOptions) {
    this.maxInFlight = Math.max(1, Math.floor(options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT))
  }

  resize(width: number, height: number): void {
    this.op(OpCode.Resize, 0, 0, width, height, 0, 0, 0)
  }

  fill(x: number, y: number, w: number, h: number, colour: number): void {
    this.op(OpCode.Fill, x, y, w, h, colour | 0, 0, 0)
  }

  copy(sx: number, sy: number, x: number, y: number, w: number, h: number): void {
    this.op(OpCode.Copy, x, y, w, h, sx, sy, 0)
  }

  pixels(x: number, y: number, w: number, h: number, rgba: Uint32Array): void {
    const n = w * h
    const at = this.wordCount
    this.reserveWords(n)
    if (LITTLE_ENDIAN) {
      // RGBA words with R in the low byte are R,G,B,A bytes in memory: the canvas layout as is.
      this.words.set(n === rgba.length ? rgba : rgba.subarray(0, n), at)
    } else {
      for (let i = 0; i < n; i++) {
        const c = rgba[i]
        this.words[at + i] = ((c & 0xff) << 24) | ((c & 0xff00) << 8) | ((c >>> 8) & 0xff00) | (c >>> 24)
      }
    }
    this.wordCount += n
    this.op(OpCode.Pixels, x, y, w, h, at, 0, 0)
  }

  /**
   * Lends the batch's own pixel memory, so decoders convert straight into it: each pixel is then
   * written once on its way to the renderer instead of going through a decoder scratch first.
   * Not on a big-endian host, where pixels() has to reorder the bytes.
   */
  pixelTarget(x: number, y: number, w: number, h: number): PixelTarget | null {
    if (!LITTLE_ENDIAN) return null
    const at = this.wordCount
    this.reserveWords(w * h)
    this.wordCount += w * h
    this.op(OpCode.Pixels, x, y, w, h, at, 0, 0)
    const t = this.target
    t.words = this.words
    t.offset = at
    t.stride = w
    return t
  }

  image(x: number, y: number, w: number, h: number, kind: ImageKind, data: Uint8Array): void {
    const at = this.appendImageBytes(data)
    this.op(OpCode.Image, x, y, w, h, at, data.length, kind === 'jpeg' ? ImageKindCode.Jpeg : ImageKindCode.Png)
  }

  /** Open H.264 rects travel like images: their bytes in the image buffer, decoded by the renderer. */
  video(x: number, y: number, w: number, h: number, context: number, flags: number, data: Uint8Array): void {
    const at = this.appendImageBytes(data)
    this.op(OpCode.Video, x, y, w, h, at, data.length, videoWord(context, flags))
  }

  private appendImageBytes(data: Uint8Array): number {
    if (this.lent) this.takeMemory()
    const at = this.imageBytes
    if (at + data.length > this.images.length) {
      const grown = new Uint8Array(Math.max(this.images.length * 2, at + data.length))
      grown.set(this.images.subarray(0, at))
      this.images = grown
    }
    this.images.set(data, at)
    this.imageBytes += data.length
    return at
  }

  cursor(shape: CursorShape | null): void {
    if (!shape) return this.options.onCursor(null)
    const { rgba } = shape
    // The shape is ours; view its words as bytes, copying only when the view is not the whole
    // buffer (structured clone would send all of it).
    const whole = rgba.byteOffset === 0 && rgba.byteLength === rgba.buffer.byteLength
    const bytes = whole ? new Uint8Array(rgba.buffer) : new Uint8Array(rgba.buffer.slice(rgba.byteOffset, rgba.byteOffset + rgba.byteLength))
    if (!LITTLE_ENDIAN) {
      for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse()
    }
    this.options.onCursor({ width: shape.width, height: shape.height, hotX: shape.hotX, hotY: shape.hotY, rgba: bytes })
  }

  endUpdate(): void | Promise<void> {
    // An update that changed nothing paints nothing: no batch, no ack to wait for.
    if (this.opCount === 0 || this.disposed) return
    const seq = ++this.seq
    const batch: FrameBatch = {
      sessionId: this.options.sessionId,
      seq,
      ops: this.ops.subarray(0, this.opCount * OP_INTS),
      pixels: this.wordBytes.subarray(0, this.wordCount * 4),
      images: this.images.subarray(0, this.imageBytes),
    }
    this.opCount = 0
    this.wordCount = 0
    this.imageBytes = 0
    const timer = setTimeout(() => {
      // A lost ack (renderer reloaded, message dropped) must not freeze the session. Its memory
      // is not reused: whoever still holds the batch may still be reading it.
      this.ackTimeouts++
      this.release(seq, false)
    }, this.options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS)
    this.inFlight.push({ seq, sentAt: performance.now(), memory: { ops: this.ops, words: this.words, images: this.images }, timer })
    this.lent = true
    this.options.onBatch(batch)
    if (this.inFlight.length < this.maxInFlight || this.disposed) return
    return new Promise<void>((resolve) => (this.waiter = resolve))
  }

  /** The renderer painted batch `seq` (and so every earlier one): its slot is free again. */
  ack(seq: number): void {
    let last: InFlight | undefined
    for (const p of this.inFlight) if (p.seq <= seq) last = p
    if (!last) return
    this.ackLatencyMs = performance.now() - last.sentAt
    this.release(seq, true)
  }

  /**
   * The batches in flight will never be acked: their receiver is gone (the session moved to
   * another window, which never saw them). Their slots are freed at once so the engine carries
   * on; their memory is not reused, as for a timed-out ack. Later batches keep counting up.
   */
  forgetInFlight(): void {
    this.release(this.seq, false)
  }

  /** Releases a waiting engine; later updates are dropped. Called when the session ends. */
  dispose(): void {
    this.disposed = true
    for (const p of this.inFlight) clearTimeout(p.timer)
    this.inFlight.length = 0
    this.wake()
  }

  /** Ends batches up to `seq`; their memory is reused only when they were acked. */
  private release(seq: number, acked: boolean): void {
    while (this.inFlight.length && this.inFlight[0].seq <= seq) {
      const p = this.inFlight.shift()!
      clearTimeout(p.timer)
      if (acked && this.spare.length < this.maxInFlight) this.spare.push(p.memory)
    }
    if (this.inFlight.length < this.maxInFlight) this.wake()
  }

  private wake(): void {
    const w = this.waiter
    this.waiter = null
    w?.()
  }

  /** Moves the next update to memory no batch in flight uses: the last one acked, else fresh. */
  private takeMemory(): void {
    this.lent = false
    const m = this.spare.pop() ?? { ops: new Int32Array(OP_INTS * 64), words: new Uint32Array(16 * 1024), images: new Uint8Array(16 * 1024) }
    this.ops = m.ops
    this.words = m.words
    this.wordBytes = new Uint8Array(m.words.buffer)
    this.images = m.images
  }

  private op(code: OpCode, a: number, b: number, c: number, d: number, e: number, f: number, g: number): void {
    if (this.lent) this.takeMemory()
    let o = this.opCount * OP_INTS
    if (o + OP_INTS > this.ops.length) {
      const grown = new Int32Array(this.ops.length * 2)
      grown.set(this.ops.subarray(0, o))
      this.ops = grown
    }
    const ops = this.ops
    ops[o++] = code
    ops[o++] = a
    ops[o++] = b
    ops[o++] = c
    ops[o++] = d
    ops[o++] = e
    ops[o++] = f
    ops[o] = g
    this.opCount++
  }

  private reserveWords(n: number): void {
    if (this.lent) this.takeMemory()
    const need = this.wordCount + n
    if (need <= this.words.length) return
    let size = this.words.length * 2
    while (size < need) size *= 2
    const grown = new Uint32Array(size)
    grown.set(this.words.subarray(0, this.wordCount))
    this.words = grown
    this.wordBytes = new Uint8Array(grown.buffer)
  }
}

/** A batch whose buffers are exact-size copies: for transports that would otherwise send a whole reusable buffer. */
export function detachBatch(batch: FrameBatch): FrameBatch {
  return { sessionId: batch.sessionId, seq: batch.seq, ops: batch.ops.slice(), pixels: batch.pixels.slice(), images: batch.images.slice() }
}
