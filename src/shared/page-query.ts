import type { SessionTarget } from './contract'

/**
 * The query strings of the renderer's pages, built in one place: the Electron shell opens windows
 * with them and the renderer opens browser tabs with them (the renderer's lib/page.ts reads them back).
 */

/** The query string (no leading `?`) of the session page that opens `target`. */
export function sessionQuery(target: SessionTarget): string {
  const q = new URLSearchParams({ view: 'session' })
  if ('profileId' in target) q.set('profile', target.profileId)
  else if ('address' in target) q.set('address', target.address)
  else {
    q.set('adopt', target.adoptSessionId)
    q.set('code', target.handOffCode)
  }
  return q.toString()
}

/** The query string (no leading `?`) of the live wall of an address-book folder, or of the open sessions. */
export function wallQuery(source: { folder: string } | { open: true }): string {
  const q = new URLSearchParams({ view: 'wall' })
  if ('folder' in source) q.set('folder', source.folder)
  else q.set('open', '1')
  return q.toString()
}
