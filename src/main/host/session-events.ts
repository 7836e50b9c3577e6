import type { HostEvents, PowerAction, SessionError, SessionInfo, SessionState, SessionSummary } from '@shared/contract'
import { XvpAction } from '../rfb/client-messages'
import type { RfbError } from '../rfb/errors'
import { securityTypeName } from '../rfb/security/security-handler'
import type { ConnectionInfo, LedState, RfbClient } from '../rfb/session'
import { EventThrottle } from './event-throttle'
import { CertificateError } from '../rfb/trust/errors'
import { hostError } from './errors'
import type { SessionHost } from './session-host'

/**
 * The `session.state` event for a state change: the info (a copy) when connected, the error as
 * the renderer shows it (with what a certificate error presented and expected), and when a
 * reconnect is due.
 */
export function sessionStateEvent(
  sessionId: string,
  state: SessionState,
  info: SessionInfo | null,
  err?: RfbError | SessionError,
  retryInMs?: number,
): HostEvents['session.state'] {
  const payload: HostEvents['session.state'] = { sessionId, state }
  if (state === 'connected' && info) payload.info = { ...info }
  if (err) payload.error = { kind: err.kind, code: err.code, message: err.message }
  if (err instanceof CertificateError && payload.error) {
    const c: NonNullable<SessionError['certificate']> = { server: err.server, presentedSha256: err.presented.sha256, subject: err.presented.subject }
    if (err.expectedSha256) c.expectedSha256 = err.expectedSha256
    payload.error.certificate = c
  }
  if (retryInMs !== undefined) payload.retryInMs = retryInMs
  return payload
}

/** What the renderer is told about a connection that reached the desktop (`width` x `height` now). */
export function sessionInfo(info: ConnectionInfo, width: number, height: number, power: boolean): SessionInfo {
  return {
    name: info.init.name,
    width,
    height,
    serverVersion: info.serverVersion,
    security: info.securityName || securityTypeName(info.securityType),
    encrypted: info.encrypted,
    // Accepted for this session only is not verified (trust/verify.ts).
    verified: info.serverVerified && info.serverVerification !== 'once',
    // Shown as "identity accepted by you", never as verified.
    acceptedOnce: info.encrypted && info.serverVerification === 'once',
    power,
  }
}

/** Server extensions the renderer shows controls for; QEMU acknowledges them in updates, so after connecting. */
export function serverFeatures(client: RfbClient): Pick<SessionInfo, 'scancodes' | 'audio'> {
  return { scancodes: client.features.qemuKeyEvents, audio: client.features.qemuAudio }
}

const XVP_ACTIONS: Record<PowerAction, XvpAction> = { shutdown: XvpAction.Shutdown, reboot: XvpAction.Reboot, reset: XvpAction.Reset }

/**
 * Sends a power action (XVP) to `client`; throws the HostError to show when the session is
 * view-only, not connected (null), or the server offered no XVP.
 */
export function sendPower(client: RfbClient | null | 'view-only', action: PowerAction): void {
  if (client === 'view-only') throw hostError('refused', 'HOST_VIEW_ONLY', 'this connection is view-only: power actions are not sent')
  if (!client) throw hostError('closed', 'HOST_NOT_CONNECTED', 'the session is not connected')
  if (!client.sendXvp(XVP_ACTIONS[action])) throw hostError('unsupported', 'HOST_POWER_UNSUPPORTED', 'this server offers no power actions (XVP)')
}

/** What a session's summary is made of. */
export interface SummarySource {
  id: string
  profileId: string | null
  state: SessionState
  info: SessionInfo | null
  viewOnly: boolean
  watch: boolean
}

/** A session as every window sees it: `name` is its connection's name or address, `error` what its last state change reported. */
export function sessionSummary(s: SummarySource, name: string, error: SessionError | undefined): SessionSummary {
  const out: SessionSummary = { sessionId: s.id, name, state: s.state, viewOnly: s.viewOnly, watch: s.watch }
  if (s.profileId) out.profileId = s.profileId
  if (s.info) Object.assign(out, { desktopName: s.info.name, width: s.info.width, height: s.info.height })
  if (error) out.error = error
  return out
}

/** At most one bell, clipboard text, lock-key state, power failure or desktop name per this many ms reaches the windows. */
export const SERVER_EVENT_INTERVAL_MS = 100

/**
 * Passes what the server says outside the picture on as the session's events: XVP failures, the
 * lock-key lights and, unless the session is a wall tile (`watch`), the bell and clipboard text:
 * a tile neither rings nor takes over the local clipboard. Each kind goes out at most every
 * {@link SERVER_EVENT_INTERVAL_MS}, and all but bells with the latest held back to the end of the
 * interval: a server sending millions a second would otherwise queue that many messages to every
 * window. Returns the throttles, for tests.
 */
export function forwardServerEvents(
  client: RfbClient,
  sessionId: string,
  host: Pick<SessionHost, 'emit'>,
  watch: boolean,
): { bell: EventThrottle<void>; clipboard: EventThrottle<string>; leds: EventThrottle<LedState>; powerFailed: EventThrottle<void> } {
  const bell = new EventThrottle<void>(SERVER_EVENT_INTERVAL_MS, () => host.emit('session.bell', { sessionId }), false)
  const clipboard = new EventThrottle<string>(SERVER_EVENT_INTERVAL_MS, (text) => host.emit('session.clipboard', { sessionId, text }), true)
  const leds = new EventThrottle<LedState>(SERVER_EVENT_INTERVAL_MS, (l) => host.emit('session.leds', { sessionId, ...l }), true)
  const powerFailed = new EventThrottle<void>(SERVER_EVENT_INTERVAL_MS, () => host.emit('session.powerFailed', { sessionId }), true)
  if (!watch) client.on('bell', () => bell.push())
  if (!watch) client.on('clipboard', (text) => clipboard.push(text))
  client.on('xvpFailed', () => powerFailed.push())
  client.on('leds', (l) => leds.push(l))
  client.once('close', () => {
    bell.stop()
    clipboard.stop()
    leds.stop()
    powerFailed.stop()
  })
  return { bell, clipboard, leds, powerFailed }
}

/**
 * Passes the server's desktop name changes to `update` at most every
 * {@link SERVER_EVENT_INTERVAL_MS}, the latest always: each change tells every window the
 * session's info again, and one update may carry 65535 DesktopName rects (17 bytes each).
 */
export function forwardNameChanges(client: RfbClient, update: (name: string) => void): EventThrottle<string> {
  const names = new EventThrottle<string>(SERVER_EVENT_INTERVAL_MS, update, true)
  client.on('name', (name) => names.push(name))
  client.once('close', () => names.stop())
  return names
}
