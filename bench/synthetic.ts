import { Encoding } from '@shared/encodings'
import { RGBX8888 } from '../src/main/rfb/pixel-format'
import { encodePng } from '../src/main/rfb/png'
import { FBS_MAGIC, encodeFbsBlock } from '../src/main/rfb/record/fbs'
import { canonicalHandshake } from '../src/main/rfb/record/recorded-handshake'
import { crop, desktopFrame, prng } from '../test/helpers/desktop'

/** Encodings for which a synthetic desktop stream is generated. */
export type SyntheticEncoding = 'raw' | 'rre' | 'hextile' | 'tightpng'

/** A growable big-endian byte writer, fast enough for streams of tens of MB. */
export class Writer {
  buf = new Uint8Array(1 << 20)
  length = 0

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + n))
    grown.set(this.buf.subarray(0, this.length))
    this.buf = grown
  }

  u8(v: number): void {
    this.room(1)
    this.buf[this.length++] = v
  }

  u16(v: number): void {
    this.room(2)
    this.buf[this.length++] = v >> 8
    this.buf[this.length++] = v
  }

  u32(v: number): void {
    this.room(4)
    this.buf[this.length++] = v >>> 24
    this.buf[this.length++] = v >>> 16
    this.buf[this.length++] = v >>> 8
    this.buf[this.length++] = v
  }

  /** A pixel in RGBX8888 as servers send it: R, G, B, then a zero padding byte. */
  pixel(word: number): void {
    this.room(4)
    this.buf[this.length++] = word
    this.buf[this.length++] = word >>> 8
    this.buf[this.length++] = word >>> 16
    this.buf[this.length++] = 0
  }

  bytes(b: Uint8Array): void {
    this.room(b.length)
    this.buf.set(b, this.length)
    this.length += b.length
  }

  take(): Uint8Array {
    const out = this.buf.slice(0, this.length)
    this.length = 0
    return out
  }
}

export interface Area {
  x: number
  y: number
  w: number
  h: number
}

/** Horizontal runs of one colour, merged downwards while the same run repeats: [colour, x, y, w, h]. */
function runs(px: Uint32Array, stride: number, a: Area, skip: number | null): number[][] {
  const out: number[][] = []
  let open = new Map<number, number[]>()
  for (let y = 0; y < a.h; y++) {
    const next = new Map<number, number[]>()
    const row = (a.y + y) * stride + a.x
    for (let x = 0; x < a.w;) {
      const c = px[row + x]
      let e = x + 1
      while (e < a.w && px[row + e] === c) e++
      if (c !== skip) {
        const key = x * 65536 + (e - x)
        const prev = open.get(key)
        if (prev && prev[0] === c) {
          prev[4]++
          next.set(key, prev)
        } else {
          const run = [c, x, y, e - x, 1]
          out.push(run)
          next.set(key, run)
        }
      }
      x = e
    }
    open = next
  }
  return out
}

function mostCommon(px: Uint32Array, stride: number, a: Area): { colour: number; distinct: number } {
  const counts = new Map<number, number>()
  for (let y = 0; y < a.h; y++) {
    const row = (a.y + y) * stride + a.x
    for (let x = 0; x < a.w; x++) counts.set(px[row + x], (counts.get(px[row + x]) ?? 0) + 1)
  }
  let colour = 0
  let best = -1
  for (const [c, n] of counts) {
    if (n > best) {
      best = n
      colour = c
    }
  }
  return { colour, distinct: counts.size }
}

function writeRaw(out: Writer, px: Uint32Array, stride: number, a: Area): void {
  for (let y = 0; y < a.h; y++) for (let x = 0; x < a.w; x++) out.pixel(px[(a.y + y) * stride + a.x + x])
}

function writeRre(out: Writer, px: Uint32Array, stride: number, a: Area): void {
  const bg = mostCommon(px, stride, a).colour
  const subrects = runs(px, stride, a, bg)
  out.u32(subrects.length)
  out.pixel(bg)
  for (const [c, x, y, w, h] of subrects) {
    out.pixel(c)
    out.u16(x)
    out.u16(y)
    out.u16(w)
    out.u16(h)
  }
}

/**
 * Hextile (RFC 6143 §7.7.4) as a careful server writes it: colours are sent again after a raw
 * tile and the foreground after coloured subrects, where viewers' readings differ.
 */
function writeHextile(out: Writer, px: Uint32Array, stride: number, a: Area): void {
  let bg: number | null = null
  let fg: number | null = null
  for (let ty = 0; ty < a.h; ty += 16) {
    for (let tx = 0; tx < a.w; tx += 16) {
      const t: Area = { x: a.x + tx, y: a.y + ty, w: Math.min(16, a.w - tx), h: Math.min(16, a.h - ty) }
      const { colour, distinct } = mostCommon(px, stride, t)
      const rawBytes = t.w * t.h * 4
      if (distinct === 1) {
        if (colour === bg) out.u8(0)
        else {
          out.u8(0x02)
          out.pixel(colour)
          bg = colour
        }
        continue
      }
      const subrects = runs(px, stride, t, colour)
      const mono = distinct === 2
      const cost = 1 + subrects.length * (mono ? 2 : 6)
      if (subrects.length > 255 || cost >= rawBytes) {
        out.u8(0x01)
        writeRaw(out, px, stride, t)
        // After a raw tile the colours are undefined.
        bg = null
        fg = null
        continue
      }
      let flags = 0x08 | (mono ? 0 : 0x10)
      if (colour !== bg) flags |= 0x02
      if (mono && subrects[0][0] !== fg) flags |= 0x04
      out.u8(flags)
      if (flags & 0x02) out.pixel(colour)
      if (flags & 0x04) out.pixel(subrects[0][0])
      bg = colour
      // Viewers disagree on the foreground after coloured subrects (libvncclient and TigerVNC
      // take the last subrect's colour, noVNC keeps the old one), so never rely on it.
      fg = mono ? subrects[0][0] : null
      out.u8(subrects.length)
      for (const [c, x, y, w, h] of subrects) {
        if (!mono) out.pixel(c)
        out.u8((x << 4) | y)
        out.u8(((w - 1) << 4) | (h - 1))
      }
    }
  }
}

/** Rects covering every changed pixel: per band of 16 rows the changed columns, equal neighbours merged. */
function changedAreas(prev: Uint32Array, cur: Uint32Array, width: number, height: number): Area[] {
  const areas: Area[] = []
  for (let y = 0; y < height; y += 16) {
    const h = Math.min(16, height - y)
    let x0 = width
    let x1 = -1
    for (let r = y; r < y + h; r++) {
      const o = r * width
      for (let x = 0; x < width; x++) {
        if (prev[o + x] !== cur[o + x]) {
          if (x < x0) x0 = x
          if (x > x1) x1 = x
        }
      }
    }
    if (x1 < 0) continue
    const last = areas[areas.length - 1]
    if (last && last.y + last.h === y && last.x === x0 && last.w === x1 - x0 + 1) last.h += h
    else areas.push({ x: x0, y, w: x1 - x0 + 1, h })
  }
  return areas
}

/** QEMU ui/vnc.h: one dirty bit per 16 pixels of a row. */
const QEMU_DIRTY_PIXELS = 16

/**
 * The rects QEMU's vnc_update_client sends for a change: per row, the changed 16-pixel blocks;
 * each run of them taken from the first row where it starts, down through the rows below whose
 * first block of the run is dirty too (those rows' blocks in the run cleared).
 */
function qemuDirtyRects(prev: Uint32Array, cur: Uint32Array, width: number, height: number): Area[] {
  const cols = Math.ceil(width / QEMU_DIRTY_PIXELS)
  const dirty = new Uint8Array(cols * height)
  for (let y = 0; y < height; y++) {
    for (let i = y * width, e = i + width; i < e; i++) {
      if (prev[i] !== cur[i]) dirty[y * cols + Math.floor((i - y * width) / QEMU_DIRTY_PIXELS)] = 1
    }
  }
  const areas: Area[] = []
  for (let y = 0; y < height; y++) {
    const row = y * cols
    for (let c = 0; c < cols; c++) {
      if (!dirty[row + c]) continue
      let c2 = c
      while (c2 < cols && dirty[row + c2]) dirty[row + c2++] = 0
      let h = 1
      for (; y + h < height && dirty[(y + h) * cols + c]; h++) dirty.fill(0, (y + h) * cols + c, (y + h) * cols + c2)
      const x = c * QEMU_DIRTY_PIXELS
      areas.push({ x, y, w: Math.min(c2 * QEMU_DIRTY_PIXELS, width) - x, h })
      c = c2
    }
  }
  return areas
}

// QEMU ui/vnc-enc-tight.h: single-colour areas are looked for in 16x16 tiles, in rects of at
// least 4096 pixels, and sent on their own when at least 2048 pixels.
const QEMU_SPLIT_TILE = 16
const QEMU_MIN_SPLIT_RECT = 4096
const QEMU_MIN_SOLID_SUBRECT = 2048
// QEMU ui/vnc-enc-tight.c tight_conf at the default compression level 9: the largest other rect.
const QEMU_MAX_RECT_SIZE = 65536
const QEMU_MAX_RECT_WIDTH = 2048

export function rectHeader(out: Writer, a: Area, encoding: number): void {
  out.u16(a.x)
  out.u16(a.y)
  out.u16(a.w)
  out.u16(a.h)
  out.u32(encoding)
}

/** Tight's compact length (rfbproto "Tight Encoding"): 7 + 7 + 8 bits, low bits first. */
export function compactLength(out: Writer, n: number): void {
  if (n > 0x3fffff) throw new Error(`Tight data of ${n} bytes has no compact length`)
  if (n < 0x80) return out.u8(n)
  out.u8((n & 0x7f) | 0x80)
  if (n < 0x4000) return out.u8(n >> 7)
  out.u8(((n >> 7) & 0x7f) | 0x80)
  out.u8(n >> 14)
}

/**
 * TightPNG as QEMU's encoder (ui/vnc-enc-tight.c, lossless: no JPEG quality asked) splits and
 * sends one dirty rect: large single-colour areas (found in 16x16 tiles, then extended) as fill
 * rects (0x80 and an R,G,B TPIXEL), the rest in rects of at most 65536 pixels (1920x34 strips of
 * a full-width change) as fills when one colour, else PNG (0xA0, compact length, the file; made
 * by our encodePng, where QEMU's libpng writes a palette PNG for few colours). Returns the rects written.
 */
function writeTightPng(out: Writer, px: Uint32Array, stride: number, area: Area): number {
  const bytes = new Uint8Array(px.buffer, px.byteOffset, px.length * 4)
  /** The colour of the block if it has only one (and it is `want`, when given), else -1. */
  const solid = (x: number, y: number, w: number, h: number, want = -1): number => {
    const c = px[y * stride + x]
    if (want >= 0 && c !== want) return -1
    for (let r = y; r < y + h; r++) {
      for (let i = r * stride + x, e = i + w; i < e; i++) if (px[i] !== c) return -1
    }
    return c
  }
  const send = (x: number, y: number, w: number, h: number): number => {
    rectHeader(out, { x, y, w, h }, Encoding.TightPNG)
    const c = solid(x, y, w, h)
    if (c >= 0) {
      out.u8(0x80)
      out.u8(c & 0xff)
      out.u8((c >>> 8) & 0xff)
      out.u8((c >>> 16) & 0xff)
      return 1
    }
    const png = encodePng(w, h, crop(bytes, stride, x, y, w, h))
    out.u8(0xa0)
    compactLength(out, png.length)
    out.bytes(png)
    return 1
  }
  const simple = (x: number, y: number, w: number, h: number): number => {
    if (w <= QEMU_MAX_RECT_WIDTH && w * h <= QEMU_MAX_RECT_SIZE) return send(x, y, w, h)
    const subW = Math.min(w, QEMU_MAX_RECT_WIDTH)
    const subH = Math.floor(QEMU_MAX_RECT_SIZE / subW)
    let n = 0
    for (let dy = 0; dy < h; dy += subH) {
      for (let dx = 0; dx < w; dx += QEMU_MAX_RECT_WIDTH) n += send(x + dx, y + dy, Math.min(subW, w - dx), Math.min(subH, h - dy))
    }
    return n
  }
  /** The largest solid area of colour `c` growing right and down from (x, y) tile by tile. */
  const bestSolid = (x: number, y: number, w: number, h: number, c: number): Area => {
    let wPrev = w
    const best: Area = { x, y, w: 0, h: 0 }
    for (let dy = y; dy < y + h; dy += QEMU_SPLIT_TILE) {
      const dh = Math.min(QEMU_SPLIT_TILE, y + h - dy)
      if (solid(x, dy, Math.min(QEMU_SPLIT_TILE, wPrev), dh, c) < 0) break
      let dx = x + Math.min(QEMU_SPLIT_TILE, wPrev)
      while (dx < x + wPrev && solid(dx, dy, Math.min(QEMU_SPLIT_TILE, x + wPrev - dx), dh, c) >= 0) dx += QEMU_SPLIT_TILE
      wPrev = Math.min(dx, x + wPrev) - x
      if (wPrev * (dy + dh - y) > best.w * best.h) {
        best.w = wPrev
        best.h = dy + dh - y
      }
    }
    return best
  }
  /** Grows `b` row by row and column by column within `a` while it stays colour `c`. */
  const extend = (a: Area, b: Area, c: number): void => {
    let y0 = b.y
    while (y0 > a.y && solid(b.x, y0 - 1, b.w, 1, c) >= 0) y0--
    let y1 = b.y + b.h
    while (y1 < a.y + a.h && solid(b.x, y1, b.w, 1, c) >= 0) y1++
    b.y = y0
    b.h = y1 - y0
    let x0 = b.x
    while (x0 > a.x && solid(x0 - 1, b.y, 1, b.h, c) >= 0) x0--
    let x1 = b.x + b.w
    while (x1 < a.x + a.w && solid(x1, b.y, 1, b.h, c) >= 0) x1++
    b.x = x0
    b.w = x1 - x0
  }
  const update = (x: number, y: number, w: number, h: number): number => {
    if (w * h < QEMU_MIN_SPLIT_RECT) return simple(x, y, w, h)
    const maxRows = Math.floor(QEMU_MAX_RECT_SIZE / Math.min(QEMU_MAX_RECT_WIDTH, w))
    let n = 0
    for (let dy = y; dy < y + h; dy += QEMU_SPLIT_TILE) {
      // A rect growing too tall without a solid area: its upper part goes now.
      if (dy - y >= maxRows) {
        n += simple(x, y, w, maxRows)
        y += maxRows
        h -= maxRows
      }
      const dh = Math.min(QEMU_SPLIT_TILE, y + h - dy)
      for (let dx = x; dx < x + w; dx += QEMU_SPLIT_TILE) {
        const c = solid(dx, dy, Math.min(QEMU_SPLIT_TILE, x + w - dx), dh)
        if (c < 0) continue
        const b = bestSolid(dx, dy, w - (dx - x), h - (dy - y), c)
        if (b.w * b.h !== w * h && b.w * b.h < QEMU_MIN_SOLID_SUBRECT) continue
        extend({ x, y, w, h }, b, c)
        if (b.y !== y) n += simple(x, y, w, b.y - y)
        if (b.x !== x) n += update(x, b.y, b.x - x, b.h)
        n += send(b.x, b.y, b.w, b.h)
        if (b.x + b.w !== x + w) n += update(b.x + b.w, b.y, x + w - b.x - b.w, b.h)
        if (b.y + b.h !== y + h) n += update(x, b.y + b.h, w, y + h - b.y - b.h)
        return n
      }
    }
    return n + simple(x, y, w, h)
  }
  return update(area.x, area.y, area.w, area.h)
}

/** How one encoding's updates are made. */
interface SyntheticEncoder {
  /** The rects to send for what changed between two frames, as such a server finds them. */
  areas: (prev: Uint32Array, cur: Uint32Array, width: number, height: number) => Area[]
  /** Writes one area as rects (headers and data); returns how many. */
  write: (out: Writer, px: Uint32Array, stride: number, a: Area) => number
}

/** One rect per area: header, then the encoding's data. */
function oneRect(encoding: number, body: (out: Writer, px: Uint32Array, stride: number, a: Area) => void): SyntheticEncoder['write'] {
  return (out, px, stride, a) => {
    rectHeader(out, a, encoding)
    body(out, px, stride, a)
    return 1
  }
}

const ENCODERS: Record<SyntheticEncoding, SyntheticEncoder> = {
  raw: { areas: changedAreas, write: oneRect(Encoding.Raw, writeRaw) },
  rre: { areas: changedAreas, write: oneRect(Encoding.RRE, writeRre) },
  hextile: { areas: changedAreas, write: oneRect(Encoding.Hextile, writeHextile) },
  tightpng: { areas: qemuDirtyRects, write: writeTightPng },
}

/** Writes one FramebufferUpdate per FBS block, after the canonical handshake block. */
export function recordingWriter(encoding: SyntheticEncoding, width: number, height: number, name: string) {
  const { areas: changes, write } = ENCODERS[encoding]
  const out = new Writer()
  const blocks: Buffer[] = [Buffer.from(FBS_MAGIC, 'latin1')]
  let t = 0
  const handshake = canonicalHandshake({ width, height, pixelFormat: RGBX8888, name }, RGBX8888)
  blocks.push(encodeFbsBlock(handshake, t))
  const update = (px: Uint32Array, areas: Area[]): void => {
    out.u8(0)
    out.u8(0)
    const count = out.length
    out.u16(0)
    let n = 0
    for (const a of areas) n += write(out, px, width, a)
    if (n > 0xffff) throw new Error(`${n} rects do not fit in one FramebufferUpdate`)
    out.buf[count] = n >> 8
    out.buf[count + 1] = n
    blocks.push(encodeFbsBlock(out.take(), (t += 40)))
  }
  const wordsOf = (variant: number): Uint32Array => {
    const b = desktopFrame(width, height, variant)
    return new Uint32Array(b.buffer, b.byteOffset, width * height)
  }
  return { changes, update, wordsOf, finish: (): Uint8Array => Buffer.concat(blocks) }
}

/**
 * A 1920x1080 (by default) desktop-like session as an FBS recording in RGBX8888: a full first
 * frame, then alternately new window layouts and bursts of "typing" (a 16-row band of text
 * changing at a time), each update carrying only the changed areas (for TightPNG, the rects
 * QEMU would send: see {@link qemuDirtyRects} and {@link writeTightPng}). Deterministic.
 */
export function syntheticRecording(encoding: SyntheticEncoding, width = 1920, height = 1080, layouts = 4): Uint8Array {
  const { changes, update, wordsOf, finish } = recordingWriter(encoding, width, height, `synthetic ${encoding}`)
  let screen = wordsOf(0)
  update(screen, [{ x: 0, y: 0, w: width, h: height }])
  for (let v = 1; v <= layouts; v++) {
    const next = wordsOf(v)
    // Typing: the next layout's text appears band by band in the current one, 12 small updates.
    const left = Math.floor(width / 4)
    const span = Math.floor(width / 2)
    for (let k = 0; k < 12; k++) {
      const typed = screen.slice()
      const y = (128 + k * 64) % (height - 16)
      for (let r = 0; r < 16; r++) {
        const o = (y + r) * width + left
        typed.set(next.subarray(o, o + span), o)
      }
      const areas = changes(screen, typed, width, height)
      screen = typed
      if (areas.length) update(screen, areas)
    }
    const areas = changes(screen, next, width, height)
    screen = next
    if (areas.length) update(screen, areas)
  }
  return finish()
}

/**
 * A busy desktop as an FBS recording in RGBX8888, one FramebufferUpdate per block: a full first
 * frame, then every update a new window layout (most of the screen changes), the last one back
 * to the first layout. Replaying updates 1..n in a loop therefore keeps the picture right, and
 * with a stateless encoding (Raw, RRE, Hextile) any update can follow any other on the wire.
 * Deterministic.
 */
export function busyRecording(encoding: SyntheticEncoding, width = 1920, height = 1080, layouts = 6): Uint8Array {
  const { changes, update, wordsOf, finish } = recordingWriter(encoding, width, height, `busy ${encoding}`)
  const frames = Array.from({ length: layouts }, (_, v) => wordsOf(v))
  update(frames[0], [{ x: 0, y: 0, w: width, h: height }])
  for (let v = 1; v <= layouts; v++) {
    const prev = frames[v - 1]
    const next = frames[v % layouts]
    update(next, changes(prev, next, width, height))
  }
  return finish()
}

/**
 * Full-screen motion as an FBS recording in RGBX8888, one FramebufferUpdate per block: `frames`
 * frames of a moving colour field with a little noise (as video looks: nearly every 16x16 tile
 * holds many colours, so Hextile sends most tiles raw), each update the whole screen in one rect.
 * Update 0 is the first frame; updates 1..frames end on frame 0 again, so a looped replay from
 * update 1 never jumps. Deterministic.
 */
export function motionRecording(encoding: 'raw' | 'hextile', width = 1920, height = 1080, frames = 12): Uint8Array {
  const { update, finish } = recordingWriter(encoding, width, height, `motion ${encoding}`)
  const all = [{ x: 0, y: 0, w: width, h: height }]
  const rnd = prng(99)
  const noise = Uint8Array.from({ length: 4096 }, () => (rnd() * 12) | 0)
  const frame = (t: number): Uint32Array => {
    const px = new Uint32Array(width * height)
    const phase = (t / frames) * 2 * Math.PI
    for (let y = 0; y < height; y++) {
      const sy = Math.sin(y / 97 + phase)
      for (let x = 0; x < width; x++) {
        const v = Math.sin(x / 131 - phase) + sy + Math.sin((x + y) / 173 + 2 * phase)
        const n = noise[(x * 7 + y * 13 + t * 31) & 4095]
        const r = (128 + 40 * v + n) & 255
        const g = (128 + 40 * Math.sin(v + phase) + n) & 255
        const b = (128 - 40 * v + n) & 255
        px[y * width + x] = r | (g << 8) | (b << 16)
      }
    }
    return px
  }
  update(frame(0), all)
  for (let t = 1; t <= frames; t++) update(frame(t % frames), all)
  return finish()
}
