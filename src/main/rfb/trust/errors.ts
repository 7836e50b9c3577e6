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
    code: 'RFB_ERR_CERT_CHANGED' | 'RFB_ERR_CERT_UNTRUSTED' | 'RFB_ERR_CERT_REJECTED' | 'RFB_ERR_CERT_INVALID',
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
