import { hostError } from './errors'

/** More sessions than anyone works in at once; a runaway renderer cannot open sockets without end. */
export const MAX_SESSIONS = 64

/**
 * Live-wall tiles (watch sessions) open at once, counted apart from MAX_SESSIONS so that a wall
 * watching a large folder never takes the slots the user needs to open a connection.
 */
export const MAX_WATCH_SESSIONS = 48

/**
 * Throws the refusal for a new session (`watch`: a wall tile) when its budget is spent, given
 * the sessions open now. Ordinary and reverse sessions share MAX_SESSIONS; wall tiles have their
 * own MAX_WATCH_SESSIONS and their own code, so the wall can say why a tile is not watched.
 */
export function checkSessionRoom(open: Iterable<{ readonly watch: boolean }>, watch: boolean): void {
  let count = 0
  for (const s of open) if (s.watch === watch) count++
  if (watch && count >= MAX_WATCH_SESSIONS)
    throw hostError('refused', 'HOST_TOO_MANY_TILES', `the live wall shows at most ${MAX_WATCH_SESSIONS} connections at once`)
  if (!watch && count >= MAX_SESSIONS) throw hostError('refused', 'HOST_TOO_MANY_SESSIONS', `at most ${MAX_SESSIONS} sessions can be open at once`)
}
