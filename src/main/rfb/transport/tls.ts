import { connect as tlsConnect } from 'node:tls'
import { TimeoutError } from '../errors'
import { TcpTransport, describeSocketError } from './tcp'
import { secureConnected, tlsOptions } from './tls-socket'
import type { TlsSessionInfo } from './transport'

export interface TlsConnectOptions {
  timeoutMs?: number
  /** Extra trusted CA certificates (PEM) besides the runtime's default roots. */
  ca?: string
}

/**
 * Opens a connection that is TLS from the first byte (`vncs://`; x11vnc `-ssl`, stunnel in front
 * of a server). The certificate is reported in `tls`, not judged: the caller verifies it (see
 * trust/verify.ts) before the RFB handshake may send anything.
 */
export function connectTls(host: string, port: number, opts: TlsConnectOptions = {}): Promise<TcpTransport> {
  const timeoutMs = opts.timeoutMs ?? 10_000
  const where = `${host}:${port}`
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ ...tlsOptions({ anonymous: false, servername: host, ca: opts.ca }), port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new TimeoutError(`no TLS session with ${where} within ${Math.round(timeoutMs / 1000)} s`))
    }, timeoutMs)
    // Errors before the TCP connection exists are socket errors (refused, not found), not TLS ones.
    const early = (err: NodeJS.ErrnoException): void => {
      clearTimeout(timer)
      reject(describeSocketError(err, where))
    }
    socket.once('error', early)
    socket.once('connect', () => {
      socket.removeListener('error', early)
      secureConnected(socket, where).then(
        (info: TlsSessionInfo) => {
          clearTimeout(timer)
          resolve(new TcpTransport(socket, info))
        },
        (err: Error) => {
          clearTimeout(timer)
          socket.destroy()
          reject(err)
        },
      )
    })
  })
}
