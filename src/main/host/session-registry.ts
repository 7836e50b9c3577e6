import type { SessionSummary } from '@shared/contract'
import type { HostClient } from './endpoint'
import { hostError } from './errors'
import type { HostSession } from './host-session'

/** How long changes gather before one `sessions.changed` goes out. */
export const CHANGED_DELAY_MS = 150

/**
 * The open sessions, by id, and what every window knows of them: a SessionSummary each, and one
 * `sessions.changed` per burst of changes (opened, closed, state, size, desktop name). Bursts are
 * coalesced: the first change starts a `delayMs` timer and everything until it fires goes out
 * once, so a reconnect storm or sixteen wall tiles opening cost one event, never one per frame.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, HostSession>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly announce: (sessions: SessionSummary[]) => void,
    private readonly delayMs = CHANGED_DELAY_MS,
  ) {}

  get size(): number {
    return this.sessions.size
  }

  /** A session that has just been created. */
  add(session: HostSession): void {
    this.sessions.set(session.id, session)
    this.changed()
  }

  /** A session that has ended for good. */
  remove(session: HostSession): void {
    if (this.sessions.get(session.id) === session && this.sessions.delete(session.id)) this.changed()
  }

  get(sessionId: string): HostSession | undefined {
    return this.sessions.get(sessionId)
  }

  /** The open sessions, oldest first. */
  all(): HostSession[] {
    return [...this.sessions.values()]
  }

  ids(): string[] {
    return [...this.sessions.keys()]
  }

  /**
   * The session `owner` may drive (input, answers, acks): only its own. Another client's session
   * is as unknown to it as a made-up id. Sessions without an owner (the shell's own) are anyone's.
   */
  owned(sessionId: string, owner: HostClient | undefined): HostSession {
    const s = this.sessions.get(sessionId)
    if (!s || (s.owner !== undefined && s.owner !== owner)) throw unknownSession()
    return s
  }

  /** Any open session, whoever owns it: for what every window may do (close, preview, adopt). */
  existing(sessionId: string): HostSession {
    const s = this.sessions.get(sessionId)
    if (!s) throw unknownSession()
    return s
  }

  /** Every open session's summary. */
  list(): SessionSummary[] {
    return this.all().map((s) => s.summary())
  }

  /** Something every window shows changed: `sessions.changed` goes out after the burst. */
  changed(): void {
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.announce(this.list())
    }, this.delayMs)
  }

  /** Drops a pending announcement (the host is shutting down). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}

function unknownSession(): Error {
  return hostError('closed', 'HOST_UNKNOWN_SESSION', 'no such session (it may have ended)')
}
