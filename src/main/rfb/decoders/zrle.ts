import type { ErrorCode } from '@shared/error-codes'
import type { ByteQueue } from '../byte-queue'
import { RfbProtocolError } from '../errors'
import { ALPHA, type PixelConverter } from '../pixel-converter'
import { createInflateStream } from '../zlib/create-inflate-stream'
import type { InflateStream } from '../zlib/inflate-stream'
import type { DecodeContext, Rect, RectDecoder } from './decoder'
import { PairView, fillPairs, pairOf } from './word-pairs'
import { PayloadReader, inflateChecked, zlibInputLimit } from './zlib-payload'

/** rfbproto "ZRLE Encoding": tiles are 64x64 except at the right and bottom edges. */
export const ZRLE_TILE = 64

/** How a tile's CPIXELs become words: RGBA to draw, or raw pixel values (ZYWRLE's wavelet). */
export interface CpixelReader {
  /** Bytes per CPIXEL. */
  readonly size: number
  /** True when a CPIXEL is 3 bytes R, G, B, so its RGBA word is read inline without `one`. */
  readonly rgb24?: boolean
  one(src: Uint8Array, o: number): number
  /** Converts `n` CPIXELs from `src[o]` into `dst[d..]`. */
  many(src: Uint8Array, o: number, dst: Uint32Array, d: number, n: number): void
}

class RgbaReader implements CpixelReader {
  readonly size: number
  readonly rgb24: boolean

  constructor(readonly px: PixelConverter) {
    this.size = px.cpixelBytes
    const pf = px.pf
    this.rgb24 =
      px.cpixelBytes === 3 &&
      pf.trueColour &&
      !pf.bigEndian &&
      pf.redMax === 255 &&
      pf.greenMax === 255 &&
      pf.blueMax === 255 &&
      pf.redShift === 0 &&
      pf.greenShift === 8 &&
      pf.blueShift === 16
  }

  one(src: Uint8Array, o: number): number {
    return this.px.cpixel(src, o)
  }

  many(src: Uint8Array, o: number, dst: Uint32Array, d: number, n: number): void {
    this.px.cpixelsToRgba(src, o, dst, d, n)
  }
}

/**
 * The most bytes a w*h rect's ZRLE data can inflate to: per tile a sub-encoding byte (two for
 * ZYWRLE's nested tile) and a 127-entry palette, and per pixel at most a CPIXEL and a run byte
 * (plain RLE with runs of one) or two bytes (palette RLE with explicit lengths).
 */
export function zrleMaxData(w: number, h: number, cpixel: number): number {
  const tiles = Math.ceil(w / ZRLE_TILE) * Math.ceil(h / ZRLE_TILE)
  return tiles * (2 + 127 * cpixel) + w * h * Math.max(cpixel + 1, 2)
}

/**
 * ZRLE (rfbproto "ZRLE Encoding", 16): a u32 length and that much of one per-connection zlib
 * stream, inflating to 64x64 tiles in order. Each tile is raw CPIXELs (0), one colour (1), a
 * packed palette of 2-16 colours, plain RLE (128) or palette RLE (130-255). The whole payload is
 * buffered and inflated at once (servers sync-flush per rect), after checking its length.
 */
export class ZrleDecoder implements RectDecoder {
  protected rect: Rect = { x: 0, y: 0, w: 0, h: 0, encoding: 16 }
  protected readonly name: string = 'ZRLE'
  protected readonly code: ErrorCode = 'RFB_ERR_ZRLE'
  private readonly stream: InflateStream = createInflateStream()
  private readonly payload = new PayloadReader()
  /** For sinks that lend no memory; made on first use. */
  private tile: Uint32Array | null = null
  /** Int32: colours read back from it stay small integers in V8 (see PixelConverter.pixel). */
  private readonly palette = new Int32Array(127)
  /** Runs of 8+ pixels are stored two words at a time (word-pairs.ts). */
  private readonly pairView = new PairView()
  /** The palette's colours as word pairs (pairOf), made once per palette-RLE tile. */
  private readonly palettePairs = new Float64Array(127)
  private rgba: RgbaReader | null = null
  /** Set by parseTile for a one-colour tile, which is drawn as a fill. */
  protected solid = false
  protected solidColour = 0
  /** The tile being parsed, relative to the rect (for error messages). */
  protected tx = 0
  protected ty = 0
  /**
   * A rect inflated but not all painted: decoding stopped after `ctx.slicePixels` to let the
   * event loop run, and goes on from tile (tx, ty) at `p`. The data is the inflate stream's own
   * output, valid until this decoder inflates again.
   */
  private rest: { data: Uint8Array; p: number; tx: number; ty: number; at: number } | null = null

  begin(rect: Rect): void {
    this.rect = rect
    this.rest = null
  }

  decode(q: ByteQueue, ctx: DecodeContext): boolean {
    const { x, y, w, h } = this.rect
    const rd = this.reader(ctx)
    let data: Uint8Array
    let p = 0
    let at: number
    let tx0 = 0
    let ty0 = 0
    if (this.rest) {
      ;({ data, p, at, tx: tx0, ty: ty0 } = this.rest)
      this.rest = null
    } else {
      if (!q.has(4)) return false
      const max = zrleMaxData(w, h, rd.size)
      const len = q.peekU32()
      if (len > zlibInputLimit(max)) {
        throw new RfbProtocolError(`${this.name} rect ${w}x${h} announces ${len} compressed bytes, more than its tiles can take`, ctx.position, this.code)
      }
      if (!q.has(4 + len)) return false
      q.skip(4)
      at = ctx.position
      data = inflateChecked(this.stream, this.payload.read(q, len), max, this.name, this.code, at)
    }
    // Pixels this call may still paint: one huge rect must not hold the event loop throughout.
    let budget = ctx.slicePixels ?? Infinity
    for (let ty = ty0; ty < h; ty += ZRLE_TILE) {
      const th = Math.min(ZRLE_TILE, h - ty)
      for (let tx = ty === ty0 ? tx0 : 0; tx < w; tx += ZRLE_TILE) {
        const tw = Math.min(ZRLE_TILE, w - tx)
        if (budget <= 0) {
          this.rest = { data, p, tx, ty, at }
          ctx.yielded = true
          return false
        }
        budget -= tw * th
        this.tx = tx
        this.ty = ty
        // A one-colour tile (sub-encoding 1) is a fill; any other is parsed straight into the
        // sink's memory when it lends it, else into the tile buffer handed to pixels().
        const target = data[p] === 1 ? null : (ctx.sink.pixelTarget?.(x + tx, y + ty, tw, th) ?? null)
        if (target) {
          p = this.parseTile(data, p, tw, th, target.words, target.offset, target.stride, rd, ctx, at, true)
        } else {
          const tile = (this.tile ??= new Uint32Array(ZRLE_TILE * ZRLE_TILE))
          p = this.parseTile(data, p, tw, th, tile, 0, tw, rd, ctx, at, true)
          if (this.solid) ctx.sink.fill(x + tx, y + ty, tw, th, this.solidColour)
          else ctx.sink.pixels(x + tx, y + ty, tw, th, tile)
        }
      }
    }
    if (p !== data.length) {
      throw new RfbProtocolError(`${this.name} zlib data goes ${data.length - p} bytes past the rect's tiles`, at, this.code)
    }
    return true
  }

  reset(): void {
    this.rest = null
    this.stream.reset()
  }

  protected reader(ctx: DecodeContext): CpixelReader {
    if (this.rgba?.px !== ctx.pixels) this.rgba = new RgbaReader(ctx.pixels)
    return this.rgba
  }

  protected error(what: string, at: number): RfbProtocolError {
    return new RfbProtocolError(`${this.name} tile at ${this.tx},${this.ty}: ${what}`, at, this.code)
  }

  /**
   * Parses the tile starting at `d[p]` (its sub-encoding byte) into `out` (th rows of tw words,
   * `stride` apart from `out[o]`) through `rd`, or sets `solid`; returns the offset after the
   * tile. `top` is false for ZYWRLE's nested coefficient tile, whose raw form is plain CPIXELs.
   */
  protected parseTile(
    d: Uint8Array,
    p: number,
    tw: number,
    th: number,
    out: Uint32Array,
    o: number,
    stride: number,
    rd: CpixelReader,
    ctx: DecodeContext,
    at: number,
    top: boolean,
  ): number {
    const end = d.length
    const n = tw * th
    const cb = rd.size
    this.solid = false
    if (p >= end) throw this.error('the zlib data ends before the tile', at)
    const sub = d[p++]
    if (sub === 0) {
      if (top) return this.rawTile(d, p, tw, th, out, o, stride, rd, ctx, at)
      if (end - p < n * cb) throw this.error('the zlib data ends inside the raw pixels', at)
      for (let r = 0; r < th; r++, p += tw * cb) rd.many(d, p, out, o + r * stride, tw)
      return p
    }
    if (sub === 1) {
      if (end - p < cb) throw this.error('the zlib data ends inside the colour', at)
      this.solid = true
      this.solidColour = rd.one(d, p)
      return p + cb
    }
    if (sub >= 17 && sub <= 127) throw this.error(`sub-encoding ${sub} (a packed palette of ${sub}) is undefined`, at)
    if (sub === 129) throw this.error('sub-encoding 129 is undefined', at)
    const size = sub & 127
    const pal = this.palette
    if (end - p < size * cb) throw this.error('the zlib data ends inside the palette', at)
    if (rd.rgb24) for (let i = 0; i < size; i++, p += 3) pal[i] = d[p] | (d[p + 1] << 8) | (d[p + 2] << 16) | ALPHA
    else for (let i = 0; i < size; i++, p += cb) pal[i] = rd.one(d, p)
    if (sub <= 16) return this.packed(d, p, tw, th, size, out, o, stride, at)
    if (sub === 128) return this.runs(d, p, tw, th, out, o, stride, rd, at)
    return this.paletteRuns(d, p, tw, th, size, out, o, stride, at)
  }

  /** Raw tile at the top level; ZYWRLE replaces this with its wavelet tile. */
  protected rawTile(
    d: Uint8Array,
    p: number,
    tw: number,
    th: number,
    out: Uint32Array,
    o: number,
    stride: number,
    rd: CpixelReader,
    _ctx: DecodeContext,
    at: number,
  ): number {
    const need = tw * th * rd.size
    if (d.length - p < need) throw this.error('the zlib data ends inside the raw pixels', at)
    for (let r = 0, s = p; r < th; r++, s += tw * rd.size) rd.many(d, s, out, o + r * stride, tw)
    return p + need
  }

  /**
   * Packed palette: 1, 2 or 4 bits per index, most significant first, rows padded to a byte.
   * Whole bytes are unrolled (8, 4 or 2 pixels each) with one validity test per byte; only a
   * palette smaller than its index width can be indexed past its end, and only the row's last,
   * partly padded byte goes pixel by pixel.
   */
  private packed(d: Uint8Array, p: number, tw: number, th: number, size: number, out: Uint32Array, o: number, stride: number, at: number): number {
    const bits = size === 2 ? 1 : size <= 4 ? 2 : 4
    const rowBytes = (tw * bits + 7) >> 3
    if (d.length - p < rowBytes * th) throw this.error('the zlib data ends inside the packed pixels', at)
    const pal = this.palette
    const perByte = 8 / bits
    const whole = (tw / perByte) | 0
    const tail = tw - whole * perByte
    const mask = (1 << bits) - 1
    for (let r = 0; r < th; r++, o += stride) {
      let q = o
      const e = p + whole
      if (bits === 4) {
        for (; p < e; p++, q += 2) {
          const b = d[p]
          const hi = b >> 4
          const lo = b & 15
          if (hi >= size || lo >= size) throw this.error(`palette index ${hi >= size ? hi : lo} beyond the ${size}-colour palette`, at)
          out[q] = pal[hi]
          out[q + 1] = pal[lo]
        }
      } else if (bits === 2) {
        // Only index 3 can be out of range (palettes of 3): a 2-bit field with both bits set.
        const check = size === 3
        for (; p < e; p++, q += 4) {
          const b = d[p]
          if (check && (b & (b >> 1) & 0x55) !== 0) throw this.error(`palette index 3 beyond the 3-colour palette`, at)
          out[q] = pal[b >> 6]
          out[q + 1] = pal[(b >> 4) & 3]
          out[q + 2] = pal[(b >> 2) & 3]
          out[q + 3] = pal[b & 3]
        }
      } else {
        for (; p < e; p++, q += 8) {
          const b = d[p]
          out[q] = pal[b >> 7]
          out[q + 1] = pal[(b >> 6) & 1]
          out[q + 2] = pal[(b >> 5) & 1]
          out[q + 3] = pal[(b >> 4) & 1]
          out[q + 4] = pal[(b >> 3) & 1]
          out[q + 5] = pal[(b >> 2) & 1]
          out[q + 6] = pal[(b >> 1) & 1]
          out[q + 7] = pal[b & 1]
        }
      }
      if (tail > 0) {
        const b = d[p++]
        for (let c = 0, shift = 8 - bits; c < tail; c++, shift -= bits) {
          const idx = (b >> shift) & mask
          if (idx >= size) throw this.error(`palette index ${idx} beyond the ${size}-colour palette`, at)
          out[q++] = pal[idx]
        }
      }
    }
    return p
  }

  /**
   * Palette RLE, the bulk of QEMU's ZRLE (3.5 million runs a pass on its 1080p stream, 83% of
   * them 8-31 pixels, nearly all inside one row): {@link runs} specialised for it, with the
   * common cases straight-line: a one-pixel run (index byte < 128), a one-byte length, a run
   * that ends inside its row (word pairs from the palette's pair table, no pairOf per run). Runs
   * that reach the row's end take the span loop. The same checks as `runs`, in the same order.
   */
  private paletteRuns(d: Uint8Array, p: number, tw: number, th: number, size: number, out: Uint32Array, o: number, stride: number, at: number): number {
    const end = d.length
    const pal = this.palette
    const pairs = this.pairView.over(out)
    const twos = this.palettePairs
    if (pairs) for (let i = 0; i < size; i++) twos[i] = pairOf(pal[i])
    let left = tw * th
    let col = 0
    let row = o
    while (left > 0) {
      if (p >= end) throw this.error('the zlib data ends inside a run', at)
      const b = d[p++]
      const idx = b & 127
      if (idx >= size) throw this.error(`palette index ${idx} beyond the ${size}-colour palette`, at)
      const colour = pal[idx]
      if (b < 128) {
        out[row + col] = colour
        left--
        if (++col === tw) {
          col = 0
          row += stride
        }
        continue
      }
      if (p >= end) throw this.error('the zlib data ends inside a run length', at)
      let l = d[p++]
      let len = 1 + l
      if (len > left) throw this.error(`a run of ${len} goes past the tile's ${left} remaining pixels`, at)
      while (l === 255) {
        if (p >= end) throw this.error('the zlib data ends inside a run length', at)
        l = d[p++]
        len += l
        if (len > left) throw this.error(`a run of ${len} goes past the tile's ${left} remaining pixels`, at)
      }
      left -= len
      if (col + len < tw) {
        // Inside the row: no row bookkeeping.
        let k = row + col
        const e = k + len
        col += len
        if (len >= 8 && pairs) {
          if (k & 1) out[k++] = colour
          const two = twos[idx]
          for (let q = k >> 1, qe = e >> 1; q < qe; q++) pairs[q] = two
          if (e & 1) out[e - 1] = colour
        } else {
          for (; k < e; k++) out[k] = colour
        }
        continue
      }
      let span = tw - col
      while (len >= span) {
        if (pairs) fillPairs(out, pairs, row + col, row + tw, colour, twos[idx])
        else for (let k = row + col, e = row + tw; k < e; k++) out[k] = colour
        len -= span
        row += stride
        col = 0
        span = tw
      }
      for (let k = row + col, e = k + len; k < e; k++) out[k] = colour
      col += len
    }
    return p
  }

  /**
   * Plain RLE: a CPIXEL and a length per run (palette RLE: {@link paletteRuns}). Lengths are
   * 255s plus a final byte, plus one. Runs may cross rows but never the tile's end. Each run is stored as row spans with plain loops: spans are at most a tile
   * wide (64), where a loop beats a fill() call; R,G,B CPIXELs are read inline.
   */
  private runs(d: Uint8Array, p: number, tw: number, th: number, out: Uint32Array, o: number, stride: number, rd: CpixelReader, at: number): number {
    const end = d.length
    const cb = rd.size
    const rgb = rd.rgb24 === true
    const pairs = this.pairView.over(out)
    // Pixels of the tile still to come; where the next one goes: column `col` of the row at `row`.
    let left = tw * th
    let col = 0
    let row = o
    while (left > 0) {
      if (end - p < cb) throw this.error('the zlib data ends inside a run', at)
      const colour = rgb ? d[p] | (d[p + 1] << 8) | (d[p + 2] << 16) | ALPHA : rd.one(d, p)
      p += cb
      let len = 1
      let b: number
      do {
        if (p >= end) throw this.error('the zlib data ends inside a run length', at)
        b = d[p++]
        len += b
        if (len > left) throw this.error(`a run of ${len} goes past the tile's ${left} remaining pixels`, at)
      } while (b === 255)
      left -= len
      // The rest of the current row, then whole rows, then the start of the next. Spans of 8 and
      // more are stored two pixels at a time through a Float64Array view of the same memory.
      if (len >= 8 && pairs) {
        const two = pairOf(colour)
        let span = tw - col
        while (len >= span) {
          fillPairs(out, pairs, row + col, row + tw, colour, two)
          len -= span
          row += stride
          col = 0
          span = tw
        }
        fillPairs(out, pairs, row + col, row + col + len, colour, two)
        col += len
        continue
      }
      let span = tw - col
      while (len >= span) {
        for (let k = row + col, e = row + tw; k < e; k++) out[k] = colour
        len -= span
        row += stride
        col = 0
        span = tw
      }
      for (let k = row + col, e = k + len; k < e; k++) out[k] = colour
      col += len
    }
    return p
  }
}
