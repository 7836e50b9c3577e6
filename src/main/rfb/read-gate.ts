import type { Transport } from './transport/transport'

/**
 * Why the engine is not reading: the handshake has no read pending, the sink is still drawing,
 * the server is not reading what we write (its replies would pile up in our socket), or a huge
 * rect is being decoded a slice per turn of the event loop, or a feature's consumer (a file
 * transfer's disk) has not caught up.
 */
export type HoldReason = 'handshake' | 'sink' | 'peer' | 'slice' | 'feature'

/**
 * Pauses the transport while any reason holds and resumes it once none is left. Bytes a server
 * sends while nobody reads stay in the kernel (or behind SSH's channel window), so TCP holds a
 * flooding server back instead of the engine queueing what it sends.
 */
export class ReadGate {
  private readonly holds = new Set<HoldReason>()

  constructor(private readonly transport: () => Transport | null) {}

  /** Whether any reason holds. */
  get held(): boolean {
    return this.holds.size > 0
  }

  /** Stops reading for `reason`; pausing again is harmless and reaches a socket TLS put in place. */
  hold(reason: HoldReason): void {
    this.holds.add(reason)
    this.transport()?.pause()
  }

  /** Lifts `reason`; the transport reads again once no reason is left. */
  release(reason: HoldReason): void {
    if (this.holds.delete(reason) && this.holds.size === 0) this.transport()?.resume()
  }

  /** A chunk that arrived right after a pause: pause again, in case the socket changed (TLS). */
  reassert(): void {
    if (this.holds.size > 0) this.transport()?.pause()
  }
}

/**
 * Memory held by unsent writes (Transport.writeBacklog) beyond which the engine stops reading a
 * server that does not read our replies: above the largest single message we send (an 8 MiB
 * Extended Clipboard text), so one legitimate large write never stalls reading on its own.
 */
export const MAX_WRITE_BACKLOG = 16 * 2 ** 20

/**
 * Memory held by unsent writes beyond which the session ends: a server that stops reading while
 * the person keeps typing, moving the pointer or copying text would otherwise hold every message
 * here for as long as the window stays open. Four times the read-gate line, so a legitimate burst
 * (an 8 MiB clipboard text on a slow link) never reaches it; at 512 bytes of bookkeeping per
 * write it is over 100,000 pointer moves that never left.
 */
export const WRITE_BACKLOG_CEILING = 4 * MAX_WRITE_BACKLOG

/**
 * Bytes the handshake keeps reading ahead of its current step before it stops reading (while a
 * person answers a prompt, for one). Reading on means a server that hangs up meanwhile is noticed
 * and the prompt closed at once; the bound keeps a flooding server to this much memory. No
 * handshake step legitimately sends more unasked than a reason or desktop name (64 KiB each).
 */
export const HANDSHAKE_READ_AHEAD = 128 * 1024
