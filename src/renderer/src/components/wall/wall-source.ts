import { wallQuery } from '@shared/page-query'
import type { ConnectionProfile } from '@shared/profile'
import type { SessionSummary, ShellApi } from '@shared/contract'
import { t } from '../../lib/i18n'
import { compareNames, normaliseGroup } from '../../stores/profile-list'

/** What a wall shows: the connections of an address-book folder (watched), or the sessions open now. */
export type WallSource = { kind: 'folder'; folder: string } | { kind: 'open' }

/** Reads `?view=wall&folder=<path>` or `?view=wall&open=1`; null when the query asks for neither. */
export function parseWallSource(search: string): WallSource | null {
  const q = new URLSearchParams(search)
  if (q.get('view') !== 'wall') return null
  const folder = q.get('folder')
  if (folder !== null) return { kind: 'folder', folder: normaliseGroup(folder) }
  return q.get('open') === '1' ? { kind: 'open' } : null
}

/** The query string of the wall page for `source`: the inverse of parseWallSource. */
export function wallPageQuery(source: WallSource): string {
  return `?${wallQuery(source.kind === 'open' ? { open: true } : { folder: source.folder })}`
}

/** The connections in `folder` and the folders inside it ('' is the whole address book), by name. */
export function profilesInFolder(profiles: readonly ConnectionProfile[], folder: string): ConnectionProfile[] {
  const root = normaliseGroup(folder)
  const inside = (group: string): boolean => {
    const g = normaliseGroup(group)
    return root === '' || g === root || g.startsWith(`${root}/`)
  }
  return profiles.filter((p) => inside(p.group)).sort((a, b) => compareNames(a.name, b.name) || compareNames(a.host, b.host))
}

/** The sessions an "open sessions" wall shows: everything open except other walls' watch tiles, by name. */
export function openSessionsShown(sessions: readonly SessionSummary[]): SessionSummary[] {
  return sessions.filter((s) => !s.watch).sort((a, b) => compareNames(a.name, b.name))
}

/** The page title for a wall. */
export function wallTitle(source: WallSource): string {
  if (source.kind === 'open') return t('wall.openSessions')
  return source.folder === '' ? t('wall.allConnections') : source.folder.split('/').join(' › ')
}

/**
 * Opens the wall for `source` in a window of its own, one per folder: a second click finds it
 * again. In the app the shell opens it (it refuses window.open); in browser mode a named tab,
 * without noopener, so the new tab gets a copy of this tab's sessionStorage, where the credential
 * is. False when no window opened (a blocked popup).
 */
export function openWall(source: WallSource, win: Window = window): boolean {
  const shell = (win as Window & { tesseraShell?: ShellApi }).tesseraShell
  if (shell) {
    void shell.request('shell.openWall', source.kind === 'open' ? { open: true } : { folder: source.folder })
    return true
  }
  const name = source.kind === 'open' ? 'tessera-wall-open' : `tessera-wall-${encodeURIComponent(source.folder)}`
  const opened = win.open(`${win.location.origin}${win.location.pathname}${wallPageQuery(source)}`, name)
  opened?.focus()
  return opened !== null
}
