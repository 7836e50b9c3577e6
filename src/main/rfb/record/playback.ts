import { Encoding } from '@shared/encodings'
import { DECODABLE_ENCODINGS } from '../decoders'
import { RfbProtocolError, type RfbError } from '../errors'
import { FramebufferSink, type ImageDecoder } from '../framebuffer'
import { RfbClient, type ConnectionInfo } from '../session'
import type { CursorShape, DrawSink } from '../sink'
import { PushTransport } from '../transport/push-transport'
import { parseFbs } from './fbs'
import { canonicalHandshake, findServerInit } from './recorded-handshake'

/**
 * Encodings whose decoders carry state from one rect to the next (zlib streams, H.264 contexts).
 * Decoding cannot restart after one of them has been used: its next rect continues that state.
 */
const STATEFUL: ReadonlySet<number> = new Set([Encoding.Zlib, Encoding.Tight, Encoding.ZlibHex, Encoding.ZRLE, Encoding.ZYWRLE, Encoding.OpenH264])

/** A copy of the picture at the end of an update, with where the stream goes on from there. */
export interface Keyframe {
  /** Stream offset of the first message after that update. */
  offset: number
  /** Stream time of the update's last byte, ms. */
  timeMs: number
  width: number
  height: number
  words: Uint32Array
  cursor: CursorShape | null
}

export interface PlaybackOptions {
  decodeImage: ImageDecoder | null
  /** Stream time between keyframes (doubled whenever the budget is reached); default 5 s. */
  keyframeEveryMs?: number
  /** Memory all keyframes may take together; default 128 MiB (15 of a 1920x1080 desktop). */
  keyframeBudgetBytes?: number
  /** The JPEG quality the recording client announced (ZYWRLE depends on it), as `tessera replay --quality`. */
  quality?: number
}

export const DEFAULT_KEYFRAME_EVERY_MS = 5_000
export const DEFAULT_KEYFRAME_BUDGET = 128 * 1024 * 1024

interface Engine {
  client: RfbClient
  transport: PushTransport
  /** Handshake bytes this engine was given before `base`. */
  handshake: number
  /** Stream offset of the first byte after the handshake. */
  base: number
}

/**
 * A recording as a player needs it: decodes through the real engine up to any stream time, going
 * forward cheaply, and backward from the nearest keyframe before the time asked for (or from the
 * start). Keyframes are taken every few seconds of stream time while decoding, but only until the
 * first rect of a stateful encoding (see STATEFUL): past it, seeking back decodes from the start.
 * Recordings the app makes use stateless encodings only (update-encoder.ts), so they seek from
 * keyframes all the way.
 */
export class Playback {
  readonly durationMs: number
  /** The picture at the current position. */
  readonly framebuffer: FramebufferSink
  readonly keyframes: Keyframe[] = []
  /** Where ops go besides the framebuffer (the player's window); null while seeking. */
  output: DrawSink | null = null
  /** Stream offset up to which bytes have been handed to the engine. */
  private delivered = 0
  private timeMs = 0
  private engine: Engine | null = null
  private statefulSeen = false
  private keyframeEveryMs: number
  private readonly budget: number
  private failure: RfbError | null = null
  info: ConnectionInfo | null = null
  /** Called after each update is parsed (the player's clock and window). */
  onUpdate: (() => void) | null = null

  private constructor(
    private readonly stream: Uint8Array,
    /** Stream offset where each block starts, and its time. */
    private readonly blockStarts: number[],
    private readonly blockTimes: number[],
    private readonly options: PlaybackOptions,
  ) {
    this.durationMs = blockTimes.length ? blockTimes[blockTimes.length - 1] : 0
    this.framebuffer = new FramebufferSink(options.decodeImage)
    this.keyframeEveryMs = options.keyframeEveryMs ?? DEFAULT_KEYFRAME_EVERY_MS
    this.budget = options.keyframeBudgetBytes ?? DEFAULT_KEYFRAME_BUDGET
  }

  /** Reads an FBS recording (throws RFB_ERR_FBS on a malformed one) and decodes its handshake. */
  static async open(fbs: Uint8Array, options: PlaybackOptions): Promise<Playback> {
    const blocks = parseFbs(fbs)
    let total = 0
    for (const b of blocks) total += b.data.length
    // One copy of the stream (the file's buffer can go): the blocks joined after room for the prefix.
    const PREFIX = 16
    const buf = new Uint8Array(PREFIX + total)
    const rawStarts: number[] = []
    let o = 0
    for (const b of blocks) {
      rawStarts.push(o)
      buf.set(b.data, PREFIX + o)
      o += b.data.length
    }
    const init = findServerInit(buf.subarray(PREFIX))
    // The engine reads RFB 3.3 with security None, then the recorded ServerInit onwards: the
    // prefix goes over the recorded handshake's last bytes, which are skipped anyway.
    const stream = buf.subarray(init)
    stream.set(Buffer.from('RFB 003.003\n\0\0\0\x01', 'latin1'), 0)
    const starts = rawStarts.map((r) => Math.max(PREFIX, r - init + PREFIX))
    // A recorder's clock that went back is taken as standing still: times only grow.
    let latest = 0
    const times = blocks.map((b) => (latest = Math.max(latest, b.timestampMs)))
    const p = new Playback(stream, starts, times, options)
    await p.restart(null)
    p.feedTo(0)
    return p
  }

  /** The current position in stream time, ms. */
  get positionMs(): number {
    return this.timeMs
  }

  /** Everything up to the end has been handed to the engine. */
  get atEnd(): boolean {
    return this.delivered >= this.stream.length && this.timeMs >= this.durationMs
  }

  /** The engine holds bytes it has not parsed yet, waiting for a busy output. */
  get waiting(): boolean {
    return (this.engine?.transport.waiting ?? 0) > 0
  }

  /** The engine's error, if the recording turned out malformed. */
  get error(): RfbError | null {
    return this.failure
  }

  /** Goes forward to `timeMs` with the output attached (playing); later times are not reached early. */
  advance(timeMs: number): void {
    this.feedTo(Math.min(timeMs, this.durationMs))
  }

  /**
   * Puts the position at `timeMs`: the picture is then what a straight replay shows after every
   * block stamped at or before it. The output is detached meanwhile; the caller re-attaches it
   * and repaints (paintAll).
   */
  async seek(timeMs: number): Promise<void> {
    const t = Math.max(0, Math.min(timeMs, this.durationMs))
    const output = this.output
    this.output = null
    try {
      const from = this.startFor(t)
      if (from !== 'here') await this.restart(from)
      this.feedTo(t)
      await this.drain()
      this.timeMs = t
    } finally {
      this.output = output
    }
  }

  /** The whole current picture (and pointer) as one update to `sink`. */
  paintAll(sink: DrawSink): void | Promise<void> {
    const fb = this.framebuffer
    sink.resize(fb.width, fb.height)
    if (fb.width > 0 && fb.height > 0) sink.pixels(0, 0, fb.width, fb.height, fb.words)
    sink.cursor(fb.cursorShape)
    return sink.endUpdate()
  }

  /** Stops the engine. */
  close(): void {
    this.engine?.client.close()
    this.engine?.transport.close()
    this.engine = null
  }

  /** Where to decode from for `t`: here (forward), the latest keyframe at or before it, or the start (null). */
  private startFor(t: number): Keyframe | null | 'here' {
    let best: Keyframe | null = null
    for (const k of this.keyframes) if (k.timeMs <= t && (!best || k.offset > best.offset)) best = k
    const here = this.engine && this.timeMs <= t && !this.failure
    if (here && (!best || best.offset <= this.delivered)) return 'here'
    return best
  }

  private async restart(from: Keyframe | null): Promise<void> {
    this.close()
    this.failure = null
    const transport = new PushTransport()
    // A recording holds whatever its client announced, which it does not say: announce everything we decode.
    const client: RfbClient = new RfbClient({
      sink: this.tee(),
      pixelFormat: 'server',
      autoUpdate: false,
      quality: this.options.quality,
      encodings: DECODABLE_ENCODINGS,
      slicePixels: Infinity,
    })
    client.on('update', (u) => this.updated(client, u.encodings))
    client.on('close', (e) => {
      if (e && e.kind !== 'network' && this.engine?.client === client) this.failure = e
    })
    const handshake = from ? this.keyframeHandshake(from) : this.stream.subarray(0, handshakeLength(this.stream))
    transport.push(handshake)
    const base = from ? from.offset : handshake.length
    this.engine = { client, transport, handshake: handshake.length, base }
    this.delivered = base
    const info = await client.start(transport)
    this.info ??= info
    if (from) {
      this.framebuffer.resize(from.width, from.height)
      this.framebuffer.words.set(from.words)
      this.framebuffer.cursorShape = from.cursor
      this.timeMs = from.timeMs
    } else {
      this.framebuffer.words.fill(0)
      this.framebuffer.cursorShape = null
      this.timeMs = 0
    }
  }

  /** The recording's handshake with the keyframe's size, so rects beyond the first size are in bounds. */
  private keyframeHandshake(k: Keyframe): Uint8Array {
    const info = this.info
    if (!info) throw new RfbProtocolError('keyframe before the handshake', 0, 'RFB_ERR_FBS')
    return canonicalHandshake({ ...info.init, width: k.width, height: k.height }, info.pixelFormat)
  }

  /** Hands every block stamped at or before `t` to the engine. */
  private feedTo(t: number): void {
    const engine = this.engine
    if (!engine) return
    let i = this.blockAt(this.delivered)
    while (i < this.blockStarts.length && this.blockTimes[i] <= t) {
      const end = i + 1 < this.blockStarts.length ? this.blockStarts[i + 1] : this.stream.length
      if (end > this.delivered) {
        const from = this.delivered
        this.delivered = end
        engine.transport.push(this.stream.subarray(from, end))
      }
      i++
    }
    this.timeMs = Math.max(this.timeMs, Math.min(t, this.durationMs))
  }

  /** The block holding stream offset `o` (the last block for the end). */
  private blockAt(o: number): number {
    let lo = 0
    let hi = this.blockStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.blockStarts[mid] <= o) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /** Waits until the engine has parsed everything it was given. */
  private async drain(): Promise<void> {
    while (this.engine && this.engine.transport.waiting > 0) await new Promise((r) => setImmediate(r))
  }

  private updated(client: RfbClient, encodings: Iterable<number>): void {
    const engine = this.engine
    if (!engine || engine.client !== client) return
    for (const e of encodings) if (STATEFUL.has(e)) this.statefulSeen = true
    if (!this.statefulSeen) this.maybeKeyframe(engine.base + client.bytesConsumed - engine.handshake)
    this.onUpdate?.()
  }

  private maybeKeyframe(offset: number): void {
    const fb = this.framebuffer
    const timeMs = this.blockTimes[this.blockAt(Math.max(0, offset - 1))]
    const last = this.keyframes.reduce<Keyframe | null>((a, k) => (!a || k.offset > a.offset ? k : a), null)
    if (fb.width === 0 || offset <= (last?.offset ?? 0)) return
    if (last ? timeMs - last.timeMs < this.keyframeEveryMs : timeMs < this.keyframeEveryMs) return
    const bytes = fb.width * fb.height * 4
    if (bytes > this.budget) return
    while (this.keyframeBytes() + bytes > this.budget) this.thin()
    this.keyframes.push({ offset, timeMs, width: fb.width, height: fb.height, words: fb.words.slice(), cursor: fb.cursorShape })
    this.keyframes.sort((a, b) => a.offset - b.offset)
  }

  /** Out of budget: every other keyframe goes, and they are taken half as often. */
  private thin(): void {
    const kept = this.keyframes.filter((_, i) => i % 2 === 1)
    this.keyframes.length = 0
    this.keyframes.push(...kept)
    this.keyframeEveryMs *= 2
  }

  private keyframeBytes(): number {
    return this.keyframes.reduce((n, k) => n + k.words.byteLength, 0)
  }

  /** The framebuffer always, the output when attached; the output's pacing holds the engine. */
  private tee(): DrawSink {
    const fb = this.framebuffer
    return {
      resize: (w, h) => (fb.resize(w, h), this.output?.resize(w, h)),
      fill: (x, y, w, h, c) => (fb.fill(x, y, w, h, c), this.output?.fill(x, y, w, h, c)),
      copy: (sx, sy, x, y, w, h) => (fb.copy(sx, sy, x, y, w, h), this.output?.copy(sx, sy, x, y, w, h)),
      pixels: (x, y, w, h, rgba) => (fb.pixels(x, y, w, h, rgba), this.output?.pixels(x, y, w, h, rgba)),
      image: (x, y, w, h, kind, data) => (fb.image(x, y, w, h, kind, data), this.output?.image(x, y, w, h, kind, data)),
      video: (x, y, w, h, context, flags, data) => this.output?.video?.(x, y, w, h, context, flags, data),
      cursor: (shape) => (fb.cursor(shape), this.output?.cursor(shape)),
      endUpdate: () => {
        fb.endUpdate()
        return this.output?.endUpdate()
      },
    }
  }
}

/** Bytes of RFB 3.3 None and the ServerInit that follows, name included. */
function handshakeLength(stream: Uint8Array): number {
  const at = 16 + 20
  if (stream.length < at + 4) throw new RfbProtocolError('recording ends inside the handshake', stream.length, 'RFB_ERR_FBS')
  const n = ((stream[at] << 24) | (stream[at + 1] << 16) | (stream[at + 2] << 8) | stream[at + 3]) >>> 0
  if (at + 4 + n > stream.length) throw new RfbProtocolError('recording ends inside the handshake', stream.length, 'RFB_ERR_FBS')
  return at + 4 + n
}
