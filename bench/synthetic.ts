import { Encoding } from '@shared/encodings'
import { RGBX8888 } from '../src/main/rfb/pixel-format'
import { FBS_MAGIC, encodeFbsBlock } from '../src/main/rfb/record/fbs'
import { canonicalHandshake } from '../src/main/rfb/record/recorded-handshake'
import { desktopFrame } from '../test/helpers/desktop'

/** Encodings for which a synthetic desktop stream is generated. */
export type SyntheticEncoding = 'raw' | 'rre' | 'hextile'

/** A growable big-endian byte writer, fast enough for streams of tens of MB. */
class Writer {
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

  take(): Uint8Array {
    const out = this.buf.slice(0, this.length)
    this.length = 0
    return out
  }
}

interface Area {
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

const ENCODERS: Record<SyntheticEncoding, [number, (out: Writer, px: Uint32Array, stride: number, a: Area) => void]> = {
  raw: [Encoding.Raw, writeRaw],
  rre: [Encoding.RRE, writeRre],
  hextile: [Encoding.Hextile, writeHextile],
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

/**
 * A 1920x1080 (by default) desktop-like session as an FBS recording in RGBX8888: a full first
 * frame, then alternately new window layouts and bursts of "typing" (a 16-row band of text
 * changing at a time), each update carrying only the changed areas. Deterministic.
 */
export function syntheticRecording(encoding: SyntheticEncoding, width = 1920, height = 1080, layouts = 4): Uint8Array {
  const [code, write] = ENCODERS[encoding]
  const out = new Writer()
  const blocks: Buffer[] = [Buffer.from(FBS_MAGIC, 'latin1')]
  let t = 0
  const handshake = canonicalHandshake({ width, height, pixelFormat: RGBX8888, name: `synthetic ${encoding}` }, RGBX8888)
  blocks.push(encodeFbsBlock(handshake, t))
  const update = (px: Uint32Array, areas: Area[]): void => {
    out.u8(0)
    out.u8(0)
    out.u16(areas.length)
    for (const a of areas) {
      out.u16(a.x)
      out.u16(a.y)
      out.u16(a.w)
      out.u16(a.h)
      out.u32(code)
      write(out, px, width, a)
    }
    blocks.push(encodeFbsBlock(out.take(), (t += 40)))
  }
  const wordsOf = (variant: number): Uint32Array => {
    const b = desktopFrame(width, height, variant)
    return new Uint32Array(b.buffer, b.byteOffset, width * height)
  }
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
      const areas = changedAreas(screen, typed, width, height)
      screen = typed
      if (areas.length) update(screen, areas)
    }
    const areas = changedAreas(screen, next, width, height)
    screen = next
    if (areas.length) update(screen, areas)
  }
  return Buffer.concat(blocks)
}
