import type { TlsSessionInfo } from '../transport/transport'
import { checkServerCertificate } from './certificate-check'
import type { SecurityOptions, TransportSecurity } from './policy'

/**
 * Judges the certificate of a connection that is TLS from the first byte (`vncs://`) before
 * the RFB handshake starts, with the same rules as VeNCrypt X509 (trust/verify.ts). The result
 * goes into {@link SecurityOptions.transport}, so the handshake knows the stream is protected.
 */
export async function verifyTlsTransport(tls: TlsSessionInfo, options: SecurityOptions): Promise<TransportSecurity> {
  const verdict = await checkServerCertificate(tls, options)
  return { tls, verified: verdict.verified, verification: verdict.how, certificate: verdict.certificate }
}
