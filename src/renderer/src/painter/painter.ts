import { imageProblem } from '@shared/image-header'
import { type FrameBatch, ImageKindCode, OP_INTS, OpCode, videoFields } from '@shared/ops'
import { type DecodedImage, type ImageDecodeFn, decodeImage } from './image-decode'
import { VideoDecoders } from './video-decoders'

/** What the painter reports back to its owner. */
export interface PainterEvents {
  /** Batch `seq` is on the canvas: ack it so the host asks the server for more (flow control). */
  painted(seq: number): void
  /** The framebuffer changed size (a Resize op). */
  resized?(width: number, height: number): void
  /** An op could not be applied (an undecodable image); the batch still completes. */
  error?(message: string): void
  /**
   * The batch broke the protocol (an image whose header is not its rect's size, or a JPEG with
   * too many scans): it was not decoded, and the session should end with this message.
   */
  protocolError?(message: string): void
  /**
   * An H.264 context lost its picture (decoder error, a frame that never came): the context was
   * reset and the painter carried on; the owner asks the server for a full refresh.
   */
  videoTrouble?(message: string): void
  /**
   * Images of a batch could not be decoded (corrupt data the header check let through): their
   * rects keep their old pixels, the batch completes, and the owner asks for a full refresh.
   */
  imageTrouble?(message: string): void
  /** An H.264 frame was drawn (the host cannot draw those: its thumbnails come from the canvas). */
  videoPainted?(): void
}

/** Painter options beyond its events. */
export interface PainterOptions {
  /** How long an H.264 frame may take before its context is given up (video-decoders.ts). */
  frameTimeoutMs?: number
  /** Where VideoDecoders come from (tests). */
  createVideoDecoder?: (init: VideoDecoderInit) => VideoDecoder
  /** How JPEG and PNG bytes become pictures (tests); default: image-decode.ts's worker pool. */
  decodeImage?: ImageDecodeFn
}

/**
 * An image being decoded (a string once it failed: why; null when it was refused), or null for an
 * H.264 rect, which is decoded when painting reaches it.
 */
type Pending = Promise<DecodedImage | string | null> | null

/** A queued batch and the decodes it started when it was queued. */
interface Queued {
  batch: FrameBatch
  images: Map<number, Pending>
}

/**
 * Applies FrameBatches to a canvas, strictly in order. Pixels never pass through JS loops:
 * Pixels ops become an ImageData over the batch's own buffer, Copy ops a drawImage of the canvas
 * onto itself, and JPEG/PNG rects are decoded off the main thread by workers (image-decode.ts)
 * once their header says exactly the rect's size (else `protocolError`, and nothing is decoded).
 * Every image decode of a batch starts when the batch is queued, all at once, so they run in
 * parallel and overlap the painting of earlier batches; each is drawn when painting reaches its op.
 * H.264 rects go to their context's WebCodecs decoder when painting reaches them, and their frame
 * is awaited like an image. Painting waits at an image or video op until it is decoded, so
 * decodes finishing in any order never reorder the screen.
 */
export class CanvasPainter {
  private readonly ctx: CanvasRenderingContext2D
  private readonly queue: Queued[] = []
  private draining: Promise<void> | null = null
  private fillWord = 0
  private disposed = false
  /** Batches painted since creation (for tests and the stats overlay). */
  painted = 0
  private video: VideoDecoders | null = null
  private readonly decodeImage: ImageDecodeFn
  /** Images that could not be decoded since creation (stats overlay). */
  imageTroubles = 0

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly events: PainterEvents,
    private readonly options: PainterOptions = {},
  ) {
    // Opaque: VNC pictures have no alpha, and an opaque canvas composites faster.
    const ctx = canvas.getContext('2d', { alpha: false })
    if (!ctx) throw new Error('no 2D canvas context')
    this.ctx = ctx
    this.decodeImage = options.decodeImage ?? decodeImage
    this.resetContext()
  }

  get width(): number {
    return this.canvas.width
  }

  get height(): number {
    return this.canvas.height
  }

  /** Queues a batch; it paints as soon as everything before it has. */
  enqueue(batch: FrameBatch): void {
    if (this.disposed) return
    this.queue.push({ batch, images: this.startDecodes(batch) })
    this.startDraining()
  }

  private startDraining(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = null
      // A drain that painted synchronously ends before this runs: batches queued in between (a
      // backlog handed over in one go) would otherwise wait for the next batch, and their acks with them.
      if (this.queue.length && !this.disposed) this.startDraining()
    })
  }

  /** Resolves once every queued batch is painted. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining
  }

  /** Stops painting; queued batches are dropped. */
  dispose(): void {
    this.disposed = true
    for (const q of this.queue) discard(q.images)
    this.queue.length = 0
    this.video?.dispose()
  }

  /** H.264 contexts given up since creation (stats overlay). */
  get videoTroubles(): number {
    return this.video?.troubles ?? 0
  }

  /** Sizes the canvas before the first Resize op arrives (from ServerInit's size). */
  resizeTo(width: number, height: number): void {
    this.resize(width, height)
  }

  /** The canvas as a PNG (for screenshots). */
  toPng(): Promise<Blob> {
    return new Promise((resolve, reject) => {
      this.canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas could not be encoded'))), 'image/png')
    })
  }

  private async drain(): Promise<void> {
    while (this.queue.length && !this.disposed) {
      const { batch, images } = this.queue.shift()!
      try {
        // Batches without images paint synchronously: no microtask hop per update.
        if (images.size === 0) this.paintOps(batch, images, 0)
        else await this.paintWithImages(batch, images)
      } catch (e) {
        // A canvas call that throws (a copy from a zero-sized canvas) spoils one batch, not the session.
        this.events.error?.(`batch ${batch.seq} failed: ${(e as Error).message}`)
        // Its pictures not reached yet are freed (VideoFrames held open stall the browser's decoder).
        discard(images)
      }
      if (this.disposed) return discard(images)
      this.painted++
      this.events.painted(batch.seq)
    }
  }

  // Decodes start together (the browser runs them in parallel); they are drawn in op order.
  private startDecodes(batch: FrameBatch): Map<number, Pending> {
    const out = new Map<number, Pending>()
    const ops = batch.ops
    for (let o = 0; o < ops.length; o += OP_INTS) {
      if (ops[o] === OpCode.Video) out.set(o, null)
      if (ops[o] !== OpCode.Image) continue
      const start = ops[o + 5]
      const length = ops[o + 6]
      if (start < 0 || length <= 0 || start + length > batch.images.length) {
        this.events.error?.(`image op outside the image buffer (${start}+${length} of ${batch.images.length})`)
        out.set(o, Promise.resolve(null))
        continue
      }
      const kind = ops[o + 7] === ImageKindCode.Png ? 'png' : 'jpeg'
      const bytes = batch.images.subarray(start, start + length) as Uint8Array<ArrayBuffer>
      // The rect, not the image's own header, bounds what the browser's decoder may allocate.
      const problem = imageProblem(kind, bytes, ops[o + 3], ops[o + 4])
      if (problem) {
        this.events.protocolError?.(problem)
        out.set(o, Promise.resolve(null))
        continue
      }
      out.set(
        o,
        this.decodeImage(`image/${kind}`, bytes).catch((e: unknown) => (e instanceof Error ? e.message : String(e)) || 'decoding failed'),
      )
    }
    return out
  }

  private async paintWithImages(batch: FrameBatch, images: Map<number, Pending>): Promise<void> {
    let from = 0
    const failures: string[] = []
    for (const [at, decoding] of images) {
      this.paintOps(batch, images, from, at)
      if (decoding === null) {
        await this.paintVideo(batch, at)
        if (this.disposed) return
        from = at + OP_INTS
        continue
      }
      const image = await decoding
      if (this.disposed) return
      // Handled here (drawn and closed, or failed): whoever discards the rest leaves it alone.
      images.delete(at)
      if (typeof image === 'string') failures.push(image)
      else if (image) this.drawImage(batch.ops, at, image)
      from = at + OP_INTS
    }
    this.paintOps(batch, images, from)
    if (failures.length === 0) return
    // One refresh per batch, however many of its images failed: the server resends them all.
    this.imageTroubles += failures.length
    this.events.imageTrouble?.(`${failures.length} image(s) of batch ${batch.seq} could not be decoded: ${failures[0]}`)
  }

  /** Paints ops [from, to) that need no waiting; Image ops in that range were handled by the caller. */
  private paintOps(batch: FrameBatch, images: Map<number, unknown>, from: number, to = batch.ops.length): void {
    const { ops, pixels } = batch
    const ctx = this.ctx
    for (let o = from; o < to; o += OP_INTS) {
      const x = ops[o + 1]
      const y = ops[o + 2]
      const w = ops[o + 3]
      const h = ops[o + 4]
      switch (ops[o]) {
        case OpCode.Fill:
          this.setFill(ops[o + 5])
          ctx.fillRect(x, y, w, h)
          break
        case OpCode.Copy:
          if (w > 0 && h > 0) ctx.drawImage(this.canvas, ops[o + 5], ops[o + 6], w, h, x, y, w, h)
          break
        case OpCode.Pixels: {
          const byteStart = ops[o + 5] * 4
          const byteLength = w * h * 4
          if (w <= 0 || h <= 0 || byteStart < 0 || byteStart + byteLength > pixels.length) {
            this.events.error?.(`pixels op outside the pixel buffer (${x},${y} ${w}x${h})`)
            break
          }
          const view = new Uint8ClampedArray(pixels.buffer as ArrayBuffer, pixels.byteOffset + byteStart, byteLength)
          ctx.putImageData(new ImageData(view, w, h), x, y)
          break
        }
        case OpCode.Image:
        case OpCode.Video:
          if (!images.has(o)) this.events.error?.('image op without a decode')
          break
        case OpCode.Resize:
          this.resize(w, h)
          break
        default:
          this.events.error?.(`unknown op ${ops[o]}`)
      }
    }
  }

  /** Feeds one H.264 rect to its context and draws the frame it makes, if any. */
  private async paintVideo(batch: FrameBatch, o: number): Promise<void> {
    const ops = batch.ops
    const start = ops[o + 5]
    const length = ops[o + 6]
    if (start < 0 || length < 0 || start + length > batch.images.length) {
      this.events.error?.(`video op outside the image buffer (${start}+${length} of ${batch.images.length})`)
      return
    }
    this.video ??= new VideoDecoders(
      { trouble: (message) => this.events.videoTrouble?.(message) },
      this.options.frameTimeoutMs,
      this.options.createVideoDecoder,
    )
    const { context, flags } = videoFields(ops[o + 7])
    const frame = await this.video.decode(context, flags, batch.images.subarray(start, start + length))
    if (!frame) return
    try {
      if (this.disposed) return
      // Draw what the frame and its rect have in common, as for images.
      const w = Math.min(ops[o + 3], frame.displayWidth)
      const h = Math.min(ops[o + 4], frame.displayHeight)
      if (w > 0 && h > 0) this.ctx.drawImage(frame, 0, 0, w, h, ops[o + 1], ops[o + 2], w, h)
    } finally {
      frame.close()
    }
    this.events.videoPainted?.()
  }

  private drawImage(ops: Int32Array, o: number, image: DecodedImage): void {
    // Draw what the image and its rect have in common; a short image leaves the rest as it was.
    const w = Math.min(ops[o + 3], image.width)
    const h = Math.min(ops[o + 4], image.height)
    try {
      if (w > 0 && h > 0) this.ctx.drawImage(image.source, 0, 0, w, h, ops[o + 1], ops[o + 2], w, h)
    } finally {
      image.close()
    }
  }

  private setFill(word: number): void {
    if (word === this.fillWord) return
    this.fillWord = word
    // Colours are RGBA words with R in the low byte.
    this.ctx.fillStyle = `rgb(${word & 255} ${(word >>> 8) & 255} ${(word >>> 16) & 255})`
  }

  private resize(width: number, height: number): void {
    const c = this.canvas
    if (width === c.width && height === c.height) return
    // Keep what overlaps, so a resize does not flash black before the server repaints.
    let keep: HTMLCanvasElement | null = null
    if (c.width > 0 && c.height > 0 && width > 0 && height > 0) {
      keep = document.createElement('canvas')
      keep.width = Math.min(c.width, width)
      keep.height = Math.min(c.height, height)
      keep.getContext('2d')!.drawImage(c, 0, 0)
    }
    c.width = width
    c.height = height
    this.resetContext()
    if (keep) this.ctx.drawImage(keep, 0, 0)
    this.events.resized?.(width, height)
  }

  // Setting a canvas's size resets its context state.
  private resetContext(): void {
    this.ctx.imageSmoothingEnabled = false
    this.fillWord = 0
    this.ctx.fillStyle = 'rgb(0 0 0)'
  }
}

/** Frees the pictures of decodes nobody will draw (a disposed painter), whenever they finish. */
function discard(images: Map<number, Pending>): void {
  for (const decoding of images.values()) void decoding?.then((image) => (typeof image === 'object' ? image?.close() : undefined))
}
