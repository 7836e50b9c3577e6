import type { SessionError } from '@shared/contract'

/** True for the SessionError values the host rejects requests with. */
export function isSessionError(e: unknown): e is SessionError {
  return typeof e === 'object' && e !== null && typeof (e as SessionError).kind === 'string' && typeof (e as SessionError).message === 'string'
}

/** A sentence to show for anything a request rejected with. */
export function errorMessage(e: unknown): string {
  if (isSessionError(e)) return e.message
  if (e instanceof Error) return e.message
  return String(e)
}
