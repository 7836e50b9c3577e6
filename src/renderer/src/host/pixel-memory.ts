import type { FrameBatch } from '@shared/ops'

/** Buffers kept for the next unpack: enough for the batches of a session or two in flight. */
const KEEP_FREE = 3
/** Unacked batches whose memory is kept for reuse; past this the oldest's is forgotten (left to the GC, never reused). */
const MAX_LENT = 16
/**
 * Batches remembered for the order they came in, memory or not. Far more than MAX_LENT: the ack
 * of a batch whose memory was forgotten must still find that batch, not a later one of the same
 * seq (see acked).
 */
const MAX_TRACKED = 256

interface Arrival {
  sessionId: string
  seq: number
  /** Null for a batch that arrived plain, or whose memory was forgotten: then it only marks its place. */
  memory: Uint8Array | null
}

/**
 * The page's memory for unpacked pixel runs (ws-codec.ts), reused across batches so a stream of
 * 1080p frames does not fault in a fresh 8 MB array each. A batch's memory is lent until its
 * ack leaves the page: the painter paints a session's batches in the order they arrived, so an
 * ack frees that batch and every one of the session that arrived before it. Order of arrival,
 * not seq: seq starts again at 1 with each connection attempt and each player seek, and a batch
 * of the new run may wait behind an old one that is acked later with a higher seq. A batch never
 * acked (a session closed, a tab hidden) is eventually forgotten rather than reused, since
 * something may still hold it.
 */
export class PixelMemoryPool {
  private readonly free: Uint8Array[] = []
  /** Batches not yet acked, in the order they arrived. */
  private readonly arrivals: Arrival[] = []
  /** Arrivals that hold memory. */
  private lent = 0
  /** Memory handed out since the last `claim`, not yet tied to a batch. */
  private pending: Uint8Array | null = null

  /** For decodeServerMessage: memory of at least `size` bytes; with `reusedOnly`, null rather than new memory. */
  readonly memory = (size: number, reusedOnly = false): Uint8Array | null => {
    let i = -1
    for (let k = 0; k < this.free.length; k++) if (this.free[k].length >= size && (i < 0 || this.free[k].length < this.free[i].length)) i = k
    if (i < 0 && reusedOnly) return null
    // Some headroom, so the next frame, a little larger, still fits.
    const m = i >= 0 ? this.free.splice(i, 1)[0] : new Uint8Array(size + (size >> 4))
    this.pending = m
    return m
  }

  /** The memory just handed out moved to another ArrayBuffer (a BYOB read transfers it): `m` is it now. */
  replace(m: Uint8Array): void {
    this.pending = m
  }

  /**
   * After a decode: ties the memory just handed out to the batch it became, if it became one.
   * Every batch is noted, packed or plain, so an ack can tell which batches came before it.
   */
  claim(batch: FrameBatch | null): void {
    const m = this.pending
    this.pending = null
    if (!batch) return
    this.arrivals.push({ sessionId: batch.sessionId, seq: batch.seq, memory: m })
    if (m && ++this.lent > MAX_LENT) {
      const oldest = this.arrivals.find((a) => a.memory)!
      oldest.memory = null
      this.lent--
    }
    if (this.arrivals.length > MAX_TRACKED && this.arrivals.shift()!.memory) this.lent--
  }

  /**
   * The page acked `seq` of `sessionId` (a session's or a player's id): that batch's memory and
   * that of the session's batches that arrived before it is free. The oldest batch with that seq
   * is taken (an older run's, when seq started again): freeing up to it never frees a batch
   * still waiting to paint. An ack of a batch no longer tracked frees nothing.
   */
  acked(sessionId: string, seq: number): void {
    const upTo = this.arrivals.findIndex((a) => a.sessionId === sessionId && a.seq === seq)
    if (upTo < 0) return
    let kept = 0
    for (let k = 0; k < this.arrivals.length; k++) {
      const a = this.arrivals[k]
      if (k > upTo || a.sessionId !== sessionId) this.arrivals[kept++] = a
      else if (a.memory) {
        this.free.push(a.memory)
        this.lent--
      }
    }
    this.arrivals.length = kept
    // Keep the largest: they fit every frame the smaller ones would.
    if (this.free.length > KEEP_FREE) this.free.sort((a, b) => b.length - a.length).length = KEEP_FREE
  }

  /** Buffers free and lent (tests). */
  get sizes(): { free: number; lent: number } {
    return { free: this.free.length, lent: this.lent }
  }
}
