import type { ErrorCode } from '@shared/error-codes'
import type { ByteQueue } from '../byte-queue'
import { RfbProtocolError } from '../errors'
import type { PixelConverter } from '../pixel-converter'
import type { DecodeContext, Rect, RectDecoder } from './decoder'
import { PairView, pairOf } from './word-pairs'

/** Sub-encoding mask bits (rfbproto "Hextile Encoding"; the Zlib ones are ZlibHex's). */
export const enum HextileFlag {
  Raw = 1,
  BackgroundSpecified = 2,
  ForegroundSpecified = 4,
  AnySubrects = 8,
  SubrectsColoured = 16,
  ZlibRaw = 32,
  Zlib = 64,
}

const TILE = 16
/** Every flag plain Hextile defines; any other bit in a non-raw tile is a protocol error. */
const HEXTILE_BITS = 0x1f

/** Fills w*h words of rows `stride` apart from `dst[o]`: tiles and subrects are narrow, so loops. */
function fillArea(dst: Uint32Array, o: number, stride: number, w: number, h: number, colour: number): void {
  for (let r = 0; r < h; r++, o += stride) {
    for (let i = o, e = o + w; i < e; i++) dst[i] = colour
  }
}

/**
 * A tile's background: fillArea with a whole 16-pixel row as straight-line stores, 1.7x as fast
 * as the loop in a 1920-wide framebuffer (most tiles are whole; the background is most of the
 * stores on desktop streams: 256 per tile against a dozen 1-3 pixel subrects).
 */
function fillTile(dst: Uint32Array, pairs: Float64Array | null, o: number, stride: number, w: number, h: number, colour: number): void {
  if (w !== TILE) {
    fillArea(dst, o, stride, w, h, colour)
    return
  }
  if (pairs && !(o & 1) && !(stride & 1)) {
    // Every row starts on a word pair: 8 double stores a row (word-pairs.ts).
    const two = pairOf(colour)
    for (let r = 0, q = o >> 1, qs = stride >> 1; r < h; r++, q += qs) {
      pairs[q] = two
      pairs[q + 1] = two
      pairs[q + 2] = two
      pairs[q + 3] = two
      pairs[q + 4] = two
      pairs[q + 5] = two
      pairs[q + 6] = two
      pairs[q + 7] = two
    }
    return
  }
  for (let r = 0; r < h; r++, o += stride) {
    dst[o] = colour
    dst[o + 1] = colour
    dst[o + 2] = colour
    dst[o + 3] = colour
    dst[o + 4] = colour
    dst[o + 5] = colour
    dst[o + 6] = colour
    dst[o + 7] = colour
    dst[o + 8] = colour
    dst[o + 9] = colour
    dst[o + 10] = colour
    dst[o + 11] = colour
    dst[o + 12] = colour
    dst[o + 13] = colour
    dst[o + 14] = colour
    dst[o + 15] = colour
  }
}

/** Bytes of a tile's body after its mask byte: the pixels, or bg, fg, count and subrects. */
export function hextileBodyLength(flags: number, count: number, tw: number, th: number, bpp: number): number {
  if (flags & HextileFlag.Raw) return tw * th * bpp
  let n = 0
  if (flags & HextileFlag.BackgroundSpecified) n += bpp
  if (flags & HextileFlag.ForegroundSpecified) n += bpp
  if (flags & HextileFlag.AnySubrects) n += 1 + count * (flags & HextileFlag.SubrectsColoured ? bpp + 2 : 2)
  return n
}

/**
 * Hextile (rfbproto "Hextile Encoding", 5): 16x16 tiles left to right, top to bottom, each a
 * mask byte and then raw pixels or a background with subrects. A tile is consumed only when all
 * of it is buffered (its size is known from a peek at the mask and the subrect count).
 *
 * Background and foreground carry from tile to tile within the rect, also across raw tiles: the
 * spec forbids servers to rely on that after a raw tile, but carrying is what other viewers do,
 * so a sloppy server still draws the same here. Coloured subrects leave the last colour as the
 * foreground, as in libvncclient and TigerVNC. A value that was never given in this rect is an
 * error: the spec requires the first non-raw tile to specify its background.
 */
export class HextileDecoder implements RectDecoder {
  protected rect: Rect = { x: 0, y: 0, w: 0, h: 0, encoding: 5 }
  protected readonly name: string = 'Hextile'
  protected readonly code: ErrorCode = 'RFB_ERR_HEXTILE'
  /** Largest unit: mask, bg, fg, count and 255 coloured 4-byte subrects (raw is 1 + 1024). */
  protected readonly unit = new Uint8Array(1 + 2 * 4 + 1 + 255 * 6)
  protected px: PixelConverter | null = null
  /** The strip when the sink lends no memory: up to 16 rows of the rect's width; grown on demand. */
  private strip = new Uint32Array(0)
  /** Where the current tile row's strip is: `dst[at + (tx - stripX) + r * stride]`. */
  private dst: Uint32Array = this.strip
  /** The same memory as doubles, for backgrounds stored two words at a time; null if unaligned. */
  private pairs: Float64Array | null = null
  private readonly pairView = new PairView()
  private at = 0
  private stride = 0
  private stripX = 0
  private stripping = false
  /** The strip is the sink's memory (no pixels() call at its end). */
  private lent = false
  private tx = 0
  private ty = 0
  private bg = 0
  private fg = 0
  private bgValid = false
  private fgValid = false
  private pendX = 0
  private pendY = 0
  private pendW = 0
  private pendH = 0
  private pendColour = 0

  begin(rect: Rect): void {
    this.rect = rect
    this.tx = 0
    this.ty = 0
    this.bgValid = false
    this.fgValid = false
    this.pendW = 0
    this.stripping = false
  }

  decode(q: ByteQueue, ctx: DecodeContext): boolean {
    const { w, h } = this.rect
    if (w === 0 || h === 0) return true
    // Once per call, not per tile: the context's getters are calls.
    this.px = ctx.pixels
    while (this.ty < h) {
      const tw = Math.min(TILE, w - this.tx)
      const th = Math.min(TILE, h - this.ty)
      if (!this.tileUnit(q, ctx, tw, th)) {
        this.flushFill(ctx)
        return false
      }
      this.tx += TILE
      if (this.tx >= w) {
        this.tx = 0
        this.ty += TILE
      }
    }
    this.flushFill(ctx)
    return true
  }

  /** Consumes and draws the tile at (tx, ty) if all of it is buffered; false otherwise. */
  protected tileUnit(q: ByteQueue, ctx: DecodeContext, tw: number, th: number): boolean {
    // The chunk holding the tile's first byte: peeks and, when the whole tile lies in it, the
    // drawing read from there, with no copy (most tiles are a few bytes, chunks 64 KiB).
    const c = q.window(1)
    if (c === null) return false
    const o = q.windowAt
    const flags = c[o]
    if (!(flags & HextileFlag.Raw) && flags & ~HEXTILE_BITS) {
      throw this.error(`tile mask 0x${flags.toString(16)} has undefined bits`, ctx.position)
    }
    const bpp = this.px!.bytesPerPixel
    let count = 0
    if (!(flags & HextileFlag.Raw) && flags & HextileFlag.AnySubrects) {
      const at = 1 + (flags & HextileFlag.BackgroundSpecified ? bpp : 0) + (flags & HextileFlag.ForegroundSpecified ? bpp : 0)
      if (!q.has(at + 1)) return false
      count = o + at < c.length ? c[o + at] : q.peekU8(at)
    }
    const n = 1 + hextileBodyLength(flags, count, tw, th, bpp)
    if (!q.has(n)) return false
    const at = q.position
    if (o + n <= c.length) {
      this.drawTile(c, o + 1, flags, tw, th, ctx, at)
      q.skip(n)
      return true
    }
    q.copyTo(this.unit, 0, n)
    this.drawTile(this.unit, 1, flags, tw, th, ctx, at)
    return true
  }

  /**
   * Draws a tile whose body (everything after the mask byte) starts at `body[p]`; the caller
   * has checked the body is exactly `hextileBodyLength` bytes long.
   *
   * Tiles are not drawn one by one: from the first tile of a tile row that is not one colour to
   * the rect's right edge, tiles go into one strip (the sink's own memory where it lends it, else
   * a buffer emitted with one pixels() call when the row ends), so a row costs one sink op instead
   * of one per tile. Solid tiles before that point merge into fills, as a blank row is one fill.
   */
  protected drawTile(body: Uint8Array, p: number, flags: number, tw: number, th: number, ctx: DecodeContext, at: number): void {
    const px = this.px!
    const bpp = px.bytesPerPixel
    if (flags & HextileFlag.Raw) {
      this.startStrip(ctx, th)
      px.toRgbaRows(body, p, this.dst, this.at + this.tx - this.stripX, tw, th, this.stride)
      this.endTile(ctx)
      return
    }
    if (flags & HextileFlag.BackgroundSpecified) {
      this.bg = px.pixel(body, p)
      this.bgValid = true
      p += bpp
    } else if (!this.bgValid) {
      throw this.error(`tile at ${this.tx},${this.ty} has no background and none was given earlier in the rect`, at)
    }
    if (flags & HextileFlag.ForegroundSpecified) {
      this.fg = px.pixel(body, p)
      this.fgValid = true
      p += bpp
    }
    const count = flags & HextileFlag.AnySubrects ? body[p++] : 0
    if (count === 0) {
      if (this.stripping) {
        fillTile(this.dst, this.pairs, this.at + this.tx - this.stripX, this.stride, tw, th, this.bg)
        this.endTile(ctx)
      } else {
        this.solid(this.rect.x + this.tx, this.rect.y + this.ty, tw, th, this.bg, ctx)
      }
      return
    }
    const coloured = flags & HextileFlag.SubrectsColoured
    if (!coloured && !this.fgValid) {
      throw this.error(`tile at ${this.tx},${this.ty} has subrects in the foreground colour, which was never given in the rect`, at)
    }
    this.startStrip(ctx, th)
    const dst = this.dst
    const stride = this.stride
    const origin = this.at + this.tx - this.stripX
    fillTile(dst, this.pairs, origin, stride, tw, th, this.bg)
    let colour = this.fg
    for (let i = 0; i < count; i++) {
      if (coloured) {
        colour = px.pixel(body, p)
        p += bpp
      }
      const xy = body[p++]
      const wh = body[p++]
      const sx = xy >> 4
      const sy = xy & 15
      const sw = (wh >> 4) + 1
      const sh = (wh & 15) + 1
      if (sx + sw > tw || sy + sh > th) {
        throw this.error(`subrect ${sw}x${sh}+${sx}+${sy} outside the ${tw}x${th} tile at ${this.tx},${this.ty}`, at)
      }
      // Most subrects on real desktops are 1-3 pixels (text): straight-line stores for those.
      let d = origin + sy * stride + sx
      if (sh === 1) {
        dst[d] = colour
        if (sw > 1) {
          dst[d + 1] = colour
          if (sw > 2) for (let i = d + 2, e = d + sw; i < e; i++) dst[i] = colour
        }
      } else if (sw === 1) {
        for (let r = 0; r < sh; r++, d += stride) dst[d] = colour
      } else if (sw === 2) {
        for (let r = 0; r < sh; r++, d += stride) {
          dst[d] = colour
          dst[d + 1] = colour
        }
      } else {
        fillArea(dst, d, stride, sw, sh, colour)
      }
    }
    if (coloured) {
      this.fg = colour
      this.fgValid = true
    }
    this.endTile(ctx)
  }

  /** Starts the strip at the current tile unless this tile row has one already. */
  private startStrip(ctx: DecodeContext, th: number): void {
    if (this.stripping) return
    this.flushFill(ctx)
    const { x, y, w } = this.rect
    const sw = w - this.tx
    const target = ctx.sink.pixelTarget?.(x + this.tx, y + this.ty, sw, th) ?? null
    if (target) {
      this.dst = target.words
      this.at = target.offset
      this.stride = target.stride
    } else {
      if (this.strip.length < sw * th) this.strip = new Uint32Array(Math.max(sw * th, this.strip.length * 2))
      this.dst = this.strip
      this.at = 0
      this.stride = sw
    }
    this.pairs = this.pairView.over(this.dst)
    this.lent = target !== null
    this.stripping = true
    this.stripX = this.tx
  }

  /** After a tile in the strip: at the rect's right edge the strip is done. */
  private endTile(ctx: DecodeContext): void {
    if (this.tx + TILE < this.rect.w) return
    this.stripping = false
    if (this.lent) return
    const { x, y, w } = this.rect
    const th = Math.min(TILE, this.rect.h - this.ty)
    ctx.sink.pixels(x + this.stripX, y + this.ty, w - this.stripX, th, this.dst)
  }

  protected error(what: string, at: number): RfbProtocolError {
    return new RfbProtocolError(`${this.name} ${what}`, at, this.code)
  }

  /** Solid tiles next to each other in one colour become one fill (a blank row is one op). */
  private solid(x: number, y: number, w: number, h: number, colour: number, ctx: DecodeContext): void {
    if (this.pendW > 0 && this.pendY === y && this.pendH === h && this.pendX + this.pendW === x && this.pendColour === colour) {
      this.pendW += w
      return
    }
    this.flushFill(ctx)
    this.pendX = x
    this.pendY = y
    this.pendW = w
    this.pendH = h
    this.pendColour = colour
  }

  private flushFill(ctx: DecodeContext): void {
    if (this.pendW === 0) return
    ctx.sink.fill(this.pendX, this.pendY, this.pendW, this.pendH, this.pendColour)
    this.pendW = 0
  }
}
