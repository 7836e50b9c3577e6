/** What went wrong, in terms a user can be shown; the CLI maps each kind to one line. */
export type RfbErrorKind = 'network' | 'protocol' | 'auth' | 'refused' | 'unsupported' | 'timeout' | 'closed'

/** Base of every error the engine reports. `code` is stable (RFB_ERR_...), `message` is presentable. */
export class RfbError extends Error {
  constructor(
    readonly kind: RfbErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** The peer broke the protocol; `offset` is the byte position in the server stream where it was detected. */
export class RfbProtocolError extends RfbError {
  constructor(
    message: string,
    readonly offset = -1,
    code = 'RFB_ERR_PROTOCOL',
  ) {
    super('protocol', code, offset >= 0 ? `protocol error at byte ${offset}: ${message}` : `protocol error: ${message}`)
  }
}

/** Authentication was rejected; `reason` is the server's own text, verbatim (it may be empty). */
export class AuthFailedError extends RfbError {
  constructor(readonly reason: string) {
    super('auth', 'RFB_ERR_AUTH_FAILED', reason ? `authentication failed: ${reason}` : 'authentication failed')
  }
}

/** The server refused the connection before authentication (RFB 3.7+ zero security types, 3.3 type 0). */
export class ServerRefusedError extends RfbError {
  constructor(readonly reason: string) {
    super('refused', 'RFB_ERR_SERVER_REFUSED', reason ? `server refused the connection: ${reason}` : 'server refused the connection')
  }
}

/** Something both sides would need that we do not have in common (version, security type, pixel format). */
export class UnsupportedError extends RfbError {
  constructor(message: string, code = 'RFB_ERR_UNSUPPORTED') {
    super('unsupported', code, message)
  }
}

/** Transport failures: refused, reset, unreachable, closed mid-handshake. */
export class NetworkError extends RfbError {
  constructor(message: string, code = 'RFB_ERR_NETWORK') {
    super('network', code, message)
  }
}

/** A deadline passed: connect, handshake, or a stalled server. */
export class TimeoutError extends RfbError {
  constructor(message: string) {
    super('timeout', 'RFB_ERR_TIMEOUT', message)
  }
}
