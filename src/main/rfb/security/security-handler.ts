import type { TlsSessionInfo, TlsUpgradeOptions } from '../transport/transport'

/** Security types (RFC 6143 §7.2 and the IANA registry), named as in the spec. */
export const enum SecurityType {
  Invalid = 0,
  None = 1,
  VncAuth = 2,
  RA2 = 5,
  RA2ne = 6,
  Tight = 16,
  Ultra = 17,
  TLS = 18,
  VeNCrypt = 19,
  SASL = 20,
  MD5 = 21,
  XVP = 22,
  AppleARD = 30,
  MSLogon2 = 113,
}

/** What a security type may ask the user for. */
export type CredentialKind = 'password' | 'username-password'

export interface Credentials {
  username?: string
  password: string
}

/** The handshake's view of the connection, given to security handlers. */
export interface HandshakeIo {
  /** Resolves with exactly `n` bytes (a copy), or rejects when the connection ends. */
  read(n: number): Promise<Uint8Array>
  write(data: Uint8Array): void
  /** Asks the user (or the CLI's password source); rejects with AuthFailedError when none is given. */
  credentials(kind: CredentialKind): Promise<Credentials>
  /** Stream offset of the next byte, for error messages. */
  readonly position: number
  /** Switches the connection to TLS (nothing may be buffered unread); rejects when the transport cannot. */
  startTls(options: TlsUpgradeOptions): Promise<TlsSessionInfo>
}

/**
 * One security type's exchange, from after the type is chosen up to (not including) the
 * SecurityResult, which the handshake reads because its presence depends on the version.
 */
export interface SecurityHandler {
  readonly type: number
  readonly name: string
  authenticate(io: HandshakeIo): Promise<void>
}

const NAMES: Record<number, string> = {
  0: 'Invalid', 1: 'None', 2: 'VNC Authentication', 5: 'RA2', 6: 'RA2ne', 16: 'Tight', 17: 'Ultra',
  18: 'TLS', 19: 'VeNCrypt', 20: 'SASL', 21: 'MD5', 22: 'xvp', 30: 'Apple Remote Desktop', 113: 'MSLogonII',
}

export function securityTypeName(t: number): string {
  return NAMES[t] ?? `type ${t}`
}
