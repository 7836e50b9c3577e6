import type { SessionError } from '@shared/contract'
import { type ErrorCode, type ErrorKind, isCertificateError, isErrorCode, isHostKeyError, isServerKeyError } from '@shared/error-codes'
import type { LinkState } from '../host/ws-host'
import { t } from './i18n'

/*
 * The one place the renderer turns error codes into words. Every error the user reads has a
 * headline of what happened and a hint of what to try, both message keys (errors area) looked
 * up when shown, so a language switch applies. The code and the host's `message` (which names
 * the server, the file or quotes the server's own reason) go under "Details" only.
 */

type ErrorsWords = typeof import('@shared/i18n/messages/errors/en').default

/** A headline's key in the errors area (`errors.title.<key>`). */
export type ErrorTitleKey = keyof ErrorsWords['title']

/** A "what to try" key in the errors area (`errors.hint.<key>`). */
export type ErrorHintKey = keyof ErrorsWords['hint']

/** What the user reads about one code: a headline of what happened, and what to try. */
export interface ErrorWords {
  title: ErrorTitleKey
  hint: ErrorHintKey
}

const w = (title: ErrorTitleKey, hint: ErrorHintKey): ErrorWords => ({ title, hint })
const UNREADABLE = w('unreadable', 'unreadable')
const RECORDING = w('recording', 'recording')
const NO_COMMON = w('noCommonSecurity', 'noCommonSecurity')
const SETUP = w('setup', 'setup')
const REQUEST = w('request', 'retryLater')
const NOT_NOW = w('notNow', 'notNow')
const LISTEN = w('listen', 'listen')
const LINK = w('link', 'link')
const ADDRESS_BOOK = w('addressBook', 'storeFile')
const IMPORT = w('import', 'import')

/**
 * The headline and hint keys for each code, translated when shown. A Record, so a code added to
 * the list without words fails the typecheck; a unit test checks every key exists in every language.
 */
export const ERROR_WORDS: Record<ErrorCode, ErrorWords> = {
  RFB_ERR_PROTOCOL: UNREADABLE,
  RFB_ERR_NOT_RFB: w('unreadable', 'connectionRefused'),
  RFB_ERR_MESSAGE_TYPE: UNREADABLE,
  RFB_ERR_ENCODING: UNREADABLE,
  RFB_ERR_ENCODING_NOT_ANNOUNCED: w('unasked', 'unreadable'),
  RFB_ERR_RECT_BOUNDS: UNREADABLE,
  RFB_ERR_LIMIT: UNREADABLE,
  RFB_ERR_CLIPBOARD: UNREADABLE,
  RFB_ERR_INTERNAL: UNREADABLE,

  RFB_ERR_RRE: UNREADABLE,
  RFB_ERR_CORRE: UNREADABLE,
  RFB_ERR_HEXTILE: UNREADABLE,
  RFB_ERR_ZLIB: UNREADABLE,
  RFB_ERR_ZLIBHEX: UNREADABLE,
  RFB_ERR_ZRLE: UNREADABLE,
  RFB_ERR_ZYWRLE: UNREADABLE,
  RFB_ERR_TIGHT: UNREADABLE,
  RFB_ERR_JPEG: UNREADABLE,
  RFB_ERR_H264: UNREADABLE,
  RFB_ERR_IMAGE: UNREADABLE,

  RFB_ERR_FBS: RECORDING,
  RFB_ERR_TRUNCATED: RECORDING,

  RFB_ERR_AUTH_FAILED: w('credentials', 'credentials'),
  RFB_ERR_SERVER_REFUSED: w('serverRefused', 'serverRefused'),
  RFB_ERR_UNSUPPORTED: w('unsupported', 'unsupported'),
  RFB_ERR_VERSION: w('unsupported', 'unsupported'),
  RFB_ERR_SECURITY: NO_COMMON,
  RFB_ERR_POLICY: NO_COMMON,
  RFB_ERR_ANON_TLS: NO_COMMON,
  RFB_ERR_TLS_VERSION: w('tlsVersion', 'tlsVersion'),
  RFB_ERR_DOWNGRADE: w('downgrade', 'downgrade'),
  RFB_ERR_PLAIN_REFUSED: w('plainPassword', 'plainPassword'),

  RFB_ERR_NETWORK: w('connectionLost', 'connectionLost'),
  RFB_ERR_CONNECTION_REFUSED: w('connectionRefused', 'connectionRefused'),
  RFB_ERR_CONNECTION_RESET: w('connectionLost', 'connectionLost'),
  RFB_ERR_CLOSED_WHILE_ASKING: w('closedWhileAsking', 'closedWhileAsking'),
  RFB_ERR_CONNECTION_TIMEOUT: w('connectionTimeout', 'timeout'),
  RFB_ERR_HOST_NOT_FOUND: w('hostNotFound', 'hostNotFound'),
  RFB_ERR_UNREACHABLE: w('unreachable', 'unreachable'),
  RFB_ERR_TIMEOUT: w('slow', 'timeout'),
  RFB_ERR_NOT_READING: w('notReading', 'notReading'),
  RFB_ERR_LISTEN: LISTEN,
  RFB_ERR_TLS: w('tls', 'tls'),
  RFB_ERR_SSH: w('ssh', 'ssh'),
  RFB_ERR_SSH_FORWARD: w('ssh', 'sshForward'),
  RFB_ERR_REPEATER: w('repeater', 'repeater'),

  RFB_ERR_CERT_CHANGED: w('certificateChanged', 'certificateChanged'),
  RFB_ERR_CERT_UNTRUSTED: w('unverified', 'unverified'),
  RFB_ERR_CERT_REJECTED: w('unverified', 'unverified'),
  RFB_ERR_CERT_INVALID: w('unverified', 'unverified'),

  RFB_ERR_HOSTKEY_CHANGED: w('hostKeyChanged', 'keyChanged'),
  RFB_ERR_SERVER_KEY_CHANGED: w('serverKeyChanged', 'keyChanged'),
  RFB_ERR_SERVER_KEY_UNTRUSTED: w('unverified', 'unverified'),
  RFB_ERR_SERVER_KEY_REJECTED: w('unverified', 'unverified'),
  RFB_ERR_HOSTKEY_REVOKED: w('sshUnverified', 'keyChanged'),
  RFB_ERR_HOSTKEY_UNKNOWN: w('sshUnverified', 'unverified'),
  RFB_ERR_HOSTKEY_REJECTED: w('sshUnverified', 'unverified'),
  RFB_ERR_HOSTKEY_TYPE_CHANGED: w('hostKeyTypeChanged', 'keyChanged'),

  RFB_ERR_TRUST_STORE: w('trustStore', 'trustStore'),

  HOST_INVALID_REQUEST: REQUEST,
  HOST_UNKNOWN_REQUEST: REQUEST,
  HOST_UNTRUSTED_SENDER: REQUEST,
  HOST_INTERNAL: w('internal', 'retryLater'),
  HOST_UNKNOWN_SESSION: w('ended', 'reopen'),
  HOST_UNKNOWN_PROFILE: w('profileGone', 'reopen'),
  HOST_BAD_ADDRESS: w('badAddress', 'checkAddress'),
  HOST_TOO_MANY_SESSIONS: w('tooManySessions', 'closeSome'),
  HOST_TOO_MANY_TILES: w('tooManyTiles', 'closeSome'),

  HOST_SECURITY: SETUP,
  HOST_CA_FILE: SETUP,
  HOST_SSH_AGENT: SETUP,
  HOST_SSH_KEY_FILE: SETUP,
  HOST_REVERSE_GONE: w('unreachable', 'reopen'),

  HOST_NO_CREDENTIALS_PENDING: NOT_NOW,
  HOST_NO_TRUST_PENDING: NOT_NOW,
  HOST_NO_HOSTKEY_PENDING: NOT_NOW,
  HOST_NO_DOWNGRADE_PENDING: NOT_NOW,
  HOST_NOT_CONNECTED: NOT_NOW,
  HOST_VIEW_ONLY: w('viewOnly', 'viewOnly'),
  HOST_POWER_UNSUPPORTED: w('powerUnsupported', 'serverLimits'),
  HOST_RESIZE_UNSUPPORTED: w('resizeUnsupported', 'serverLimits'),
  HOST_NOT_WATCHING: w('notWatching', 'none'),
  HOST_TYPING_BUSY: NOT_NOW,
  // The typing dialog lists what cannot be typed before it asks; the host's refusal is a backstop.
  HOST_TYPE_UNTYPABLE: REQUEST,
  HOST_NO_RECORDINGS: w('recordingUnavailable', 'recordingList'),
  HOST_BAD_RECORDING: w('recordingUnavailable', 'recordingList'),
  HOST_NO_RECORDING: w('recordingUnavailable', 'recordingList'),
  HOST_NO_PLAYER: w('recordingUnavailable', 'recordingList'),
  HOST_RECORDING_TOO_LARGE: w('recordingTooLarge', 'recordingList'),
  HOST_RECORDING_FAILED: w('recordingFailed', 'recordingDisk'),
  HOST_HANDOFF_BUSY: w('handoffBusy', 'answerFirst'),
  HOST_HANDOFF_WATCH: w('handoffWatch', 'reopen'),
  HOST_SESSION_MOVED: w('sessionMoved', 'none'),
  RFB_ERR_RESIZE_LAYOUT: w('resizeLayout', 'serverLimits'),
  RFB_ERR_RESIZE_REFUSED: w('resizeRefused', 'serverLimits'),

  HOST_WATCH_SIGN_IN: w('watchSignIn', 'reopen'),
  HOST_WATCH_NEEDS_ANSWER: w('watchNeedsAnswer', 'reopen'),

  HOST_LISTEN: LISTEN,
  HOST_LISTEN_BUSY: LISTEN,
  HOST_LISTEN_NOT_OWNER: LISTEN,
  HOST_UNKNOWN_INCOMING: w('incomingGone', 'none'),

  HOST_BENCH_BUSY: w('benchBusy', 'benchBusy'),
  HOST_BENCH_NO_ANSWER: w('benchNoAnswer', 'retryLater'),
  HOST_BENCH_TOO_SLOW: w('benchTooSlow', 'benchTooSlow'),
  HOST_BENCH_TOO_SOON: w('benchTooSoon', 'benchTooSoon'),

  HOST_CLOSED: LINK,
  HOST_DISCONNECTED: LINK,
  HOST_TIMEOUT: w('hostTimeout', 'retryLater'),
  OPEN_FAILED: w('unreachable', 'unreachable'),
  HOST_UNKNOWN_ERROR: w('unknown', 'retryLater'),

  WEB_LINK_USED: w('webLinkUsed', 'webLink'),
  WEB_LINK_MISSING: w('webLinkMissing', 'webLink'),
  WEB_SESSION_ENDED: w('webSessionEnded', 'webLink'),

  STORE_CORRUPT: ADDRESS_BOOK,
  STORE_UNREADABLE: ADDRESS_BOOK,
  STORE_NEWER_VERSION: ADDRESS_BOOK,
  STORE_INVALID_ENTRIES: ADDRESS_BOOK,
  STORE_RESTORED: ADDRESS_BOOK,
  STORE_READ_ONLY: w('storeReadOnly', 'storeWrite'),
  STORE_WRITE_FAILED: w('storeWriteFailed', 'storeWrite'),

  SECRETS_CORRUPT: w('secrets', 'secrets'),
  SECRETS_UNREADABLE: w('secrets', 'secrets'),

  DATA_DIR_LOCKED: w('dataDirLocked', 'dataDirLocked'),

  IMPORT_UNRECOGNISED: IMPORT,
  IMPORT_TOO_LARGE: IMPORT,
  IMPORT_INVALID: IMPORT,
  IMPORT_BAD_PASSPHRASE: w('badPassphrase', 'badPassphrase'),
  IMPORT_NO_PASSWORDS: IMPORT,
  IMPORT_NO_SECRET_STORE: IMPORT,

  SECRETS_UNAVAILABLE: w('secretsUnavailable', 'secrets'),

  FILES_UNSUPPORTED: w('filesUnsupported', 'serverLimits'),
  FILES_BAD_NAME: w('filesBadName', 'filesBadName'),
  FILES_LIMIT: w('filesLimit', 'filesLimit'),
  FILES_LOCAL: w('filesLocal', 'filesLocal'),
  FILES_NOT_FOUND: w('filesGone', 'retryLater'),
  FILES_TOO_MANY: w('filesLimit', 'retryLater'),
  FILES_UNKNOWN_TRANSFER: w('filesGone', 'none'),
  FILES_NO_QUESTION: w('filesGone', 'none'),
  SECRETS_NOT_PROTECTED: w('secretsNotProtected', 'secrets'),
}

/** The words for a code; a code this build does not know gets the generic ones. */
export function errorWords(code: string): ErrorWords {
  return ERROR_WORDS[isErrorCode(code) ? code : 'HOST_UNKNOWN_ERROR']
}

/** The headline for a code, in the interface language now. */
export function errorHeadline(code: string): string {
  return t(`errors.title.${errorWords(code).title}`)
}

/** What to try about a code, in the interface language now. */
export function errorHint(code: string): string {
  return t(`errors.hint.${errorWords(code).hint}`)
}

/** True for the SessionError values the host rejects requests with. */
export function isSessionError(e: unknown): e is SessionError {
  return typeof e === 'object' && e !== null && typeof (e as SessionError).kind === 'string' && typeof (e as SessionError).message === 'string'
}

/** The headline for an error, from its code (a code this build does not know gets the generic one). */
export function errorTitle(error: SessionError): string {
  return errorHeadline(error.code)
}

/** A sentence to show for anything a request rejected with: the host's detail, which names what failed. */
export function errorMessage(e: unknown): string {
  if (isSessionError(e)) return e.message
  if (e instanceof Error) return e.message
  return String(e)
}

/**
 * What the user reads about a failed request, beside the sentence saying what failed: why (the
 * code's headline) and what to try, both translated; the host's raw message, with its code, only
 * as `detail` (under "Details"). An error without a code (the browser's own) has only a detail.
 */
export interface FailureWords {
  reason: string | null
  hint: string | null
  detail: string
}

/** The {@link FailureWords} for anything a request rejected with. */
export function failureWords(e: unknown): FailureWords {
  if (!isSessionError(e)) return { reason: null, hint: null, detail: errorMessage(e) }
  const words = errorWords(e.code)
  return { reason: errorHeadline(e.code), hint: words.hint === 'none' ? null : errorHint(e.code), detail: `${e.message} (${e.code})` }
}

/** What the session screen shows and offers once a session ended (or `null`: it just ended). */
export interface SessionOutcome {
  title: string
  /** What to try, or null when there is nothing to say (a session the user ended). */
  hint: string | null
  /** The button that opens the session again, or null when trying again cannot help. */
  retryLabel: string | null
  closeLabel: string
  /** 'key' when retrying asks for a new password. */
  retryIcon: 'key' | 'refresh'
}

type OutcomeKey = keyof ErrorsWords['outcome']

/**
 * Where the session lives, which says what its close button does: `tab` in the address book's
 * window (back to the connections), `window` as the only tab of its own window (the window
 * closes), `window-tab` as one of several tabs of a session window (that tab closes).
 */
export type SessionPlace = 'tab' | 'window' | 'window-tab'

const CLOSE_BY_PLACE: Record<SessionPlace, OutcomeKey> = { tab: 'back', window: 'closeWindow', 'window-tab': 'closeTab' }

/** The label of a session's close button, the same on the toolbar and the status card. */
export function closeLabel(place: SessionPlace): string {
  return t(`errors.outcome.${CLOSE_BY_PLACE[place]}`)
}

/** Which kinds may be tried again, and how the button says so (one wording: Reconnect, or a new password). */
const RETRY_BY_KIND: Record<ErrorKind, OutcomeKey | null> = {
  auth: 'enterPassword',
  network: 'reconnect',
  refused: 'reconnect',
  timeout: 'reconnect',
  protocol: null,
  unsupported: null,
  closed: 'reconnect',
}

/** Codes whose server identity changed or was revoked: not offered again until someone finds out why. */
const HOPELESS: ReadonlySet<ErrorCode> = new Set([
  'RFB_ERR_CERT_CHANGED',
  'RFB_ERR_SERVER_KEY_CHANGED',
  'RFB_ERR_HOSTKEY_CHANGED',
  'RFB_ERR_HOSTKEY_REVOKED',
  'RFB_ERR_HOSTKEY_TYPE_CHANGED',
])

/**
 * The session screen's words for how a session ended: headline and hint from the code, the
 * retry button from the kind, the close button from where the session lives (`place`). A
 * certificate or SSH host key problem is retried as is (no password); a changed or revoked one
 * is not offered again. `cancelled`: the user said no to a question (password, certificate),
 * which is a choice, not an error.
 */
export function sessionOutcome(error: SessionError | null, cancelled = false, place: SessionPlace = 'tab'): SessionOutcome {
  const out = (title: string, hint: string | null, retry: OutcomeKey | null, icon: 'key' | 'refresh' = 'refresh'): SessionOutcome => ({
    title,
    hint,
    retryLabel: retry ? t(`errors.outcome.${retry}`) : null,
    closeLabel: closeLabel(place),
    retryIcon: icon,
  })
  if (!error) return out(t(cancelled ? 'errors.title.cancelled' : 'errors.title.ended'), null, 'reconnect')
  const title = errorTitle(error)
  const hint = errorHint(error.code)
  if (isErrorCode(error.code) && (isCertificateError(error.code) || isHostKeyError(error.code) || isServerKeyError(error.code))) {
    return out(title, hint, HOPELESS.has(error.code) ? null : 'reconnect')
  }
  // Refused for the user's safety: a retry asks the downgrade question again.
  if (error.code === 'RFB_ERR_DOWNGRADE') return out(title, hint, 'reconnect')
  if (error.code === 'RFB_ERR_PLAIN_REFUSED') return out(title, hint, null)
  const retry = error.kind in RETRY_BY_KIND ? RETRY_BY_KIND[error.kind] : RETRY_BY_KIND.closed
  return out(title, hint, retry, error.kind === 'auth' ? 'key' : 'refresh')
}

/** What the browser-mode banner says about the link to the host, or null while it is open. */
export function linkStateWords(state: LinkState): string | null {
  switch (state) {
    case 'open':
      return null
    case 'connecting':
      return t('errors.link.connecting')
    case 'lost':
      return t('errors.link.lost')
    case 'busy':
      // The host's cap on tabs (WebSocket close 1013, "try again later"): the page retries by itself.
      return t('errors.link.busy')
    case 'ended':
      return t('session.link.ended')
  }
}
