import type { SessionError, SessionState } from '@shared/contract'
import type { ErrorCode, ErrorKind } from '@shared/error-codes'
import { errorTitle } from '../../lib/errors'
import { t } from '../../lib/i18n'

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

/**
 * Refusals by the host's own session budget (kind 'refused', like a server turning us away):
 * trying again would only be refused again, every RETRY_MS, for every tile past the limit.
 */
const OVER_LIMIT: readonly ErrorCode[] = ['HOST_TOO_MANY_TILES', 'HOST_TOO_MANY_SESSIONS']

/** Whether a watch tile that ended with `error` should be opened again later (the server may come back; the host's limit will not go away). */
export function retryable(error: SessionError | undefined): boolean {
  return !error || (RETRYABLE.includes(error.kind) && !OVER_LIMIT.includes(error.code))
}

/** Why a tile is waiting to try again, in a few words. */
function downText(error: SessionError | undefined): string {
  if (error?.kind === 'network' || error?.kind === 'refused') return t('wall.tile.unreachable')
  if (error?.kind === 'timeout') return t('wall.tile.notAnswering')
  return t('wall.tile.lost')
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
      return { text: t('wall.tile.connecting'), tone: 'waiting', detail }
    case 'connected':
      return { text: t('wall.tile.live'), tone: 'live' }
    case 'reconnecting':
      return { text: downText(error), tone: 'down', detail }
    case 'closed':
      if (retrying) return { text: downText(error), tone: 'down', detail }
      if (!error) return { text: t('wall.tile.closed'), tone: 'stopped' }
      if (OVER_LIMIT.includes(error.code)) return { text: t('wall.tile.tooMany'), tone: 'stopped', detail }
      return { text: t('wall.tile.failed', { title: errorTitle(error) }), tone: 'stopped', detail }
  }
}
