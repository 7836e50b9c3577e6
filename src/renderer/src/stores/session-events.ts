import type { HostEvents, LockLeds, OpenSessionRequest, SessionError, SessionInfo } from '@shared/contract'
import { readSessionError } from '@shared/error-codes'
import { clipboardFromRemote } from '@shared/preferences'
import type { Ref } from 'vue'
import type { HostLink } from '../host'
import { t } from '../lib/i18n'
import { currentPreferences } from './preferences'
import type { CredentialsPrompt, DowngradePrompt, HostKeyPrompt, SessionPhase, SessionStats, TrustPrompt } from './session'

/** A handler for each host event a session store follows. */
export type SessionEventHandlers = { [K in keyof HostEvents]?: (p: HostEvents[K]) => void }

/** The parts of a session store its host events set. */
export interface SessionEventState {
  sessionId: Ref<string | null>
  request: Ref<OpenSessionRequest | null>
  profileId: Ref<string | null>
  phase: Ref<SessionPhase>
  info: Ref<SessionInfo | null>
  error: Ref<SessionError | null>
  retryAt: Ref<number | null>
  askReconnect: Ref<boolean>
  credentials: Ref<CredentialsPrompt | null>
  trust: Ref<TrustPrompt | null>
  hostKey: Ref<HostKeyPrompt | null>
  downgrade: Ref<DowngradePrompt | null>
  remoteClipboard: Ref<string>
  stats: Ref<SessionStats | null>
  focused: Ref<boolean>
  bells: Ref<number>
  leds: Ref<LockLeds | null>
  powerFailures: Ref<number>
}

/**
 * What the host tells a session store of its session: state, prompts, clipboard, statistics,
 * bell, LEDs, power failures, the saved connection a typed address became, and the end of browser
 * mode's link. `isMine` says whether an event is this session's (keeping it while the session
 * opens); `own` are the store's handlers that keep pixels out of state (frames, the cursor).
 * Returns every handler, to replay early events through, and `stop`, which stops listening.
 */
export function listenToSession(
  host: HostLink,
  state: SessionEventState,
  isMine: (payload: { sessionId: string }, name: keyof HostEvents) => boolean,
  own: SessionEventHandlers,
): { handlers: SessionEventHandlers; stop: () => void } {
  const {
    sessionId,
    request,
    profileId,
    phase,
    info,
    error,
    retryAt,
    askReconnect,
    credentials,
    trust,
    hostKey,
    downgrade,
    remoteClipboard,
    stats,
    focused,
    bells,
    leds,
    powerFailures,
  } = state

  function onState(e: HostEvents['session.state']): void {
    if (!isMine(e, 'session.state')) return
    phase.value = e.state
    askReconnect.value = e.state === 'reconnecting' && e.askReconnect === true
    if (e.info) info.value = e.info
    if (e.state === 'connected') {
      error.value = null
      retryAt.value = null
    }
    if (e.state === 'reconnecting') retryAt.value = e.retryInMs !== undefined ? Date.now() + e.retryInMs : null
    if (e.error) error.value = readSessionError(e.error)
    if (e.state === 'closed') {
      credentials.value = null
      trust.value = null
      hostKey.value = null
      downgrade.value = null
      retryAt.value = null
    }
    // A new connection reports its LEDs afresh.
    if (e.state !== 'connected') leds.value = null
  }

  function onCredentials(e: CredentialsPrompt): void {
    if (!isMine(e, 'session.credentials')) return
    credentials.value = e
  }

  function onTrust(e: TrustPrompt): void {
    if (!isMine(e, 'session.trust')) return
    trust.value = e
  }

  function onHostKey(e: HostKeyPrompt): void {
    if (!isMine(e, 'session.hostKey')) return
    hostKey.value = e
  }

  function onDowngrade(e: DowngradePrompt): void {
    if (!isMine(e, 'session.downgrade')) return
    downgrade.value = e
  }

  function onClipboard(e: HostEvents['session.clipboard']): void {
    if (!isMine(e, 'session.clipboard')) return
    remoteClipboard.value = e.text
    // Best effort: the browser may refuse without focus; the clipboard panel shows it anyway. The
    // Preferences may keep remote clipboards out of this computer's ("to remote" or "off").
    if (!clipboardFromRemote(currentPreferences().clipboardSync)) return
    if (focused.value && typeof navigator !== 'undefined' && navigator.clipboard && document.hasFocus()) {
      navigator.clipboard.writeText(e.text).catch(() => {})
    }
  }

  function onStats(e: SessionStats): void {
    if (isMine(e, 'session.stats')) stats.value = e
  }

  function onBell(e: HostEvents['session.bell']): void {
    if (isMine(e, 'session.bell')) bells.value++
  }

  function onLeds(e: HostEvents['session.leds']): void {
    if (!isMine(e, 'session.leds')) return
    leds.value = { capsLock: e.capsLock, numLock: e.numLock, scrollLock: e.scrollLock }
  }

  function onPowerFailed(e: HostEvents['session.powerFailed']): void {
    if (isMine(e, 'session.powerFailed')) powerFailures.value++
  }

  /**
   * A typed address is a saved connection once it connects (the host remembers every server
   * reached) or already was one: from then on this tab is that connection's, so its per-connection
   * settings (sound) follow it there, the book finds the tab, and Retry opens the connection.
   */
  function onSessions(e: HostEvents['sessions.changed']): void {
    const id = sessionId.value
    if (!id || profileId.value !== null || !Array.isArray(e?.sessions)) return
    const saved = e.sessions.find((s) => s.sessionId === id)?.profileId
    if (!saved) return
    profileId.value = saved
    request.value = { profileId: saved }
  }

  const handlers: SessionEventHandlers = {
    'session.state': onState,
    'session.credentials': onCredentials,
    'session.trust': onTrust,
    'session.hostKey': onHostKey,
    'session.downgrade': onDowngrade,
    'session.clipboard': onClipboard,
    'session.stats': onStats,
    'session.bell': onBell,
    'session.leds': onLeds,
    'session.powerFailed': onPowerFailed,
    'sessions.changed': onSessions,
    ...own,
  }
  function listen<K extends keyof HostEvents>(name: K): () => void {
    return host.api.on(name, handlers[name] as (p: HostEvents[K]) => void)
  }
  const stops = (Object.keys(handlers) as (keyof HostEvents)[]).map(listen)
  stops.push(
    host.onLinkState((link) => {
      // Browser mode: the host ends a socket's sessions with the socket.
      if ((link === 'lost' || link === 'ended') && sessionId.value && phase.value !== 'closed') {
        phase.value = 'closed'
        credentials.value = null
        trust.value = null
        hostKey.value = null
        downgrade.value = null
        error.value =
          link === 'ended'
            ? { kind: 'closed', code: 'WEB_SESSION_ENDED', message: t('session.link.ended') }
            : { kind: 'network', code: 'HOST_DISCONNECTED', message: t('session.link.lost') }
      }
    }),
  )
  return {
    handlers,
    stop: () => {
      for (const stop of stops) stop()
    },
  }
}
