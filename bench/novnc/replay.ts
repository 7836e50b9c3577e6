import { Encoding, encodingName } from '@shared/encodings'
import type { ImageDecoder } from '../../src/main/rfb/framebuffer'
import { readPixelFormat } from '../../src/main/rfb/pixel-format'
import { recordingStream } from '../../src/main/rfb/record/replay'
import type { NoVncDecoders } from './load'
import { RecordedSock } from './recorded-sock'
import { RgbaDisplay } from './rgba-display'
import type { NoVncDecoder } from './types'

/** The server stream of a recording, ready for {@link replayWithNoVnc}. */
export interface PreparedStream {
  /** RFB 3.3 / None handshake, ServerInit, messages (as {@link recordingStream} makes it). */
  stream: Uint8Array
  width: number
  height: number
  /** Offset of the first message after ServerInit. */
  messagesAt: number
}

/** What one noVNC pass did; the fields mirror our ReplayResult. */
export interface NoVncReplayResult {
  display: RgbaDisplay
  updates: number
  /** Server bytes after ServerInit. */
  bytes: number
  /** Pixels covered by pixel-encoded rects (CopyRect included, as our engine counts them). */
  pixels: number
  encodings: Set<number>
  elapsedMs: number
}

/** noVNC's fixed request: 32 bpp little-endian true colour, R,G,B,X in memory (rfb.js `pixelFormat`, depth 24). */
function isNoVncFormat(b: Uint8Array, o: number): boolean {
  const pf = readPixelFormat(b, o)
  return pf.bitsPerPixel === 32 && !pf.bigEndian && pf.trueColour &&
    pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255 &&
    pf.redShift === 0 && pf.greenShift === 8 && pf.blueShift === 16
}

/** Joins a recording's blocks and finds its messages; refuses pixel formats noVNC never asks for. */
export function prepareRecording(fbs: Uint8Array): PreparedStream {
  const stream = recordingStream(fbs)
  // recordingStream starts with "RFB 003.003\n" and security type None (16 bytes), then ServerInit.
  const init = 16
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength)
  const width = view.getUint16(init)
  const height = view.getUint16(init + 2)
  if (!isNoVncFormat(stream, init + 4)) {
    throw new Error('recording is not in RGBX8888, the only pixel format noVNC requests; record with the default --pixel-format')
  }
  const nameLength = view.getUint32(init + 20)
  return { stream, width, height, messagesAt: init + 24 + nameLength }
}

function truncated(what: string, at: number): Error {
  return new Error(`recording ends inside ${what} (byte ${at})`)
}

/**
 * Decodes a prepared stream with noVNC's decoders into an {@link RgbaDisplay}. Messages and rect
 * headers are parsed here the way noVNC's rfb.js does; its pseudo-encodings (cursor, desktop
 * size, name) are skipped or applied here, outside its decoders, as our engine handles them
 * outside ours. `stream` is written to (noVNC's decoders set alpha bytes in place): pass a copy.
 * Timed from the first message to the end, the framebuffer allocated inside, like our replay.
 */
export function replayWithNoVnc(p: PreparedStream, decoders: NoVncDecoders, decodeImage: ImageDecoder | null): NoVncReplayResult {
  const instances = new Map<number, NoVncDecoder>()
  for (const [enc, Class] of decoders) instances.set(enc, new Class())
  const sock = new RecordedSock(p.stream, p.messagesAt)
  const display = new RgbaDisplay(decodeImage)
  const depth = 24
  let updates = 0
  let pixels = 0
  const encodings = new Set<number>()
  const started = performance.now()
  display.resize(p.width, p.height)
  while (sock.rQlen() > 0) {
    const at = sock.pos
    const type = sock.rQshift8()
    switch (type) {
      case 0: {
        if (sock.rQwait('FBU', 3)) throw truncated('a FramebufferUpdate header', at)
        sock.rQskipBytes(1)
        let rects = sock.rQshift16()
        while (rects-- > 0) {
          const rectAt = sock.pos
          if (sock.rQwait('rect', 12)) throw truncated('a rect header', rectAt)
          const x = sock.rQshift16()
          const y = sock.rQshift16()
          const w = sock.rQshift16()
          const h = sock.rQshift16()
          const enc = sock.rQshift32() | 0
          if (enc === Encoding.LastRect) break
          if (skipPseudoRect(enc, w, h, sock, display, rectAt)) continue
          const decoder = instances.get(enc)
          if (!decoder) throw new Error(`noVNC has no decoder for ${encodingName(enc)} (rect at byte ${rectAt})`)
          encodings.add(enc)
          pixels += w * h
          if (!decoder.decodeRect(x, y, w, h, sock, display, depth)) throw truncated(`a ${encodingName(enc)} rect`, rectAt)
        }
        updates++
        break
      }
      case 1: {
        if (sock.rQwait('colour map', 5)) throw truncated('SetColourMapEntries', at)
        sock.rQskipBytes(3)
        sock.rQskipBytes(sock.rQshift16() * 6)
        break
      }
      case 2:
        break
      case 3: {
        if (sock.rQwait('cut text', 7)) throw truncated('ServerCutText', at)
        sock.rQskipBytes(3)
        // A negative length is an Extended Clipboard message of -length bytes.
        sock.rQskipBytes(Math.abs(sock.rQshift32() | 0))
        break
      }
      case 150:
        // EndOfContinuousUpdates: the type byte only.
        break
      case 248: {
        if (sock.rQwait('fence', 8)) throw truncated('a Fence', at)
        sock.rQskipBytes(7)
        sock.rQskipBytes(sock.rQshift8())
        break
      }
      case 250:
        // XVP: padding, version, code.
        sock.rQskipBytes(3)
        break
      default:
        throw new Error(`unexpected server message type ${type} at byte ${at}`)
    }
    if (sock.pos > p.stream.length) throw truncated(`message type ${type}`, at)
  }
  const elapsedMs = performance.now() - started
  return { display, updates, bytes: p.stream.length - p.messagesAt, pixels, encodings, elapsedMs }
}

/** Applies or skips a pseudo-encoded rect (the ones our engine asks for); false for pixel encodings. */
function skipPseudoRect(enc: number, w: number, h: number, sock: RecordedSock, display: RgbaDisplay, at: number): boolean {
  switch (enc) {
    case Encoding.DesktopSize:
      display.resize(w, h)
      return true
    case Encoding.DesktopName:
      sock.rQskipBytes(sock.rQshift32())
      return true
    case Encoding.Cursor:
      // 32 bpp pixels, then a 1-bit mask with rows padded to bytes.
      sock.rQskipBytes(w * h * 4 + Math.ceil(w / 8) * h)
      return true
    case Encoding.XCursor:
      if (w * h > 0) sock.rQskipBytes(6 + Math.ceil(w / 8) * h * 2)
      return true
    case Encoding.ExtendedDesktopSize: {
      const screens = sock.rQshift8()
      sock.rQskipBytes(3 + screens * 16)
      display.resize(w, h)
      return true
    }
    case Encoding.PointerPos:
    case Encoding.QEMUExtendedKeyEvent:
      return true
    case Encoding.QEMULedState:
      sock.rQskipBytes(1)
      return true
    case Encoding.VMwareLedState:
      sock.rQskipBytes(4)
      return true
    default:
      if (enc < 0 && enc !== Encoding.TightPNG) throw new Error(`unexpected pseudo-encoding ${encodingName(enc)} at byte ${at}`)
      return false
  }
}
