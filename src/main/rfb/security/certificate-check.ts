import type { TlsSessionInfo } from '../transport/transport'
import { type TrustVerdict, verifyServerCertificate } from '../trust/verify'
import { type SecurityOptions, effectivePolicy } from './policy'

/**
 * Judges the certificate of a TLS session (VeNCrypt X509*, `vncs://`) under the connection's
 * policy and trust options: required to verify only under 'require-server-auth' (which a pinned
 * server implies). Without a host and port the trust store is not consulted: its key is host:port.
 */
export function checkServerCertificate(tls: TlsSessionInfo, options: SecurityOptions): Promise<TrustVerdict> {
  const { policy } = effectivePolicy(options)
  const known = options.host !== undefined && options.port !== undefined
  return verifyServerCertificate(
    tls,
    options.host ?? '',
    options.port ?? 0,
    known ? (options.trust ?? {}) : { ...options.trust, store: undefined },
    policy === 'require-server-auth',
  )
}
