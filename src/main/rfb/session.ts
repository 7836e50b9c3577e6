import { EventEmitter } from 'node:events'
import type { ScreenRect } from '@shared/contract'
import type { Subsampling } from '@shared/encodings'
import { ByteQueue } from './byte-queue'
import { ClipboardChannel } from './clipboard-channel'
import * as msg from './client-messages'
import type { XvpAction } from './client-messages'
import { DEFAULT_ENCODINGS } from './decoders'
import { DesktopSizeReplies } from './desktop-size'
import { FeatureHolds } from './feature-holds'
import { NetworkError, RfbError, RfbProtocolError, TimeoutError, UnsupportedError } from './errors'
import { type HandshakeResult, runHandshake } from './handshake'
import { ColourMap, PixelConverter } from './pixel-converter'
import { HandshakeReads } from './handshake-reads'
import { MAX_WRITE_BACKLOG, ReadGate, WRITE_BACKLOG_CEILING } from './read-gate'
import { PIXEL_FORMATS, type PixelFormatName } from './pixel-format'
import type { HandshakeIo } from './security/security-handler'
import type { UpdateCounts } from './server-message-handler'
import { type ServerMessageExtension, ServerMessageReader } from './server-message-reader'
import { sessionHandshakeIo } from './session-handshake-io'
import { Deadline, NextTurn, StallWatch, trustPromptOutsideDeadline } from './session-timers'
import { type OutgoingMessage, desktopSizeMessage, keyMessage, keyWithScancodeMessage, pointerMessage } from './input-messages'
import { type ConnectionInfo, type RfbClientEvents, type RfbClientOptions, type SessionState, type UpdateStats, noFeatures } from './session-types'
import { type AnsweringSession, sessionAnswers } from './session-answers'
import { StreamWrapping } from './stream-wrapping'
import type { TlsSessionInfo, Transport } from './transport/transport'
import { UpdateFlow, type UpdateFlowIo } from './update-flow'

export { DESKTOP_SIZE_ERRORS } from './desktop-size'
export type { ConnectionInfo, LedState, RfbClientEvents, RfbClientOptions, ServerFeatures, SessionState, UpdateStats } from './session-types'

/**
 * One RFB connection (TigerVNC's CConnection): the handshake reads top to bottom, then a
 * {@link ServerMessageReader} turns each FramebufferUpdate into draw ops on the sink and the rest
 * into calls this class answers; the {@link UpdateFlow} decides what to ask for next. The next
 * update request waits for the sink to finish the previous one, so a slow consumer slows the
 * server instead of queueing.
 */
export class RfbClient extends EventEmitter<RfbClientEvents> {
  state: SessionState = 'handshake'
  info: ConnectionInfo | null = null
  /** Set once the connection runs over TLS. */
  tls: TlsSessionInfo | null = null
  width = 0
  height = 0
  readonly features = noFeatures()

  private readonly q = new ByteQueue()
  private transport: Transport | null = null
  private readonly handshakeDeadline: Deadline
  private readonly stallWatch: StallWatch
  private closing = false
  /** RSA-AES: what every byte passes through once the security type wrapped the stream. */
  private readonly wrapping = new StreamWrapping()

  private readonly colourMap = new ColourMap()
  private readonly clipboard: ClipboardChannel
  private readonly reader: ServerMessageReader
  private readonly flow: UpdateFlow
  private waitingForSink = false
  private readonly nextSlice = new NextTurn(() => this.pump())
  private readonly gate = new ReadGate(() => (this.state === 'closed' ? null : this.transport))
  private readonly reads = new HandshakeReads(this.q, this.gate, { closed: () => this.state === 'closed', fail: (err) => this.fail(err) })
  /** When the update being parsed began, and its latency (see UpdateStats). */
  private updateStartedAt = 0
  private updateLatencyMs = 0
  private readonly resizes = new DesktopSizeReplies()
  /** Features waiting for their consumer (see holdReading): no message is parsed meanwhile. */
  private readonly featureHolds = new FeatureHolds(
    () => this.gate.hold('feature'),
    (last) => {
      if (last) this.gate.release('feature')
      this.pump()
    },
  )

  /** Throws a RangeError for a fine quality or subsampling out of range. */
  constructor(private readonly options: RfbClientOptions) {
    super()
    const handshakeMs = options.handshakeTimeoutMs ?? 30_000
    this.handshakeDeadline = new Deadline(handshakeMs, () =>
      this.fail(new TimeoutError(`the server did not complete the handshake within ${handshakeMs / 1000} s`)),
    )
    this.stallWatch = new StallWatch(options.stallTimeoutMs ?? 30_000, () =>
      this.fail(new TimeoutError(`the server stopped sending in the middle of a message (at byte ${this.q.position}) for ${this.stallWatch.limitMs / 1000} s`)),
    )
    this.clipboard = new ClipboardChannel((data, trace) => this.send(data, trace), options.trace)
    this.flow = new UpdateFlow(this.flowIo(), options)
    const answers = sessionAnswers({
      flow: this.flow,
      features: this.features,
      resizes: this.resizes,
      colourMap: this.colourMap,
      clipboard: this.clipboard,
      info: () => this.info,
      emit: this.emit.bind(this) as AnsweringSession['emit'],
      resizeTo: (width, height) => this.resizeTo(width, height),
      updateStarted: (now) => {
        this.updateStartedAt = now
        this.updateLatencyMs = this.flow.updateStarted(now)
      },
      endUpdate: (counts) => this.endUpdate(counts),
      confirm: (feature) => this.confirm(feature),
    })
    this.reader = new ServerMessageReader(this.q, options.sink, answers, options.trace)
    if (options.slicePixels !== undefined) this.reader.slicePixels = options.slicePixels
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
    return this.reader.insideMessage
  }

  /** The last fence round trip in ms (0 before the first), measured while continuous updates run. */
  get roundTripMs(): number {
    return this.flow.roundTripMs
  }

  /** Whether the server is pushing updates (ContinuousUpdates on). */
  get continuousUpdates(): boolean {
    return this.flow.continuousUpdates
  }

  /** Runs the handshake over a connected transport; resolves once ServerInit is in. */
  start(transport: Transport): Promise<ConnectionInfo> {
    this.transport = transport
    const done = new Promise<ConnectionInfo>((resolve, reject) => {
      this.once('connected', resolve)
      this.once('close', (err) => reject(err ?? new NetworkError('connection closed during the handshake')))
    })
    this.handshakeDeadline.arm()
    transport.start({
      data: (chunk, lent) => this.onData(chunk, lent === true),
      copiesLent: true,
      close: (error) => this.onTransportClose(error),
      drain: () => this.gate.release('peer'),
    })
    runHandshake(this.handshakeIo(), {
      shared: this.options.shared ?? true,
      trace: this.options.trace,
      security: trustPromptOutsideDeadline(this.options.security, this.handshakeDeadline, () => this.state === 'handshake'),
    })
      .then((result) => this.enterNormalPhase(result))
      .catch((err: unknown) => this.fail(err))
    return done
  }

  private handshakeIo(): HandshakeIo {
    return sessionHandshakeIo({
      q: this.q,
      reads: this.reads,
      gate: this.gate,
      wrapping: this.wrapping,
      deadline: this.handshakeDeadline,
      credentials: this.options.credentials,
      transport: () => this.transport,
      inHandshake: () => this.state === 'handshake',
      write: (data) => this.write(data),
      tlsStarted: (tls) => (this.tls = tls),
    })
  }

  /** The write backlog passed its ceiling: the session ends on the next turn. */
  private endingForBacklog = false

  private write(data: Uint8Array): void {
    const transport = this.transport
    if (!transport) return
    transport.write(this.wrapping.outgoing(data))
    const backlog = transport.writeBacklog ?? 0
    if (backlog > WRITE_BACKLOG_CEILING && this.state !== 'closed' && !this.endingForBacklog) {
      this.endingForBacklog = true
      const mib = Math.round(backlog / 2 ** 20)
      // Ended on the next turn: a write can come from deep inside the handshake or an input handler.
      setImmediate(() => this.fail(new NetworkError(`the server stopped reading what we send (${mib} MiB waiting to go out)`, 'RFB_ERR_NOT_READING')))
    }
  }

  /** `lent`: `raw` is the socket's reused read buffer, valid only during this call. */
  private onData(raw: Uint8Array, lent: boolean): void {
    if (this.state === 'closed') return
    // A cipher or a recording may keep what it is given: they get bytes of their own.
    if (lent && (this.wrapping.wrapped || this.options.tap)) {
      raw = new Uint8Array(raw)
      lent = false
    }
    let chunk: Uint8Array | null
    try {
      chunk = this.wrapping.incoming(raw)
    } catch (err) {
      return this.fail(err)
    }
    if (!chunk) return
    this.options.tap?.(chunk)
    if (lent) this.q.copyIn(chunk)
    else this.q.push(chunk)
    if (this.state === 'connected') {
      this.gate.reassert()
      this.pump()
      return
    }
    this.reads.arrived()
  }

  private onTransportClose(error?: Error): void {
    if (this.state === 'closed') return
    if (this.closing) return this.finish(null)
    const err =
      error ?? new NetworkError(this.state === 'handshake' ? 'the server closed the connection during the handshake' : 'the server closed the connection')
    // A person is answering a prompt for a server that is gone: end now, so the prompt closes.
    if (this.state === 'handshake' && this.handshakeDeadline.paused) {
      return this.fail(new NetworkError('the server closed the connection while waiting for your answer', 'RFB_ERR_CLOSED_WHILE_ASKING'))
    }
    // A server that fails authentication sends its reason and hangs up at once; the close can
    // overtake the handshake's pending reads, so let it read what is buffered first.
    if (this.state === 'handshake' && !this.reads.waiting && this.q.length > 0) {
      this.reads.ended = err
      return
    }
    this.fail(err)
  }

  private enterNormalPhase(result: HandshakeResult): void {
    if (this.state === 'closed') return
    this.handshakeDeadline.stop()
    const want = this.options.pixelFormat ?? 'rgb888'
    const pf = want === 'server' ? result.init.pixelFormat : PIXEL_FORMATS[want]
    this.flow.start(pf, want !== 'server')
    this.sendEncodings(this.options.encodings ?? DEFAULT_ENCODINGS)
    this.resizeTo(result.init.width, result.init.height)
    this.info = { ...result, pixelFormat: pf, handshakeBytes: this.q.position }
    this.state = 'connected'
    this.emit('state', 'connected')
    this.emit('connected', this.info)
    this.emit('name', result.init.name)
    this.requestUpdate(false)
    this.gate.release('handshake')
    this.pump()
    // The transport ended while the handshake was still reading what it had buffered.
    if (this.reads.ended) this.fail(this.reads.ended)
  }

  private resizeTo(width: number, height: number): void {
    this.width = width
    this.height = height
    this.options.sink.resize(width, height)
    this.reader.setFramebuffer(width, height)
    this.emit('resize', width, height)
  }

  private sendMessage(m: OutgoingMessage): void {
    this.send(m.bytes, m.trace)
  }

  private send(data: Uint8Array, trace: string): void {
    if (this.state === 'closed' || !this.transport) return
    this.options.trace?.('out', trace)
    this.write(data)
    // Fences and clipboard requests make us reply: a server that sends them without reading the
    // replies would have them queue here without end. Stop reading it until they have gone.
    if ((this.transport.writeBacklog ?? 0) > MAX_WRITE_BACKLOG) this.gate.hold('peer')
  }

  /**
   * Lets a feature read a server message type the core does not (file transfer, audio) until the
   * returned function is called. Register before asking the server for the messages.
   */
  addMessageExtension(type: number, extension: ServerMessageExtension): () => void {
    this.reader.setExtension(type, extension)
    return () => this.reader.setExtension(type, null)
  }

  /** Sends a client message a feature built itself (its bytes whole); `trace` names it for --trace. */
  sendExtensionMessage(bytes: Uint8Array, trace: string): void {
    this.send(bytes, trace)
  }

  /**
   * Parses nothing more (and reads nothing) while a feature's slow consumer catches up: until the
   * promise settles (UltraVNC), or from `true` to `false` (TightVNC; one such hold at a time).
   */
  holdReading(until: Promise<unknown> | boolean): void {
    this.featureHolds.add(until)
  }

  /** Bytes written but not yet gone to the network (0 when the transport cannot tell): paces a feature's big sends. */
  get writeBacklog(): number {
    return this.transport?.writeBacklog ?? 0
  }

  /** Replaces the encoding preference (pixel encodings first); the server applies it to later updates. */
  sendEncodings(pixelEncodings: readonly number[]): void {
    this.flow.sendEncodings(pixelEncodings)
  }

  /** JPEG quality 0-9 (lossy Tight, ZYWRLE), or null for lossless; announced with the encodings. */
  setQuality(level: number | null): void {
    this.flow.setQuality(level)
  }

  /**
   * JPEG quality 0-100, or null to go back to the level; overrides the level (auto-select's
   * too) while set. Throws a RangeError for anything but a whole number 0-100.
   */
  setFineQuality(quality: number | null): void {
    this.flow.setFineQuality(quality)
  }

  /** JPEG chroma subsampling, or null for the server's choice; see {@link RfbClientOptions.subsampling}. */
  setSubsampling(subsampling: Subsampling | null): void {
    this.flow.setSubsampling(subsampling)
  }

  /** zlib compression level 0-9, or null for the server's default. */
  setCompression(level: number | null): void {
    this.flow.setCompression(level)
  }

  /**
   * Switches the pixel format (e.g. to 8 bpp on a slow link). It takes effect between updates,
   * right before the next request, so no update in flight is decoded with the wrong format.
   */
  setPixelFormat(name: PixelFormatName): void {
    this.flow.setPixelFormat(name)
  }

  /** Asks for the whole framebuffer (or a part); non-incremental means "send everything". */
  requestUpdate(incremental: boolean, x = 0, y = 0, w = this.width, h = this.height): void {
    this.flow.requestUpdate(incremental, x, y, w, h)
  }

  sendKey(keysym: number, down: boolean): void {
    this.sendMessage(keyMessage(keysym, down))
  }

  /** Pointer state (see `pointerMessage` for the button bits), clamped to the framebuffer. */
  sendPointer(buttonMask: number, x: number, y: number): void {
    this.sendMessage(pointerMessage(this.features, this.width, this.height, buttonMask, x, y))
  }

  /** A key with its XT scancode when the server takes QEMU extended key events; otherwise the keysym alone. */
  sendKeyWithScancode(keysym: number, scancode: number, down: boolean): void {
    this.sendMessage(keyWithScancodeMessage(this.features, keysym, scancode, down))
  }

  /** Asks the server to resize (ExtendedDesktopSize) without waiting for its answer; returns false when it cannot. */
  requestDesktopSize(width: number, height: number): boolean {
    if (!this.features.extendedDesktopSize) return false
    this.resizeDesktop(width, height).catch(() => {})
    return true
  }

  /**
   * Asks the server for this desktop size laid out as `screens` (remote monitors), or as one
   * screen when absent (see `desktopSizeMessage`). Resolves once the server accepted it (or no
   * answer came in time); rejects with an UnsupportedError without ExtendedDesktopSize, and a
   * DesktopSizeError for a layout that cannot go out or that the server refused.
   */
  async resizeDesktop(width: number, height: number, screens?: readonly ScreenRect[]): Promise<void> {
    if (this.state !== 'connected') throw new NetworkError('the session is not connected')
    const m = desktopSizeMessage(this.features, width, height, screens)
    if (!m) throw new UnsupportedError('this server cannot be resized from the viewer')
    this.sendMessage(m)
    await this.resizes.sent()
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
    this.clipboard.offer(text)
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
    // Keep the original exception (and its stack) behind the presentable error, for diagnostics
    // and the fuzz harness, which tells engine bugs (RFB_ERR_INTERNAL) from protocol errors by it.
    if (error !== err) error.cause = err
    this.closing = true
    // Report first: closing the transport reports a close of its own, which must not win.
    this.finish(error)
    this.transport?.close()
  }

  private finish(error: RfbError | null): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    this.handshakeDeadline.stop()
    this.stallWatch.stop()
    this.reads.abandon(error ?? new NetworkError('connection closed'))
    this.resizes.abandon(error ?? new NetworkError('connection closed'))
    this.emit('state', 'closed')
    this.emit('close', error)
  }

  /** Parses as many whole messages as are buffered. */
  private pump(): void {
    try {
      while (this.state === 'connected' && !this.waitingForSink && !this.featureHolds.parsingHeld && this.reader.step()) {
        /* keep parsing */
      }
      this.q.compact()
      // A huge rect stopped part-way (slicePixels): go on next turn, reading nothing meanwhile.
      if (this.state === 'connected' && this.reader.yielded) {
        this.gate.hold('slice')
        this.nextSlice.schedule()
      } else this.gate.release('slice')
      // Only a wait for bytes inside a message is timed, not idle time, a busy sink or a feature's held reading.
      this.stallWatch.parsed(this.state === 'connected' && !this.waitingForSink && !this.featureHolds.active && this.insideMessage)
    } catch (err) {
      this.fail(err)
    }
  }
  /** What the update flow reads and changes of the session. */
  private flowIo(): UpdateFlowIo {
    return {
      send: (data, trace) => this.send(data, trace),
      connected: () => this.state === 'connected',
      idle: () => !this.waitingForSink && this.reader.betweenMessages,
      width: () => this.width,
      height: () => this.height,
      features: this.features,
      usePixelFormat: (pf) => {
        this.reader.converter = new PixelConverter(pf, this.colourMap)
        if (this.info) this.info.pixelFormat = pf
      },
      encodingsAnnounced: (all, unanswered) => this.reader.encodingsAnnounced(all, unanswered),
      encodingsApply: (all, unanswered) => this.reader.encodingsSent(all, unanswered),
    }
  }

  private confirm(feature: Exclude<keyof RfbClient['features'], 'screens'>): void {
    if (this.features[feature]) return
    this.features[feature] = true
    this.emit('features', this.features)
  }

  /** The update is parsed: report it, then let the sink pace the next one. */
  private endUpdate(counts: UpdateCounts): boolean {
    const stats: UpdateStats = {
      rects: counts.rects,
      bytes: counts.bytes,
      pixels: counts.pixels,
      encodings: counts.encodings,
      transferMs: performance.now() - this.updateStartedAt,
      latencyMs: this.updateLatencyMs,
    }
    this.flow.updateMeasured(stats)
    const done = this.options.sink.endUpdate()
    this.emit('update', stats)
    if (done && typeof (done as Promise<void>).then === 'function') {
      this.waitingForSink = true
      // Leave what follows in the kernel's buffers, not ours: a pushing server then feels the wait.
      this.gate.hold('sink')
      ;(done as Promise<void>).then(
        () => {
          this.waitingForSink = false
          this.flow.requestNext()
          this.gate.release('sink')
          this.pump()
        },
        (err: unknown) => this.fail(err),
      )
      return false
    }
    this.flow.requestNext()
    return true
  }
}
