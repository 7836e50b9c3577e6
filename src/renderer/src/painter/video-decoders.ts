import { VideoFlag } from '@shared/ops'
import { summarizeAnnexB } from './annex-b'

/** How long a frame may take to come out of its decoder before the context is given up. */
export const DEFAULT_FRAME_TIMEOUT_MS = 1500

/** What the video decoders report; every trouble also means "ask the server for a full picture". */
export interface VideoDecoderEvents {
  /** A context's picture is lost (a decoder error, a frame that never came, data it cannot start on). */
  trouble(message: string): void
}

/** One decoder context of the session (community rfbproto, Open H.264). */
interface Context {
  decoder: VideoDecoder | null
  codec: string | null
  /** The decoder has not yet had a key frame since it was configured. */
  needsKey: boolean
  /** Parameter sets (or SEI) that came in a rect of their own, prepended to the next slice's chunk. */
  pending: Uint8Array | null
  /** Decoded frames' waiters, by chunk timestamp. */
  waiters: Map<number, (frame: VideoFrame | null) => void>
  /** Its picture was lost and reported: later frames are dropped quietly until a new stream starts. */
  lost: boolean
}

/** The factory the contexts use; tests swap in their own. */
export type VideoDecoderFactory = (init: VideoDecoderInit) => VideoDecoder

/**
 * A session's H.264 decoders, one per engine context id, fed strictly in update order: `decode`
 * applies an op's reset flags, feeds its bytes and resolves with the frame those bytes made (the
 * caller draws and closes it), or null when there is nothing to draw. It never hangs: a frame that
 * does not come within the timeout, a decoder error, or data a fresh decoder cannot start on
 * (no SPS, no key frame) resolves null, drops the context and reports trouble, after which the
 * next SPS and key frame start it again.
 */
export class VideoDecoders {
  private readonly contexts = new Map<number, Context>()
  private clock = 0
  /** Contexts given up since creation (for the stats overlay and tests). */
  troubles = 0

  constructor(
    private readonly events: VideoDecoderEvents,
    private readonly frameTimeoutMs = DEFAULT_FRAME_TIMEOUT_MS,
    private readonly create: VideoDecoderFactory = (init) => new VideoDecoder(init),
  ) {}

  /** Applies one Video op: its flags, then its bytes (possibly none). */
  decode(id: number, flags: number, data: Uint8Array): Promise<VideoFrame | null> {
    if (flags & VideoFlag.ResetAll) for (const k of [...this.contexts.keys()]) this.drop(k)
    if (flags & VideoFlag.ResetContext) this.drop(id)
    if (data.length === 0) return Promise.resolve(null)
    let c = this.contextOf(id)
    const unit = summarizeAnnexB(data)
    if (unit.codec && (unit.codec !== c.codec || !c.decoder)) {
      // A new stream, or the first: its SPS says which decoder it needs.
      this.drop(id)
      c = this.contextOf(id)
      if (!this.configure(c, unit.codec)) return this.fail(id, `H.264 ${unit.codec} cannot be decoded here`)
    }
    if (!unit.slices) {
      // Parameter sets alone: kept for the next slice, which the decoder needs them in front of.
      c.pending = c.pending ? concat(c.pending, data) : data.slice()
      return Promise.resolve(null)
    }
    if (c.lost && !(c.decoder && unit.key)) return Promise.resolve(null)
    if (!c.decoder) return this.fail(id, `H.264 context ${id}: a frame before any SPS`)
    if (c.needsKey && !unit.key) return this.fail(id, `H.264 context ${id}: a frame before its key frame`)
    c.lost = false
    c.needsKey = false
    const bytes = c.pending ? concat(c.pending, data) : data
    c.pending = null
    const timestamp = this.clock++
    const decoder = c.decoder
    return new Promise<VideoFrame | null>((resolve) => {
      const timer = setTimeout(() => {
        if (!c.waiters.delete(timestamp)) return
        resolve(null)
        this.fail(id, `H.264 context ${id}: no frame within ${this.frameTimeoutMs} ms`)
      }, this.frameTimeoutMs)
      c.waiters.set(timestamp, (frame) => {
        clearTimeout(timer)
        resolve(frame)
      })
      try {
        decoder.decode(new EncodedVideoChunk({ type: unit.key ? 'key' : 'delta', timestamp, data: bytes }))
      } catch (e) {
        // decode() throws synchronously on a closed decoder or a chunk it refuses outright.
        c.waiters.get(timestamp)?.(null)
        c.waiters.delete(timestamp)
        this.fail(id, `H.264 context ${id}: ${(e as Error).message}`)
      }
    })
  }

  /** Closes every decoder (the painter is going away). */
  dispose(): void {
    for (const k of [...this.contexts.keys()]) this.drop(k)
  }

  private contextOf(id: number): Context {
    let c = this.contexts.get(id)
    if (!c) {
      c = { decoder: null, codec: null, needsKey: true, pending: null, waiters: new Map(), lost: false }
      this.contexts.set(id, c)
    }
    return c
  }

  private configure(c: Context, codec: string): boolean {
    const waiters = c.waiters
    let decoder: VideoDecoder
    try {
      decoder = this.create({
        output: (frame) => {
          const w = waiters.get(frame.timestamp)
          waiters.delete(frame.timestamp)
          // A frame nobody waits for any more (its wait timed out) is only closed.
          if (w) w(frame)
          else frame.close()
        },
        error: (e) => {
          // The decoder is closed now: every frame still awaited is lost.
          for (const w of waiters.values()) w(null)
          waiters.clear()
          if (c.decoder === decoder) {
            this.lose(c)
            this.report(`H.264 decoder error: ${e.message}`)
          }
        },
      })
      // No description: the data is Annex B, parameter sets in band (WebCodecs AVC registration §3).
      decoder.configure({ codec, optimizeForLatency: true, hardwareAcceleration: 'no-preference' })
    } catch {
      return false
    }
    c.decoder = decoder
    c.codec = codec
    c.needsKey = true
    return true
  }

  /** Drops a context: its decoder closed, its awaited frames resolved empty. */
  private drop(id: number): void {
    const c = this.contexts.get(id)
    if (!c) return
    this.contexts.delete(id)
    this.lose(c)
  }

  /** Gives a context's picture up: decoder closed, frames awaited resolved empty, reported once. */
  private fail(id: number, message: string): Promise<null> {
    this.lose(this.contextOf(id))
    this.report(message)
    return Promise.resolve(null)
  }

  private lose(c: Context): void {
    const d = c.decoder
    c.decoder = null
    c.codec = null
    c.needsKey = true
    c.pending = null
    c.lost = true
    for (const w of [...c.waiters.values()]) w(null)
    c.waiters.clear()
    if (d && d.state !== 'closed') d.close()
  }

  private report(message: string): void {
    this.troubles++
    this.events.trouble(message)
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
