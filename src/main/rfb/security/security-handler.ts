import type { TlsSessionInfo, TlsUpgradeOptions } from '../transport/transport'
import type { CertificateInfo } from '../trust/certificate'
import type { ServerVerification } from '../trust/verify'
import type { SecurityOptions } from './policy'

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
  RA2_256 = 129,
  RA2ne_256 = 130,
}

/** What a security type may ask the user for. */
export type CredentialKind = 'password' | 'username-password'

export interface Credentials {
  username?: string
  password: string
}

/** How the connection is protected at the moment a password is asked for. */
export interface LinkSecurity {
  /** What is sent from now on is encrypted (TLS, or the `vncs://` or SSH transport). */
  encrypted: boolean
  /** How the server's identity was established; absent: nobody established it. */
  verification?: ServerVerification
}

/** The handshake's view of the connection, given to security handlers. */
export interface HandshakeIo {
  /** Resolves with exactly `n` bytes (a copy), or rejects when the connection ends. */
  read(n: number): Promise<Uint8Array>
  write(data: Uint8Array): void
  /**
   * Asks the user (or the CLI's password source); rejects with AuthFailedError when none is
   * given. `link` says how the answer would travel (the handshake fills it in for handlers).
   */
  credentials(kind: CredentialKind, link?: LinkSecurity): Promise<Credentials>
  /** Stream offset of the next byte, for error messages. */
  readonly position: number
  /** Switches the connection to TLS (nothing may be buffered unread); rejects when the transport cannot. */
  startTls(options: TlsUpgradeOptions): Promise<TlsSessionInfo>
  /**
   * From now on every byte from the server goes through `cipher.open` and every byte to it through
   * `cipher.seal` (RSA-AES). Call it synchronously after the last write in clear, when nothing
   * unread is buffered. Absent where the connection cannot (a test's io).
   */
  encryptStream?(cipher: StreamCipher): void
}

/** A security layer over the byte stream that is not TLS: RSA-AES's AES-EAX messages. */
export interface StreamCipher {
  /** The plaintext `chunk` completes (possibly empty); throws an RfbError when the stream does not authenticate. */
  open(chunk: Uint8Array): Uint8Array
  /** What to send for `data`. */
  seal(data: Uint8Array): Uint8Array
}

/** The RSA-AES server key, as the connection's details show it. */
export interface ServerKeyInfo {
  /** e.g. "RSA 2048". */
  algorithm: string
  fingerprintSha256: string
  /** TigerVNC's and RealVNC's short form, "xx-xx-xx-xx-xx-xx-xx-xx". */
  shortFingerprint: string
  how: ServerVerification
}

/** What handlers of nested types (VeNCrypt, Tight) need besides the bytes. */
export interface SecurityContext {
  options: SecurityOptions
  trace: (direction: 'in' | 'out', line: string) => void
  /** The protection in force; a handler that starts TLS updates it before asking for a password. */
  link?: LinkSecurity
}

/** What a security exchange established; handlers that add nothing return void. */
export interface SecurityOutcome {
  /** What ran, for people, e.g. "VeNCrypt X509Vnc" or "Tight (VNC Authentication)". */
  name: string
  /** The authentication that ran in the end (None, VncAuth, Plain...): RFB 3.3/3.7 skip SecurityResult after None. */
  innerType: number
  /** Everything after the exchange is encrypted. */
  encrypted: boolean
  /** The server proved its identity (a certificate vouched for by a CA, the trust store or the user). */
  serverVerified: boolean
  verification?: ServerVerification
  tls?: TlsSessionInfo
  certificate?: CertificateInfo
  /** Tight security: the server follows ServerInit with its capability lists. */
  tightCapabilities?: boolean
  /** RSA-AES: the server's key and who vouched for it. */
  serverKey?: ServerKeyInfo
}

/**
 * One security type's exchange, from after the type is chosen up to (not including) the
 * SecurityResult, which the handshake reads because its presence depends on the version.
 */
export interface SecurityHandler {
  readonly type: number
  readonly name: string
  authenticate(io: HandshakeIo): Promise<SecurityOutcome | void>
}

const NAMES: Record<number, string> = {
  0: 'Invalid',
  1: 'None',
  2: 'VNC Authentication',
  5: 'RA2',
  6: 'RA2ne',
  16: 'Tight',
  17: 'Ultra',
  18: 'TLS',
  19: 'VeNCrypt',
  20: 'SASL',
  21: 'MD5',
  22: 'xvp',
  30: 'Apple Remote Desktop',
  113: 'MSLogonII',
  129: 'RA2_256',
  130: 'RA2ne_256',
  // VeNCrypt 0.2 sub-types.
  256: 'Plain',
  257: 'TLSNone',
  258: 'TLSVnc',
  259: 'TLSPlain',
  260: 'X509None',
  261: 'X509Vnc',
  262: 'X509Plain',
}

export function securityTypeName(t: number): string {
  return NAMES[t] ?? `type ${t}`
}

/** Most offered options an error names one by one; a server may list 255 types, or 1024 Tight capabilities. */
const MAX_NAMED_OFFERS = 10

/**
 * What a server offered, for an error: each option once, in its order, the first
 * {@link MAX_NAMED_OFFERS} by name and the rest counted, so a list of 255 stays one readable line.
 */
export function namedOffers(names: readonly string[]): string {
  const unique = [...new Set(names)]
  const named = unique.slice(0, MAX_NAMED_OFFERS).join(', ')
  const more = unique.length - MAX_NAMED_OFFERS
  return more > 0 ? `${named} and ${more} more` : named
}

/** {@link namedOffers} for security type codes. */
export function offeredNames(codes: readonly number[]): string {
  return namedOffers(codes.map(securityTypeName))
}
