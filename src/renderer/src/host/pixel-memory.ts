import type { FrameBatch } from '@shared/ops'

/** Buffers kept for the next unpack: enough for the batches of a session or two in flight. */
const KEEP_FREE = 3
/** Lent buffers tracked for their ack; past this the oldest is forgotten (left to the GC, never reused). */
const MAX_LENT = 16

interface Lent {
  sessionId: string
  seq: number
  memory: Uint8Array
}

/**
 * The page's memory for unpacked pixel runs (ws-codec.ts), reused across batches so a stream of
 * 1080p frames does not fault in a fresh 8 MB array each. A batch's memory is lent until its
 * ack leaves the page: the painter acks a batch once drawn, in order, so an ack of `seq` frees
 * every earlier batch of that session too. A batch never acked (a session closed, a tab
 * hidden) is eventually forgotten rather than reused, since something may still hold it.
 */
export class PixelMemoryPool {
  private readonly free: Uint8Array[] = []
  private readonly lent: Lent[] = []
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

  /** After a decode: ties the memory just handed out to the batch it became, if it became one. */
  claim(batch: FrameBatch | null): void {
    const m = this.pending
    this.pending = null
    if (!m || !batch) return
    this.lent.push({ sessionId: batch.sessionId, seq: batch.seq, memory: m })
    if (this.lent.length > MAX_LENT) this.lent.shift()
  }

  /** The page acked `seq` of `sessionId` (a session's or a player's id): its memory and earlier batches' is free. */
  acked(sessionId: string, seq: number): void {
    for (let k = 0; k < this.lent.length;) {
      const l = this.lent[k]
      if (l.sessionId !== sessionId || l.seq > seq) {
        k++
        continue
      }
      this.lent.splice(k, 1)
      this.free.push(l.memory)
    }
    // Keep the largest: they fit every frame the smaller ones would.
    if (this.free.length > KEEP_FREE) this.free.sort((a, b) => b.length - a.length).length = KEEP_FREE
  }

  /** Buffers free and lent (tests). */
  get sizes(): { free: number; lent: number } {
    return { free: this.free.length, lent: this.lent.length }
  }
}
