import type { AppCommand, SessionPlacement, SessionSummary, SessionTarget } from '@shared/contract'
import type { HostClient } from '../host/endpoint'
import { sessionQuery } from '@shared/page-query'

export { sessionQuery, wallQuery } from '@shared/page-query'

/**
 * The app's windows and what each one shows, decided without Electron: the address book in a
 * window of its own, each session in a window of its own (or as a tab of one), a connection
 * that is already open focused instead of opened twice, and a window that closes or crashes
 * ending its own sessions and nothing else. app.ts wraps real BrowserWindows in `ManagedWindow`
 * and forwards their events here; unit tests drive it with fakes.
 */

/** The address book, a session window (which holds one or more sessions as tabs), or a live wall. */
export type WindowKind = 'address-book' | 'session' | 'wall'

/** What the manager needs of a window. */
export interface ManagedWindow {
  /** Its webContents id: the key of its host client in the IPC bridge. */
  readonly id: number
  /** Brings it to the front (restoring it if minimized). */
  focus(): void
  close(): void
  /** Loads its page again (a new renderer, a new host client). */
  reload(): void
}

/** What a new window is for: its kind, the query string its renderer URL carries, and the connection it opens if any. */
export interface WindowRequest {
  kind: WindowKind
  /** e.g. `view=session&profile=lab`; empty for the address book. */
  query: string
  /** The saved connection it opens, whose remembered place it takes. */
  profileId?: string
}

/** What the manager is given: how to make windows, and the host clients behind them. */
export interface SessionWindowsDeps {
  createWindow(request: WindowRequest): ManagedWindow
  /** The host client of the window with this webContents id (the IPC bridge's `clientOf`). */
  clientOf(windowId: number): HostClient
  /** Detaches that window's client, ending its sessions and nothing else (the bridge's `release`). */
  release(windowId: number): void
  /** Who owns a session now (the host's `ownerOf`): moving a tab changes it. */
  ownerOf(sessionId: string): HostClient | undefined
  /** Ids of every open session (the host's `sessionIds`), summarized or not yet. */
  sessionIds(): string[]
  /** The webContents id of the window with the keyboard focus, if it is ours. */
  focusedWindowId(): number | undefined
  /** Milliseconds now (tests pass a clock); Date.now by default. */
  now?(): number
  /** A session window's first session reported its desktop size (the window may size itself to it). */
  desktopSized?(window: ManagedWindow, size: { width: number; height: number }, profileId: string | undefined): void
}

interface WindowEntry {
  window: ManagedWindow
  kind: WindowKind
  /** The query its page was opened with (a wall window is found again by it). */
  query: string
  /** The connection the window was opened for (its remembered place is saved under it). */
  profileId?: string
  /** Connections asked of this window that it has not been seen owning yet (loading, connecting), with when they were asked. */
  pending: Map<string, number>
  /** Whether it has been told its first desktop size already. */
  sized: boolean
}

/**
 * How long a window asked to open a connection counts as showing it before the host lists the
 * session (its page loads and asks at once); a page that never did (it failed, or refused) stops
 * holding the connection after this.
 */
export const PENDING_MS = 15_000

/** A session that shows in a window: neither a live-wall tile nor one that has ended. */
const isLive = (s: SessionSummary): boolean => !s.watch && s.state !== 'closed'

/** See the file comment. */
export class SessionWindows {
  private readonly windows = new Map<number, WindowEntry>()
  /** Window ids, most recently focused first. */
  private recent: number[] = []
  private sessions: SessionSummary[] = []

  constructor(private readonly deps: SessionWindowsDeps) {}

  private now(): number {
    return (this.deps.now ?? Date.now)()
  }

  /** Shows the address book: focuses it when it is open, opens it otherwise. */
  openAddressBook(): ManagedWindow {
    const existing = this.entries('address-book')[0]
    if (existing) {
      existing.window.focus()
      return existing.window
    }
    return this.create({ kind: 'address-book', query: '' }).window
  }

  /**
   * Opens `target`: a saved connection that some window already shows is focused there; with
   * `tab`, it goes to the session window used last as an `app.openTab` event (a new window when
   * there is none); otherwise it gets a window of its own.
   */
  openSession(target: SessionTarget, placement: SessionPlacement): ManagedWindow {
    if ('profileId' in target) {
      const showing = this.windowShowing(target.profileId)
      if (showing) {
        showing.window.focus()
        return showing.window
      }
    }
    const tabHost = placement === 'tab' ? this.lastSessionWindow() : undefined
    if (tabHost) {
      if ('profileId' in target) tabHost.pending.set(target.profileId, this.now())
      this.deps.clientOf(tabHost.window.id).deliver('app.openTab', { ...target })
      tabHost.window.focus()
      return tabHost.window
    }
    const profileId = 'profileId' in target ? target.profileId : undefined
    const entry = this.create({ kind: 'session', query: sessionQuery(target), ...(profileId ? { profileId } : {}) })
    if (profileId) entry.pending.set(profileId, this.now())
    return entry.window
  }

  /** Opens the live wall for this query (`view=wall&...`), or focuses the wall window that already shows it. */
  openWall(query: string): ManagedWindow {
    const existing = this.entries('wall').find((e) => e.query === query)
    if (existing) {
      existing.window.focus()
      return existing.window
    }
    return this.create({ kind: 'wall', query }).window
  }

  /** Brings the window that owns `sessionId` to the front; false when no window of ours does. */
  focusSession(sessionId: string): boolean {
    const entry = this.ownerWindow(sessionId)
    entry?.window.focus()
    return !!entry
  }

  /** The sessions as the host last reported them (`sessions.list`, `sessions.changed`). */
  sessionsChanged(sessions: readonly SessionSummary[]): void {
    this.sessions = sessions.map((s) => ({ ...s }))
    for (const s of this.sessions) {
      const entry = this.ownerWindow(s.sessionId)
      if (!entry || entry.kind !== 'session' || !isLive(s)) continue
      if (s.profileId) entry.pending.delete(s.profileId)
      entry.profileId ??= s.profileId
      if (!entry.sized && s.width && s.height) {
        entry.sized = true
        this.deps.desktopSized?.(entry.window, { width: s.width, height: s.height }, entry.profileId)
      }
    }
  }

  /** A window got the keyboard focus. */
  windowFocused(windowId: number): void {
    if (!this.windows.has(windowId)) return
    this.recent = [windowId, ...this.recent.filter((id) => id !== windowId)]
  }

  /** A window closed: its sessions end (the bridge releases its client), nothing else does. */
  windowClosed(windowId: number): void {
    if (!this.windows.delete(windowId)) return
    this.recent = this.recent.filter((id) => id !== windowId)
    this.deps.release(windowId)
  }

  /**
   * A window's renderer crashed (`render-process-gone`): its sessions end like a closed
   * window's. A session window is closed (reloading it would connect again to what may have
   * crashed it); the address book, which connects nowhere by itself, is loaded again.
   */
  windowCrashed(windowId: number): void {
    const entry = this.windows.get(windowId)
    if (!entry) return
    this.deps.release(windowId)
    if (entry.kind === 'session') entry.window.close()
    else entry.window.reload()
  }

  /** A window starts loading its page (a reload): the old renderer's sessions end, and the new page is a new client. */
  windowLoading(windowId: number): void {
    if (!this.windows.has(windowId)) return
    this.deps.release(windowId)
    this.deps.clientOf(windowId)
  }

  /** Focuses the next (1) or previous (-1) session window after the focused one, in the order they opened; false when there is none. */
  cycle(direction: 1 | -1): boolean {
    const list = this.entries('session')
    if (list.length === 0) return false
    const focused = this.deps.focusedWindowId()
    const at = list.findIndex((e) => e.window.id === focused)
    const next = at < 0 ? (direction === 1 ? 0 : list.length - 1) : (at + direction + list.length) % list.length
    list[next].window.focus()
    return true
  }

  /** Sends a menu command to the focused window of ours (the one used last when none is focused). */
  /** Brings the address book forward with `command` (a book opened anew is still loading and misses it: it only opens). */
  commandAddressBook(command: AppCommand): void {
    const existing = this.entries('address-book')[0]
    this.openAddressBook()
    if (existing) this.deps.clientOf(existing.window.id).deliver('app.command', { command })
  }

  command(command: AppCommand): void {
    const focused = this.deps.focusedWindowId()
    const id = focused !== undefined && this.windows.has(focused) ? focused : this.recent[0]
    if (id !== undefined) this.deps.clientOf(id).deliver('app.command', { command })
  }

  /**
   * The sessions that would end if the app quit now: those our windows own, live-wall tiles and
   * ended ones not counted (a wall window's sessions are all tiles, even before the host's first
   * summary says so). Sessions of a window that already closed are gone from this count even
   * before the host reports them ended.
   */
  openSessionCount(): number {
    return [...this.windows.keys()].reduce((n, id) => n + this.liveSessionsOf(id).length, 0)
  }

  /**
   * Whether the window with this webContents id is a session window of ours that owns a live
   * session (the clipboard rule): never the address book or a wall, whatever they own.
   */
  hasSession(windowId: number): boolean {
    return this.windows.get(windowId)?.kind === 'session' && this.liveSessionsOf(windowId).length > 0
  }

  /** The window's sessions, by the host's own list, so this holds before any summary arrives; tiles and ended ones left out. */
  private liveSessionsOf(windowId: number): string[] {
    // A wall opens only watch sessions; the host's summaries may not have said so yet.
    if (this.windows.get(windowId)?.kind === 'wall') return []
    const client = this.deps.clientOf(windowId)
    const summaries = new Map(this.sessions.map((s) => [s.sessionId, s]))
    return this.deps.sessionIds().filter((id) => {
      const summary = summaries.get(id)
      return this.deps.ownerOf(id) === client && (!summary || isLive(summary))
    })
  }

  /** Whether the window is one of ours. */
  has(windowId: number): boolean {
    return this.windows.has(windowId)
  }

  /** The window's kind, or undefined when it is not ours. */
  kindOf(windowId: number): WindowKind | undefined {
    return this.windows.get(windowId)?.kind
  }

  /** The connection whose place a session window remembers (undefined for the address book or an unsaved address). */
  profileOf(windowId: number): string | undefined {
    return this.windows.get(windowId)?.profileId
  }

  /** The live sessions that have a window of ours, in the host's order: the Window menu lists them. */
  windowedSessions(): SessionSummary[] {
    return this.sessions.filter((s) => isLive(s) && this.ownerWindow(s.sessionId)?.kind === 'session')
  }

  /** How many windows are open. */
  count(): number {
    return this.windows.size
  }

  private create(request: WindowRequest): WindowEntry {
    const window = this.deps.createWindow(request)
    const entry: WindowEntry = {
      window,
      kind: request.kind,
      query: request.query,
      pending: new Map(),
      sized: false,
      ...(request.profileId ? { profileId: request.profileId } : {}),
    }
    this.windows.set(window.id, entry)
    this.recent.unshift(window.id)
    // Attached from the start, so the window hears events meant for every window before it asks anything.
    this.deps.clientOf(window.id)
    return entry
  }

  private entries(kind: WindowKind): WindowEntry[] {
    return [...this.windows.values()].filter((e) => e.kind === kind)
  }

  private ownerWindow(sessionId: string): WindowEntry | undefined {
    const owner = this.deps.ownerOf(sessionId)
    if (!owner) return undefined
    for (const entry of this.windows.values()) if (this.deps.clientOf(entry.window.id) === owner) return entry
    return undefined
  }

  /** The session window used last: the focused one, else the most recently focused, else the newest. */
  private lastSessionWindow(): WindowEntry | undefined {
    for (const id of this.recent) {
      const entry = this.windows.get(id)
      if (entry?.kind === 'session') return entry
    }
    return undefined
  }

  /**
   * The window showing saved connection `profileId`: one owning a live session of it, or one
   * asked to open it that has not been seen owning it yet, or one opened for it that owns
   * nothing now (it shows why its session ended, and its Reconnect).
   */
  private windowShowing(profileId: string): WindowEntry | undefined {
    for (const s of this.sessions) {
      if (s.profileId !== profileId || !isLive(s)) continue
      const entry = this.ownerWindow(s.sessionId)
      if (entry) return entry
    }
    for (const entry of this.windows.values()) {
      if (entry.kind !== 'session') continue
      const asked = entry.pending.get(profileId)
      if (asked !== undefined && this.now() - asked < PENDING_MS) return entry
      if (entry.profileId === profileId && !this.hasSession(entry.window.id)) return entry
    }
    return undefined
  }
}
