import type { CertificateErrorCode, HostKeyErrorCode, ServerKeyErrorCode } from '@shared/error-codes'
import { RfbError } from '../errors'
import type { CertificateInfo } from './certificate'

/**
 * The server's certificate was not accepted. Kind 'auth': the server failed to authenticate
 * itself. Codes: RFB_ERR_CERT_CHANGED (differs from the one remembered for this host:port),
 * RFB_ERR_CERT_UNTRUSTED (unknown issuer and nobody accepted it), RFB_ERR_CERT_REJECTED (the
 * user said no), RFB_ERR_CERT_INVALID (expired, wrong host name, bad signature...).
 */
export class CertificateError extends RfbError {
  constructor(
    code: CertificateErrorCode,
    message: string,
    /** "host:port" as the trust store keys it. */
    readonly server: string,
    /** The certificate the server presented. */
    readonly presented: CertificateInfo,
    /** For RFB_ERR_CERT_CHANGED: the fingerprint remembered earlier. */
    readonly expectedSha256?: string,
  ) {
    super('auth', code, message)
  }
}

/**
 * The SSH server's host key was not accepted (kind 'auth'). Codes: RFB_ERR_HOSTKEY_CHANGED
 * (differs from the key in the trust store or known_hosts), RFB_ERR_HOSTKEY_REVOKED (marked
 * @revoked in known_hosts), RFB_ERR_HOSTKEY_UNKNOWN (nobody vouches and nobody could be asked),
 * RFB_ERR_HOSTKEY_REJECTED (the user said no), RFB_ERR_HOSTKEY_TYPE_CHANGED (only keys of another
 * type are known for the host, and nobody could be asked).
 */
export class HostKeyError extends RfbError {
  constructor(
    code: HostKeyErrorCode,
    message: string,
    /** "host:port" of the SSH server. */
    readonly server: string,
    /** e.g. "ssh-ed25519". */
    readonly algorithm: string,
    /** The presented key, "SHA256:base64". */
    readonly fingerprintSha256: string,
    /** For RFB_ERR_HOSTKEY_CHANGED: the fingerprint known before. */
    readonly expectedSha256?: string,
  ) {
    super('auth', code, message)
  }
}

/**
 * The RSA-AES server key was not accepted (kind 'auth'). Codes: RFB_ERR_SERVER_KEY_CHANGED
 * (differs from the key remembered for this host:port), RFB_ERR_SERVER_KEY_UNTRUSTED (the policy
 * needs a verified server and nobody vouched for the key), RFB_ERR_SERVER_KEY_REJECTED (the user said no).
 */
export class ServerKeyError extends RfbError {
  constructor(
    code: ServerKeyErrorCode,
    message: string,
    /** "host:port" as the trust store keys it. */
    readonly server: string,
    /** The presented key's SHA-256 fingerprint (colon hex). */
    readonly fingerprintSha256: string,
    /** For RFB_ERR_SERVER_KEY_CHANGED: the fingerprint remembered earlier. */
    readonly expectedSha256?: string,
  ) {
    super('auth', code, message)
  }
}
