import { randomBytes, timingSafeEqual } from 'node:crypto'
import { HAND_OFF_MS } from '@shared/contract'
import type { HostClient } from './endpoint'
import { hostError } from './errors'
import type { HostSession } from './host-session'

/**
 * The owner of a session whose window left while it was being handed off: no client is this
 * one, so nobody may drive the session and its events reach no one until it is adopted.
 */
export const ORPHANED: HostClient = Object.freeze({ deliver: () => undefined })

/** Bytes of randomness in a hand-off code (base64url: 32 characters, 192 bits). */
const CODE_BYTES = 24

interface Pending {
  code: string
  session: HostSession
  timer: NodeJS.Timeout
}

/**
 * Moving a session between windows safely (`session.handOff`, then `session.adopt`). The owner
 * asks for a one-time code and gives it to the new window; only that code, once and before its
 * deadline, makes another client the owner. While a code is pending the session survives its
 * owner's window leaving (see `keep`): it waits, orphaned, for the new window, and is closed if
 * none adopts it by the deadline, so nothing stays open that no window shows.
 */
export class HandOffs {
  private readonly pending = new Map<string, Pending>()

  constructor(
    /** Tells a client that still shows `session` that it moved (a `session.state` to it alone). */
    private readonly tellMoved: (oldOwner: HostClient, session: HostSession) => void,
    private readonly timeoutMs = HAND_OFF_MS,
  ) {}

  /**
   * A new code for `session` (owned by the caller: the host checked), replacing any earlier one.
   * Refused for a wall tile and while the session waits for the user's answer, which would be
   * lost on the way (the new window never sees the question).
   */
  start(session: HostSession): string {
    if (session.watch) throw hostError('refused', 'HOST_HANDOFF_WATCH', 'a wall tile cannot be moved to another window')
    if (session.asking) throw hostError('refused', 'HOST_HANDOFF_BUSY', 'the session is waiting for an answer; answer it before moving the session')
    this.drop(session.id)
    const code = randomBytes(CODE_BYTES).toString('base64url')
    const timer = setTimeout(() => this.expire(session.id), this.timeoutMs)
    timer.unref?.()
    this.pending.set(session.id, { code, session, timer })
    return code
  }

  /**
   * `owner` takes the session over with `code`: the code is used up and the old owner, if it
   * is still there, told. Any other code, an expired one, or none pending is refused exactly as
   * an unknown session is, so a guess learns nothing.
   */
  adopt(sessionId: string, code: string, owner: HostClient | undefined): HostSession {
    const p = this.pending.get(sessionId)
    if (!p || !sameCode(p.code, code) || !p.session.alive) throw unknownSession()
    this.drop(sessionId)
    const old = p.session.owner
    p.session.adopt(owner)
    if (old && old !== owner && old !== ORPHANED) this.tellMoved(old, p.session)
    return p.session
  }

  /**
   * The session's owner is leaving. True when the session is being handed off: it stays open,
   * orphaned (frames go nowhere, nothing waits for their acks), until adopted or the deadline.
   */
  keep(session: HostSession): boolean {
    if (!this.pending.has(session.id)) return false
    session.owner = ORPHANED
    session.picture.handOver(true)
    return true
  }

  /** Forgets the session's pending code (it ended). */
  drop(sessionId: string): void {
    const p = this.pending.get(sessionId)
    if (!p) return
    clearTimeout(p.timer)
    this.pending.delete(sessionId)
  }

  /** Forgets every code (the host is shutting down). */
  dispose(): void {
    for (const id of [...this.pending.keys()]) this.drop(id)
  }

  private expire(sessionId: string): void {
    const p = this.pending.get(sessionId)
    if (!p) return
    this.pending.delete(sessionId)
    // Nobody took it, and its window is gone: it would otherwise run on where no one sees it.
    if (p.session.owner === ORPHANED) p.session.close()
  }
}

function sameCode(expected: string, given: string): boolean {
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  // Lengths are not secret (every code has the same); the characters are compared in constant time.
  return a.length === b.length && timingSafeEqual(a, b)
}

function unknownSession(): Error {
  return hostError('closed', 'HOST_UNKNOWN_SESSION', 'no such session (it may have ended)')
}
