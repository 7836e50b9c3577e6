import type { CertificateInfo } from '../trust/certificate'
import { CertificateError, ServerKeyError } from '../trust/errors'
import { serverKey } from '../trust/store'
import type { SecurityOptions } from './policy'

/**
 * The other end of the encryption, which would read a password sent now as typed, when nobody
 * proved it is the server: the certificate of VeNCrypt X509Plain, or an RSA-AES key.
 */
export type UnprovenReader =
  | { kind: 'certificate'; type: string; certificate: CertificateInfo; problem?: string }
  | { kind: 'server-key'; type: string; algorithm: string; sha256: string; short: string }

/**
 * Where nobody can be asked about the server's identity (the command line, `nobodyToAsk`), a
 * password the other end of the encryption reads as typed goes only to a server someone vouched
 * for: else whoever presented the certificate or key, a man in the middle as well as the server,
 * would read it. Called once the credentials are at hand (with none, nothing secret is at stake)
 * and before any byte of them is written. VNC authentication inside TLS is not refused: it shows
 * the other end only a DES response, exactly what VNC authentication without TLS shows.
 * `allowPlainPassword` (already consent to a password anyone could read) lets VeNCrypt Plain go.
 */
export function refuseUnprovenReader(options: SecurityOptions, reader: UnprovenReader): void {
  if (!options.nobodyToAsk) return
  if (reader.kind === 'certificate' && options.allowPlainPassword) return
  const server = options.host !== undefined && options.port !== undefined ? serverKey(options.host, options.port) : 'the server'
  const remember = ' (with --trust-store DIR it is remembered, and later connections need no option)'
  if (reader.kind === 'certificate') {
    const c = reader.certificate
    throw new CertificateError(
      'RFB_ERR_CERT_UNTRUSTED',
      `refusing to send the password to ${server}: its certificate is not verified (${reader.problem ?? 'nobody vouches for it'}; SHA-256 ${c.sha256}, ${c.subject}) ` +
        `and nobody can be asked here, so whoever presented it, possibly a man in the middle, would read the password (${reader.type} sends it as typed inside TLS). ` +
        `Nothing secret was sent. If that is the server's certificate (check the fingerprint with its administrator), run again with --accept-fingerprint ${c.sha256}${remember}, ` +
        'or give the CA that issued it with --ca-file PEM.',
      server,
      c,
    )
  }
  throw new ServerKeyError(
    'RFB_ERR_SERVER_KEY_UNTRUSTED',
    `refusing to send the password to ${server}: its ${reader.type} key is not known (${reader.algorithm}, SHA-256 ${reader.sha256}, short form ${reader.short}) ` +
      'and nobody can be asked here, so whoever presented it, possibly a man in the middle, would read the password. ' +
      `Nothing secret was sent. If that is the server's key (check the fingerprint with its administrator), run again with --accept-fingerprint ${reader.sha256}${remember}.`,
    server,
    reader.sha256,
  )
}
