import { sessionQuery } from '@shared/page-query'
import type { SessionTarget } from '@shared/contract'

/**
 * Which page this window shows, from the address's query string (never the fragment: in
 * browser mode the fragment carries the one-time launch code).
 */
export type Page = { view: 'address-book' } | { view: 'session'; target: SessionTarget | null } | { view: 'wall'; folder?: string; open: boolean }

/** Reads the page from a query string such as `?view=session&profile=abc`; anything unknown is the address book. */
export function parsePage(search: string): Page {
  const q = new URLSearchParams(search)
  const view = q.get('view')
  if (view === 'session') return { view: 'session', target: parseTarget(q) }
  if (view === 'wall') {
    const folder = q.get('folder')
    return folder !== null ? { view: 'wall', folder, open: false } : { view: 'wall', open: q.get('open') === '1' }
  }
  return { view: 'address-book' }
}

// One target per page: the first of profile, address, adopt (with its hand-off code) that is present and not empty.
function parseTarget(q: URLSearchParams): SessionTarget | null {
  const profileId = q.get('profile')
  if (profileId) return { profileId }
  const address = q.get('address')
  if (address) return { address }
  const adopt = q.get('adopt')
  if (adopt) return { adoptSessionId: adopt, handOffCode: q.get('code') ?? '' }
  return null
}

/** The query string of the session page that opens `target`: the inverse of parsePage. */
export function sessionPageQuery(target: SessionTarget): string {
  return `?${sessionQuery(target)}`
}

/**
 * The browser window name for a session page opening `target`: window.open with the same name
 * finds the tab already showing that connection instead of opening another.
 */
export function sessionWindowName(target: SessionTarget): string {
  if ('profileId' in target) return `tessera-session-${target.profileId}`
  if ('address' in target)
    return `tessera-session-address-${target.address
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9.:_-]+/g, '_')}`
  return `tessera-session-moved-${target.adoptSessionId}`
}
