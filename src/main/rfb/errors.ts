import type { ErrorCode, ErrorKind } from '@shared/error-codes'
import { quotable } from './text'

/**
 * Base of every error the engine reports. `kind` (src/shared/error-codes.ts) decides what the
 * user is offered and the CLI's exit code; `code` is one of the closed list there, `message`
 * is presentable; `cause` keeps a wrapped error.
 */
export class RfbError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = new.target.name
  }
}

/**
 * The peer broke the protocol; `offset` is the byte position in the server stream where it was
 * detected, and `detail` the message without the "protocol error at byte N" prefix, so a wrapper
 * can name its context and pass the original as `cause`.
 */
export class RfbProtocolError extends RfbError {
  constructor(
    readonly detail: string,
    readonly offset = -1,
    code: ErrorCode = 'RFB_ERR_PROTOCOL',
    options?: { cause?: unknown },
  ) {
    super('protocol', code, offset >= 0 ? `protocol error at byte ${offset}: ${detail}` : `protocol error: ${detail}`, options)
  }
}

/** Authentication was rejected; `reason` is the server's own text, verbatim (it may be empty). */
export class AuthFailedError extends RfbError {
  constructor(readonly reason: string) {
    // The server's reason is quoted as its own words: "Authentication failure" after our own prefix read as a stutter.
    super('auth', 'RFB_ERR_AUTH_FAILED', reason ? `authentication failed (the server said “${quotable(reason)}”)` : 'authentication failed')
  }
}

/** The server refused the connection before authentication (RFB 3.7+ zero security types, 3.3 type 0). */
export class ServerRefusedError extends RfbError {
  constructor(readonly reason: string) {
    super(
      'refused',
      'RFB_ERR_SERVER_REFUSED',
      reason ? `the server refused the connection (it said “${quotable(reason)}”)` : 'the server refused the connection',
    )
  }
}

/** Something both sides would need that we do not have in common (version, security type, pixel format). */
export class UnsupportedError extends RfbError {
  constructor(message: string, code: ErrorCode = 'RFB_ERR_UNSUPPORTED') {
    super('unsupported', code, message)
  }
}

/** Transport failures: refused, reset, unreachable, closed mid-handshake. */
export class NetworkError extends RfbError {
  constructor(message: string, code: ErrorCode = 'RFB_ERR_NETWORK') {
    super('network', code, message)
  }
}

/** A deadline passed: connect, handshake, or a stalled server. */
export class TimeoutError extends RfbError {
  constructor(message: string) {
    super('timeout', 'RFB_ERR_TIMEOUT', message)
  }
}

/**
 * Our SetDesktopSize: RFB_ERR_RESIZE_LAYOUT (kind 'unsupported') for a size or screen layout that
 * cannot go out, RFB_ERR_RESIZE_REFUSED (kind 'refused') when the server answered with a failure.
 */
export class DesktopSizeError extends RfbError {
  constructor(code: 'RFB_ERR_RESIZE_LAYOUT' | 'RFB_ERR_RESIZE_REFUSED', message: string) {
    super(code === 'RFB_ERR_RESIZE_REFUSED' ? 'refused' : 'unsupported', code, message)
  }
}
