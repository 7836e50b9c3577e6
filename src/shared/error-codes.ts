import type { SessionError } from './contract'

/**
 * What went wrong, in terms that decide what the user is offered (retry, a new password,
 * nothing); the CLI maps each kind to an exit code. The one declaration: engine, host,
 * contract and renderer all use this.
 */
export const ERROR_KINDS = ['network', 'protocol', 'auth', 'refused', 'unsupported', 'timeout', 'closed'] as const

/** One of ERROR_KINDS. */
export type ErrorKind = (typeof ERROR_KINDS)[number]

/**
 * Every error code Tessera reports, grouped by where it arises. Codes are stable: scripts, logs
 * and the renderer's wording (src/renderer/src/lib/errors.ts) key on them. A new code goes
 * here first; the error constructors accept nothing else, and the renderer's map must name it.
 */
export const ERROR_CODE_GROUPS = {
  /** The server broke RFB or a limit we set (RfbProtocolError, kind 'protocol'). */
  protocol: [
    'RFB_ERR_PROTOCOL',
    'RFB_ERR_NOT_RFB',
    'RFB_ERR_MESSAGE_TYPE',
    'RFB_ERR_ENCODING',
    'RFB_ERR_ENCODING_NOT_ANNOUNCED',
    'RFB_ERR_RECT_BOUNDS',
    'RFB_ERR_LIMIT',
    'RFB_ERR_CLIPBOARD',
    'RFB_ERR_INTERNAL',
  ],
  /** A rectangle's encoding could not be decoded (RfbProtocolError, kind 'protocol'). */
  decoding: [
    'RFB_ERR_RRE',
    'RFB_ERR_CORRE',
    'RFB_ERR_HEXTILE',
    'RFB_ERR_ZLIB',
    'RFB_ERR_ZLIBHEX',
    'RFB_ERR_ZRLE',
    'RFB_ERR_ZYWRLE',
    'RFB_ERR_TIGHT',
    'RFB_ERR_JPEG',
    'RFB_ERR_H264',
    'RFB_ERR_IMAGE',
  ],
  /** A session recording (FBS) cannot be replayed (kind 'protocol'). */
  recording: ['RFB_ERR_FBS', 'RFB_ERR_TRUNCATED'],
  /** The handshake: authentication, refusal, nothing in common (kinds 'auth', 'refused', 'unsupported'). */
  handshake: [
    'RFB_ERR_AUTH_FAILED',
    'RFB_ERR_SERVER_REFUSED',
    'RFB_ERR_UNSUPPORTED',
    'RFB_ERR_VERSION',
    'RFB_ERR_SECURITY',
    'RFB_ERR_POLICY',
    'RFB_ERR_ANON_TLS',
    'RFB_ERR_TLS_VERSION',
    'RFB_ERR_DOWNGRADE',
    'RFB_ERR_PLAIN_REFUSED',
  ],
  /** Reaching the server: TCP, TLS, SSH tunnels, listening, deadlines (kinds 'network', 'timeout'). */
  network: [
    'RFB_ERR_NETWORK',
    'RFB_ERR_CONNECTION_REFUSED',
    'RFB_ERR_CONNECTION_RESET',
    'RFB_ERR_CLOSED_WHILE_ASKING',
    'RFB_ERR_CONNECTION_TIMEOUT',
    'RFB_ERR_HOST_NOT_FOUND',
    'RFB_ERR_UNREACHABLE',
    'RFB_ERR_TIMEOUT',
    'RFB_ERR_NOT_READING',
    'RFB_ERR_LISTEN',
    'RFB_ERR_TLS',
    'RFB_ERR_SSH',
    'RFB_ERR_SSH_FORWARD',
    'RFB_ERR_REPEATER',
  ],
  /** Our SetDesktopSize: a size or layout we cannot send (kind 'unsupported'), or one the server refused (kind 'refused'); DesktopSizeError. */
  resize: ['RFB_ERR_RESIZE_LAYOUT', 'RFB_ERR_RESIZE_REFUSED'],
  /** The server's TLS certificate was not accepted (CertificateError, kind 'auth'). */
  certificate: ['RFB_ERR_CERT_CHANGED', 'RFB_ERR_CERT_UNTRUSTED', 'RFB_ERR_CERT_REJECTED', 'RFB_ERR_CERT_INVALID'],
  /** The SSH server's host key was not accepted (HostKeyError, kind 'auth'). */
  hostKey: ['RFB_ERR_HOSTKEY_CHANGED', 'RFB_ERR_HOSTKEY_REVOKED', 'RFB_ERR_HOSTKEY_UNKNOWN', 'RFB_ERR_HOSTKEY_REJECTED', 'RFB_ERR_HOSTKEY_TYPE_CHANGED'],
  /** The RSA-AES server key was not accepted (ServerKeyError, kind 'auth'). */
  serverKey: ['RFB_ERR_SERVER_KEY_CHANGED', 'RFB_ERR_SERVER_KEY_UNTRUSTED', 'RFB_ERR_SERVER_KEY_REJECTED'],
  /** The file of remembered certificates and host keys cannot be used (kind 'unsupported'). */
  trustStore: ['RFB_ERR_TRUST_STORE'],
  /** The host refuses a request: malformed, unknown, not allowed, or it failed inside. */
  request: [
    'HOST_INVALID_REQUEST',
    'HOST_UNKNOWN_REQUEST',
    'HOST_UNTRUSTED_SENDER',
    'HOST_INTERNAL',
    'HOST_UNKNOWN_SESSION',
    'HOST_UNKNOWN_PROFILE',
    'HOST_BAD_ADDRESS',
    'HOST_TOO_MANY_SESSIONS',
    'HOST_TOO_MANY_TILES',
  ],
  /** Preparing a session from its profile: CA file, SSH key or agent, a reverse connection gone. */
  sessionSetup: ['HOST_SECURITY', 'HOST_CA_FILE', 'HOST_SSH_AGENT', 'HOST_SSH_KEY_FILE', 'HOST_REVERSE_GONE'],
  /** A request about a running session that it cannot take now. */
  sessionAction: [
    'HOST_NO_CREDENTIALS_PENDING',
    'HOST_NO_TRUST_PENDING',
    'HOST_NO_HOSTKEY_PENDING',
    'HOST_NO_DOWNGRADE_PENDING',
    'HOST_NOT_CONNECTED',
    'HOST_VIEW_ONLY',
    'HOST_POWER_UNSUPPORTED',
    'HOST_RESIZE_UNSUPPORTED',
    'HOST_NOT_WATCHING',
    'HOST_TYPING_BUSY',
    'HOST_TYPE_UNTYPABLE',
  ],
  /** Recording a session and playing recordings: no folder, a name that is not one, gone, too large, a write refused, a player not open. */
  recordings: ['HOST_NO_RECORDINGS', 'HOST_BAD_RECORDING', 'HOST_NO_RECORDING', 'HOST_RECORDING_TOO_LARGE', 'HOST_RECORDING_FAILED', 'HOST_NO_PLAYER'],
  /** Moving a session to another window: not while it asks the user something, never a wall tile; the old window is told it moved. */
  handOff: ['HOST_HANDOFF_BUSY', 'HOST_HANDOFF_WATCH', 'HOST_SESSION_MOVED'],
  /** A watch session (live-wall tile) ended rather than ask the user: a password to type, or a security question to answer. */
  watch: ['HOST_WATCH_SIGN_IN', 'HOST_WATCH_NEEDS_ANSWER'],
  /** Listening for reverse connections and answering them. */
  listen: ['HOST_LISTEN', 'HOST_LISTEN_BUSY', 'HOST_LISTEN_NOT_OWNER', 'HOST_UNKNOWN_INCOMING'],
  /** The renderer's link to the host: closed, lost, slow, or an answer it cannot read. */
  link: ['HOST_CLOSED', 'HOST_DISCONNECTED', 'HOST_TIMEOUT', 'OPEN_FAILED', 'HOST_UNKNOWN_ERROR'],
  /**
   * File transfer: the server offers none, a name or size from it is unsafe, a bound was reached,
   * the local disk refused, or a request named a transfer or question that is not there (any more).
   */
  files: [
    'FILES_UNSUPPORTED',
    'FILES_BAD_NAME',
    'FILES_LIMIT',
    'FILES_LOCAL',
    'FILES_NOT_FOUND',
    'FILES_TOO_MANY',
    'FILES_UNKNOWN_TRANSFER',
    'FILES_NO_QUESTION',
  ],
  /**
   * "Measure performance…": another window is measuring, the page stopped answering the run's
   * frames, the run outlived its bound, or this window's last run ended moments ago.
   */
  bench: ['HOST_BENCH_BUSY', 'HOST_BENCH_NO_ANSWER', 'HOST_BENCH_TOO_SLOW', 'HOST_BENCH_TOO_SOON'],
  /** Browser mode's way in: a launch address already used or expired, none given, or a page from an earlier run. */
  webLink: ['WEB_LINK_USED', 'WEB_LINK_MISSING', 'WEB_SESSION_ENDED'],
  /** The address book file (StoreProblem and StoreError). */
  store: ['STORE_CORRUPT', 'STORE_UNREADABLE', 'STORE_NEWER_VERSION', 'STORE_INVALID_ENTRIES', 'STORE_RESTORED', 'STORE_READ_ONLY', 'STORE_WRITE_FAILED'],
  /**
   * Saved passwords: the file damaged and set aside, or unreadable and left alone (StoreProblem);
   * no store at all, or one that does not protect passwords and the user did not allow (kind 'refused').
   */
  secrets: ['SECRETS_CORRUPT', 'SECRETS_UNREADABLE', 'SECRETS_UNAVAILABLE', 'SECRETS_NOT_PROTECTED'],
  /** The data folder is in use by another Tessera (DataDirLockedError, a StoreError). */
  dataDir: ['DATA_DIR_LOCKED'],
  /** Importing connections (StoreError, kind 'refused'). */
  import: ['IMPORT_UNRECOGNISED', 'IMPORT_TOO_LARGE', 'IMPORT_INVALID', 'IMPORT_BAD_PASSPHRASE', 'IMPORT_NO_PASSWORDS', 'IMPORT_NO_SECRET_STORE'],
} as const satisfies Record<string, readonly string[]>

/** A group name of ERROR_CODE_GROUPS. */
export type ErrorCodeGroup = keyof typeof ERROR_CODE_GROUPS

/** Every code in ERROR_CODE_GROUPS: the only values an error's `code` may take. */
export type ErrorCode = (typeof ERROR_CODE_GROUPS)[ErrorCodeGroup][number]

/** A code of the `certificate` group. */
export type CertificateErrorCode = (typeof ERROR_CODE_GROUPS)['certificate'][number]

/** A code of the `hostKey` group. */
export type HostKeyErrorCode = (typeof ERROR_CODE_GROUPS)['hostKey'][number]

/** A code of the `serverKey` group. */
export type ServerKeyErrorCode = (typeof ERROR_CODE_GROUPS)['serverKey'][number]

/** A code of the `webLink` group: why the browser-mode server would not let a page in. */
export type WebLinkErrorCode = (typeof ERROR_CODE_GROUPS)['webLink'][number]

/** Every code once, in group order. */
export const ERROR_CODES: readonly ErrorCode[] = Object.values(ERROR_CODE_GROUPS).flat()

/** What a code from a peer becomes when this build does not know it. */
export const UNKNOWN_ERROR_CODE: ErrorCode = 'HOST_UNKNOWN_ERROR'

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES)
const KNOWN_KINDS: ReadonlySet<string> = new Set(ERROR_KINDS)
const CERTIFICATE_CODES: ReadonlySet<string> = new Set(ERROR_CODE_GROUPS.certificate)
const HOST_KEY_CODES: ReadonlySet<string> = new Set(ERROR_CODE_GROUPS.hostKey)
const SERVER_KEY_CODES: ReadonlySet<string> = new Set(ERROR_CODE_GROUPS.serverKey)

/** True when `value` is one of ERROR_CODES. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && KNOWN_CODES.has(value)
}

/** True when `value` is one of ERROR_KINDS. */
export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && KNOWN_KINDS.has(value)
}

/** True when the server's TLS certificate was not accepted (changed, untrusted, rejected, invalid). */
export function isCertificateError(code: ErrorCode): code is CertificateErrorCode {
  return CERTIFICATE_CODES.has(code)
}

/** True when the SSH server's host key was not accepted (changed, revoked, unknown, rejected). */
export function isHostKeyError(code: ErrorCode): code is HostKeyErrorCode {
  return HOST_KEY_CODES.has(code)
}

/** True when the RSA-AES server key was not accepted (changed, untrusted, rejected). */
export function isServerKeyError(code: ErrorCode): code is ServerKeyErrorCode {
  return SERVER_KEY_CODES.has(code)
}

const isText = (v: unknown): v is string => typeof v === 'string'

/**
 * A SessionError from whatever a peer sent as one (a WebSocket response, an IPC result, an
 * event payload): a code this build does not know becomes UNKNOWN_ERROR_CODE, an unknown kind
 * 'protocol', a missing message a generic sentence, and only well-formed certificate details
 * are kept. No other field passes, so a peer cannot make the renderer show text as a code.
 */
export function readSessionError(value: unknown): SessionError {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  const error: SessionError = {
    kind: isErrorKind(v.kind) ? v.kind : 'protocol',
    code: isErrorCode(v.code) ? v.code : UNKNOWN_ERROR_CODE,
    message: isText(v.message) ? v.message : 'The Tessera host reported an error it did not describe.',
  }
  const c = v.certificate as Record<string, unknown> | undefined
  if (
    typeof c === 'object' &&
    c !== null &&
    isText(c.server) &&
    isText(c.presentedSha256) &&
    isText(c.subject) &&
    (c.expectedSha256 === undefined || isText(c.expectedSha256))
  ) {
    error.certificate = {
      server: c.server,
      presentedSha256: c.presentedSha256,
      subject: c.subject,
      ...(c.expectedSha256 !== undefined ? { expectedSha256: c.expectedSha256 as string } : {}),
    }
  }
  return error
}
