import type { DecodedImage, ImageDecoder } from '../rfb/framebuffer'
import type { AsyncImageDecoder } from './image-decode-pool'
import { imageProblem } from '@shared/image-header'
import { encodePng } from '../rfb/png'
import type { CursorShape, DrawSink, ImageKind, PixelTarget } from '../rfb/sink'

/** Longest side of the thumbnails kept per profile (the width, for a landscape desktop). */
export const THUMBNAIL_WIDTH = 240

/**
 * The mirror's longer side keeps at least this many pixels (and fewer than twice as many), so the
 * final downscale can average and a preview box up to 480 is filled; the shorter side follows the
 * desktop's aspect ratio.
 */
const MIRROR_MIN_SIDE = 480

/**
 * How much image decoding a mirror may do: `budgetMs` of decoding per second of session, and
 * `maxWaiting` images held by an asynchronous decoder at once; past either, images are skipped.
 */
export interface DecodeLimits {
  budgetMs: number
  maxWaiting: number
}

/** A thumbnail beside a session window: 50 ms a second, two images at a time. */
export const THUMBNAIL_DECODE_LIMITS: DecodeLimits = { budgetMs: 50, maxWaiting: 2 }

/**
 * A cheap, point-sampled mirror of the remote screen, kept only to make thumbnails. It samples
 * one source pixel in every `step` x `step` block, so fills, copies and pixel rects cost in
 * proportion to the mirror, not the screen (1/16 of the work for a 1920-wide desktop).
 * Compressed images need a decode in Node, which is the one real cost, so it runs within a
 * time budget: past the budget an image is skipped and that area of the thumbnail may be
 * stale until it is drawn again. In the host the decoder is asynchronous (a worker thread,
 * image-decode-pool.ts), so no decode blocks the event loop; an image drawn over before its
 * decode returns is dropped rather than painted over newer pixels. A thumbnail does not need every frame; the CPU of a busy
 * session matters more. The window's canvas is mirrored only where this mirror cannot draw
 * (H.264: `session.thumbnail`, session-picture.ts); the mirror also serves live-wall tiles and
 * previews, which no window paints.
 */
export class ThumbnailSink implements DrawSink {
  private step = 1
  private width = 0
  private height = 0
  private words = new Uint32Array(0)
  private painted = false
  /** An update has ended since the last resize: the whole screen has been sent at least once. */
  private updated = false
  /** Ops have arrived since the last endUpdate: an update is being drawn. */
  private drawing = false
  /** Image rects skipped or lost (budget, decode failure) and not drawn over since. */
  private missing: { x: number; y: number; w: number; h: number }[] = []
  private budgetStart = 0
  private budgetUsed = 0
  /** Images handed to an asynchronous decoder and not back yet. */
  private readonly waiting: { x: number; y: number; w: number; h: number; stale: boolean }[] = []

  constructor(
    private readonly decodeImage: ImageDecoder | AsyncImageDecoder | null,
    private readonly now: () => number = () => performance.now(),
    private readonly limits: DecodeLimits = THUMBNAIL_DECODE_LIMITS,
  ) {}

  /** The mirror as drawn so far (its words are live: copy what must outlast this call), or null before any picture. */
  picture(): { width: number; height: number; words: Uint32Array } | null {
    if (!this.painted || this.width === 0 || this.height === 0) return null
    return { width: this.width, height: this.height, words: this.words }
  }

  /**
   * Whether the mirror holds a whole picture: a full update has been drawn since the last
   * resize, no update is half-way through, no image is still being decoded and none was
   * skipped without being drawn over since. Thumbnails are saved only then, so a session
   * closed mid-update never leaves a half-drawn picture behind.
   */
  get complete(): boolean {
    return this.painted && this.updated && !this.drawing && this.waiting.length === 0 && this.missing.length === 0
  }

  /** Mirror size in pixels and the source pixels per mirror pixel. */
  get size(): { width: number; height: number; step: number } {
    return { width: this.width, height: this.height, step: this.step }
  }

  /** The mirror's RGBA word at mirror coordinates, i.e. source pixel (mx*step, my*step). */
  sampleAt(mx: number, my: number): number {
    return this.words[my * this.width + mx]
  }

  resize(width: number, height: number): void {
    for (const e of this.waiting) e.stale = true
    // The longer side sets the step: a desktop reported 16384 tall and 479 wide still gets a
    // mirror under 960 on a side, not a full-size copy (the server chooses the size).
    this.step = Math.max(1, Math.floor(Math.max(width, height) / MIRROR_MIN_SIDE))
    this.width = Math.ceil(width / this.step)
    this.height = Math.ceil(height / this.step)
    this.words = new Uint32Array(this.width * this.height)
    this.painted = false
    this.updated = false
    this.drawing = false
    this.missing = []
  }

  /** Mirror columns [first, end) whose sample points fall in source columns [x, x+w). */
  private span(x: number, w: number, limit: number): [number, number] {
    const s = this.step
    return [Math.ceil(x / s), Math.min(limit, Math.ceil((x + w) / s))]
  }

  fill(x: number, y: number, w: number, h: number, colour: number): void {
    this.touch(x, y, w, h)
    const [x0, x1] = this.span(x, w, this.width)
    const [y0, y1] = this.span(y, h, this.height)
    for (let my = y0; my < y1; my++) this.words.fill(colour, my * this.width + x0, my * this.width + x1)
    this.painted = true
  }

  copy(sx: number, sy: number, x: number, y: number, w: number, h: number): void {
    this.touch(x, y, w, h)
    const s = this.step
    const [x0, x1] = this.span(x, w, this.width)
    const [y0, y1] = this.span(y, h, this.height)
    if (x0 >= x1 || y0 >= y1) return
    // Read everything first: source and destination may overlap.
    const tmp = new Uint32Array((x1 - x0) * (y1 - y0))
    let i = 0
    for (let my = y0; my < y1; my++) {
      const from = Math.min(this.height - 1, Math.round((my * s - y + sy) / s))
      for (let mx = x0; mx < x1; mx++) {
        tmp[i++] = this.words[from * this.width + Math.min(this.width - 1, Math.round((mx * s - x + sx) / s))]
      }
    }
    i = 0
    for (let my = y0; my < y1; my++) {
      this.words.set(tmp.subarray(i, i + x1 - x0), my * this.width + x0)
      i += x1 - x0
    }
  }

  pixels(x: number, y: number, w: number, h: number, rgba: Uint32Array): void {
    this.touch(x, y, w, h)
    this.sample(x, y, w, h, rgba, w)
    this.painted = true
  }

  /** Samples a rect whose row r is `words[offset + r * stride ...]` (another sink's lent memory). */
  sampleFrom(x: number, y: number, w: number, h: number, words: Uint32Array, offset: number, stride: number): void {
    this.touch(x, y, w, h)
    this.sample(x, y, w, h, words, stride, offset)
    this.painted = true
  }

  image(x: number, y: number, w: number, h: number, kind: ImageKind, data: Uint8Array): void {
    if (!this.decodeImage) return
    // Never decoded unless it is exactly the rect's size: the rect bounds the decoder's memory
    // and time. The engine refuses such an image as a protocol error before any sink sees it.
    if (imageProblem(kind, data, w, h)) return
    this.touch(x, y, w, h)
    const t = this.now()
    if (t - this.budgetStart >= 1000) {
      this.budgetStart = t
      this.budgetUsed = 0
    }
    if (this.budgetUsed >= this.limits.budgetMs || this.waiting.length >= this.limits.maxWaiting) return this.skipped(x, y, w, h)
    let result: DecodedImage | Promise<DecodedImage>
    try {
      result = this.decodeImage(kind, data, w, h)
    } catch {
      // A corrupt image body is the renderer's to report; the thumbnail just skips it.
      this.budgetUsed += this.now() - t
      this.skipped(x, y, w, h)
      return
    }
    if (!(result instanceof Promise)) {
      this.budgetUsed += this.now() - t
      this.drawDecoded(x, y, w, h, result)
      return
    }
    // Decoded elsewhere: drawn on arrival unless something has been drawn over it meanwhile.
    const entry = { x, y, w, h, stale: false }
    this.waiting.push(entry)
    const settle = (img: DecodedImage | null): void => {
      this.waiting.splice(this.waiting.indexOf(entry), 1)
      this.budgetUsed += this.now() - t
      if (img && !entry.stale) this.drawDecoded(x, y, w, h, img)
      else if (!img && !entry.stale) this.skipped(x, y, w, h)
    }
    result.then(settle, () => settle(null))
  }

  private drawDecoded(x: number, y: number, w: number, h: number, img: DecodedImage): void {
    if (img.width !== w || img.height !== h) return this.skipped(x, y, w, h)
    this.covered(x, y, w, h)
    this.sample(x, y, w, h, new Uint32Array(img.rgba.buffer, img.rgba.byteOffset, w * h), w)
    this.painted = true
  }

  /**
   * An op of the current update paints this rect: images still being decoded elsewhere under it
   * will not be drawn, and skipped areas it covers are whole again.
   */
  private touch(x: number, y: number, w: number, h: number): void {
    this.drawing = true
    for (const e of this.waiting) if (x < e.x + e.w && e.x < x + w && y < e.y + e.h && e.y < y + h) e.stale = true
    this.covered(x, y, w, h)
  }

  /** Forgets skipped areas lying wholly inside a rect just painted. */
  private covered(x: number, y: number, w: number, h: number): void {
    if (this.missing.length) this.missing = this.missing.filter((m) => !(m.x >= x && m.y >= y && m.x + m.w <= x + w && m.y + m.h <= y + h))
  }

  /** An image area the mirror could not draw: the picture is not whole until something paints over it. */
  private skipped(x: number, y: number, w: number, h: number): void {
    // A few rects are enough to know; past that, only a full-screen paint makes the picture whole.
    if (this.missing.length < 32) this.missing.push({ x, y, w, h })
    else this.missing = [{ x: 0, y: 0, w: this.width * this.step, h: this.height * this.step }]
  }

  /**
   * An H.264 rect: drawn by the renderer, not here (the thumbnail has no H.264 decoder). Like a
   * skipped image, the picture is not whole until something the mirror can draw covers it, so an
   * H.264 session's thumbnail is the one its window painted (SessionPicture.thumbnailPng), never
   * one with stale video areas.
   */
  videoArea(x: number, y: number, w: number, h: number): void {
    this.touch(x, y, w, h)
    this.skipped(x, y, w, h)
  }

  cursor(_shape: CursorShape | null): void {}

  endUpdate(): void {
    this.updated = true
    this.drawing = false
  }

  private sample(x: number, y: number, w: number, h: number, src: Uint32Array, stride: number, offset = 0): void {
    const s = this.step
    const [x0, x1] = this.span(x, w, this.width)
    const [y0, y1] = this.span(y, h, this.height)
    for (let my = y0; my < y1; my++) {
      const row = offset + (my * s - y) * stride - x
      const out = my * this.width
      if (s === 1) this.words.set(src.subarray(row + x0, row + x1), out + x0)
      else for (let mx = x0; mx < x1; mx++) this.words[out + mx] = src[row + mx * s]
    }
  }

  /**
   * A PNG that fits in a `maxWidth` x `maxWidth` box (box-filtered from the mirror, by a whole
   * factor), or null before any picture.
   */
  png(maxWidth = THUMBNAIL_WIDTH): Buffer | null {
    if (!this.painted || this.width === 0 || this.height === 0) return null
    const f = Math.max(1, Math.ceil(Math.max(this.width, this.height) / maxWidth))
    const tw = Math.floor(this.width / f) || 1
    const th = Math.floor(this.height / f) || 1
    const out = new Uint8Array(tw * th * 4)
    const src = new Uint8Array(this.words.buffer)
    for (let ty = 0; ty < th; ty++) {
      for (let tx = 0; tx < tw; tx++) {
        let r = 0
        let g = 0
        let b = 0
        let n = 0
        for (let dy = 0; dy < f && ty * f + dy < this.height; dy++) {
          for (let dx = 0; dx < f && tx * f + dx < this.width; dx++) {
            const o = ((ty * f + dy) * this.width + tx * f + dx) * 4
            r += src[o]
            g += src[o + 1]
            b += src[o + 2]
            n++
          }
        }
        const o = (ty * tw + tx) * 4
        out[o] = r / n
        out[o + 1] = g / n
        out[o + 2] = b / n
        out[o + 3] = 255
      }
    }
    return encodePng(tw, th, out)
  }
}

/**
 * Sends every draw op to both sinks; the first sink's endUpdate decides when the next update is
 * requested. Where the primary lends memory (pixelTarget), decoders write into it directly and
 * the mirror samples that memory at the tee's next call, by which time the decoder has filled it
 * (a target is written before the decoder calls its sink again), so the mirror costs no copy of
 * the full-size pixels.
 */
export function teeSink(primary: DrawSink, mirror: ThumbnailSink): DrawSink {
  const lent = { x: 0, y: 0, w: 0, h: 0, target: null as PixelTarget | null }
  const sampleLent = (): void => {
    const t = lent.target
    if (!t) return
    lent.target = null
    mirror.sampleFrom(lent.x, lent.y, lent.w, lent.h, t.words, t.offset, t.stride)
  }
  const tee: DrawSink = {
    resize: (w, h) => (sampleLent(), mirror.resize(w, h), primary.resize(w, h)),
    fill: (x, y, w, h, c) => (sampleLent(), mirror.fill(x, y, w, h, c), primary.fill(x, y, w, h, c)),
    copy: (sx, sy, x, y, w, h) => (sampleLent(), mirror.copy(sx, sy, x, y, w, h), primary.copy(sx, sy, x, y, w, h)),
    pixels: (x, y, w, h, rgba) => (sampleLent(), mirror.pixels(x, y, w, h, rgba), primary.pixels(x, y, w, h, rgba)),
    image: (x, y, w, h, kind, data) => (sampleLent(), mirror.image(x, y, w, h, kind, data), primary.image(x, y, w, h, kind, data)),
    cursor: (shape) => primary.cursor(shape),
    endUpdate: () => (sampleLent(), mirror.endUpdate(), primary.endUpdate()),
  }
  // The thumbnail cannot decode H.264; the renderer's picture is the only one of those rects.
  const video = primary.video?.bind(primary)
  if (video) tee.video = (x, y, w, h, context, flags, data) => (sampleLent(), mirror.videoArea(x, y, w, h), video(x, y, w, h, context, flags, data))
  if (primary.pixelTarget) {
    const lend = primary.pixelTarget.bind(primary)
    tee.pixelTarget = (x, y, w, h) => {
      sampleLent()
      const t = lend(x, y, w, h)
      if (t) {
        lent.x = x
        lent.y = y
        lent.w = w
        lent.h = h
        lent.target = t
      }
      return t
    }
  }
  return tee
}
