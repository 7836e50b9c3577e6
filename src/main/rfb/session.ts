import { EventEmitter } from 'node:events'
import { Encoding, type Subsampling, encodingName } from '@shared/encodings'
import { ByteQueue } from './byte-queue'
import * as msg from './client-messages'
import type { Screen, XvpAction } from './client-messages'
import { CursorDecoder } from './decoders/cursor'
import { XCursorDecoder } from './decoders/x-cursor'
import type { DecodeContext, Rect, RectDecoder } from './decoders/decoder'
import { DEFAULT_ENCODINGS, createDecoders } from './decoders'
import { AuthFailedError, NetworkError, RfbError, RfbProtocolError, TimeoutError, UnsupportedError } from './errors'
import { type HandshakeResult, MAX_FRAMEBUFFER_PIXELS, MAX_FRAMEBUFFER_SIDE, MAX_NAME_BYTES, checkFramebufferSize, runHandshake } from './handshake'
import { AutoSelect } from './auto-select'
import { ExtendedClipboard } from './extended-clipboard'
import { ColourMap, PixelConverter } from './pixel-converter'
import { PIXEL_FORMATS, type PixelFormat, type PixelFormatName, describePixelFormat, validatePixelFormat } from './pixel-format'
import type { SecurityOptions } from './security/policy'
import type { CredentialKind, Credentials, HandshakeIo, LinkSecurity } from './security/security-handler'
import type { DrawSink } from './sink'
import { decodeLatin1, decodeServerString } from './text'
import { checkFineQuality, checkSubsampling, tuningEncodings } from './tuning'
import type { TlsSessionInfo, Transport } from './transport/transport'

/** Plain-text clipboard larger than this from the server is a protocol error, not an allocation. */
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

/** Fence flags (rfbproto Fence): the ones we honour, and the request bit. */
const enum FenceFlag {
  BlockBefore = 1,
  BlockAfter = 2,
  SyncNext = 4,
  Request = 0x80000000,
}

/**
 * Plain ClientCutText longer than this is not sent: libvncserver (x11vnc) and QEMU close the
 * connection of a client that sends more, TigerVNC ignores it (its MaxCutText is lower still).
 */
const PLAIN_CUT_TEXT_LIMIT = 1 << 20
/** Largest fence payload the spec allows. */
const MAX_FENCE_PAYLOAD = 64
/** How often a fence measures the round trip while the server pushes updates. */
const PING_INTERVAL_MS = 1000
const PING_TIMEOUT_MS = 10_000

/** Extensions the server has confirmed; each starts false and flips when the server shows it. */
export interface ServerFeatures {
  extendedDesktopSize: boolean
  qemuKeyEvents: boolean
  fence: boolean
  continuousUpdates: boolean
  xvp: boolean
  extendedMouseButtons: boolean
  /** The screen layout from the last ExtendedDesktopSize rect. */
  screens: Screen[]
}

/** Keyboard LEDs as the server reports them (QEMU or VMware LED state). */
export interface LedState {
  scrollLock: boolean
  numLock: boolean
  capsLock: boolean
}

/** ExtendedDesktopSize status codes for our own SetDesktopSize (rfbproto §7.8.2). */
export const DESKTOP_SIZE_ERRORS: Record<number, string> = {
  1: 'the server does not allow resizing',
  2: 'the server is out of resources',
  3: 'the screen layout is invalid',
  4: 'the request was forwarded and may take effect later',
}

export type SessionState = 'handshake' | 'connected' | 'closed'

/** Pseudo-encodings the engine always announces because it handles them itself. */
const PSEUDO_ENCODINGS: readonly number[] = [
  Encoding.ExtendedDesktopSize, Encoding.DesktopSize, Encoding.LastRect, Encoding.Cursor, Encoding.XCursor,
  Encoding.PointerPos, Encoding.DesktopName, Encoding.Fence, Encoding.ContinuousUpdates,
  Encoding.QEMUExtendedKeyEvent, Encoding.QEMULedState, Encoding.VMwareLedState, Encoding.XVP,
  Encoding.ExtendedMouseButtons,
]

export interface RfbClientOptions {
  /** Where draw ops go. */
  sink: DrawSink
  /** Ask other viewers to stay connected (ClientInit shared flag); default true. */
  shared?: boolean
  /** Pixel encodings in preference order; pseudo-encodings are added by the engine. */
  encodings?: readonly number[]
  /** Extra pseudo-encodings (fine quality, subsampling, ...), sent after the pixel encodings. */
  extraEncodings?: readonly number[]
  /**
   * Announce Extended Clipboard (UTF-8 text); default true. Servers without it (or a profile that
   * turns it off) get plain Latin-1 cut text; see sendClipboard for libvncserver servers.
   */
  extendedClipboard?: boolean
  /** JPEG quality 0-9; unset (and no `fineQuality`) means lossless. */
  quality?: number
  /**
   * JPEG quality 0-100 (TurboVNC/TigerVNC fine quality): switches JPEG on by itself and overrides
   * `quality` and the level auto-select picks; the nearest level goes out with it for servers
   * that only know levels. A RangeError for anything but a whole number 0-100.
   */
  fineQuality?: number
  /**
   * JPEG chroma subsampling, announced only while JPEG is on (a level or a fine quality): alone
   * it would switch TigerVNC to JPEG. Auto-select never changes it. Unset: the server's choice
   * (TigerVNC derives it from the level).
   */
  subsampling?: Subsampling
  /**
   * Choose JPEG quality level and colour depth from the measured link (overrides `quality`, not
   * `fineQuality`; leaves `subsampling` alone, as TigerVNC's AutoSelect does).
   */
  autoSelect?: boolean
  /** zlib compression level 0-9; unset leaves it to the server. */
  compression?: number
  /** 'server' keeps the server's own format (replay of recordings); default rgb888. */
  pixelFormat?: PixelFormatName | 'server'
  /** Supplies a password (and user name) when the security type needs one; null cancels. */
  credentials?: (kind: CredentialKind, link?: LinkSecurity) => Promise<Credentials | null>
  /**
   * Security policy, certificate trust (store, accepted fingerprints, the trust prompt) and the
   * server's name for TLS; see security/policy.ts. Default: allow unencrypted, trust nothing new.
   */
  security?: SecurityOptions
  /** Keep asking for incremental updates after each one is consumed; default true. */
  autoUpdate?: boolean
  /**
   * Where the server offers ContinuousUpdates and Fence, let it push changes without a request
   * per update (one round trip less per frame); default true. The sink still paces it: while the
   * sink is busy the socket is paused, so the server's congestion control sees a slow reader.
   */
  continuousUpdates?: boolean
  handshakeTimeoutMs?: number
  /**
   * A server that stops in the middle of a message for this long is treated as gone (half-open
   * connections, hung servers); default 30 s. Idle time between messages is normal and not timed.
   */
  stallTimeoutMs?: number
  /** One human-readable line per message in each direction. */
  trace?: (direction: 'in' | 'out', line: string) => void
  /** Every byte the server sends, in order (recording). */
  tap?: (chunk: Uint8Array) => void
}

export interface ConnectionInfo extends HandshakeResult {
  /** The pixel format in use after SetPixelFormat. */
  pixelFormat: PixelFormat
  /** Server bytes up to the end of ServerInit; everything after is messages. */
  handshakeBytes: number
}

export interface UpdateStats {
  rects: number
  /** Wire bytes of this FramebufferUpdate, header included. */
  bytes: number
  /** Pixels covered by the update's pixel-encoded rects. */
  pixels: number
  /** Encodings that appeared in this update. */
  encodings: number[]
  /** From the update's first byte to its last, in ms. */
  transferMs: number
  /** From our latest update request to the update's first byte, in ms (0 if none was pending). */
  latencyMs: number
}

export interface RfbClientEvents {
  state: [SessionState]
  connected: [ConnectionInfo]
  resize: [width: number, height: number]
  name: [string]
  bell: []
  clipboard: [string]
  update: [UpdateStats]
  /** The server confirmed another extension (see `features`). */
  features: [ServerFeatures]
  leds: [LedState]
  /** Where the server's pointer is (PointerPos pseudo-encoding). */
  pointer: [x: number, y: number]
  /** The outcome of our SetDesktopSize: null on success, else the reason. */
  desktopSizeResult: [error: string | null]
  /** XVP_FAIL: the server could not carry out a power action (the message does not say which). */
  xvpFailed: []
  /** The session ended; `error` is null for a clean close by us. */
  close: [error: RfbError | null]
}

const enum Phase {
  MessageType,
  RectHeader,
  RectBody,
  /** Skipping an oversized clipboard message as it arrives, without buffering it. */
  Drain,
}

/**
 * One RFB connection: the handshake reads top to bottom, then a synchronous, resumable parser
 * turns each FramebufferUpdate into draw ops on the sink. The next update request waits for
 * the sink to finish the previous one, so a slow consumer slows the server instead of queueing.
 */
export class RfbClient extends EventEmitter<RfbClientEvents> {
  state: SessionState = 'handshake'
  info: ConnectionInfo | null = null
  /** Set once the connection runs over TLS. */
  tls: TlsSessionInfo | null = null
  width = 0
  height = 0

  private readonly q = new ByteQueue()
  private transport: Transport | null = null
  private waiter: { n: number; resolve: (b: Uint8Array) => void; reject: (e: Error) => void } | null = null
  private handshakeTimer: NodeJS.Timeout | null = null
  private stallTimer: NodeJS.Timeout | null = null
  /** When parsing last stopped inside a message (0: not inside one, or waiting for the sink). */
  private stalledSince = 0
  private closing = false
  /** The transport ended while the handshake still had buffered bytes to read (a reason string). */
  private ended: Error | null = null

  private readonly decoders: Map<number, RectDecoder> = createDecoders()
  private readonly cursorDecoder = new CursorDecoder()
  private readonly xCursorDecoder = new XCursorDecoder()
  readonly features: ServerFeatures = {
    extendedDesktopSize: false, qemuKeyEvents: false, fence: false, continuousUpdates: false, xvp: false,
    extendedMouseButtons: false, screens: [],
  }
  private readonly colourMap = new ColourMap()
  private converter: PixelConverter | null = null
  private ctx: DecodeContext | null = null

  private readonly clipboard = new ExtendedClipboard()
  private drainLeft = 0
  private pixelEncodings: number[] = []
  private quality: number | null = null
  private compression: number | null = null
  private fineQuality: number | null = null
  private subsampling: Subsampling | null = null
  /** The tuning pseudo-encodings last announced, so a change that announces nothing new sends nothing. */
  private sentTuning = ''
  private pendingPixelFormat: PixelFormat | null = null

  private phase = Phase.MessageType
  private rectsLeft = 0
  private readonly rect: Rect = { x: 0, y: 0, w: 0, h: 0, encoding: 0 }
  /** The previous rect's encoding in this update, so the per-update list is searched only on a change. */
  private lastEncoding = NaN
  private decoder: RectDecoder | null = null
  private waitingForSink = false
  private resized = false
  private update: UpdateStats & { start: number; startedAt: number } = {
    rects: 0, bytes: 0, pixels: 0, encodings: [], start: 0, startedAt: 0, transferMs: 0, latencyMs: 0,
  }
  private requestedAt = 0
  private readonly autoSelect: AutoSelect | null
  /** Continuous updates: 'off' (a request per update), 'on', or 'ended' (the server stopped them; asking again). */
  private continuous: 'off' | 'on' | 'ended' = 'off'
  /**
   * What takes effect at each EndOfContinuousUpdates still owed for our own stop / change / restart
   * (a pixel format, announced encodings), oldest first; an extra one means the server stopped.
   */
  private readonly atEndOfUpdates: (() => void)[] = []
  /** The pixel format most recently sent (in use, or taking effect at an EndOfContinuousUpdates). */
  private sentFormat: PixelFormat | null = null
  /** Our own fence, to measure the round trip when no request is there to time; the minimum is the link's. */
  private readonly ping = { seq: 0, sentAt: 0, lastAt: 0, rttMs: 0, minRttMs: 0 }

  constructor(private readonly options: RfbClientOptions) {
    super()
    this.autoSelect = options.autoSelect ? new AutoSelect() : null
    this.quality = this.autoSelect ? this.autoSelect.current.quality : options.quality ?? null
    this.compression = options.compression ?? null
    this.fineQuality = options.fineQuality === undefined ? null : checkFineQuality(options.fineQuality)
    this.subsampling = options.subsampling === undefined ? null : checkSubsampling(options.subsampling)
  }

  /** Server bytes received but not yet parsed. */
  get bufferedBytes(): number {
    return this.q.length
  }

  /** Server bytes parsed so far, handshake included. */
  get bytesConsumed(): number {
    return this.q.position
  }

  /** True between the first byte of a server message and its last. */
  get insideMessage(): boolean {
    return this.phase !== Phase.MessageType || this.q.length > 0
  }

  /** Runs the handshake over a connected transport; resolves once ServerInit is in. */
  start(transport: Transport): Promise<ConnectionInfo> {
    this.transport = transport
    const done = new Promise<ConnectionInfo>((resolve, reject) => {
      this.once('connected', resolve)
      this.once('close', (err) => reject(err ?? new NetworkError('connection closed during the handshake')))
    })
    this.armHandshakeTimer()
    transport.start({
      data: (chunk) => this.onData(chunk),
      close: (error) => this.onTransportClose(error),
    })
    runHandshake(this.handshakeIo(), { shared: this.options.shared ?? true, trace: this.options.trace, security: this.securityOptions() })
      .then((result) => this.enterNormalPhase(result))
      .catch((err: unknown) => this.fail(err))
    return done
  }

  private armHandshakeTimer(): void {
    this.pauseHandshakeTimer()
    const timeout = this.options.handshakeTimeoutMs ?? 30_000
    this.handshakeTimer = setTimeout(() => this.fail(new TimeoutError(`the server did not complete the handshake within ${timeout / 1000} s`)), timeout)
  }

  private pauseHandshakeTimer(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer)
    this.handshakeTimer = null
  }

  /** The caller's security options, with the trust prompt outside the handshake deadline, like the password prompt. */
  private securityOptions(): SecurityOptions | undefined {
    const security = this.options.security
    const ask = security?.trust?.ask
    if (!security || !ask) return security
    return {
      ...security,
      trust: {
        ...security.trust,
        ask: async (prompt) => {
          this.pauseHandshakeTimer()
          try {
            return await ask(prompt)
          } finally {
            if (this.state === 'handshake') this.armHandshakeTimer()
          }
        },
      },
    }
  }

  private handshakeIo(): HandshakeIo {
    const q = this.q
    return {
      read: (n) => new Promise<Uint8Array>((resolve, reject) => {
        if (this.state === 'closed') return reject(new NetworkError('connection closed'))
        if (q.has(n)) {
          resolve(q.bytes(n).slice())
          q.compact()
        } else if (this.ended) {
          this.fail(this.ended)
          reject(this.ended)
        } else this.waiter = { n, resolve, reject }
      }),
      write: (data) => this.transport?.write(data),
      credentials: async (kind, link) => {
        // A person may take minutes to type a password: the handshake deadline waits for them.
        this.pauseHandshakeTimer()
        try {
          const creds = await this.options.credentials?.(kind, link)
          if (!creds) throw new AuthFailedError('a password is required and none was given')
          return creds
        } finally {
          if (this.state === 'handshake') this.armHandshakeTimer()
        }
      },
      get position() {
        return q.position
      },
      startTls: async (opts) => {
        const t = this.transport
        if (!t?.startTls) throw new UnsupportedError(`TLS is not available over ${t?.description ?? 'this transport'}`)
        if (q.length > 0) throw new RfbProtocolError('the server sent data before the TLS handshake', q.position)
        const tls = await t.startTls(opts)
        this.tls = tls
        return tls
      },
    }
  }

  private onData(chunk: Uint8Array): void {
    if (this.state === 'closed') return
    this.options.tap?.(chunk)
    this.q.push(chunk)
    const w = this.waiter
    if (w && this.q.has(w.n)) {
      this.waiter = null
      const b = this.q.bytes(w.n).slice()
      this.q.compact()
      w.resolve(b)
    } else if (this.state === 'connected') {
      this.pump()
    }
  }

  private onTransportClose(error?: Error): void {
    if (this.state === 'closed') return
    if (this.closing) return this.finish(null)
    const err = error ?? new NetworkError(this.state === 'handshake'
      ? 'the server closed the connection during the handshake'
      : 'the server closed the connection')
    // A server that fails authentication sends its reason and hangs up at once; the close can
    // overtake the handshake's pending reads, so let it read what is buffered first.
    if (this.state === 'handshake' && !this.waiter && this.q.length > 0) {
      this.ended = err
      return
    }
    this.fail(err)
  }

  private enterNormalPhase(result: HandshakeResult): void {
    if (this.state === 'closed') return
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer)
    const want = this.options.pixelFormat ?? 'rgb888'
    const pf = want === 'server' ? result.init.pixelFormat : PIXEL_FORMATS[want]
    validatePixelFormat(pf)
    this.converter = new PixelConverter(pf, this.colourMap)
    this.sentFormat = pf
    if (want !== 'server') this.send(msg.setPixelFormat(pf), `SetPixelFormat ${describePixelFormat(pf)}`)
    this.sendEncodings(this.options.encodings ?? DEFAULT_ENCODINGS)
    this.resizeTo(result.init.width, result.init.height)
    this.info = { ...result, pixelFormat: pf, handshakeBytes: this.q.position }
    this.state = 'connected'
    this.emit('state', 'connected')
    this.emit('connected', this.info)
    this.emit('name', result.init.name)
    this.requestUpdate(false)
    this.pump()
    // The transport ended while the handshake was still reading what it had buffered.
    if (this.ended) this.fail(this.ended)
  }

  private resizeTo(width: number, height: number): void {
    this.width = width
    this.height = height
    this.options.sink.resize(width, height)
    const q = this.q
    const converter = (): PixelConverter => this.converter!
    const scratch = { words: new Uint32Array(0), bytes: new Uint8Array(0) }
    this.ctx = {
      get pixels() {
        return converter()
      },
      sink: this.options.sink,
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
    this.emit('resize', width, height)
  }

  private send(data: Uint8Array, trace: string): void {
    if (this.state === 'closed' || !this.transport) return
    this.options.trace?.('out', trace)
    this.transport.write(data)
  }

  /** Replaces the encoding preference (pixel encodings first); the server applies it to later updates. */
  sendEncodings(pixelEncodings: readonly number[]): void {
    this.pixelEncodings = [...pixelEncodings]
    const tuning = this.tuning()
    this.sentTuning = tuning.join()
    const clipboard = this.options.extendedClipboard === false ? [] : [Encoding.ExtendedClipboard]
    const all = [...pixelEncodings, ...tuning, ...(this.options.extraEncodings ?? []), ...PSEUDO_ENCODINGS, ...clipboard]
    const send = (): void => this.send(msg.setEncodings(all), `SetEncodings ${all.map(encodingName).join(', ')}`)
    // Some decoders depend on what was announced (ZYWRLE's wavelet depth follows the quality level):
    // pushed updates already on their way were encoded with the old announcement.
    const announced = (): void => {
      for (const d of this.decoders.values()) d.encodingsSent?.(all)
    }
    if (this.state === 'connected' && this.continuous === 'on') this.switchWhileContinuous(send, announced)
    else {
      send()
      announced()
    }
  }

  /** JPEG quality 0-9 (lossy Tight, ZYWRLE), or null for lossless; announced with the encodings. */
  setQuality(level: number | null): void {
    const q = level === null ? null : Math.max(0, Math.min(9, Math.round(level)))
    if (q === this.quality) return
    this.quality = q
    this.retune()
  }

  /**
   * JPEG quality 0-100, or null to go back to the level; overrides the level (auto-select's
   * too) while set. Throws a RangeError for anything but a whole number 0-100.
   */
  setFineQuality(quality: number | null): void {
    const q = quality === null ? null : checkFineQuality(quality)
    if (q === this.fineQuality) return
    this.fineQuality = q
    this.retune()
  }

  /** JPEG chroma subsampling, or null for the server's choice; see {@link RfbClientOptions.subsampling}. */
  setSubsampling(subsampling: Subsampling | null): void {
    const s = subsampling === null ? null : checkSubsampling(subsampling)
    if (s === this.subsampling) return
    this.subsampling = s
    this.retune()
  }

  private tuning(): number[] {
    return tuningEncodings({ quality: this.quality, fineQuality: this.fineQuality, subsampling: this.subsampling, compression: this.compression })
  }

  /** Announces changed tuning; auto-select's level changes announce nothing while a fine quality rules. */
  private retune(): void {
    if (this.state === 'connected' && this.tuning().join() !== this.sentTuning) this.sendEncodings(this.pixelEncodings)
  }

  /** zlib compression level 0-9, or null for the server's default. */
  setCompression(level: number | null): void {
    const c = level === null ? null : Math.max(0, Math.min(9, Math.round(level)))
    if (c === this.compression) return
    this.compression = c
    this.retune()
  }

  /**
   * Switches the pixel format (e.g. to 8 bpp on a slow link). It takes effect between updates,
   * right before the next request, so no update in flight is decoded with the wrong format.
   */
  setPixelFormat(name: PixelFormatName): void {
    const pf = PIXEL_FORMATS[name]
    // Already what the server was told last: nothing to switch (and no full refresh to pay for).
    if (pf === this.sentFormat) {
      this.pendingPixelFormat = null
      return
    }
    this.pendingPixelFormat = pf
    // While the server pushes, the switch is marked by its EndOfContinuousUpdates: safe at any time.
    if (this.state === 'connected' && this.continuous === 'on') {
      this.switchFormatWhileContinuous()
      return
    }
    if (this.state === 'connected' && !this.waitingForSink && this.phase === Phase.MessageType && this.options.autoUpdate === false) {
      this.applyPendingPixelFormat()
    }
  }

  private currentFormatName(): PixelFormatName | null {
    const pf = this.converter?.pf
    if (!pf) return null
    const entry = Object.entries(PIXEL_FORMATS).find(([, f]) => f === pf)
    return entry ? (entry[0] as PixelFormatName) : null
  }

  private applyPendingPixelFormat(): void {
    const pf = this.pendingPixelFormat
    if (!pf) return
    this.pendingPixelFormat = null
    validatePixelFormat(pf)
    this.converter = new PixelConverter(pf, this.colourMap)
    if (this.info) this.info.pixelFormat = pf
    this.sentFormat = pf
    this.send(msg.setPixelFormat(pf), `SetPixelFormat ${describePixelFormat(pf)}`)
    // Pixels already on screen stay valid, but the next update must be complete in the new format.
    this.resized = true
  }

  /** Asks for the whole framebuffer (or a part); non-incremental means "send everything". */
  requestUpdate(incremental: boolean, x = 0, y = 0, w = this.width, h = this.height): void {
    if (!this.requestedAt) this.requestedAt = performance.now()
    this.send(msg.framebufferUpdateRequest(incremental, x, y, w, h), `FramebufferUpdateRequest ${incremental ? 'incremental' : 'full'} ${w}x${h}+${x}+${y}`)
  }

  sendKey(keysym: number, down: boolean): void {
    this.send(msg.keyEvent(down, keysym), `KeyEvent 0x${keysym.toString(16)} ${down ? 'down' : 'up'}`)
  }

  /**
   * Pointer state: bits 0-6 are buttons 1-7 (left, middle, right, wheel up/down/left/right),
   * bit 7 back and bit 8 forward, sent only once the server confirmed ExtendedMouseButtons.
   */
  sendPointer(buttonMask: number, x: number, y: number): void {
    const cx = Math.max(0, Math.min(this.width - 1, Math.round(x)))
    const cy = Math.max(0, Math.min(this.height - 1, Math.round(y)))
    if (this.features.extendedMouseButtons && buttonMask & 0x180) {
      this.send(msg.extendedPointerEvent(buttonMask, cx, cy), `PointerEvent mask=${buttonMask} ${cx},${cy} (extended)`)
      return
    }
    // Without the extension, bit 7 would be read as a marker by servers that know it: keep it clear.
    const mask = this.features.extendedMouseButtons ? buttonMask & 0x7f : buttonMask & 0xff
    this.send(msg.pointerEvent(mask, cx, cy), `PointerEvent mask=${mask} ${cx},${cy}`)
  }

  /**
   * A key with its XT scancode ("qnum") when the server takes QEMU extended key events, which
   * makes keys layout-independent; otherwise the keysym alone.
   */
  sendKeyWithScancode(keysym: number, scancode: number, down: boolean): void {
    if (this.features.qemuKeyEvents && scancode > 0) {
      this.send(msg.qemuKeyEvent(down, keysym, scancode), `QEMUKeyEvent 0x${keysym.toString(16)} scancode 0x${scancode.toString(16)} ${down ? 'down' : 'up'}`)
    } else this.sendKey(keysym, down)
  }

  /** Asks the server to resize (ExtendedDesktopSize); returns false when it cannot. */
  requestDesktopSize(width: number, height: number): boolean {
    if (!this.features.extendedDesktopSize) return false
    const w = Math.max(1, Math.min(MAX_FRAMEBUFFER_SIDE, Math.round(width)))
    const h = Math.max(1, Math.min(MAX_FRAMEBUFFER_SIDE, Math.floor(MAX_FRAMEBUFFER_PIXELS / w), Math.round(height)))
    const current = this.features.screens
    // Keep the server's screen ids: one screen covering the new size (multi-monitor layouts stay the server's business).
    const screen: Screen = { id: current[0]?.id ?? 0, x: 0, y: 0, width: w, height: h, flags: current[0]?.flags ?? 0 }
    this.send(msg.setDesktopSize(w, h, [screen]), `SetDesktopSize ${w}x${h}`)
    return true
  }

  /** XVP power action; returns false when the server has not offered XVP. */
  sendXvp(action: XvpAction): boolean {
    if (!this.features.xvp) return false
    this.send(msg.xvp(action), `XVP action ${action}`)
    return true
  }

  /**
   * Offers local clipboard text: UTF-8 through Extended Clipboard once the server sent its caps,
   * else Latin-1. A server whose caps lack notify (libvncserver) gets the Latin-1 copy first too.
   */
  sendClipboard(text: string): void {
    if (this.clipboard.active) {
      const payloads = this.clipboard.offer(text)
      // Plain first: where the server does read the extended form, its UTF-8 text is the one that stays.
      const plainFits = text.length <= PLAIN_CUT_TEXT_LIMIT
      if (payloads.length > 0 && this.clipboard.alsoPlain && plainFits) this.send(msg.clientCutText(text), `ClientCutText ${text.length} chars`)
      for (const p of payloads) this.send(msg.extendedClientCutText(p), `ClientCutText extended ${p.length} bytes`)
      if (payloads.length > 0) return
    }
    if (text.length > PLAIN_CUT_TEXT_LIMIT) {
      this.options.trace?.('out', `ClientCutText of ${text.length} chars not sent: over the ${PLAIN_CUT_TEXT_LIMIT} bytes servers accept`)
      return
    }
    this.send(msg.clientCutText(text), `ClientCutText ${text.length} chars`)
  }

  /** Closes the connection; emits `close` with null. */
  close(): void {
    if (this.state === 'closed') return
    this.closing = true
    this.finish(null)
    this.transport?.close()
  }

  private fail(err: unknown): void {
    if (this.state === 'closed') return
    const error = err instanceof RfbError ? err : new RfbProtocolError(err instanceof Error ? err.message : String(err), this.q.position, 'RFB_ERR_INTERNAL')
    // Keep the original exception (and its stack) for diagnostics behind the presentable error.
    if (error !== err) (error as Error & { cause?: unknown }).cause = err
    this.closing = true
    // Report first: closing the transport reports a close of its own, which must not win.
    this.finish(error)
    this.transport?.close()
  }

  private finish(error: RfbError | null): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer)
    if (this.stallTimer) clearTimeout(this.stallTimer)
    const w = this.waiter
    this.waiter = null
    w?.reject(error ?? new NetworkError('connection closed'))
    this.emit('state', 'closed')
    this.emit('close', error)
  }

  /** Parses as many whole messages as are buffered. */
  private pump(): void {
    try {
      while (this.state === 'connected' && !this.waitingForSink && this.step()) {
        /* keep parsing */
      }
      this.q.compact()
      this.watchForStall()
    } catch (err) {
      this.fail(err)
    }
  }

  /**
   * Watches for a server that stops inside a message. Every parse restarts the wait; one timer
   * checks it and re-arms for what is left, instead of a clearTimeout/setTimeout per socket chunk.
   */
  private watchForStall(): void {
    if (this.state !== 'connected' || this.waitingForSink || !this.insideMessage) {
      this.stalledSince = 0
      return
    }
    this.stalledSince = performance.now()
    if (!this.stallTimer) this.armStallTimer(this.options.stallTimeoutMs ?? 30_000)
  }

  private armStallTimer(ms: number): void {
    this.stallTimer = setTimeout(() => {
      this.stallTimer = null
      if (this.state !== 'connected' || this.stalledSince === 0) return
      const limit = this.options.stallTimeoutMs ?? 30_000
      const waited = performance.now() - this.stalledSince
      if (waited < limit) return this.armStallTimer(limit - waited)
      this.fail(new TimeoutError(`the server stopped sending in the middle of a message (at byte ${this.q.position}) for ${limit / 1000} s`))
    }, ms)
    this.stallTimer.unref?.()
  }

  /** One parsing step; false when more bytes are needed or the sink is busy. */
  private step(): boolean {
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
        this.update.rects++
        if (r.encoding !== this.lastEncoding) {
          this.lastEncoding = r.encoding
          if (!this.update.encodings.includes(r.encoding)) this.update.encodings.push(r.encoding)
        }
        this.options.trace?.('in', `  rect ${r.w}x${r.h}+${r.x}+${r.y} ${encodingName(r.encoding)}`)
        return this.beginRect(r, at)
      }
      case Phase.RectBody: {
        if (!this.decoder!.decode(q, this.ctx!)) return false
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

  private beginRect(r: Rect, at: number): boolean {
    // Pixel encodings first: they are most rects, and a map lookup is cheaper than the switch.
    const d = this.decoders.get(r.encoding)
    if (d) {
      if (r.x + r.w > this.width || r.y + r.h > this.height) {
        throw new RfbProtocolError(`${encodingName(r.encoding)} rect ${r.w}x${r.h}+${r.x}+${r.y} outside the ${this.width}x${this.height} framebuffer`, at, 'RFB_ERR_RECT_BOUNDS')
      }
      this.update.pixels += r.w * r.h
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
        this.checkSize(r.w, r.h, at)
        this.resizeTo(r.w, r.h)
        this.resized = true
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
        this.emit('pointer', r.x, r.y)
        return this.rectDone()
      case Encoding.QEMUExtendedKeyEvent:
        this.confirm('qemuKeyEvents')
        return this.rectDone()
      case Encoding.ExtendedMouseButtons:
        this.confirm('extendedMouseButtons')
        return this.rectDone()
      case Encoding.QEMULedState:
        return this.readPayload(1, (b) => this.emitLeds(b[0]))
      case Encoding.VMwareLedState:
        return this.readPayload(4, (b) => this.emitLeds(b[3]))
      default:
        throw new RfbProtocolError(`rect with encoding ${encodingName(r.encoding)}, which we did not ask for`, at, 'RFB_ERR_ENCODING')
    }
    this.decoder!.begin(r, this.ctx!)
    this.phase = Phase.RectBody
    return true
  }

  private checkSize(w: number, h: number, at: number): void {
    checkFramebufferSize(w, h, at, 'new framebuffer size')
  }

  private confirm(feature: Exclude<keyof ServerFeatures, 'screens'>): void {
    if (this.features[feature]) return
    this.features[feature] = true
    this.emit('features', this.features)
  }

  /** LED bits as QEMU and VMware send them: scroll lock 1, num lock 2, caps lock 4. */
  private emitLeds(bits: number): void {
    this.emit('leds', { scrollLock: (bits & 1) !== 0, numLock: (bits & 2) !== 0, capsLock: (bits & 4) !== 0 })
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
        this.features.screens = screens
        this.confirm('extendedDesktopSize')
        if (status === 0) {
          this.checkSize(r.w, r.h, at)
          if (r.w !== this.width || r.h !== this.height) {
            this.resizeTo(r.w, r.h)
            this.resized = true
          }
        }
        if (ours) this.emit('desktopSizeResult', status === 0 ? null : DESKTOP_SIZE_ERRORS[status] ?? `error ${status}`)
        return true
      },
    }
    return true
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
        const name = decodeServerString(q.bytes(len))
        if (this.info) this.info.init.name = name
        this.emit('name', name)
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
        const now = performance.now()
        this.update = {
          rects: 0, bytes: 0, pixels: 0, encodings: [], start: at, startedAt: now, transferMs: 0,
          // Pushed updates have no request to time: the link's fence round trip stands in (the
          // minimum, as an echo can also wait behind queued updates or a busy renderer).
          latencyMs: this.requestedAt ? now - this.requestedAt : this.continuous === 'on' ? this.ping.minRttMs : 0,
        }
        this.lastEncoding = NaN
        this.requestedAt = 0
        this.options.trace?.('in', `FramebufferUpdate ${this.rectsLeft} rects`)
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
        this.colourMap.set(first, rgb)
        this.options.trace?.('in', `SetColourMapEntries first=${first} count=${count}`)
        return true
      }
      case ServerMessage.Bell:
        q.skip(1)
        this.options.trace?.('in', 'Bell')
        this.emit('bell')
        return true
      case ServerMessage.ServerCutText: {
        if (!q.has(8)) return false
        const signed = q.peekU32(4) | 0
        // A negative length is an Extended Clipboard message of -length bytes.
        const extended = signed < 0
        const len = extended ? -signed : signed
        if (len > MAX_CUT_TEXT_BYTES || (extended && !this.clipboard.active && len > 4 + 4 * 16)) {
          // Too big to hold: skip it as it streams in rather than buffer or give up the session.
          q.skip(8)
          this.options.trace?.('in', `ServerCutText of ${len} bytes dropped (limit ${MAX_CUT_TEXT_BYTES})`)
          this.drainLeft = len
          this.phase = Phase.Drain
          return true
        }
        if (!q.has(8 + len)) return false
        q.skip(8)
        const body = q.bytes(len)
        if (!extended) {
          this.options.trace?.('in', `ServerCutText ${len} bytes`)
          // x11vnc sends its empty CUT_BUFFER0 15 s after a client connects; that must not wipe the local clipboard.
          if (len > 0) this.emit('clipboard', decodeLatin1(body))
          return true
        }
        this.options.trace?.('in', `ServerCutText extended ${len} bytes`)
        const outcome = this.clipboard.receive(body, at)
        for (const reply of outcome.replies) this.send(msg.extendedClientCutText(reply), `ClientCutText extended ${reply.length} bytes`)
        if (outcome.text !== undefined) this.emit('clipboard', outcome.text)
        return true
      }
      case ServerMessage.EndOfContinuousUpdates:
        q.skip(1)
        this.options.trace?.('in', 'EndOfContinuousUpdates')
        // The first one only says the server supports continuous updates.
        this.confirm('continuousUpdates')
        this.endOfContinuousUpdates()
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
        this.options.trace?.('in', `Fence flags=0x${flags.toString(16)} ${len} bytes`)
        this.confirm('fence')
        if (!(flags & FenceFlag.Request)) this.pong(payload)
        // Messages are handled strictly in order, so BlockBefore/BlockAfter already hold; answer at once.
        if (flags & FenceFlag.Request) {
          const reply = flags & (FenceFlag.BlockBefore | FenceFlag.BlockAfter | FenceFlag.SyncNext)
          this.send(msg.fence(reply, payload), `Fence reply flags=0x${reply.toString(16)}`)
        }
        return true
      }
      case ServerMessage.Xvp: {
        if (!q.has(4)) return false
        q.skip(2)
        const version = q.u8()
        const code = q.u8()
        this.options.trace?.('in', `XVP version=${version} code=${code}`)
        // Code 1 (XVP_INIT) says power actions are available; 0 (XVP_FAIL) that one failed.
        if (code === 1) this.confirm('xvp')
        else if (code === 0) this.emit('xvpFailed')
        return true
      }
      default:
        throw new RfbProtocolError(`unknown server message type ${type}`, at, 'RFB_ERR_MESSAGE_TYPE')
    }
  }

  private endUpdate(): boolean {
    this.phase = Phase.MessageType
    const u = this.update
    const stats: UpdateStats = {
      rects: u.rects, bytes: this.q.position - u.start, pixels: u.pixels, encodings: u.encodings,
      transferMs: performance.now() - u.startedAt, latencyMs: u.latencyMs,
    }
    const choice = this.autoSelect?.sample(stats)
    if (choice) {
      this.setQuality(choice.quality)
      if (choice.pixelFormat !== this.currentFormatName()) this.setPixelFormat(choice.pixelFormat)
    }
    const done = this.options.sink.endUpdate()
    this.emit('update', stats)
    if (done && typeof (done as Promise<void>).then === 'function') {
      this.waitingForSink = true
      // Leave what follows in the kernel's buffers, not ours: a pushing server then feels the wait.
      this.transport?.pause()
      ;(done as Promise<void>).then(
        () => {
          this.waitingForSink = false
          this.requestNext()
          this.transport?.resume()
          this.pump()
        },
        (err: unknown) => this.fail(err),
      )
      return false
    }
    this.requestNext()
    return true
  }

  private requestNext(): void {
    if (this.state !== 'connected' || this.options.autoUpdate === false) return
    if (this.continuous === 'on') return this.continueUpdates()
    this.applyPendingPixelFormat()
    if (this.continuous === 'off' && this.options.continuousUpdates !== false && this.features.continuousUpdates && this.features.fence) {
      // As TigerVNC's viewer: the first update came by request, the rest are pushed.
      this.continuous = 'on'
      this.sendEnableContinuousUpdates()
      if (this.resized) this.requestUpdate(false)
      this.resized = false
      this.sendPing()
      return
    }
    // After a resize the old picture is meaningless: ask for all of it.
    this.requestUpdate(!this.resized)
    this.resized = false
  }

  /** After each pushed update: follow a resize, switch a pending pixel format, time the link. */
  private continueUpdates(): void {
    if (this.pendingPixelFormat) this.switchFormatWhileContinuous()
    else if (this.resized) this.sendEnableContinuousUpdates()
    this.resized = false
    if (performance.now() - this.ping.lastAt >= PING_INTERVAL_MS) this.sendPing()
  }

  private sendEnableContinuousUpdates(): void {
    this.send(msg.enableContinuousUpdates(true, 0, 0, this.width, this.height), `EnableContinuousUpdates on ${this.width}x${this.height}`)
  }

  /**
   * Pushed updates already on their way follow the old settings, so: stop, change, restart
   * (rfbproto EnableContinuousUpdates); the server's EndOfContinuousUpdates for the stop marks
   * where the change begins, and `apply` runs there.
   */
  private switchWhileContinuous(change: () => void, apply: () => void): void {
    this.atEndOfUpdates.push(apply)
    this.send(msg.enableContinuousUpdates(false, 0, 0, 0, 0), 'EnableContinuousUpdates off')
    change()
    this.sendEnableContinuousUpdates()
  }

  private switchFormatWhileContinuous(): void {
    const pf = this.pendingPixelFormat!
    this.pendingPixelFormat = null
    validatePixelFormat(pf)
    this.sentFormat = pf
    this.switchWhileContinuous(
      () => this.send(msg.setPixelFormat(pf), `SetPixelFormat ${describePixelFormat(pf)}`),
      () => {
        this.converter = new PixelConverter(pf, this.colourMap)
        if (this.info) this.info.pixelFormat = pf
        // The server repaints only what changes: ask for all of it in the new format.
        this.requestUpdate(false)
      },
    )
  }

  private endOfContinuousUpdates(): void {
    const apply = this.atEndOfUpdates.shift()
    if (apply) apply()
    else if (this.continuous === 'on') {
      // The server stopped pushing on its own: back to one request per update, for good.
      this.continuous = 'ended'
      if (!this.waitingForSink && this.phase === Phase.MessageType) this.requestUpdate(true)
    }
  }

  /** Sends a fence request with a sequence number; its echo gives the round trip. */
  private sendPing(): void {
    if (!this.features.fence) return
    const now = performance.now()
    // One at a time; a lost echo (a server that drops our fences) frees the slot after a while.
    if (this.ping.sentAt && now - this.ping.sentAt < PING_TIMEOUT_MS) return
    this.ping.seq = (this.ping.seq + 1) >>> 0
    this.ping.sentAt = now
    this.ping.lastAt = now
    const payload = new Uint8Array(4)
    new DataView(payload.buffer).setUint32(0, this.ping.seq)
    this.send(msg.fence(FenceFlag.Request, payload), `Fence request ${this.ping.seq}`)
  }

  private pong(payload: Uint8Array): void {
    if (!this.ping.sentAt || payload.length !== 4) return
    if (new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0) !== this.ping.seq) return
    this.ping.rttMs = performance.now() - this.ping.sentAt
    this.ping.minRttMs = this.ping.minRttMs === 0 ? this.ping.rttMs : Math.min(this.ping.minRttMs, this.ping.rttMs)
    this.ping.sentAt = 0
  }

  /** The last fence round trip in ms (0 before the first), measured while continuous updates run. */
  get roundTripMs(): number {
    return this.ping.rttMs
  }

  /** Whether the server is pushing updates (ContinuousUpdates on). */
  get continuousUpdates(): boolean {
    return this.continuous === 'on'
  }
}
