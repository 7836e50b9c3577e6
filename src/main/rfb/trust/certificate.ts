import { X509Certificate } from 'node:crypto'
import { isIP } from 'node:net'

/** Whether now lies within a certificate's validity period, or on which side of it. */
export type CertificateValidity = 'valid' | 'expired' | 'not-yet-valid'

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
  /**
   * The host names and addresses the certificate is for: its DNS and IP subject alternative
   * names, or its common name when it has none (the names checkHost/checkIP compare against).
   */
  names: string[]
  /** Whether the certificate names the host we connected to (node:crypto checkHost/checkIP). */
  hostnameMatches: boolean
  /** Whether now lies within validFrom..validTo. */
  currentlyValid: boolean
  /** The same, with the side of the period now lies on. */
  validity: CertificateValidity
}

/**
 * Parses a DER certificate into what the trust prompt and the CLI show. `host` is the name or
 * address the user connected to; `now` (ms since the epoch) lets tests pin the clock.
 */
export function describeCertificate(der: Uint8Array, host?: string, now = Date.now()): CertificateInfo {
  const x = new X509Certificate(der)
  let hostnameMatches = false
  if (host) {
    hostnameMatches = isIP(host) ? x.checkIP(host) !== undefined : x.checkHost(host) !== undefined
  }
  const validity: CertificateValidity = now < Date.parse(x.validFrom) ? 'not-yet-valid' : now > Date.parse(x.validTo) ? 'expired' : 'valid'
  return {
    sha256: x.fingerprint256,
    subject: oneLine(x.subject),
    issuer: oneLine(x.issuer),
    validFrom: x.validFrom,
    validTo: x.validTo,
    altNames: x.subjectAltName,
    selfSigned: x.subject === x.issuer && x.verify(x.publicKey),
    names: certificateNames(x),
    hostnameMatches,
    currentlyValid: validity === 'valid',
    validity,
  }
}

/** DNS and IP subject alternative names; the common name(s) only when there are none, as checkHost does. */
function certificateNames(x: X509Certificate): string[] {
  const names: string[] = []
  // Node lists SANs as "DNS:a, IP Address:b"; a value with a comma in it comes quoted, and is no host name anyway.
  for (const entry of (x.subjectAltName ?? '').split(', ')) {
    const m = /^(?:DNS|IP Address):(.+)$/.exec(entry)
    if (m) names.push(m[1])
  }
  if (names.length > 0) return names
  return x.subject
    .split('\n')
    .filter((l) => l.startsWith('CN='))
    .map((l) => l.slice(3))
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
  const hex = text
    .trim()
    .replace(/^sha-?256[:=]?/i, '')
    .replace(/[\s:]/g, '')
  if (!/^[0-9a-f]{64}$/i.test(hex)) return null
  return hex.toUpperCase().match(/../g)!.join(':')
}
