import { randomBytes } from 'node:crypto'

/** Plain pixels smaller than this stay in the WebSocket frame: a fetch's round trip would cost more than it saves. */
export const MIN_OFFERED_BYTES = 256 * 1024
/** Offers one socket may have open; a page fetches each as its frame arrives, two batches are in flight at most. */
const MAX_PER_SOCKET = 8
/**
 * How long a ticket is good for: under the sessions' ack timeout (DEFAULT_TIMINGS, 5 s), after
 * which a batch's memory is reused unacked. A page that fetches later (a fetch stuck behind a
 * busy tab) would read a later batch being written into it; refused, it asks for a refresh.
 */
export const OFFER_TTL_MS = 4_000

/**
 * Frames' pixels offered to pages for fetching (browser mode, ws-codec.ts "Fetched pixels"), by
 * ticket: 18 random bytes, base64url, good for one GET. The bytes are the batch's own memory
 * (BatchSink's), not a copy: it is reused only after the page acks the batch, which it does after
 * it has fetched and painted it, or when the session stops waiting for that ack: tickets expire
 * before then ({@link OFFER_TTL_MS}). Bounded per socket; a socket's offers end with it.
 */
export class PixelOffers {
  private readonly offers = new Map<string, { owner: object; bytes: Uint8Array; at: number }>()
  private readonly counts = new Map<object, number>()

  /** `now`: the clock (tests set their own). */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A ticket for `bytes`, offered to `owner`'s page; its oldest offer goes when it holds too many. */
  offer(owner: object, bytes: Uint8Array): string {
    const now = this.now()
    // Expired offers go now, not only when asked for: their memory is not held for nothing.
    for (const [t, o] of this.offers) if (now - o.at > OFFER_TTL_MS) this.remove(t, o.owner)
    const count = this.counts.get(owner) ?? 0
    if (count >= MAX_PER_SOCKET) {
      for (const [t, o] of this.offers) {
        if (o.owner !== owner) continue
        this.offers.delete(t)
        break
      }
    } else this.counts.set(owner, count + 1)
    const ticket = randomBytes(18).toString('base64url')
    this.offers.set(ticket, { owner, bytes, at: now })
    return ticket
  }

  /** The bytes for `ticket`, once; null for an unknown, used, dropped or expired one. */
  take(ticket: string): Uint8Array | null {
    const o = this.offers.get(ticket)
    if (!o) return null
    this.remove(ticket, o.owner)
    return this.now() - o.at > OFFER_TTL_MS ? null : o.bytes
  }

  private remove(ticket: string, owner: object): void {
    this.offers.delete(ticket)
    this.counts.set(owner, this.counts.get(owner)! - 1)
  }

  /** The socket closed: its offers go. */
  drop(owner: object): void {
    for (const [t, o] of this.offers) if (o.owner === owner) this.offers.delete(t)
    this.counts.delete(owner)
  }

  /** Offers open (tests). */
  get size(): number {
    return this.offers.size
  }
}
