/** A small copy of a canvas, as opaque RGBA bytes (R first), for `session.thumbnail`. */
export interface PaintedThumbnail {
  width: number
  height: number
  rgba: Uint8Array
}

/**
 * The canvas scaled down to fit a `maxSide` x `maxSide` box (never scaled up), keeping its aspect
 * ratio; null for an empty canvas. The browser's smoothed downscale averages the pixels, so text
 * turns grey rather than into noise, as the host's own thumbnails do. A 1080p canvas costs one
 * GPU-side scale and a 240x135 read-back: cheap enough to do every couple of seconds.
 */
export function canvasThumbnail(canvas: HTMLCanvasElement, maxSide: number): PaintedThumbnail | null {
  const { width: cw, height: ch } = canvas
  if (cw === 0 || ch === 0) return null
  const scale = Math.min(1, maxSide / Math.max(cw, ch))
  const width = Math.max(1, Math.min(maxSide, Math.round(cw * scale)))
  const height = Math.max(1, Math.min(maxSide, Math.round(ch * scale)))
  const small = new OffscreenCanvas(width, height)
  const ctx = small.getContext('2d', { alpha: false })
  if (!ctx) return null
  ctx.imageSmoothingEnabled = true
  ctx.imageSmoothingQuality = 'high'
  ctx.drawImage(canvas, 0, 0, cw, ch, 0, 0, width, height)
  const data = ctx.getImageData(0, 0, width, height).data
  return { width, height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }
}

/**
 * Sends the window's picture of an H.264 session to the host now and then, so its saved thumbnail
 * shows the video the host cannot decode. A thumbnail is taken `delayMs` after a painted batch,
 * at most one per `delayMs`, and only once video has been painted: other sessions' thumbnails the
 * host draws from its own copy.
 */
export class PaintedThumbnails {
  private timer: ReturnType<typeof setTimeout> | null = null
  private video = false

  constructor(
    private readonly take: () => PaintedThumbnail | null,
    private readonly send: (t: PaintedThumbnail) => void,
    private readonly delayMs = 2000,
  ) {}

  /** An H.264 frame reached the canvas. */
  videoPainted(): void {
    this.video = true
  }

  /** A batch was painted: a thumbnail follows soon, if this is an H.264 session. */
  painted(): void {
    if (!this.video || this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      const t = this.take()
      if (t) this.send(t)
    }, this.delayMs)
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
