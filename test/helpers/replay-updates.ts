// Recorded FramebufferUpdates for the replay server: split from an FBS recording, checked to be
// replayable in any order (no zlib or other decoder state), and rewritten in another true-colour
// pixel format when a client asks for one.
import { Encoding } from '@shared/encodings'
import { type PixelFormat, readPixelFormat } from '../../src/main/rfb/pixel-format'
import { parseFbs } from '../../src/main/rfb/record/fbs'
import { findServerInit } from '../../src/main/rfb/record/recorded-handshake'

/** A recording ready to serve: its ServerInit and one FramebufferUpdate message per entry. */
export interface ReplayRecording {
  width: number
  height: number
  name: string
  /** The format every update is written in (a 32 bpp true-colour format). */
  pixelFormat: PixelFormat
  updates: Uint8Array[]
  /** Every encoding the updates use (so a client that did not announce one can be refused). */
  encodings: Set<number>
}

/**
 * Encodings whose rects stand alone (Tight too, when every rect that uses a zlib stream resets it
 * first: checked per rect, see `tight` below): no zlib stream or other state carried from one rect to the
 * next, so a looped recording stays decodable. (CopyRect copies pixels already on screen: still
 * valid anywhere, though the picture is only right where the recording expects it.)
 */
const STATELESS = new Set<number>([Encoding.Raw, Encoding.CopyRect, Encoding.RRE, Encoding.CoRRE, Encoding.Hextile, Encoding.DesktopSize])

/**
 * Whether Tight's 3-byte TPIXEL applies: rfbproto says it is R, G, B (in that order, whatever the
 * shifts) for 32 bpp true colour with 8-bit channels and depth 24, so Tight rects made in one such
 * format are right, byte for byte, in any other (TigerVNC's viewer asks for B,G,R,X, noVNC and
 * Tessera for R,G,B,X). Other formats would need the zlib data re-made: not served.
 */
const tpixelRgb = (pf: PixelFormat): boolean =>
  pf.trueColour && pf.bitsPerPixel === 32 && pf.depth === 24 && pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255

/**
 * Reads an FBS recording whose first block is the handshake up to and including ServerInit and
 * whose every later block is exactly one FramebufferUpdate (what bench/synthetic.ts writes).
 * Throws, saying why, for a recording in another shape or with an encoding that keeps state
 * between rects (ZRLE, Zlib, and Tight rects that continue a zlib stream without resetting it:
 * such streams cannot restart mid-connection).
 */
export function loadReplayRecording(fbs: Uint8Array): ReplayRecording {
  const blocks = parseFbs(fbs)
  if (blocks.length < 2) throw new Error('replay: the recording holds no update')
  const head = blocks[0].data
  const init = findServerInit(head)
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
  const nameLength = view.getUint32(init + 20)
  if (init + 24 + nameLength !== head.length) throw new Error('replay: the first block must hold exactly the handshake (one update per block after it)')
  const pixelFormat = readPixelFormat(head, init + 4)
  if (pixelFormat.bitsPerPixel !== 32 || !pixelFormat.trueColour) throw new Error('replay: only 32 bpp true-colour recordings are served')
  const recording: ReplayRecording = {
    width: view.getUint16(init),
    height: view.getUint16(init + 2),
    name: Buffer.from(head.subarray(init + 24)).toString('utf8'),
    pixelFormat,
    updates: [],
    encodings: new Set(),
  }
  blocks.slice(1).forEach((b, i) => {
    const walked = walkUpdate(b.data, recording.pixelFormat, null)
    if (walked.length !== b.data.length) throw new Error(`replay: block ${i + 1} holds ${b.data.length} bytes, its update ${walked.length}`)
    for (const e of walked.encodings) recording.encodings.add(e)
    recording.updates.push(b.data)
  })
  return recording
}

/**
 * `update` (written in `from`, 32 bpp) with every pixel value rewritten in `to` (any true-colour
 * format of 8, 16 or 32 bpp). Channels are scaled, so 8 bits of red become `to.redMax`'s range.
 */
export function convertUpdate(update: Uint8Array, from: PixelFormat, to: PixelFormat): Uint8Array {
  return walkUpdate(update, from, to).bytes ?? update
}

interface Walked {
  length: number
  encodings: Set<number>
  bytes?: Uint8Array
}

/** Reads one FramebufferUpdate; with `to`, writes it again in that format. Throws on anything it cannot replay. */
function walkUpdate(src: Uint8Array, from: PixelFormat, to: PixelFormat | null): Walked {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength)
  const outBpp = to ? to.bitsPerPixel / 8 : 4
  // Pixels only shrink (32 bpp in, at most 32 out), so the input's length is enough.
  const out = to ? new Uint8Array(src.length) : null
  const encodings = new Set<number>()
  let o = 0
  let w = 0
  const need = (n: number): void => {
    if (o + n > src.length) throw new Error(`replay: update cut short at byte ${o}`)
  }
  const copy = (n: number): void => {
    need(n)
    if (out) out.set(src.subarray(o, o + n), w)
    o += n
    w += n
  }
  const pixels = (n: number): void => {
    need(n * 4)
    if (!out || !to) {
      o += n * 4
      return
    }
    for (let i = 0; i < n; i++, o += 4) {
      const v = from.bigEndian ? view.getUint32(o) : view.getUint32(o, true)
      const r = (((v >>> from.redShift) & from.redMax) * to.redMax + (from.redMax >> 1)) / from.redMax
      const g = (((v >>> from.greenShift) & from.greenMax) * to.greenMax + (from.greenMax >> 1)) / from.greenMax
      const b = (((v >>> from.blueShift) & from.blueMax) * to.blueMax + (from.blueMax >> 1)) / from.blueMax
      const p = (((r | 0) << to.redShift) | ((g | 0) << to.greenShift) | ((b | 0) << to.blueShift)) >>> 0
      for (let k = 0; k < outBpp; k++) {
        const shift = to.bigEndian ? (outBpp - 1 - k) * 8 : k * 8
        out[w++] = (p >>> shift) & 0xff
      }
    }
  }
  need(4)
  if (src[0] !== 0) throw new Error(`replay: message type ${src[0]} where a FramebufferUpdate should be`)
  const rects = view.getUint16(2)
  copy(4)
  for (let r = 0; r < rects; r++) {
    need(12)
    const width = view.getUint16(o + 4)
    const height = view.getUint16(o + 6)
    const encoding = view.getInt32(o + 8)
    if (!STATELESS.has(encoding) && encoding !== Encoding.Tight)
      throw new Error(`replay: encoding ${encoding} keeps state between rects (or is unknown) and cannot be looped`)
    encodings.add(encoding)
    copy(12)
    if (encoding === Encoding.Raw) pixels(width * height)
    else if (encoding === Encoding.CopyRect) copy(4)
    else if (encoding === Encoding.RRE || encoding === Encoding.CoRRE) {
      need(4)
      const subrects = view.getUint32(o)
      copy(4)
      pixels(1)
      for (let i = 0; i < subrects; i++) {
        pixels(1)
        copy(encoding === Encoding.RRE ? 8 : 4)
      }
    } else if (encoding === Encoding.Hextile) hextile(width, height)
    else if (encoding === Encoding.Tight) tight(width, height)
  }
  return { length: o, encodings, bytes: out ? out.subarray(0, w) : undefined }

  /** Tight's compact length (1 to 3 bytes, 7 + 7 + 8 bits, low first), copied; returns its value. */
  function compact(): number {
    let value = 0
    for (let i = 0; i < 3; i++) {
      need(1)
      const b = src[o]
      copy(1)
      value |= (i < 2 ? b & 0x7f : b) << (7 * i)
      if (i < 2 && !(b & 0x80)) break
    }
    return value
  }

  // rfbproto "Tight Encoding": copied as is (see tpixelRgb); every zlib stream a rect uses must be
  // reset by that rect's compression-control byte, so any update can follow any other.
  function tight(width: number, height: number): void {
    if (!tpixelRgb(from) || (to && !tpixelRgb(to))) throw new Error('replay: Tight is served only in 32 bpp depth-24 formats with 8-bit channels')
    need(1)
    const ctl = src[o]
    copy(1)
    const type = ctl >> 4
    if (type === 8) return copy(3) // fill: one TPIXEL
    if (type === 9) return copy(compact()) // JPEG
    if (type > 9) throw new Error(`replay: Tight compression control 0x${ctl.toString(16)} is not Tight`)
    const stream = type & 3
    let filter = 0
    if (type & 4) {
      need(1)
      filter = src[o]
      copy(1)
    }
    let size = width * height * 3
    if (filter === 1) {
      need(1)
      const colours = src[o] + 1
      copy(1)
      copy(colours * 3)
      size = colours === 2 ? ((width + 7) >> 3) * height : width * height
    } else if (filter !== 0 && filter !== 2) throw new Error(`replay: Tight filter ${filter} is not known`)
    // Under 12 bytes the data is sent as is, outside zlib.
    if (size < 12) return copy(size)
    if (!(ctl & (1 << stream))) throw new Error(`replay: a Tight rect continues zlib stream ${stream} without resetting it and cannot be looped`)
    copy(compact())
  }

  // RFC 6143 §7.7.4: per 16x16 tile a subencoding byte, then raw pixels or colours and subrects.
  function hextile(width: number, height: number): void {
    for (let ty = 0; ty < height; ty += 16) {
      for (let tx = 0; tx < width; tx += 16) {
        need(1)
        const flags = src[o]
        copy(1)
        if (flags & 0x01) {
          pixels(Math.min(16, width - tx) * Math.min(16, height - ty))
          continue
        }
        if (flags & 0x02) pixels(1)
        if (flags & 0x04) pixels(1)
        if (!(flags & 0x08)) continue
        need(1)
        const count = src[o]
        copy(1)
        for (let i = 0; i < count; i++) {
          if (flags & 0x10) pixels(1)
          copy(2)
        }
      }
    }
  }
}
