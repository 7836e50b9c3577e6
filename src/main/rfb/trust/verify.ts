import type { TlsSessionInfo } from '../transport/transport'
import { type CertificateInfo, describeCertificate, normaliseFingerprint } from './certificate'
import { CertificateError } from './errors'
import { type CertificateStore, serverKey } from './store'

/** The user's answer to "do you trust this certificate?". */
export type TrustDecision = 'once' | 'always' | 'reject'

/** What the trust prompt shows. */
export interface TrustPrompt {
  /** "host:port". */
  server: string
  /** The host name or address the user connected to, as the certificate's names are checked against it. */
  host: string
  certificate: CertificateInfo
  /** Why it did not verify, in words, e.g. "self-signed certificate". */
  reason: string
}

/** How certificates are judged on one connection. */
export interface TrustOptions {
  /** "Always" decisions, per host:port. Without one, "always" counts as "once". */
  store?: CertificateStore
  /** Fingerprints accepted in advance (CLI `--accept-fingerprint`); remembered when a store is given. */
  acceptFingerprints?: readonly string[]
  /** Asks the user about a certificate nobody vouches for; absent when nobody can be asked. */
  ask?: (prompt: TrustPrompt) => Promise<TrustDecision>
  /** Extra trusted CA certificates (PEM text), besides the runtime's default roots. */
  ca?: string
}

/**
 * How the server's identity was established: a CA, the trust store, a fingerprint accepted in
 * advance or "always" by the user ('accepted'), the user for this session only ('once'), or nobody.
 * 'once' still counts as verified for the handshake, but is never shown to people as verified.
 */
export type ServerVerification = 'ca' | 'pinned' | 'accepted' | 'once' | 'unverified'

export interface TrustVerdict {
  verified: boolean
  how: ServerVerification
  certificate: CertificateInfo
  /** Why it is not verified, when it is not. */
  problem?: string
}

/**
 * Verification failures that only mean "no authority we know vouches for this certificate"
 * (self-signed, private CA). The user may vouch instead. Out of date: see OUT_OF_DATE. Anything
 * else (wrong host name, bad signature) means the certificate is broken and is refused unless its
 * exact fingerprint was accepted.
 */
const TRUST_ONLY: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issued by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT: 'issued by an unknown authority',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'issued by an unknown authority',
}

/**
 * A certificate outside its validity period: someone may be asked, as TigerVNC and browsers do,
 * but only for this session ("always" counts as "once"): remembered, it would be accepted
 * without a word for good, and an expired key is the one most likely to have leaked. Without
 * anyone to ask it is refused like a broken one.
 */
const OUT_OF_DATE: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
}

const BROKEN: Record<string, string> = {
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name this host',
  CERT_SIGNATURE_FAILURE: 'the certificate signature is invalid',
  CERT_REVOKED: 'the certificate was revoked',
  INVALID_CA: 'the issuing certificate is not a CA',
  CERT_UNTRUSTED: 'the certificate is not trusted for this purpose',
  CERT_REJECTED: 'the certificate is rejected for this purpose',
}

function describeFailure(code: string): string {
  return TRUST_ONLY[code] ?? OUT_OF_DATE[code] ?? BROKEN[code] ?? `verification failed (${code})`
}

/** The dates of a certificate outside its validity period, for prompts and refusals. */
function outOfDateProblem(code: string, cert: CertificateInfo): string {
  return code === 'CERT_HAS_EXPIRED'
    ? `the certificate has expired (on ${cert.validTo})`
    : `the certificate is not valid yet (not before ${cert.validFrom}; check this computer's clock)`
}

/**
 * Decides whether the certificate the server presented identifies it, in this order:
 * 1. a certificate remembered for this host:port must match exactly; a different one is
 *    refused loudly (RFB_ERR_CERT_CHANGED) without asking: that is what a man in the middle
 *    looks like, and a prompt would train users to click through it;
 * 2. a chain that verifies against the default roots (plus `ca`) and names the host;
 * 3. a fingerprint accepted in advance;
 * 4. for trust-only failures, the user's answer (`ask`); "always" is remembered, except for a
 *    certificate outside its validity period, which may be trusted for this session only.
 * A certificate nobody vouches for is "unverified": refused when `required`, else allowed
 * (the session is then as safe as anonymous TLS). A broken certificate is always refused.
 */
export async function verifyServerCertificate(tls: TlsSessionInfo, host: string, port: number, trust: TrustOptions, required: boolean): Promise<TrustVerdict> {
  const server = serverKey(host, port)
  if (!tls.certificate) {
    throw new CertificateError('RFB_ERR_CERT_INVALID', `${server} sent no certificate`, server, emptyInfo())
  }
  const cert = describeCertificate(tls.certificate, host)
  const pinned = trust.store?.get(server)
  if (pinned) {
    if (pinned.sha256 === cert.sha256) return { verified: true, how: 'pinned', certificate: cert }
    throw new CertificateError(
      'RFB_ERR_CERT_CHANGED',
      `the certificate of ${server} has CHANGED since you trusted it: remembered SHA-256 ${pinned.sha256}, ` +
        `now presented ${cert.sha256} (${cert.subject}). Someone may be intercepting the connection. ` +
        `If the server's certificate was replaced on purpose, remove ${server} from the trust store and connect again.`,
      server,
      cert,
      pinned.sha256,
    )
  }
  if (tls.authorized) return { verified: true, how: 'ca', certificate: cert }

  const code = tls.authorizationError ?? 'UNKNOWN'
  const problem = describeFailure(code)
  const accepted = (trust.acceptFingerprints ?? []).map(normaliseFingerprint)
  if (accepted.includes(cert.sha256)) {
    trust.store?.remember(server, { sha256: cert.sha256, subject: cert.subject })
    return { verified: true, how: 'accepted', certificate: cert }
  }
  const outOfDate = code in OUT_OF_DATE
  if (!(code in TRUST_ONLY) && !(outOfDate && trust.ask)) {
    const problem = outOfDate
      ? outOfDateProblem(code, cert)
      : code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? `the certificate does not name this host (${host}; it names ${cert.names.join(', ') || 'no host'})`
        : describeFailure(code)
    throw new CertificateError(
      'RFB_ERR_CERT_INVALID',
      `the certificate of ${server} is not acceptable: ${problem} (SHA-256 ${cert.sha256}, ${cert.subject}, ` +
        `valid ${cert.validFrom} to ${cert.validTo}). Accept this exact fingerprint to connect anyway.`,
      server,
      cert,
    )
  }
  if (trust.ask) {
    const decision = await trust.ask({ server, host, certificate: cert, reason: outOfDate ? outOfDateProblem(code, cert) : problem })
    if (decision === 'reject') {
      throw new CertificateError('RFB_ERR_CERT_REJECTED', `you did not trust the certificate of ${server} (SHA-256 ${cert.sha256})`, server, cert)
    }
    // Out of date by its own dates too (a self-signed one reports only that): this session only.
    if (decision === 'always' && trust.store && !outOfDate && cert.validity === 'valid') {
      trust.store.remember(server, { sha256: cert.sha256, subject: cert.subject })
      return { verified: true, how: 'accepted', certificate: cert }
    }
    // Without a store "always" cannot be kept: it is as good as "once".
    return { verified: true, how: 'once', certificate: cert }
  }
  if (required) {
    throw new CertificateError(
      'RFB_ERR_CERT_UNTRUSTED',
      `the certificate of ${server} is not trusted: ${problem} (SHA-256 ${cert.sha256}, ${cert.subject}). ` +
        "Check the fingerprint with the server's administrator and accept it, or add its CA.",
      server,
      cert,
    )
  }
  return { verified: false, how: 'unverified', certificate: cert, problem }
}

function emptyInfo(): CertificateInfo {
  return {
    sha256: '',
    subject: '',
    issuer: '',
    validFrom: '',
    validTo: '',
    names: [],
    selfSigned: false,
    hostnameMatches: false,
    currentlyValid: false,
    validity: 'expired',
  }
}
