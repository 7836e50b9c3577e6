import { Encoding, encodingName } from '@shared/encodings'
import type { ByteQueue } from './byte-queue'
import type { Screen } from './client-messages'
import { createDecoders } from './decoders'
import { AnnouncedEncodings } from './announced-encodings'
import { CursorDecoder } from './decoders/cursor'
import type { DecodeContext, Rect, RectDecoder } from './decoders/decoder'
import { XCursorDecoder } from './decoders/x-cursor'
import { RfbProtocolError } from './errors'
import { MAX_NAME_BYTES, checkFramebufferSize } from './handshake'
import { DEFAULT_SLICE_PIXELS } from './session-types'
import type { PixelConverter } from './pixel-converter'
import type { ServerMessageHandler, UpdateCounts } from './server-message-handler'
import type { DrawSink } from './sink'
import { decodeLatin1, decodeServerString } from './text'

/** Plain-text clipboard larger than this from the server is dropped as it streams, not held. */
export const MAX_CUT_TEXT_BYTES = 8 * 1024 * 1024

/** Server-to-client message types (RFC 6143 §7.6). */
export const enum ServerMessage {
  FramebufferUpdate = 0,
  SetColourMapEntries = 1,
  Bell = 2,
  ServerCutText = 3,
  EndOfContinuousUpdates = 150,
  Fence = 248,
  Xvp = 250,
}

/**
 * A server message type outside the core set, read by a feature that asked the server for it
 * (file transfer, audio): registered on the reader only while the feature is on, so an unasked
 * message still ends the session as unknown.
 */
export interface ServerMessageExtension {
  /**
   * Reads one whole message from `q` (its type byte is still first) or nothing, returning false to
   * wait for more bytes. Every length read from the wire must be checked before anything is held.
   * `at` is the message's stream offset, for errors.
   */
  read(q: ByteQueue, at: number): boolean
}

/** Pseudo-encodings whose rects the reader handles itself (besides the cursor decoders). */
const HANDLED_PSEUDO: ReadonlySet<number> = new Set([
  Encoding.LastRect,
  Encoding.DesktopSize,
  Encoding.DesktopName,
  Encoding.ExtendedDesktopSize,
  Encoding.PointerPos,
  Encoding.QEMUExtendedKeyEvent,
  Encoding.QEMUAudio,
  Encoding.ExtendedMouseButtons,
  Encoding.QEMULedState,
  Encoding.VMwareLedState,
])

/**
 * Desktop size changes one FramebufferUpdate may make. Servers make one; each change reallocates
 * the framebuffer (256 MiB at the largest) and every window's canvas, so 65535 of them in one
 * update (786 KB on the wire) would hold the viewer for minutes.
 */
export const MAX_RESIZES_PER_UPDATE = 16

/** Largest fence payload the spec allows. */
const MAX_FENCE_PAYLOAD = 64

const enum Phase {
  MessageType,
  RectHeader,
  RectBody,
  /** Skipping an oversized clipboard message as it arrives, without buffering it. */
  Drain,
}

/**
 * The server-message parser after ServerInit (TigerVNC's CMsgReader): synchronous and resumable
 * over the session's byte queue, it reads whole messages or nothing, drives the rect decoders
 * (which draw on the sink) and reports everything else as calls on a {@link ServerMessageHandler}.
 * It never writes to the server: replies, events and pacing are the handler's.
 */
export class ServerMessageReader {
  /** Decodes pixels; set before the first update and on every pixel-format switch. */
  converter: PixelConverter | null = null

  private readonly decoders: Map<number, RectDecoder> = createDecoders()
  private readonly cursorDecoder = new CursorDecoder()
  private readonly xCursorDecoder = new XCursorDecoder()
  private readonly announced = new AnnouncedEncodings()
  private ctx: DecodeContext | null = null
  private width = 0
  private height = 0

  private phase = Phase.MessageType
  private rectsLeft = 0
  private drainLeft = 0
  private readonly rect: Rect = { x: 0, y: 0, w: 0, h: 0, encoding: 0 }
  /** The previous rect's encoding in this update, so the per-update list is searched only on a change. */
  private lastEncoding = NaN
  private decoder: RectDecoder | null = null
  private counts: UpdateCounts = { rects: 0, bytes: 0, pixels: 0, encodings: [] }
  private updateStart = 0
  private resizesThisUpdate = 0
  private readonly extensions = new Map<number, ServerMessageExtension>()

  constructor(
    private readonly q: ByteQueue,
    private readonly sink: DrawSink,
    private readonly handler: ServerMessageHandler,
    private readonly trace?: (direction: 'in', line: string) => void,
  ) {}

  /** Reads server message `type` with `extension` from now on, or stops reading it (null). */
  setExtension(type: number, extension: ServerMessageExtension | null): void {
    if (extension) this.extensions.set(type, extension)
    else this.extensions.delete(type)
  }

  /** See {@link DecodeContext.slicePixels}; the session sets it from its options. */
  slicePixels = DEFAULT_SLICE_PIXELS

  /** The rect being decoded stopped to let the event loop run: step again soon, without new bytes. */
  get yielded(): boolean {
    return this.phase === Phase.RectBody && this.ctx?.yielded === true
  }

  /** True between messages: the next byte is a message type. */
  get betweenMessages(): boolean {
    return this.phase === Phase.MessageType
  }

  /** True between the first byte of a server message and its last. */
  get insideMessage(): boolean {
    return this.phase !== Phase.MessageType || this.q.length > 0
  }

  /** The framebuffer size rects are checked against and decoders draw into (the sink already has it). */
  setFramebuffer(width: number, height: number): void {
    this.width = width
    this.height = height
    const q = this.q
    const converter = (): PixelConverter => this.converter!
    const scratch = { words: new Uint32Array(0), bytes: new Uint8Array(0) }
    const slice = (): number => this.slicePixels
    this.ctx = {
      get slicePixels() {
        return slice()
      },
      yielded: false,
      get pixels() {
        return converter()
      },
      sink: this.sink,
      fbWidth: width,
      fbHeight: height,
      scratch(n) {
        if (scratch.words.length < n) scratch.words = new Uint32Array(Math.max(n, 4096))
        return scratch.words
      },
      scratchBytes(n) {
        if (scratch.bytes.length < n) scratch.bytes = new Uint8Array(Math.max(n, 16384))
        return scratch.bytes
      },
      get position() {
        return q.position
      },
    }
  }

  /** A SetEncodings list went out; see {@link AnnouncedEncodings.announced}. */
  encodingsAnnounced(encodings: readonly number[], unanswered: number): void {
    this.announced.announced(encodings, unanswered)
  }

  /**
   * Tells the decoders every SetEncodings list once it applies (ZYWRLE follows the quality level);
   * `unanswered` update requests are outstanding (see {@link AnnouncedEncodings.applied}).
   */
  encodingsSent(encodings: readonly number[], unanswered: number): void {
    this.announced.applied(unanswered)
    for (const d of this.decoders.values()) d.encodingsSent?.(encodings)
  }

  /** One parsing step; false when more bytes are needed or the handler asked to stop. */
  step(): boolean {
    const q = this.q
    switch (this.phase) {
      case Phase.MessageType:
        return this.readMessage()
      case Phase.RectHeader: {
        if (!q.has(12)) return false
        const at = q.position
        // One Rect for the session: a decoder keeps it only while its rect is being read.
        const r = this.rect
        const c = q.window(12)
        if (c) {
          const o = q.windowAt
          r.x = (c[o] << 8) | c[o + 1]
          r.y = (c[o + 2] << 8) | c[o + 3]
          r.w = (c[o + 4] << 8) | c[o + 5]
          r.h = (c[o + 6] << 8) | c[o + 7]
          r.encoding = (c[o + 8] << 24) | (c[o + 9] << 16) | (c[o + 10] << 8) | c[o + 11]
          q.skip(12)
        } else {
          r.x = q.u16()
          r.y = q.u16()
          r.w = q.u16()
          r.h = q.u16()
          r.encoding = q.s32()
        }
        this.counts.rects++
        if (r.encoding !== this.lastEncoding) {
          if (!this.announced.allows(r.encoding)) this.refuseUnannounced(r.encoding, at)
          this.lastEncoding = r.encoding
          if (!this.counts.encodings.includes(r.encoding)) this.counts.encodings.push(r.encoding)
        }
        this.trace?.('in', `  rect ${r.w}x${r.h}+${r.x}+${r.y} ${encodingName(r.encoding)}`)
        return this.beginRect(r, at)
      }
      case Phase.RectBody: {
        const ctx = this.ctx!
        ctx.yielded = false
        if (!this.decoder!.decode(q, ctx)) return false
        this.decoder = null
        return this.rectDone()
      }
      case Phase.Drain: {
        const n = Math.min(q.length, this.drainLeft)
        q.skip(n)
        this.drainLeft -= n
        if (this.drainLeft > 0) return false
        this.phase = Phase.MessageType
        return true
      }
    }
  }

  /** A rect in an encoding we did not ask for: one we do not know stays RFB_ERR_ENCODING. */
  private refuseUnannounced(encoding: number, at: number): never {
    const known = this.decoders.has(encoding) || encoding === Encoding.Cursor || encoding === Encoding.XCursor || HANDLED_PSEUDO.has(encoding)
    if (!known) throw new RfbProtocolError(`rect with encoding ${encodingName(encoding)}, which we did not ask for`, at, 'RFB_ERR_ENCODING')
    throw new RfbProtocolError(`rect in ${encodingName(encoding)}, an encoding we did not announce (RFC 6143 §7.5.2)`, at, 'RFB_ERR_ENCODING_NOT_ANNOUNCED')
  }

  private beginRect(r: Rect, at: number): boolean {
    // Pixel encodings first: they are most rects, and a map lookup is cheaper than the switch.
    const d = this.decoders.get(r.encoding)
    if (d) {
      if (r.x + r.w > this.width || r.y + r.h > this.height) {
        throw new RfbProtocolError(
          `${encodingName(r.encoding)} rect ${r.w}x${r.h}+${r.x}+${r.y} outside the ${this.width}x${this.height} framebuffer`,
          at,
          'RFB_ERR_RECT_BOUNDS',
        )
      }
      this.counts.pixels += r.w * r.h
      this.decoder = d
      d.begin(r, this.ctx!)
      this.phase = Phase.RectBody
      return true
    }
    switch (r.encoding) {
      case Encoding.LastRect:
        this.rectsLeft = 1
        return this.rectDone()
      case Encoding.DesktopSize:
        checkFramebufferSize(r.w, r.h, at, 'new framebuffer size')
        this.resize(r.w, r.h, at)
        return this.rectDone()
      case Encoding.DesktopName:
        return this.readDesktopName(at)
      case Encoding.ExtendedDesktopSize:
        return this.readExtendedDesktopSize(r, at)
      case Encoding.Cursor:
        this.decoder = this.cursorDecoder
        break
      case Encoding.XCursor:
        this.decoder = this.xCursorDecoder
        break
      case Encoding.PointerPos:
        this.handler.pointerPosition(r.x, r.y)
        return this.rectDone()
      case Encoding.QEMUExtendedKeyEvent:
        this.handler.supportsQemuKeyEvents()
        return this.rectDone()
      case Encoding.ExtendedMouseButtons:
        this.handler.supportsExtendedMouseButtons()
        return this.rectDone()
      case Encoding.QEMUAudio:
        // rfbproto: the acknowledgement carries no payload; audio messages may follow once we enable them.
        this.handler.supportsQemuAudio()
        return this.rectDone()
      case Encoding.QEMULedState:
        return this.readPayload(1, (b) => this.handler.ledState(b[0]))
      case Encoding.VMwareLedState:
        return this.readPayload(4, (b) => this.handler.ledState(b[3]))
      default:
        throw new RfbProtocolError(`rect with encoding ${encodingName(r.encoding)}, which we did not ask for`, at, 'RFB_ERR_ENCODING')
    }
    this.decoder!.begin(r, this.ctx!)
    this.phase = Phase.RectBody
    return true
  }

  /** A pseudo-rect with a fixed-size payload, handled once all of it is buffered. */
  private readPayload(size: number, use: (payload: Uint8Array) => void): boolean {
    this.phase = Phase.RectBody
    this.decoder = {
      begin: () => {},
      decode: (q) => {
        if (!q.has(size)) return false
        use(q.bytes(size))
        return true
      },
    }
    return true
  }

  /** rfbproto ExtendedDesktopSize: x is the reason, y the status, then the screen layout. */
  private readExtendedDesktopSize(r: Rect, at: number): boolean {
    this.phase = Phase.RectBody
    this.decoder = {
      begin: () => {},
      decode: (q) => {
        if (!q.has(4)) return false
        const count = q.peekU8()
        if (!q.has(4 + 16 * count)) return false
        q.skip(4)
        const screens: Screen[] = []
        for (let i = 0; i < count; i++) {
          screens.push({ id: q.u32(), x: q.u16(), y: q.u16(), width: q.u16(), height: q.u16(), flags: q.u32() })
        }
        const ours = r.x === 1
        const status = r.y
        this.handler.screenLayout(screens)
        if (status === 0) {
          checkFramebufferSize(r.w, r.h, at, 'new framebuffer size')
          if (r.w !== this.width || r.h !== this.height) this.resize(r.w, r.h, at)
        }
        if (ours) this.handler.desktopSizeResult(status)
        return true
      },
    }
    return true
  }

  /** A desktop size change, counted against {@link MAX_RESIZES_PER_UPDATE}. */
  private resize(width: number, height: number, at: number): void {
    if (++this.resizesThisUpdate > MAX_RESIZES_PER_UPDATE) {
      throw new RfbProtocolError(`the server changed the desktop size more than ${MAX_RESIZES_PER_UPDATE} times in one update`, at, 'RFB_ERR_LIMIT')
    }
    this.handler.setDesktopSize(width, height)
  }

  private readDesktopName(at: number): boolean {
    // The rect header is already consumed; wait for the whole name before taking anything more.
    this.phase = Phase.RectBody
    this.decoder = {
      begin: () => {},
      decode: (q) => {
        if (!q.has(4)) return false
        const len = q.peekU32()
        if (len > MAX_NAME_BYTES) throw new RfbProtocolError(`desktop name of ${len} bytes exceeds ${MAX_NAME_BYTES}`, at)
        if (!q.has(4 + len)) return false
        q.skip(4)
        this.handler.setDesktopName(decodeServerString(q.bytes(len)))
        return true
      },
    }
    return true
  }

  private rectDone(): boolean {
    this.phase = Phase.RectHeader
    if (--this.rectsLeft > 0) return true
    return this.endUpdate()
  }

  private endUpdate(): boolean {
    this.phase = Phase.MessageType
    this.counts.bytes = this.q.position - this.updateStart
    return this.handler.framebufferUpdateEnd(this.counts)
  }

  private readMessage(): boolean {
    const q = this.q
    if (!q.has(1)) return false
    const at = q.position
    const type = q.peekU8()
    switch (type) {
      case ServerMessage.FramebufferUpdate: {
        if (!q.has(4)) return false
        q.skip(2)
        this.rectsLeft = q.u16()
        this.counts = { rects: 0, bytes: 0, pixels: 0, encodings: [] }
        this.updateStart = at
        this.resizesThisUpdate = 0
        this.lastEncoding = NaN
        this.announced.updateStarted()
        this.handler.framebufferUpdateStart()
        this.trace?.('in', `FramebufferUpdate ${this.rectsLeft} rects`)
        if (this.rectsLeft === 0) return this.endUpdate()
        this.phase = Phase.RectHeader
        return true
      }
      case ServerMessage.SetColourMapEntries: {
        if (!q.has(6)) return false
        const count = q.peekU16(4)
        if (!q.has(6 + count * 6)) return false
        q.skip(2)
        const first = q.u16()
        q.skip(2)
        const rgb = new Uint16Array(count * 3)
        for (let i = 0; i < rgb.length; i++) rgb[i] = q.u16()
        this.handler.setColourMapEntries(first, rgb)
        this.trace?.('in', `SetColourMapEntries first=${first} count=${count}`)
        return true
      }
      case ServerMessage.Bell:
        q.skip(1)
        this.trace?.('in', 'Bell')
        this.handler.bell()
        return true
      case ServerMessage.ServerCutText:
        return this.readServerCutText(at)
      case ServerMessage.EndOfContinuousUpdates:
        q.skip(1)
        this.trace?.('in', 'EndOfContinuousUpdates')
        this.handler.endOfContinuousUpdates()
        return true
      case ServerMessage.Fence: {
        if (!q.has(9)) return false
        const len = q.peekU8(8)
        if (len > MAX_FENCE_PAYLOAD) throw new RfbProtocolError(`Fence payload of ${len} bytes exceeds ${MAX_FENCE_PAYLOAD}`, at, 'RFB_ERR_LIMIT')
        if (!q.has(9 + len)) return false
        q.skip(4)
        const flags = q.u32()
        q.skip(1)
        const payload = q.bytes(len).slice()
        this.trace?.('in', `Fence flags=0x${flags.toString(16)} ${len} bytes`)
        this.handler.fence(flags, payload)
        return true
      }
      case ServerMessage.Xvp: {
        if (!q.has(4)) return false
        q.skip(2)
        const version = q.u8()
        const code = q.u8()
        this.trace?.('in', `XVP version=${version} code=${code}`)
        this.handler.xvp(version, code)
        return true
      }
      default: {
        const extension = this.extensions.get(type)
        if (extension) return extension.read(q, at)
        throw new RfbProtocolError(`unknown server message type ${type}`, at, 'RFB_ERR_MESSAGE_TYPE')
      }
    }
  }

  private readServerCutText(at: number): boolean {
    const q = this.q
    if (!q.has(8)) return false
    const signed = q.peekU32(4) | 0
    // A negative length is an Extended Clipboard message of -length bytes.
    const extended = signed < 0
    const len = extended ? -signed : signed
    if (len > MAX_CUT_TEXT_BYTES || (extended && !this.handler.extendedClipboardActive() && len > 4 + 4 * 16)) {
      // Too big to hold: skip it as it streams in rather than buffer or give up the session.
      q.skip(8)
      this.trace?.('in', `ServerCutText of ${len} bytes dropped (limit ${MAX_CUT_TEXT_BYTES})`)
      this.drainLeft = len
      this.phase = Phase.Drain
      return true
    }
    if (!q.has(8 + len)) return false
    q.skip(8)
    const body = q.bytes(len)
    if (!extended) {
      this.trace?.('in', `ServerCutText ${len} bytes`)
      this.handler.serverCutText(decodeLatin1(body))
      return true
    }
    this.trace?.('in', `ServerCutText extended ${len} bytes`)
    this.handler.extendedCutText(body, at)
    return true
  }
}
