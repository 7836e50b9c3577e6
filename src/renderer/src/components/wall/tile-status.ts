import type { SessionError, SessionState } from '@shared/contract'
import type { ErrorKind } from '@shared/error-codes'
import { errorTitle } from '../../lib/errors'

/** What a wall tile says under its picture, and how it looks. */
export interface TileStatus {
  /** One short line in plain words. */
  text: string
  /** 'live' draws nothing over the picture; the others dim it. */
  tone: 'live' | 'waiting' | 'down' | 'stopped'
  /** The host's detail (server name, reason), for the tooltip. */
  detail?: string
}

/** Kinds of error after which the wall opens the tile again by itself: the server may come back. */
const RETRYABLE: readonly ErrorKind[] = ['network', 'refused', 'timeout', 'closed']

/** Whether a watch tile that ended with `error` should be opened again later (the server may come back). */
export function retryable(error: SessionError | undefined): boolean {
  return !error || RETRYABLE.includes(error.kind)
}

/** Why a tile is waiting to try again, in a few words. */
function downText(error: SessionError | undefined): string {
  if (error?.kind === 'network' || error?.kind === 'refused') return 'Not reachable — retrying'
  if (error?.kind === 'timeout') return 'Not answering — retrying'
  return 'Connection lost — retrying'
}

/**
 * The tile's line for a session state: `retrying` when the wall (or the host) will try again.
 * A tile that cannot come back by itself (a password to give, a certificate to check) says
 * what is wrong and that a click opens it, where the user can answer.
 */
export function tileStatus(state: SessionState | 'opening', error: SessionError | undefined, retrying: boolean): TileStatus {
  const detail = error?.message
  switch (state) {
    case 'opening':
    case 'connecting':
    case 'authenticating':
      return { text: 'Connecting…', tone: 'waiting', detail }
    case 'connected':
      return { text: 'Live', tone: 'live' }
    case 'reconnecting':
      return { text: downText(error), tone: 'down', detail }
    case 'closed':
      if (retrying) return { text: downText(error), tone: 'down', detail }
      if (!error) return { text: 'Closed', tone: 'stopped' }
      return { text: `${errorTitle(error)} — open it to see why`, tone: 'stopped', detail }
  }
}
