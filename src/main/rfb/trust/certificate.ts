import { X509Certificate } from 'node:crypto'
import { isIP } from 'node:net'

/** What a user needs to decide whether to trust a server certificate. */
export interface CertificateInfo {
  /** SHA-256 of the DER, as colon-separated upper-case hex (the form browsers and Node show). */
  sha256: string
  subject: string
  issuer: string
  validFrom: string
  validTo: string
  /** Subject alternative names as the certificate lists them, e.g. "DNS:localhost, IP Address:127.0.0.1". */
  altNames?: string
  selfSigned: boolean
  /** Whether the certificate names the host we connected to. */
  hostnameMatches: boolean
  /** Whether now lies within validFrom..validTo. */
  currentlyValid: boolean
}

/** Parses a DER certificate into what the trust prompt and the CLI show. */
export function describeCertificate(der: Uint8Array, host?: string): CertificateInfo {
  const x = new X509Certificate(der)
  const now = Date.now()
  let hostnameMatches = false
  if (host) {
    hostnameMatches = isIP(host) ? x.checkIP(host) !== undefined : x.checkHost(host) !== undefined
  }
  return {
    sha256: x.fingerprint256,
    subject: oneLine(x.subject),
    issuer: oneLine(x.issuer),
    validFrom: x.validFrom,
    validTo: x.validTo,
    altNames: x.subjectAltName,
    selfSigned: x.subject === x.issuer && x.verify(x.publicKey),
    hostnameMatches,
    currentlyValid: now >= Date.parse(x.validFrom) && now <= Date.parse(x.validTo),
  }
}

/** Node prints names one attribute per line; a prompt wants "CN=host, O=org". */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ')
}

/**
 * Reads a user-typed SHA-256 fingerprint in any common form ("SHA256:AB:CD...", "abcd...",
 * "ab cd ...") into the canonical colon form; null when it is not 32 bytes of hex.
 */
export function normaliseFingerprint(text: string): string | null {
  const hex = text.trim().replace(/^sha-?256[:=]?/i, '').replace(/[\s:]/g, '')
  if (!/^[0-9a-f]{64}$/i.test(hex)) return null
  return hex.toUpperCase().match(/../g)!.join(':')
}
