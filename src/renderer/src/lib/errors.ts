import type { SessionError } from '@shared/contract'
import { type ErrorCode, type ErrorKind, isCertificateError, isErrorCode, isHostKeyError, isServerKeyError } from '@shared/error-codes'
import type { LinkState } from '../host/ws-host'
import { t } from './i18n'

/*
 * The one place the renderer turns error codes into words. Every headline the user reads about
 * an error comes from here, in plain language a translator can work on; codes never reach the
 * screen. The host's `message` stays the detail under the headline: it names the server, the
 * file or the server's own reason, which a code cannot.
 */

/** Headlines several codes share, by what the user can do about them. */
const SAY = {
  credentials: 'The server did not accept the credentials',
  unreachable: 'Cannot reach the server',
  refused: 'The server refused the connection',
  slow: 'The server did not answer in time',
  unreadable: 'The server sent data Tessera cannot read',
  unasked: 'The server sent the picture in a form Tessera did not ask for',
  unsupported: 'This server needs something Tessera does not support',
  downgrade: 'The server offers less security than before',
  plainPassword: 'The server wants the password sent unencrypted',
  ended: 'The session has ended',
  certificateChanged: 'The server’s certificate has changed',
  unverified: 'The server’s identity could not be verified',
  hostKeyChanged: 'The SSH server’s host key has changed',
  serverKeyChanged: 'The server’s key has changed',
  sshUnverified: 'The SSH server’s identity could not be verified',
  trustStore: 'Tessera cannot read the certificates and host keys it remembers',
  setup: 'Tessera cannot prepare this connection',
  request: 'Tessera could not do that',
  notNow: 'The session cannot do that now',
  listen: 'Tessera cannot listen for servers connecting to it',
  link: 'Lost the connection to Tessera',
  recording: 'The recording cannot be played',
  addressBook: 'There is a problem with the saved connections',
  import: 'The connections could not be imported',
} as const

/** The headline for each code. A Record, so a code added to the list without words fails the typecheck. */
export const ERROR_TITLES: Record<ErrorCode, string> = {
  RFB_ERR_PROTOCOL: SAY.unreadable,
  RFB_ERR_NOT_RFB: SAY.unreadable,
  RFB_ERR_MESSAGE_TYPE: SAY.unreadable,
  RFB_ERR_ENCODING: SAY.unreadable,
  RFB_ERR_ENCODING_NOT_ANNOUNCED: SAY.unasked,
  RFB_ERR_RECT_BOUNDS: SAY.unreadable,
  RFB_ERR_LIMIT: SAY.unreadable,
  RFB_ERR_CLIPBOARD: SAY.unreadable,
  RFB_ERR_INTERNAL: SAY.unreadable,

  RFB_ERR_RRE: SAY.unreadable,
  RFB_ERR_CORRE: SAY.unreadable,
  RFB_ERR_HEXTILE: SAY.unreadable,
  RFB_ERR_ZLIB: SAY.unreadable,
  RFB_ERR_ZLIBHEX: SAY.unreadable,
  RFB_ERR_ZRLE: SAY.unreadable,
  RFB_ERR_ZYWRLE: SAY.unreadable,
  RFB_ERR_TIGHT: SAY.unreadable,
  RFB_ERR_JPEG: SAY.unreadable,
  RFB_ERR_IMAGE: SAY.unreadable,

  RFB_ERR_FBS: SAY.recording,
  RFB_ERR_TRUNCATED: SAY.recording,

  RFB_ERR_AUTH_FAILED: SAY.credentials,
  RFB_ERR_SERVER_REFUSED: SAY.refused,
  RFB_ERR_UNSUPPORTED: SAY.unsupported,
  RFB_ERR_VERSION: SAY.unsupported,
  RFB_ERR_SECURITY: SAY.unsupported,
  RFB_ERR_POLICY: SAY.unsupported,
  RFB_ERR_ANON_TLS: SAY.unsupported,
  RFB_ERR_TLS_VERSION: 'The server only offers an old, unsafe version of TLS',
  RFB_ERR_DOWNGRADE: SAY.downgrade,
  RFB_ERR_PLAIN_REFUSED: SAY.plainPassword,

  RFB_ERR_NETWORK: SAY.unreachable,
  RFB_ERR_CONNECTION_REFUSED: SAY.unreachable,
  RFB_ERR_CONNECTION_RESET: SAY.unreachable,
  RFB_ERR_CLOSED_WHILE_ASKING: 'The server hung up while Tessera was waiting for your answer',
  RFB_ERR_CONNECTION_TIMEOUT: SAY.unreachable,
  RFB_ERR_HOST_NOT_FOUND: SAY.unreachable,
  RFB_ERR_UNREACHABLE: SAY.unreachable,
  RFB_ERR_TIMEOUT: SAY.slow,
  RFB_ERR_LISTEN: SAY.listen,
  RFB_ERR_TLS: SAY.unreachable,
  RFB_ERR_SSH: SAY.unreachable,
  RFB_ERR_SSH_FORWARD: SAY.unreachable,
  RFB_ERR_REPEATER: SAY.unreachable,

  RFB_ERR_CERT_CHANGED: SAY.certificateChanged,
  RFB_ERR_CERT_UNTRUSTED: SAY.unverified,
  RFB_ERR_CERT_REJECTED: SAY.unverified,
  RFB_ERR_CERT_INVALID: SAY.unverified,

  RFB_ERR_HOSTKEY_CHANGED: SAY.hostKeyChanged,
  RFB_ERR_SERVER_KEY_CHANGED: SAY.serverKeyChanged,
  RFB_ERR_SERVER_KEY_UNTRUSTED: SAY.unverified,
  RFB_ERR_SERVER_KEY_REJECTED: SAY.unverified,
  RFB_ERR_HOSTKEY_REVOKED: SAY.sshUnverified,
  RFB_ERR_HOSTKEY_UNKNOWN: SAY.sshUnverified,
  RFB_ERR_HOSTKEY_REJECTED: SAY.sshUnverified,
  RFB_ERR_HOSTKEY_TYPE_CHANGED: 'The SSH server has a different kind of host key than before',

  RFB_ERR_TRUST_STORE: SAY.trustStore,

  HOST_INVALID_REQUEST: SAY.request,
  HOST_UNKNOWN_REQUEST: SAY.request,
  HOST_UNTRUSTED_SENDER: SAY.request,
  HOST_INTERNAL: 'Something went wrong inside Tessera',
  HOST_UNKNOWN_SESSION: SAY.ended,
  HOST_UNKNOWN_PROFILE: 'That saved connection no longer exists',
  HOST_BAD_ADDRESS: 'That is not an address Tessera can connect to',
  HOST_TOO_MANY_SESSIONS: 'Too many sessions are open',
  HOST_TOO_MANY_TILES: 'The live wall shows at most 48 connections at once',

  HOST_SECURITY: SAY.setup,
  HOST_CA_FILE: SAY.setup,
  HOST_SSH_AGENT: SAY.setup,
  HOST_SSH_KEY_FILE: SAY.setup,
  HOST_REVERSE_GONE: SAY.unreachable,

  HOST_NO_CREDENTIALS_PENDING: SAY.notNow,
  HOST_NO_TRUST_PENDING: SAY.notNow,
  HOST_NO_HOSTKEY_PENDING: SAY.notNow,
  HOST_NO_DOWNGRADE_PENDING: SAY.notNow,
  HOST_NOT_CONNECTED: SAY.notNow,
  HOST_VIEW_ONLY: 'This connection is view-only',
  HOST_POWER_UNSUPPORTED: 'The server offers no power actions',
  HOST_RESIZE_UNSUPPORTED: 'The server cannot be resized from here',
  HOST_NOT_WATCHING: 'Only a live-wall tile can be paused',
  HOST_HANDOFF_BUSY: 'Answer the question in this session first, then move it',
  HOST_HANDOFF_WATCH: 'A wall tile cannot be moved; open the connection instead',
  HOST_SESSION_MOVED: 'This session moved to another window',
  RFB_ERR_RESIZE_LAYOUT: 'The remote desktop cannot take that size or screen layout',
  RFB_ERR_RESIZE_REFUSED: 'The server did not accept the new desktop size',

  HOST_WATCH_SIGN_IN: 'Open this connection to sign in',
  HOST_WATCH_NEEDS_ANSWER: 'Open this connection to answer its security question',

  HOST_LISTEN: SAY.listen,
  HOST_LISTEN_BUSY: SAY.listen,
  HOST_LISTEN_NOT_OWNER: SAY.listen,
  HOST_UNKNOWN_INCOMING: 'That server is no longer waiting',

  HOST_CLOSED: SAY.link,
  HOST_DISCONNECTED: SAY.link,
  HOST_TIMEOUT: 'Tessera did not answer in time',
  OPEN_FAILED: SAY.unreachable,
  HOST_UNKNOWN_ERROR: 'Tessera reported an error this window cannot describe',

  WEB_LINK_USED: 'This Tessera address has already been used or has expired',
  WEB_LINK_MISSING: 'Open Tessera from the address that tessera web printed',
  WEB_SESSION_ENDED: 'This page belongs to an earlier run of tessera web',

  STORE_CORRUPT: SAY.addressBook,
  STORE_UNREADABLE: SAY.addressBook,
  STORE_NEWER_VERSION: SAY.addressBook,
  STORE_INVALID_ENTRIES: SAY.addressBook,
  STORE_RESTORED: SAY.addressBook,
  STORE_READ_ONLY: 'The saved connections cannot be changed',
  STORE_WRITE_FAILED: 'The saved connections could not be saved',

  SECRETS_CORRUPT: 'There is a problem with the saved passwords',
  SECRETS_UNREADABLE: 'There is a problem with the saved passwords',

  DATA_DIR_LOCKED: 'Another Tessera is using the same data folder',

  IMPORT_UNRECOGNISED: SAY.import,
  IMPORT_TOO_LARGE: SAY.import,
  IMPORT_INVALID: SAY.import,
  IMPORT_BAD_PASSPHRASE: 'The passphrase is wrong',
  IMPORT_NO_PASSWORDS: SAY.import,
  IMPORT_NO_SECRET_STORE: SAY.import,

  SECRETS_UNAVAILABLE: 'Passwords cannot be saved on this computer',
  SECRETS_NOT_PROTECTED: 'The password was not saved: this computer has no keychain, and saving it in a file was not allowed',
}

/** True for the SessionError values the host rejects requests with. */
export function isSessionError(e: unknown): e is SessionError {
  return typeof e === 'object' && e !== null && typeof (e as SessionError).kind === 'string' && typeof (e as SessionError).message === 'string'
}

/** The headline for an error, from its code (a code this build does not know gets the generic one). */
export function errorTitle(error: SessionError): string {
  return ERROR_TITLES[isErrorCode(error.code) ? error.code : 'HOST_UNKNOWN_ERROR']
}

/** A sentence to show for anything a request rejected with: the host's detail, which names what failed. */
export function errorMessage(e: unknown): string {
  if (isSessionError(e)) return e.message
  if (e instanceof Error) return e.message
  return String(e)
}

/** What the session screen shows and offers once a session ended (or `null`: it just ended). */
export interface SessionOutcome {
  title: string
  /** The button that opens the session again, or null when trying again cannot help. */
  retryLabel: string | null
  closeLabel: string
  /** 'key' when retrying asks for a new password. */
  retryIcon: 'key' | 'refresh'
}

const BACK = 'Back to connections'

/** What each kind offers: whether to try again, and how the button says so. */
const RETRY_BY_KIND: Record<ErrorKind, { retryLabel: string | null; closeLabel: string }> = {
  auth: { retryLabel: 'Enter password again', closeLabel: BACK },
  network: { retryLabel: 'Retry', closeLabel: BACK },
  refused: { retryLabel: 'Retry', closeLabel: BACK },
  timeout: { retryLabel: 'Retry', closeLabel: BACK },
  protocol: { retryLabel: null, closeLabel: 'Close' },
  unsupported: { retryLabel: null, closeLabel: 'Close' },
  closed: { retryLabel: 'Reconnect', closeLabel: BACK },
}

/**
 * The session screen's words for how a session ended: the headline from the code, the buttons
 * from the kind. A certificate or SSH host key problem is retried as is (no password); a
 * changed or revoked one is not offered again until someone finds out why.
 */
export function sessionOutcome(error: SessionError | null): SessionOutcome {
  if (!error) return { title: SAY.ended, retryLabel: 'Reconnect', closeLabel: BACK, retryIcon: 'refresh' }
  const title = errorTitle(error)
  if (isErrorCode(error.code) && (isCertificateError(error.code) || isHostKeyError(error.code) || isServerKeyError(error.code))) {
    const hopeless =
      error.code === 'RFB_ERR_CERT_CHANGED' ||
      error.code === 'RFB_ERR_SERVER_KEY_CHANGED' ||
      error.code === 'RFB_ERR_HOSTKEY_CHANGED' ||
      error.code === 'RFB_ERR_HOSTKEY_REVOKED' ||
      error.code === 'RFB_ERR_HOSTKEY_TYPE_CHANGED'
    return { title, retryLabel: hopeless ? null : 'Retry', closeLabel: BACK, retryIcon: 'refresh' }
  }
  // Refused for the user's safety: a retry asks the downgrade question again.
  if (error.code === 'RFB_ERR_DOWNGRADE') return { title, retryLabel: 'Retry', closeLabel: BACK, retryIcon: 'refresh' }
  if (error.code === 'RFB_ERR_PLAIN_REFUSED') return { title, retryLabel: null, closeLabel: BACK, retryIcon: 'refresh' }
  const offer = RETRY_BY_KIND[error.kind] ?? RETRY_BY_KIND.closed
  return { title, ...offer, retryIcon: error.kind === 'auth' ? 'key' : 'refresh' }
}

/** What the browser-mode banner says about the link to the host, or null while it is open. */
export function linkStateWords(state: LinkState): string | null {
  switch (state) {
    case 'open':
      return null
    case 'connecting':
      return 'Connecting to Tessera…'
    case 'lost':
      return 'Lost the connection to Tessera. Reconnecting…'
    case 'busy':
      // The host's cap on tabs (WebSocket close 1013, "try again later"): the page retries by itself.
      return 'Too many Tessera tabs are open in this browser. Close one; this page connects by itself once there is room.'
    case 'ended':
      return t('session.link.ended')
  }
}
