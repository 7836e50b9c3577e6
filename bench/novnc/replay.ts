import { Encoding, encodingName } from '@shared/encodings'
import type { ImageDecoder } from '../../src/main/rfb/framebuffer'
import { readPixelFormat } from '../../src/main/rfb/pixel-format'
import type { NoVncDecoders } from './load'
import { messagesOf, RecordedChannel } from './recorded-channel'
import { RecordedSock } from './recorded-sock'
import { RgbaDisplay } from './rgba-display'
import type { NoVncDecoder, NoVncSock, NoVncWebsockClass } from './types'

/** Bytes per WebSocket message fed to noVNC, and per socket chunk fed to our engine. */
export const CHUNK_BYTES = 64 * 1024

/**
 * How noVNC's receive queue gets the bytes:
 * - `websock`: its unmodified Websock class, attached to a {@link RecordedChannel} that hands it
 *   the stream as {@link CHUNK_BYTES} messages; each message is copied into its queue (which it
 *   compacts or grows as it does live) and runs the message loop, all timed, as our engine is
 *   fed the same chunks through its ByteQueue;
 * - `prefilled`: {@link RecordedSock}, the whole stream already in the queue, no copying timed
 *   (the state Websock would reach if every message had arrived before decoding began).
 */
export type NoVncQueueMode = 'websock' | 'prefilled'

/** The server stream of a recording, ready for {@link replayWithNoVnc}. */
export interface PreparedStream {
  /** RFB 3.3 / None handshake, ServerInit, messages (as our `recordingStream` makes it). */
  stream: Uint8Array
  /** `stream` cut into {@link CHUNK_BYTES} WebSocket messages, for `websock` mode. */
  messages: ArrayBuffer[]
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
  return (
    pf.bitsPerPixel === 32 &&
    !pf.bigEndian &&
    pf.trueColour &&
    pf.redMax === 255 &&
    pf.greenMax === 255 &&
    pf.blueMax === 255 &&
    pf.redShift === 0 &&
    pf.greenShift === 8 &&
    pf.blueShift === 16
  )
}

/**
 * Finds the messages of a stream our `recordingStream` made and gets it ready for `mode`: cut into
 * messages for `websock`; copied for `prefilled`, whose views noVNC's decoders write into.
 * Refuses pixel formats noVNC never asks for.
 */
export function prepareStream(stream: Uint8Array, mode: NoVncQueueMode): PreparedStream {
  // recordingStream starts with "RFB 003.003\n" and security type None (16 bytes), then ServerInit.
  const init = 16
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength)
  const width = view.getUint16(init)
  const height = view.getUint16(init + 2)
  if (!isNoVncFormat(stream, init + 4)) {
    throw new Error('recording is not in RGBX8888, the only pixel format noVNC requests; record with the default --pixel-format')
  }
  const nameLength = view.getUint32(init + 20)
  const messagesAt = init + 24 + nameLength
  if (mode === 'prefilled') return { stream: stream.slice(), messages: [], width, height, messagesAt }
  return { stream, messages: messagesOf(stream, CHUNK_BYTES), width, height, messagesAt }
}

/** What noVNC's side of a replay runs: its decoders, and its Websock for `websock` mode. */
export interface NoVnc {
  decoders: NoVncDecoders
  Websock: NoVncWebsockClass
}

/**
 * Decodes a prepared stream with noVNC's decoders into an {@link RgbaDisplay}, the bytes reaching
 * its receive queue as `mode` says, and the messages read by {@link NoVncMessages} as noVNC's
 * rfb.js reads them. `mode` must be the one `p` was prepared for; in `prefilled` mode noVNC's
 * decoders set alpha bytes in `p.stream` (views of the queue), the same bytes every pass. Timed
 * from the first byte to the last, the queue, decoders and framebuffer made inside, as in our
 * replay.
 */
export function replayWithNoVnc(p: PreparedStream, novnc: NoVnc, decodeImage: ImageDecoder | null, mode: NoVncQueueMode): NoVncReplayResult {
  const started = performance.now()
  const display = new RgbaDisplay(decodeImage)
  let messages: NoVncMessages
  if (mode === 'websock') {
    const sock = new novnc.Websock()
    const channel = new RecordedChannel()
    sock.attach(channel)
    const m = new NoVncMessages(sock, display, novnc.decoders, p)
    sock.on('message', () => m.handleMessage())
    for (const data of p.messages) channel.deliver(data)
    messages = m
  } else {
    messages = new NoVncMessages(new RecordedSock(p.stream), display, novnc.decoders, p)
    messages.handleMessage()
  }
  const elapsedMs = performance.now() - started
  messages.finish()
  const { updates, pixels, encodings } = messages
  return { display, updates, bytes: p.stream.length - p.messagesAt, pixels, encodings, elapsedMs }
}

/**
 * noVNC's message loop: rfb.js `_handleMessage`, `_normalMsg`, `_framebufferUpdate`,
 * `_handleRect` and the handlers of the messages and pseudo-encodings our recordings hold,
 * resumable as there. A message or rect that lacks bytes returns false, giving back what it read
 * (rQwait's `goback`) or keeping its progress (the rect header in `FBU` state, a decoder's own
 * state), and is resumed by the next WebSocket message. What noVNC does with a message besides
 * reading it (events, its cursor image, update requests) is left out. The handshake and
 * ServerInit, which rfb.js's `_initMsg` reads, are skipped: their length is known.
 */
export class NoVncMessages {
  updates = 0
  /** Pixels covered by pixel-encoded rects (CopyRect included, as our engine counts them). */
  pixels = 0
  readonly encodings = new Set<number>()
  private handshake: number
  private readonly decoders = new Map<number, NoVncDecoder>()
  // rfb.js `_FBU`: rects left in the update, and the header of the rect being decoded.
  private rects = 0
  private x = 0
  private y = 0
  private w = 0
  private h = 0
  private encoding: number | null = null

  constructor(
    private readonly sock: NoVncSock,
    private readonly display: RgbaDisplay,
    classes: NoVncDecoders,
    private readonly p: PreparedStream,
  ) {
    this.handshake = p.messagesAt
    for (const [enc, Class] of classes) this.decoders.set(enc, new Class())
  }

  /** Websock's `message` event: reads every complete message (and part of an update) now queued. */
  handleMessage(): void {
    const sock = this.sock
    if (this.handshake > 0) {
      const n = Math.min(this.handshake, sock.rQlen())
      sock.rQskipBytes(n)
      this.handshake -= n
      if (this.handshake > 0) return
      this.display.resize(this.p.width, this.p.height)
    }
    if (sock.rQwait('message', 1)) return
    for (;;) {
      if (!this.normalMsg()) break
      if (sock.rQwait('message', 1)) break
    }
  }

  /** Throws unless the stream ended between messages. */
  finish(): void {
    if (this.handshake > 0) throw new Error('recording ends inside the handshake')
    if (this.rects > 0) throw new Error(`recording ends inside a FramebufferUpdate (${this.rects} rects left)`)
    if (this.sock.rQlen() > 0) throw new Error(`recording ends inside a message (${this.sock.rQlen()} bytes left unread)`)
  }

  private normalMsg(): boolean {
    const sock = this.sock
    const type = this.rects > 0 ? 0 : sock.rQshift8()
    switch (type) {
      case 0:
        return this.framebufferUpdate()
      case 1: {
        // SetColourMapEntries (noVNC, always true colour, fails on it): skipped.
        if (sock.rQwait('SetColourMapEntries', 5, 1)) return false
        sock.rQskipBytes(3)
        const n = sock.rQshift16() * 6
        if (sock.rQwait('SetColourMapEntries', n, 6)) return false
        sock.rQskipBytes(n)
        return true
      }
      case 2:
        return true
      case 3: {
        if (sock.rQwait('ServerCutText header', 7, 1)) return false
        sock.rQskipBytes(3)
        // A negative length is an Extended Clipboard message of -length bytes.
        const n = Math.abs(sock.rQshift32() | 0)
        if (sock.rQwait('ServerCutText content', n, 8)) return false
        sock.rQskipBytes(n)
        return true
      }
      case 150:
        // EndOfContinuousUpdates: the type byte only.
        return true
      case 248: {
        if (sock.rQwait('ServerFence header', 8, 1)) return false
        sock.rQskipBytes(7)
        const n = sock.rQshift8()
        if (sock.rQwait('ServerFence payload', n, 9)) return false
        sock.rQskipBytes(n)
        return true
      }
      case 250:
        // XVP: padding, version, code.
        if (sock.rQwait('XVP version and message', 3, 1)) return false
        sock.rQskipBytes(3)
        return true
      default:
        throw new Error(`unexpected server message type ${type}`)
    }
  }

  private framebufferUpdate(): boolean {
    const sock = this.sock
    if (this.rects === 0) {
      if (sock.rQwait('FBU header', 3, 1)) return false
      sock.rQskipBytes(1)
      this.rects = sock.rQshift16()
      // noVNC waits here while its display has drawing pending; RgbaDisplay draws at once.
    }
    while (this.rects > 0) {
      if (this.encoding === null) {
        if (sock.rQwait('rect header', 12)) return false
        this.x = sock.rQshift16()
        this.y = sock.rQshift16()
        this.w = sock.rQshift16()
        this.h = sock.rQshift16()
        this.encoding = sock.rQshift32() | 0
      }
      if (!this.handleRect(this.encoding)) return false
      this.rects--
      this.encoding = null
    }
    this.updates++
    return true
  }

  /** One rect: a pseudo-encoding applied or skipped here, a pixel encoding by noVNC's decoder. */
  private handleRect(enc: number): boolean {
    const sock = this.sock
    const { x, y, w, h } = this
    switch (enc) {
      case Encoding.LastRect:
        // Counted down to 0 by the caller.
        this.rects = 1
        return true
      case Encoding.DesktopSize:
        this.display.resize(w, h)
        return true
      case Encoding.DesktopName: {
        if (sock.rQwait('DesktopName', 4)) return false
        const n = sock.rQshift32()
        if (sock.rQwait('DesktopName', n, 4)) return false
        sock.rQskipBytes(n)
        return true
      }
      case Encoding.Cursor: {
        // 32 bpp pixels, then a 1-bit mask with rows padded to bytes.
        const n = w * h * 4 + Math.ceil(w / 8) * h
        if (sock.rQwait('cursor encoding', n)) return false
        sock.rQskipBytes(n)
        return true
      }
      case Encoding.XCursor: {
        const n = w * h > 0 ? 6 + Math.ceil(w / 8) * h * 2 : 0
        if (sock.rQwait('XCursor', n)) return false
        sock.rQskipBytes(n)
        return true
      }
      case Encoding.ExtendedDesktopSize: {
        if (sock.rQwait('ExtendedDesktopSize', 4)) return false
        const n = 4 + sock.rQpeek8() * 16
        if (sock.rQwait('ExtendedDesktopSize', n)) return false
        sock.rQskipBytes(n)
        this.display.resize(w, h)
        return true
      }
      case Encoding.PointerPos:
      case Encoding.QEMUExtendedKeyEvent:
        return true
      case Encoding.QEMULedState:
        if (sock.rQwait('LED status', 1)) return false
        sock.rQskipBytes(1)
        return true
      case Encoding.VMwareLedState:
        if (sock.rQwait('VMware LED status', 4)) return false
        sock.rQskipBytes(4)
        return true
      default: {
        if (enc < 0 && enc !== Encoding.TightPNG) throw new Error(`unexpected pseudo-encoding ${encodingName(enc)}`)
        const decoder = this.decoders.get(enc)
        if (!decoder) throw new Error(`noVNC has no decoder for ${encodingName(enc)}`)
        if (!decoder.decodeRect(x, y, w, h, sock, this.display, 24)) return false
        this.encodings.add(enc)
        this.pixels += w * h
        return true
      }
    }
  }
}
