// Generates well-formed server streams for every encoding and message the engine handles, so
// mutations start from bytes that get deep into each decoder rather than failing at the first check.
import { Encoding } from '@shared/encodings'
import jpeg from 'jpeg-js'
import { Deflate, Z_SYNC_FLUSH, deflate } from 'pako'
import { tpixelSize } from '../../src/main/rfb/decoders/tight'
import { PixelConverter } from '../../src/main/rfb/pixel-converter'
import { PIXEL_FORMATS, type PixelFormat, writePixelFormat } from '../../src/main/rfb/pixel-format'
import { encodePng } from '../../src/main/rfb/png'
import type { Rng } from './rng'
import { type Field, Writer } from './writer'

/** A generated or recorded server stream: RFB 3.3 with security None, ServerInit, then messages. */
export interface FuzzCase {
  label: string
  stream: Uint8Array
  /** Length and count fields of generated messages (none for recordings). */
  fields: Field[]
  /** Where the messages start (after ServerInit). */
  handshakeEnd: number
}

const COLOUR_MAP_8: PixelFormat = {
  bitsPerPixel: 8,
  depth: 8,
  bigEndian: false,
  trueColour: false,
  redMax: 0,
  greenMax: 0,
  blueMax: 0,
  redShift: 0,
  greenShift: 0,
  blueShift: 0,
}
const COLOUR_MAP_16: PixelFormat = { ...COLOUR_MAP_8, bitsPerPixel: 16, depth: 16, bigEndian: true }
const BGR888_BE_24: PixelFormat = { ...PIXEL_FORMATS.rgb888, bigEndian: true, redShift: 0, greenShift: 8, blueShift: 16 }

/** Server pixel formats a replay may declare: the engine's own, the reduced ones, big-endian and colour maps. */
export const FORMATS: readonly PixelFormat[] = [
  PIXEL_FORMATS.rgb888,
  PIXEL_FORMATS.rgb888be,
  PIXEL_FORMATS.rgb565,
  PIXEL_FORMATS.bgr233,
  COLOUR_MAP_8,
  COLOUR_MAP_16,
  BGR888_BE_24,
]

/** Every rect encoding the generator can produce; pixel encodings first. */
export const GENERATED_ENCODINGS: readonly number[] = [
  Encoding.Raw,
  Encoding.CopyRect,
  Encoding.RRE,
  Encoding.CoRRE,
  Encoding.Hextile,
  Encoding.Zlib,
  Encoding.Tight,
  Encoding.ZlibHex,
  Encoding.ZRLE,
  Encoding.ZYWRLE,
  Encoding.JPEG,
  Encoding.TightPNG,
  Encoding.Cursor,
  Encoding.XCursor,
  Encoding.DesktopSize,
  Encoding.ExtendedDesktopSize,
  Encoding.DesktopName,
  Encoding.PointerPos,
  Encoding.QEMULedState,
  Encoding.VMwareLedState,
  Encoding.QEMUExtendedKeyEvent,
  Encoding.ExtendedMouseButtons,
]

/** A persistent deflate stream, sync-flushed per push as servers do. */
class Deflater {
  private d = new Deflate({ level: 6 })
  private out: Uint8Array[] = []

  constructor() {
    this.d.onData = (c: Uint8Array) => this.out.push(c)
  }

  push(data: Uint8Array): Uint8Array {
    this.out = []
    this.d.push(data, Z_SYNC_FLUSH)
    return Buffer.concat(this.out)
  }
}

/** Tight's compact length: 7 + 7 + 8 bits, low first. */
function compactLength(n: number): number[] {
  if (n < 0x80) return [n]
  if (n < 0x4000) return [(n & 0x7f) | 0x80, n >> 7]
  return [(n & 0x7f) | 0x80, ((n >> 7) & 0x7f) | 0x80, n >> 14]
}

/** Produces the messages of one synthetic session; compressed encodings keep their streams. */
export class Generator {
  private width: number
  private height: number
  private readonly streams = new Map<string, Deflater>()
  private readonly px: PixelConverter
  private readonly bpp: number
  private readonly palette: Uint8Array[]

  constructor(
    private readonly rng: Rng,
    readonly pf: PixelFormat,
    width: number,
    height: number,
  ) {
    this.width = width
    this.height = height
    this.px = new PixelConverter(pf.trueColour ? pf : { ...PIXEL_FORMATS.rgb888 })
    this.bpp = pf.bitsPerPixel >> 3
    // A few colours, so compressed data compresses and palettes have repeats.
    this.palette = Array.from({ length: 6 }, () => this.randomPixel())
  }

  private stream(name: string): Deflater {
    let s = this.streams.get(name)
    if (!s) this.streams.set(name, (s = new Deflater()))
    return s
  }

  private randomPixel(): Uint8Array {
    const b = new Uint8Array(this.bpp)
    if (!this.pf.trueColour) {
      b[this.bpp - 1] = this.rng.int(256)
      return b
    }
    const pf = this.pf
    const v =
      this.rng.int(pf.redMax + 1) * 2 ** pf.redShift + this.rng.int(pf.greenMax + 1) * 2 ** pf.greenShift + this.rng.int(pf.blueMax + 1) * 2 ** pf.blueShift
    for (let i = 0; i < this.bpp; i++) b[pf.bigEndian ? this.bpp - 1 - i : i] = Math.floor(v / 2 ** (8 * i)) & 0xff
    return b
  }

  private pixel(): Uint8Array {
    return this.rng.chance(0.8) ? this.rng.pick(this.palette) : this.randomPixel()
  }

  private pixels(n: number): Uint8Array {
    const out = new Uint8Array(n * this.bpp)
    for (let i = 0; i < n; i++) out.set(this.pixel(), i * this.bpp)
    return out
  }

  /** A CPIXEL (ZRLE): the pixel's low three bytes when the colour fits in them. */
  private cpixelSize(): number {
    return this.px.cpixelBytes === 3 && this.pf.trueColour ? 3 : this.bpp
  }

  private cpixel(): Uint8Array {
    const p = this.pixel()
    if (this.cpixelSize() === this.bpp) return p
    return this.pf.bigEndian ? p.subarray(1) : p.subarray(0, 3)
  }

  private tpixel(): Uint8Array {
    const n = tpixelSize(this.pf)
    return n === 3 ? Uint8Array.of(this.rng.int(256), this.rng.int(256), this.rng.int(256)) : this.pixel()
  }

  private rect(maxW = 96, maxH = 96): { x: number; y: number; w: number; h: number } {
    const w = this.rng.range(this.rng.chance(0.05) ? 0 : 1, Math.max(1, Math.min(this.width, maxW)))
    const h = this.rng.range(this.rng.chance(0.05) ? 0 : 1, Math.max(1, Math.min(this.height, maxH)))
    return { x: this.rng.int(Math.max(1, this.width - w + 1)), y: this.rng.int(Math.max(1, this.height - h + 1)), w, h }
  }

  private header(out: Writer, r: { x: number; y: number; w: number; h: number }, encoding: number): void {
    out.u16(r.x, 'rect x').u16(r.y, 'rect y').u16(r.w, 'rect width').u16(r.h, 'rect height').s32(encoding)
  }

  /** One FramebufferUpdate of 1-4 rects in random encodings (or the given one). */
  update(encoding?: number): Writer {
    const n = this.rng.range(1, 4)
    const useLast = this.rng.chance(0.1)
    const out = new Writer()
      .u8(0)
      .u8(0)
      .u16(useLast ? 0xffff : n, 'rect count')
    for (let i = 0; i < n; i++) this.rectInto(out, encoding ?? this.rng.pick(GENERATED_ENCODINGS))
    if (useLast) this.header(out, { x: 0, y: 0, w: 0, h: 0 }, Encoding.LastRect)
    return out
  }

  private rectInto(out: Writer, encoding: number): void {
    switch (encoding) {
      case Encoding.Raw: {
        const r = this.rect()
        this.header(out, r, encoding)
        out.bytes(this.pixels(r.w * r.h))
        return
      }
      case Encoding.CopyRect: {
        const r = this.rect()
        this.header(out, r, encoding)
        out.u16(this.rng.int(Math.max(1, this.width - r.w + 1)), 'copyrect src x').u16(this.rng.int(Math.max(1, this.height - r.h + 1)), 'copyrect src y')
        return
      }
      case Encoding.RRE:
      case Encoding.CoRRE: {
        const narrow = encoding === Encoding.CoRRE
        const r = this.rect(narrow ? 255 : 96, narrow ? 255 : 96)
        this.header(out, r, encoding)
        // The engine refuses more subrects than pixels (no encoder sends that many).
        const n = this.rng.range(0, Math.min(6, r.w * r.h))
        out.u32(n, 'subrect count').bytes(this.pixel())
        for (let i = 0; i < n; i++) {
          const sw = this.rng.range(1, r.w)
          const sh = this.rng.range(1, r.h)
          const sx = this.rng.int(r.w - sw + 1)
          const sy = this.rng.int(r.h - sh + 1)
          out.bytes(this.pixel())
          if (narrow) out.u8(sx).u8(sy).u8(sw).u8(sh)
          else out.u16(sx).u16(sy).u16(sw).u16(sh)
        }
        return
      }
      case Encoding.Hextile:
      case Encoding.ZlibHex: {
        const r = this.rect()
        this.header(out, r, encoding)
        this.hextile(out, r.w, r.h, encoding === Encoding.ZlibHex)
        return
      }
      case Encoding.Zlib: {
        const r = this.rect()
        this.header(out, r, encoding)
        const data = this.stream('zlib').push(this.pixels(r.w * r.h))
        out.u32(data.length, 'zlib length').bytes(data)
        return
      }
      case Encoding.Tight:
      case Encoding.TightPNG: {
        const r = this.rect()
        this.header(out, r, encoding)
        this.tight(out, r.w, r.h, encoding === Encoding.TightPNG)
        return
      }
      case Encoding.ZRLE:
      case Encoding.ZYWRLE: {
        const r = this.rect(160, 160)
        this.header(out, r, encoding)
        const zywrle = encoding === Encoding.ZYWRLE
        const tiles = new Writer()
        for (let ty = 0; ty < r.h; ty += 64) {
          for (let tx = 0; tx < r.w; tx += 64) this.zrleTile(tiles, Math.min(64, r.w - tx), Math.min(64, r.h - ty), zywrle)
        }
        const data = this.stream(zywrle ? 'zywrle' : 'zrle').push(tiles.build())
        out.u32(data.length, 'zrle length').bytes(data)
        return
      }
      case Encoding.JPEG: {
        const r = this.rect(48, 48)
        if (r.w === 0 || r.h === 0) r.w = r.h = 1
        this.header(out, r, encoding)
        out.bytes(this.jpeg(r.w, r.h))
        return
      }
      case Encoding.Cursor: {
        const w = this.rng.range(0, 24)
        const h = this.rng.range(0, 24)
        this.header(out, { x: this.rng.int(Math.max(1, w)), y: this.rng.int(Math.max(1, h)), w, h }, encoding)
        out.bytes(this.pixels(w * h)).bytes(this.rng.bytes(((w + 7) >> 3) * h))
        return
      }
      case Encoding.XCursor: {
        const w = this.rng.range(0, 24)
        const h = this.rng.range(0, 24)
        this.header(out, { x: 0, y: 0, w, h }, encoding)
        if (w > 0 && h > 0) out.bytes(this.rng.bytes(6 + 2 * ((w + 7) >> 3) * h))
        return
      }
      case Encoding.DesktopSize: {
        this.width = this.rng.range(1, 320)
        this.height = this.rng.range(1, 240)
        this.header(out, { x: 0, y: 0, w: this.width, h: this.height }, encoding)
        return
      }
      case Encoding.ExtendedDesktopSize: {
        const status = this.rng.chance(0.8) ? 0 : this.rng.range(1, 4)
        const w = this.rng.range(1, 320)
        const h = this.rng.range(1, 240)
        if (status === 0) {
          this.width = w
          this.height = h
        }
        this.header(out, { x: this.rng.int(3), y: status, w, h }, encoding)
        const n = this.rng.range(0, 3)
        out.u8(n, 'screen count').u8(0).u16(0)
        for (let i = 0; i < n; i++)
          out
            .u32(i + 1)
            .u16(0)
            .u16(0)
            .u16(w)
            .u16(h)
            .u32(0)
        return
      }
      case Encoding.DesktopName: {
        this.header(out, { x: 0, y: 0, w: 0, h: 0 }, encoding)
        const name = Buffer.from(`désk ${this.rng.int(1000)}`, 'utf8')
        out.u32(name.length, 'name length').bytes(name)
        return
      }
      case Encoding.QEMULedState:
        this.header(out, { x: 0, y: 0, w: 0, h: 0 }, encoding)
        out.u8(this.rng.int(8))
        return
      case Encoding.VMwareLedState:
        this.header(out, { x: 0, y: 0, w: 0, h: 0 }, encoding)
        out.u32(this.rng.int(8))
        return
      case Encoding.PointerPos:
        this.header(out, { x: this.rng.int(this.width), y: this.rng.int(this.height), w: 0, h: 0 }, encoding)
        return
      default:
        // LastRect, QEMUExtendedKeyEvent, ExtendedMouseButtons: the header is all.
        this.header(out, { x: 0, y: 0, w: 0, h: 0 }, encoding)
    }
  }

  private hextile(out: Writer, w: number, h: number, zlib: boolean): void {
    let bgGiven = false
    for (let ty = 0; ty < h; ty += 16) {
      for (let tx = 0; tx < w; tx += 16) {
        const tw = Math.min(16, w - tx)
        const th = Math.min(16, h - ty)
        // 0 raw, 1 background only, 2 bg+fg+subrects, 3 bg+coloured subrects, 4 bg and zero subrects,
        // 5 earlier background with foreground subrects, 6 earlier background alone.
        const kind = this.rng.int(bgGiven ? 7 : 5)
        if (kind === 0) {
          const raw = this.pixels(tw * th)
          if (zlib && this.rng.chance(0.5)) {
            const data = this.stream('zlibhex raw').push(raw)
            out.u8(32).u16(data.length, 'zlibhex length').bytes(data)
          } else out.u8(1).bytes(raw)
          continue
        }
        const body = new Writer()
        let mask = 0
        if (kind <= 4) {
          mask |= 2
          body.bytes(this.pixel())
          bgGiven = true
        }
        if (kind === 2 || kind === 5) {
          mask |= 4
          body.bytes(this.pixel())
        }
        if (kind >= 2 && kind <= 5) {
          const coloured = kind === 3
          mask |= 8 | (coloured ? 16 : 0)
          const n = kind === 4 ? 0 : this.rng.range(1, 8)
          body.u8(n, 'hextile subrects')
          for (let i = 0; i < n; i++) {
            if (coloured) body.bytes(this.pixel())
            const sw = this.rng.range(1, tw)
            const sh = this.rng.range(1, th)
            body.u8((this.rng.int(tw - sw + 1) << 4) | this.rng.int(th - sh + 1)).u8(((sw - 1) << 4) | (sh - 1))
          }
        }
        if (zlib && this.rng.chance(0.5)) {
          const data = this.stream('zlibhex hex').push(body.build())
          out
            .u8(64 | mask)
            .u16(data.length, 'zlibhex length')
            .bytes(data)
        } else out.u8(mask).append(body)
      }
    }
  }

  private tight(out: Writer, w: number, h: number, png: boolean): void {
    const tb = tpixelSize(this.pf)
    const kind = this.rng.int(png ? 7 : 6)
    const id = this.rng.int(4)
    // Reset bits make the decoder start those streams afresh; the encoder follows. The stream
    // this rect uses may be reset too: its data then starts a new zlib stream.
    const reset = this.rng.chance(0.1) ? this.rng.int(16) : 0
    for (let i = 0; i < 4; i++) if (reset & (1 << i)) this.streams.delete(`${png ? 'tightpng' : 'tight'} ${i}`)
    if (kind === 0) {
      out.u8(0x80 | reset).bytes(this.tpixel())
      return
    }
    if (kind === 1 && w > 0 && h > 0) {
      const img = this.jpeg(w, h)
      out
        .u8(0x90 | reset)
        .bytes(compactLength(img.length))
        .bytes(img)
      return
    }
    if (kind === 6) {
      const rgba = this.rng.bytes(Math.max(1, w) * Math.max(1, h) * 4)
      const img = encodePng(Math.max(1, w), Math.max(1, h), rgba)
      out
        .u8(0xa0 | reset)
        .bytes(compactLength(img.length))
        .bytes(img)
      return
    }
    let filter = -1
    let data: Uint8Array
    let header: number[] = []
    if (kind === 2 || this.pf.bitsPerPixel === 8 || !this.pf.trueColour) {
      data = new Uint8Array(w * h * tb)
      for (let i = 0; i < w * h; i++) data.set(this.tpixel(), i * tb)
      if (this.rng.chance(0.5)) filter = 0
    } else if (kind === 3 || kind === 4) {
      const n = kind === 3 ? 2 : this.rng.range(3, 16)
      filter = 1
      header = [n - 1]
      for (let i = 0; i < n; i++) header.push(...this.tpixel())
      data = n === 2 ? this.rng.bytes(((w + 7) >> 3) * h) : Uint8Array.from({ length: w * h }, () => this.rng.int(n))
    } else {
      filter = 2
      data = this.rng.bytes(w * h * tb)
    }
    out.u8(((filter >= 0 ? 4 | id : id) << 4) | reset)
    if (filter >= 0) out.u8(filter)
    out.bytes(header)
    if (data.length < 12) {
      out.bytes(data)
      return
    }
    const z = this.stream(`${png ? 'tightpng' : 'tight'} ${id}`).push(data)
    out.bytes(compactLength(z.length)).bytes(z)
  }

  private zrleTile(out: Writer, tw: number, th: number, zywrle: boolean): void {
    const n = tw * th
    const kind = this.rng.int(5)
    if (kind === 0) {
      out.u8(0)
      if (zywrle && this.pf.bitsPerPixel !== 8) {
        // The wavelet coefficients arrive as a nested tile; a one-colour one is the simplest.
        out.u8(1).bytes(this.cpixel())
        return
      }
      for (let i = 0; i < n; i++) out.bytes(this.cpixel())
    } else if (kind === 1) {
      out.u8(1).bytes(this.cpixel())
    } else if (kind === 2) {
      const size = this.rng.range(2, 16)
      out.u8(size)
      for (let i = 0; i < size; i++) out.bytes(this.cpixel())
      const bits = size === 2 ? 1 : size <= 4 ? 2 : 4
      const row = (tw * bits + 7) >> 3
      for (let r = 0; r < th; r++) {
        const bytes = new Uint8Array(row)
        for (let c = 0; c < tw; c++) bytes[(c * bits) >> 3] |= this.rng.int(size) << (8 - bits - ((c * bits) & 7))
        out.bytes(bytes)
      }
    } else if (kind === 3) {
      out.u8(128)
      for (let left = n; left > 0;) {
        const len = Math.min(left, this.rng.range(1, 300))
        out.bytes(this.cpixel())
        let l = len - 1
        while (l >= 255) {
          out.u8(255)
          l -= 255
        }
        out.u8(l)
        left -= len
      }
    } else {
      const size = this.rng.range(2, 127)
      out.u8(128 | size)
      for (let i = 0; i < size; i++) out.bytes(this.cpixel())
      for (let left = n; left > 0;) {
        const len = Math.min(left, this.rng.range(1, 300))
        const idx = this.rng.int(size)
        if (len === 1) out.u8(idx)
        else {
          out.u8(128 | idx)
          let l = len - 1
          while (l >= 255) {
            out.u8(255)
            l -= 255
          }
          out.u8(l)
        }
        left -= len
      }
    }
  }

  private jpeg(w: number, h: number): Uint8Array {
    const data = Buffer.alloc(w * h * 4)
    for (let i = 0; i < data.length; i += 4) {
      data[i] = (i * 7) & 0xff
      data[i + 1] = this.rng.int(256)
      data[i + 2] = (i >> 5) & 0xff
      data[i + 3] = 255
    }
    return Uint8Array.from(jpeg.encode({ data, width: w, height: h }, this.rng.range(10, 95)).data)
  }

  /** Any server message, FramebufferUpdate most often. */
  message(): Writer {
    const roll = this.rng.int(20)
    if (roll < 12) return this.update()
    const out = new Writer()
    switch (roll) {
      case 12: {
        const count = this.rng.range(0, 20)
        out.u8(1).u8(0).u16(this.rng.int(300), 'colour map first').u16(count, 'colour map count')
        for (let i = 0; i < count * 3; i++) out.u16(this.rng.int(65536))
        return out
      }
      case 13:
        return out.u8(2)
      case 14: {
        const text = Buffer.from(`clip ${this.rng.int(1e6)} \u00e9`, 'latin1')
        return out.u8(3).u8(0).u16(0).u32(text.length, 'cut text length').bytes(text)
      }
      case 15:
        return this.extendedClipboard(out)
      case 16:
        return out.u8(150)
      case 17: {
        const n = this.rng.range(0, 8)
        return out
          .u8(248)
          .u8(0)
          .u16(0)
          .u32(this.rng.pick([0, 0x80000000, 0x80000007, 7]))
          .u8(n, 'fence length')
          .bytes(this.rng.bytes(n))
      }
      case 18:
        return out.u8(250).u8(0).u8(1).u8(this.rng.int(2))
      default:
        return this.update(this.rng.pick([Encoding.Tight, Encoding.ZRLE, Encoding.Hextile]))
    }
  }

  private extendedClipboard(out: Writer): Writer {
    const payload = new Writer()
    const kind = this.rng.int(4)
    if (kind === 0) payload.u32(0x01000000 | 0x3e000000 | 1).u32(this.rng.int(100000), 'clipboard caps size')
    else if (kind === 1) {
      const text = Buffer.from(`provided ${this.rng.int(1e6)}\r\nline\0`, 'utf8')
      const inner = new Writer().u32(text.length, 'clipboard text size').bytes(text).build()
      payload.u32(0x10000000 | 1).bytes(deflate(inner))
    } else payload.u32(this.rng.pick([0x08000000, 0x02000000, 0x04000000]) | 1)
    const body = payload.build()
    out.u8(3).u8(0).u16(0).s32(-body.length, 'extended clipboard length')
    return out.append(payload)
  }
}

/** The canonical replay handshake: RFB 3.3, security None, ServerInit. */
export function handshake(pf: PixelFormat, width: number, height: number, name: string): Writer {
  const pfBytes = new Uint8Array(16)
  writePixelFormat(pf, pfBytes)
  const nameBytes = Buffer.from(name, 'utf8')
  return new Writer()
    .text('RFB 003.003\n')
    .u32(1)
    .u16(width, 'init width')
    .u16(height, 'init height')
    .bytes(pfBytes)
    .u32(nameBytes.length, 'init name length')
    .bytes(nameBytes)
}

/** One synthetic session: a random format and size, then 1-12 messages. */
export function generateCase(rng: Rng, encoding?: number): FuzzCase {
  const pf = rng.pick(FORMATS)
  const width = rng.range(1, 320)
  const height = rng.range(1, 240)
  const out = handshake(pf, width, height, 'fuzz')
  const handshakeEnd = out.length
  const gen = new Generator(rng, pf, width, height)
  const n = rng.range(1, 12)
  for (let i = 0; i < n; i++) out.append(encoding !== undefined && i === 0 ? gen.update(encoding) : gen.message())
  return {
    label: `generated ${pf.bitsPerPixel}bpp${pf.trueColour ? '' : ' colour-map'} ${width}x${height}`,
    stream: out.build(),
    fields: out.fields,
    handshakeEnd,
  }
}

/**
 * Streams that are valid but ask for as much memory or work as the engine's limits allow: the
 * largest framebuffer, resizes back and forth, zlib bombs filling the largest rect. They show
 * what a hostile server can make a viewer hold, which the memory ceiling then judges.
 */
export function hostileCase(rng: Rng): FuzzCase {
  const pf = PIXEL_FORMATS.rgb888
  const kind = rng.int(4)
  const side = rng.pick([16384, 16383, 8192, 4096])
  const big = kind === 0
  const out = handshake(pf, big ? side : 64, big ? rng.pick([side, 1, 4096]) : 48, 'hostile')
  const handshakeEnd = out.length
  const gen = new Generator(rng, pf, 64, 48)
  if (kind === 1) {
    // Resize to the largest allowed and back, several times.
    const n = rng.range(2, 6)
    out.u8(0).u8(0).u16(n, 'rect count')
    for (let i = 0; i < n; i++)
      out
        .u16(0)
        .u16(0)
        .u16(i % 2 ? 1 : side, 'resize width')
        .u16(i % 2 ? 1 : side, 'resize height')
        .s32(Encoding.DesktopSize)
  } else if (kind === 2 || kind === 3) {
    // A resize, then one rect covering it whose zlib data inflates as far as the rect allows.
    const w = rng.pick([side, 4096, 2048])
    const h = rng.pick([side, 2048, 1024])
    out.u8(0).u8(0).u16(2).u16(0).u16(0).u16(w).u16(h).s32(Encoding.DesktopSize)
    const zero = new Uint8Array(Math.min(w * h * 4, 64 << 20))
    const z = new Deflater().push(zero)
    out
      .u16(0)
      .u16(0)
      .u16(w)
      .u16(h)
      .s32(kind === 2 ? Encoding.Zlib : Encoding.ZRLE)
      .u32(z.length, 'bomb length')
      .bytes(z)
  } else {
    out.append(gen.update())
  }
  return { label: `hostile ${kind} ${side}`, stream: out.build(), fields: out.fields, handshakeEnd }
}
