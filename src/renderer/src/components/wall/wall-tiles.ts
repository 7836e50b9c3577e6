import type { HostApi, SessionError, SessionState, SessionSummary } from '@shared/contract'
import type { ConnectionProfile } from '@shared/profile'
import { type Ref, ref } from 'vue'
import { retryable } from './tile-status'
import { openSessionsShown, profilesInFolder, type WallSource } from './wall-source'

/** One tile of the wall: a watched connection, or a session open elsewhere. */
export interface WallTile {
  /** Stable across reopening: the profile id for a folder wall, the session id for an open-sessions wall. */
  key: string
  name: string
  profileId?: string
  /** The session whose picture the tile shows; undefined while none is open. */
  sessionId?: string
  /** 'opening' until the host has answered session.open. */
  state: SessionState | 'opening'
  error?: SessionError
  desktopName?: string
  width?: number
  height?: number
  /** The wall opens it again after this many ms (a server that went away may come back). */
  retrying: boolean
  /** Whether this wall opened the session (a watch session), so it closes it when done. */
  owned: boolean
}

/** How long a watch tile whose server went away waits before trying again. */
export const RETRY_MS = 10_000

/**
 * The tiles of a wall and the sessions behind them. A folder wall opens each connection as a
 * watch session (view-only, about one update a second, never asking the user anything) and
 * opens it again RETRY_MS after its server went away; an open-sessions wall follows the host's
 * `sessions.changed`. Call `start` once and `stop` when the page goes (it closes the watch
 * sessions and forgets its timers).
 */
export class WallTiles {
  readonly tiles: Ref<WallTile[]> = ref([])
  private readonly unsubscribe: (() => void)[] = []
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private stopped = false
  /** The last state of sessions not (yet) on a tile: a session can end before session.open answers. */
  private readonly early = new Map<string, { state: SessionState; error?: SessionError }>()

  constructor(
    private readonly api: HostApi,
    private readonly source: WallSource,
  ) {}

  /** Lists what the wall shows and, for a folder, opens the watch sessions. */
  async start(): Promise<void> {
    this.unsubscribe.push(this.api.on('sessions.changed', ({ sessions }) => this.onSessions(sessions)))
    this.unsubscribe.push(this.api.on('session.state', (e) => this.onState(e.sessionId, e.state, e.error)))
    if (this.source.kind === 'open') {
      this.onSessions(await this.api.request('sessions.list', undefined))
      return
    }
    const profiles: ConnectionProfile[] = profilesInFolder(await this.api.request('profiles.list', undefined), this.source.folder)
    this.tiles.value = profiles.map((p) => ({ key: p.id, name: p.name, profileId: p.id, state: 'opening', retrying: false, owned: true }))
    await Promise.all(this.tiles.value.map((t) => this.open(t.key)))
  }

  /** Closes the watch sessions this wall opened. Idempotent. */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    for (const off of this.unsubscribe.splice(0)) off()
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    for (const t of this.tiles.value) if (t.owned && t.sessionId) void this.api.request('session.close', { sessionId: t.sessionId }).catch(() => {})
  }

  private tile(key: string): WallTile | undefined {
    return this.tiles.value.find((t) => t.key === key)
  }

  private async open(key: string): Promise<void> {
    const t = this.tile(key)
    if (!t?.profileId || this.stopped) return
    t.state = 'opening'
    t.sessionId = undefined
    try {
      const { sessionId } = await this.api.request('session.open', { profileId: t.profileId, watch: true })
      if (this.stopped) {
        void this.api.request('session.close', { sessionId }).catch(() => {})
        return
      }
      t.sessionId = sessionId
      t.retrying = false
      const early = this.early.get(sessionId)
      this.early.delete(sessionId)
      if (early) this.onState(sessionId, early.state, early.error)
      else if (t.state === 'opening') t.state = 'connecting'
    } catch (e) {
      this.ended(t, e as SessionError)
    }
  }

  private onState(sessionId: string, state: SessionState, error: SessionError | undefined): void {
    const t = this.tiles.value.find((x) => x.sessionId === sessionId)
    if (!t) {
      if (this.source.kind === 'folder' && this.early.size < 1000) this.early.set(sessionId, { state, error })
      return
    }
    if (state === 'closed' && t.owned) return this.ended(t, error)
    t.state = state
    t.error = error
  }

  /** A watch session ended: say why, and try again later if its server may come back. */
  private ended(t: WallTile, error: SessionError | undefined): void {
    t.sessionId = undefined
    t.state = 'closed'
    t.error = error
    t.retrying = !this.stopped && retryable(error)
    if (!t.retrying) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      void this.open(t.key)
    }, RETRY_MS)
    this.timers.add(timer)
  }

  private onSessions(sessions: SessionSummary[]): void {
    if (this.source.kind === 'folder') {
      // Summaries carry the desktop's name and size, which the tile shows and sizes itself by.
      for (const s of sessions) {
        const t = this.tiles.value.find((x) => x.sessionId === s.sessionId)
        if (t) Object.assign(t, summaryFields(s))
      }
      return
    }
    const old = new Map(this.tiles.value.map((t) => [t.key, t]))
    this.tiles.value = openSessionsShown(sessions).map((s) => ({
      ...(old.get(s.sessionId) ?? { retrying: false, owned: false }),
      key: s.sessionId,
      name: s.name,
      profileId: s.profileId,
      sessionId: s.sessionId,
      ...summaryFields(s),
    }))
  }
}

function summaryFields(s: SessionSummary): Pick<WallTile, 'state' | 'error' | 'desktopName' | 'width' | 'height'> {
  return { state: s.state, error: s.error, desktopName: s.desktopName, width: s.width, height: s.height }
}
