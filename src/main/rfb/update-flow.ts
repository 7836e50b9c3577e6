import { Encoding, type Subsampling, encodingName } from '@shared/encodings'
import { AutoSelect } from './auto-select'
import * as msg from './client-messages'
import { PIXEL_FORMATS, type PixelFormat, type PixelFormatName, describePixelFormat, validatePixelFormat } from './pixel-format'
import type { RfbClientOptions, ServerFeatures, UpdateStats } from './session-types'
import { checkFineQuality, checkSubsampling, tuningEncodings } from './tuning'

/** Fence flags (rfbproto Fence): the ones we honour, and the request bit. */
const enum FenceFlag {
  BlockBefore = 1,
  BlockAfter = 2,
  SyncNext = 4,
  Request = 0x80000000,
}

/** How often a fence measures the round trip while the server pushes updates. */
const PING_INTERVAL_MS = 1000
const PING_TIMEOUT_MS = 10_000

/** Pseudo-encodings the engine always announces because it handles them itself. */
export const PSEUDO_ENCODINGS: readonly number[] = [
  Encoding.ExtendedDesktopSize,
  Encoding.DesktopSize,
  Encoding.LastRect,
  Encoding.Cursor,
  Encoding.XCursor,
  Encoding.PointerPos,
  Encoding.DesktopName,
  Encoding.Fence,
  Encoding.ContinuousUpdates,
  Encoding.QEMUExtendedKeyEvent,
  Encoding.QEMULedState,
  Encoding.VMwareLedState,
  Encoding.XVP,
  Encoding.ExtendedMouseButtons,
]

/** The options the update flow follows. */
export type UpdateFlowOptions = Pick<
  RfbClientOptions,
  'autoSelect' | 'quality' | 'fineQuality' | 'subsampling' | 'compression' | 'extendedClipboard' | 'extraEncodings' | 'autoUpdate' | 'continuousUpdates'
>

/** What the update flow needs from its session. */
export interface UpdateFlowIo {
  /** Writes one client message (nothing once the session is closed); `trace` describes it. */
  send(data: Uint8Array, trace: string): void
  /** From the end of ServerInit until the session closes. */
  connected(): boolean
  /** Between server messages with the sink idle: a switch made now cannot split an update. */
  idle(): boolean
  /** The framebuffer size now. */
  width(): number
  height(): number
  readonly features: ServerFeatures
  /** Decode with `pf` from now on (the session's reported format follows). */
  usePixelFormat(pf: PixelFormat): void
  /**
   * A SetEncodings list went out with `unanswered` update requests outstanding (Infinity while
   * updates are pushed: its EndOfContinuousUpdates then comes as {@link encodingsApply}).
   */
  encodingsAnnounced(all: readonly number[], unanswered: number): void
  /**
   * The server applies this SetEncodings list from now on (decoders that depend on it follow);
   * `unanswered` update requests are outstanding.
   */
  encodingsApply(all: readonly number[], unanswered: number): void
}

/**
 * When and how the viewer asks for updates (TigerVNC's CConnection update logic): a request per
 * update, or ContinuousUpdates where the server has them and Fence; the fence round trip that
 * times pushed updates; and switches of pixel format and announced encodings (tuning), each made
 * where no update in flight can be decoded with the wrong settings.
 */
export class UpdateFlow {
  private readonly autoSelect: AutoSelect | null
  private pixelEncodings: number[] = []
  private quality: number | null
  private compression: number | null
  private fineQuality: number | null
  private subsampling: Subsampling | null
  /** The tuning pseudo-encodings last announced, so a change that announces nothing new sends nothing. */
  private sentTuning = ''
  private pendingPixelFormat: PixelFormat | null = null
  /** The pixel format decoding uses now. */
  private inUse: PixelFormat | null = null
  /** The pixel format most recently sent (in use, or taking effect at an EndOfContinuousUpdates). */
  private sentFormat: PixelFormat | null = null
  /** The picture must be asked for whole: the framebuffer was resized or the pixel format changed. */
  private resized = false
  private requestedAt = 0
  /** FramebufferUpdateRequests not yet answered by an update (merged requests keep it high: harmless). */
  private unanswered = 0
  /** Continuous updates: 'off' (a request per update), 'on', or 'ended' (the server stopped them; asking again). */
  private continuous: 'off' | 'on' | 'ended' = 'off'
  /**
   * What takes effect at each EndOfContinuousUpdates still owed for our own stop / change / restart
   * (a pixel format, announced encodings), oldest first; an extra one means the server stopped.
   */
  private readonly atEndOfUpdates: (() => void)[] = []
  /** Our own fence, to measure the round trip when no request is there to time; the minimum is the link's. */
  private readonly ping = { seq: 0, sentAt: 0, lastAt: 0, rttMs: 0, minRttMs: 0 }

  /** Throws a RangeError for a fine quality or subsampling out of range. */
  constructor(
    private readonly io: UpdateFlowIo,
    private readonly options: UpdateFlowOptions,
  ) {
    this.autoSelect = options.autoSelect ? new AutoSelect() : null
    this.quality = this.autoSelect ? this.autoSelect.current.quality : (options.quality ?? null)
    this.compression = options.compression ?? null
    this.fineQuality = options.fineQuality === undefined ? null : checkFineQuality(options.fineQuality)
    this.subsampling = options.subsampling === undefined ? null : checkSubsampling(options.subsampling)
  }

  /** The first pixel format, right after ServerInit; `announce` false keeps the server's own unsaid. */
  start(pf: PixelFormat, announce: boolean): void {
    validatePixelFormat(pf)
    this.use(pf)
    this.sentFormat = pf
    if (announce) this.io.send(msg.setPixelFormat(pf), `SetPixelFormat ${describePixelFormat(pf)}`)
  }

  private use(pf: PixelFormat): void {
    this.inUse = pf
    this.io.usePixelFormat(pf)
  }

  /** See RfbClient.sendEncodings. */
  sendEncodings(pixelEncodings: readonly number[]): void {
    this.pixelEncodings = [...pixelEncodings]
    const tuning = this.tuning()
    this.sentTuning = tuning.join()
    const clipboard = this.options.extendedClipboard === false ? [] : [Encoding.ExtendedClipboard]
    const all = [...pixelEncodings, ...tuning, ...(this.options.extraEncodings ?? []), ...PSEUDO_ENCODINGS, ...clipboard]
    const send = (): void => {
      this.io.send(msg.setEncodings(all), `SetEncodings ${all.map(encodingName).join(', ')}`)
      this.io.encodingsAnnounced(all, this.continuous === 'on' ? Infinity : this.unanswered)
    }
    // Some decoders depend on what was announced (ZYWRLE's wavelet depth follows the quality level):
    // pushed updates already on their way were encoded with the old announcement.
    const announced = (): void => this.io.encodingsApply(all, this.unanswered)
    if (this.io.connected() && this.continuous === 'on') this.switchWhileContinuous(send, announced)
    else {
      send()
      announced()
    }
  }

  /** See RfbClient.setQuality. */
  setQuality(level: number | null): void {
    const q = level === null ? null : Math.max(0, Math.min(9, Math.round(level)))
    if (q === this.quality) return
    this.quality = q
    this.retune()
  }

  /** See RfbClient.setFineQuality. */
  setFineQuality(quality: number | null): void {
    const q = quality === null ? null : checkFineQuality(quality)
    if (q === this.fineQuality) return
    this.fineQuality = q
    this.retune()
  }

  /** See RfbClient.setSubsampling. */
  setSubsampling(subsampling: Subsampling | null): void {
    const s = subsampling === null ? null : checkSubsampling(subsampling)
    if (s === this.subsampling) return
    this.subsampling = s
    this.retune()
  }

  /** See RfbClient.setCompression. */
  setCompression(level: number | null): void {
    const c = level === null ? null : Math.max(0, Math.min(9, Math.round(level)))
    if (c === this.compression) return
    this.compression = c
    this.retune()
  }

  private tuning(): number[] {
    return tuningEncodings({ quality: this.quality, fineQuality: this.fineQuality, subsampling: this.subsampling, compression: this.compression })
  }

  /** Announces changed tuning; auto-select's level changes announce nothing while a fine quality rules. */
  private retune(): void {
    if (this.io.connected() && this.tuning().join() !== this.sentTuning) this.sendEncodings(this.pixelEncodings)
  }

  /** See RfbClient.setPixelFormat. */
  setPixelFormat(name: PixelFormatName): void {
    const pf = PIXEL_FORMATS[name]
    // Already what the server was told last: nothing to switch (and no full refresh to pay for).
    if (pf === this.sentFormat) {
      this.pendingPixelFormat = null
      return
    }
    this.pendingPixelFormat = pf
    // While the server pushes, the switch is marked by its EndOfContinuousUpdates: safe at any time.
    if (this.io.connected() && this.continuous === 'on') {
      this.switchFormatWhileContinuous()
      return
    }
    if (this.io.connected() && this.io.idle() && this.options.autoUpdate === false) this.applyPendingPixelFormat()
  }

  private currentFormatName(): PixelFormatName | null {
    const pf = this.inUse
    if (!pf) return null
    const entry = Object.entries(PIXEL_FORMATS).find(([, f]) => f === pf)
    return entry ? (entry[0] as PixelFormatName) : null
  }

  private applyPendingPixelFormat(): void {
    const pf = this.pendingPixelFormat
    if (!pf) return
    this.pendingPixelFormat = null
    validatePixelFormat(pf)
    this.use(pf)
    this.sentFormat = pf
    this.io.send(msg.setPixelFormat(pf), `SetPixelFormat ${describePixelFormat(pf)}`)
    // Pixels already on screen stay valid, but the next update must be complete in the new format.
    this.resized = true
  }

  /** The framebuffer changed size: the old picture is meaningless, the next request asks for all of it. */
  framebufferResized(): void {
    this.resized = true
  }

  /** See RfbClient.requestUpdate. */
  requestUpdate(incremental: boolean, x: number, y: number, w: number, h: number): void {
    if (!this.requestedAt) this.requestedAt = performance.now()
    this.unanswered++
    this.io.send(msg.framebufferUpdateRequest(incremental, x, y, w, h), `FramebufferUpdateRequest ${incremental ? 'incremental' : 'full'} ${w}x${h}+${x}+${y}`)
  }

  /**
   * An update began arriving at `now`: returns its latency, from our latest request (pushed
   * updates have none: the link's minimum fence round trip stands in, as an echo can also wait
   * behind queued updates or a busy renderer).
   */
  updateStarted(now: number): number {
    const latency = this.requestedAt ? now - this.requestedAt : this.continuous === 'on' ? this.ping.minRttMs : 0
    this.requestedAt = 0
    this.unanswered = Math.max(0, this.unanswered - 1)
    return latency
  }

  /** An update was parsed: auto-select may pick another quality level or pixel format from it. */
  updateMeasured(stats: UpdateStats): void {
    const choice = this.autoSelect?.sample(stats)
    if (choice) {
      this.setQuality(choice.quality)
      if (choice.pixelFormat !== this.currentFormatName()) this.setPixelFormat(choice.pixelFormat)
    }
  }

  /** The sink has taken the last update: ask for the next one (or keep the pushed ones in step). */
  requestNext(): void {
    if (!this.io.connected() || this.options.autoUpdate === false) return
    if (this.continuous === 'on') return this.continueUpdates()
    this.applyPendingPixelFormat()
    if (this.continuous === 'off' && this.options.continuousUpdates !== false && this.io.features.continuousUpdates && this.io.features.fence) {
      // As TigerVNC's viewer: the first update came by request, the rest are pushed.
      this.continuous = 'on'
      this.sendEnableContinuousUpdates()
      if (this.resized) this.requestUpdate(false, 0, 0, this.io.width(), this.io.height())
      this.resized = false
      this.sendPing()
      return
    }
    // After a resize the old picture is meaningless: ask for all of it.
    this.requestUpdate(!this.resized, 0, 0, this.io.width(), this.io.height())
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
    const width = this.io.width()
    const height = this.io.height()
    this.io.send(msg.enableContinuousUpdates(true, 0, 0, width, height), `EnableContinuousUpdates on ${width}x${height}`)
  }

  /**
   * Pushed updates already on their way follow the old settings, so: stop, change, restart
   * (rfbproto EnableContinuousUpdates); the server's EndOfContinuousUpdates for the stop marks
   * where the change begins, and `apply` runs there.
   */
  private switchWhileContinuous(change: () => void, apply: () => void): void {
    this.atEndOfUpdates.push(apply)
    this.io.send(msg.enableContinuousUpdates(false, 0, 0, 0, 0), 'EnableContinuousUpdates off')
    change()
    this.sendEnableContinuousUpdates()
  }

  private switchFormatWhileContinuous(): void {
    const pf = this.pendingPixelFormat!
    this.pendingPixelFormat = null
    validatePixelFormat(pf)
    this.sentFormat = pf
    this.switchWhileContinuous(
      () => this.io.send(msg.setPixelFormat(pf), `SetPixelFormat ${describePixelFormat(pf)}`),
      () => {
        this.use(pf)
        // The server repaints only what changes: ask for all of it in the new format.
        this.requestUpdate(false, 0, 0, this.io.width(), this.io.height())
      },
    )
  }

  /** The server's EndOfContinuousUpdates: a switch of ours takes effect, or the server stopped pushing. */
  endOfContinuousUpdates(): void {
    const apply = this.atEndOfUpdates.shift()
    if (apply) apply()
    else if (this.continuous === 'on') {
      // The server stopped pushing on its own: back to one request per update, for good.
      this.continuous = 'ended'
      if (this.io.idle()) this.requestUpdate(true, 0, 0, this.io.width(), this.io.height())
    }
  }

  /** A server Fence: a request is echoed at once, an echo of ours gives the round trip. */
  fence(flags: number, payload: Uint8Array): void {
    if (!(flags & FenceFlag.Request)) this.pong(payload)
    // Messages are handled strictly in order, so BlockBefore/BlockAfter already hold; answer at once.
    if (flags & FenceFlag.Request) {
      const reply = flags & (FenceFlag.BlockBefore | FenceFlag.BlockAfter | FenceFlag.SyncNext)
      this.io.send(msg.fence(reply, payload), `Fence reply flags=0x${reply.toString(16)}`)
    }
  }

  /** Sends a fence request with a sequence number; its echo gives the round trip. */
  private sendPing(): void {
    if (!this.io.features.fence) return
    const now = performance.now()
    // One at a time; a lost echo (a server that drops our fences) frees the slot after a while.
    if (this.ping.sentAt && now - this.ping.sentAt < PING_TIMEOUT_MS) return
    this.ping.seq = (this.ping.seq + 1) >>> 0
    this.ping.sentAt = now
    this.ping.lastAt = now
    const payload = new Uint8Array(4)
    new DataView(payload.buffer).setUint32(0, this.ping.seq)
    this.io.send(msg.fence(FenceFlag.Request, payload), `Fence request ${this.ping.seq}`)
  }

  private pong(payload: Uint8Array): void {
    if (!this.ping.sentAt || payload.length !== 4) return
    if (new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0) !== this.ping.seq) return
    this.ping.rttMs = performance.now() - this.ping.sentAt
    this.ping.minRttMs = this.ping.minRttMs === 0 ? this.ping.rttMs : Math.min(this.ping.minRttMs, this.ping.rttMs)
    this.ping.sentAt = 0
  }

  /** The last fence round trip in ms (0 before the first). */
  get roundTripMs(): number {
    return this.ping.rttMs
  }

  /** Whether the server is pushing updates (ContinuousUpdates on). */
  get continuousUpdates(): boolean {
    return this.continuous === 'on'
  }
}
