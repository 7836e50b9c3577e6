import { isIP, type Socket } from 'node:net'
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect, createSecureContext, rootCertificates } from 'node:tls'
import { NetworkError, UnsupportedError } from '../errors'
import type { TlsSessionInfo, TlsUpgradeOptions } from './transport'

/**
 * Anonymous (certificate-less) cipher suites for VeNCrypt TLSNone/TLSVnc/TLSPlain. OpenSSL 1.1+
 * only enables them at security level 0 (its `ciphers(1)`: "aNULL ... @SECLEVEL=0"); null
 * encryption (eNULL, e.g. AECDH-NULL-SHA) is excluded: it would be "TLS" without secrecy.
 */
export const ANONYMOUS_CIPHERS = 'aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!3DES:@STRENGTH:@SECLEVEL=0'

export type AnonymousTlsSupport = { supported: true } | { supported: false; reason: string }

let anonymousSupport: AnonymousTlsSupport | null = null

/**
 * Whether this runtime's TLS library can speak anonymous TLS 1.2 (TLS 1.3 has no anonymous suites).
 * Node's OpenSSL 3 can. Electron links BoringSSL, whose cipher table (ssl/ssl_cipher.cc, kCiphers)
 * has no anonymous suites at all: its DHE support was removed in 2017 (commits cedc6f18, 7e06de5d)
 * and it never had ECDH_anon, so the cipher string matches nothing and the context cannot be made.
 */
export function anonymousTlsSupport(): AnonymousTlsSupport {
  if (anonymousSupport) return anonymousSupport
  try {
    createSecureContext({ ciphers: ANONYMOUS_CIPHERS, maxVersion: 'TLSv1.2' })
    anonymousSupport = { supported: true }
  } catch (e) {
    const lib = process.versions.openssl ? `OpenSSL ${process.versions.openssl}` : 'this TLS library'
    const electron = process.versions.electron ? ` (Electron ${process.versions.electron} uses BoringSSL, which has no anonymous cipher suites)` : ''
    anonymousSupport = { supported: false, reason: `${lib} cannot do anonymous TLS${electron}: ${(e as Error).message}` }
  }
  return anonymousSupport
}

/** The error to show when a server offers only anonymous TLS and the runtime cannot speak it. */
export function anonymousTlsUnsupported(what: string): UnsupportedError {
  const support = anonymousTlsSupport()
  const why = support.supported ? '' : `: ${support.reason}`
  return new UnsupportedError(
    `${what} needs anonymous TLS, which this build cannot use${why}. ` +
      'Configure the server for X509 certificates (VeNCrypt X509None/X509Vnc/X509Plain) instead.',
    'RFB_ERR_ANON_TLS',
  )
}

/**
 * The oldest TLS version any connection accepts, anonymous ones included: TLS 1.0 and 1.1 lack
 * modern cipher suites and are deprecated (RFC 8996), and a man in the middle could otherwise
 * force an old version on a server that offers several.
 */
export const MIN_TLS_VERSION = 'TLSv1.2'

/** Node's TLS client options for one upgrade; verification is reported, never enforced here. */
export function tlsOptions(options: TlsUpgradeOptions): ConnectionOptions {
  const host = options.servername
  const base: ConnectionOptions = {
    // SNI may not carry an IP address (RFC 6066 §3); the host still drives the identity check.
    servername: host && !isIP(host) ? host : undefined,
    host,
    minVersion: MIN_TLS_VERSION,
    // The trust layer decides after the handshake, before any credential is sent.
    rejectUnauthorized: false,
  }
  if (options.anonymous) {
    // TLS 1.3 has no anonymous suites: anonymous TLS is exactly TLS 1.2.
    return { ...base, ciphers: ANONYMOUS_CIPHERS, maxVersion: 'TLSv1.2', checkServerIdentity: () => undefined }
  }
  return { ...base, ca: options.ca ? [...rootCertificates, options.ca] : undefined }
}

/**
 * OpenSSL's codes for "no TLS version in common": our client refused the server's version
 * (UNSUPPORTED_PROTOCOL) or the server refused ours (its protocol_version alert).
 */
const VERSION_MISMATCH = new Set(['ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'])

/**
 * Presentable form of a TLS failure (handshake alert, bad record, closed mid-handshake). A server
 * that only speaks TLS older than 1.2 gets its own code, RFB_ERR_TLS_VERSION (kind 'unsupported':
 * retrying cannot help).
 */
export function describeTlsError(err: Error & { code?: string }, where: string): NetworkError | UnsupportedError {
  if (err.code && VERSION_MISMATCH.has(err.code)) {
    return new UnsupportedError(
      `${where} only offers a TLS version older than 1.2, which is no longer safe; Tessera needs TLS 1.2 or newer. ` +
        'Update the server or enable TLS 1.2 on it.',
      'RFB_ERR_TLS_VERSION',
    )
  }
  const detail = err.message.replace(/^.*routines:+/, '').replace(/:\.\.\/.*$/, '')
  return new NetworkError(`TLS with ${where} failed: ${detail}`, 'RFB_ERR_TLS')
}

/** What the handshake learned, in engine terms. */
export function sessionInfo(socket: TLSSocket): TlsSessionInfo {
  const cert = socket.getPeerCertificate(false) as { raw?: Buffer } | null
  const raw = cert?.raw
  const authError = socket.authorizationError as unknown
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.name ?? 'unknown',
    certificate: raw && raw.length > 0 ? Uint8Array.from(raw) : undefined,
    authorized: socket.authorized,
    authorizationError: authError === undefined || authError === null ? undefined : String((authError as { code?: string }).code ?? authError),
  }
}

/**
 * Runs a TLS client handshake over an already connected socket (or over a TLS socket: TLS in a
 * TLS tunnel works too). Resolves once the session is up; the caller owns the returned socket.
 */
export function upgradeSocket(socket: Socket, options: TlsUpgradeOptions, where: string): { tls: TLSSocket; ready: Promise<TlsSessionInfo> } {
  // Checked before touching the socket, so the caller can still report over a usable connection.
  if (options.anonymous && !anonymousTlsSupport().supported) throw anonymousTlsUnsupported('This security type')
  const tls = tlsConnect({ ...tlsOptions(options), socket })
  return { tls, ready: secureConnected(tls, where) }
}

/** Resolves with the session once `tls` finishes its handshake; rejects with a presentable error. */
export function secureConnected(tls: TLSSocket, where: string): Promise<TlsSessionInfo> {
  return new Promise<TlsSessionInfo>((resolve, reject) => {
    const fail = (err: Error): void => {
      tls.removeListener('close', closed)
      reject(describeTlsError(err, where))
    }
    const closed = (): void => reject(new NetworkError(`${where} closed the connection during the TLS handshake`, 'RFB_ERR_TLS'))
    tls.once('error', fail)
    tls.once('close', closed)
    tls.once('secureConnect', () => {
      tls.removeListener('error', fail)
      tls.removeListener('close', closed)
      resolve(sessionInfo(tls))
    })
  })
}
