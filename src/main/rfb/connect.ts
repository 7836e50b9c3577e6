import type { Target } from '@shared/target'
import type { SecurityOptions } from './security/policy'
import { verifyTlsTransport } from './security/vncs'
import { type ConnectionInfo, RfbClient, type RfbClientOptions } from './session'
import { type TcpTransport, connectTcp } from './transport/tcp'
import { connectTls } from './transport/tls'
import type { Transport } from './transport/transport'

export interface ConnectOptions extends RfbClientOptions {
  connectTimeoutMs?: number
  /** Policy and trust for this connection; host and port are filled in from the target. */
  security?: SecurityOptions
}

/**
 * Opens a TCP connection to `target` (TLS from the first byte for `vncs://`, its certificate
 * judged before any RFB byte is read) and runs the handshake; the client is live once this resolves.
 */
export async function connectRfb(target: Target, options: ConnectOptions): Promise<{ client: RfbClient; info: ConnectionInfo }> {
  const security: SecurityOptions = { ...options.security, host: target.host, port: target.port }
  let transport: TcpTransport
  if (target.tls) {
    transport = await connectTls(target.host, target.port, { timeoutMs: options.connectTimeoutMs, ca: security.trust?.ca })
    try {
      security.transport = await verifyTlsTransport(transport.tls!, security)
    } catch (e) {
      transport.close()
      throw e
    }
  } else {
    transport = await connectTcp(target.host, target.port, options.connectTimeoutMs)
  }
  return startRfb(transport, target, { ...options, security })
}

/**
 * Runs the handshake over a transport that is already connected: a server that connected to a
 * listening viewer (transport/listen.ts). `target` names it for trust decisions; reverse
 * connections come from an ephemeral port, so callers pass port 0 and certificates are
 * remembered per host.
 */
export async function startRfb(transport: Transport, target: Target, options: ConnectOptions): Promise<{ client: RfbClient; info: ConnectionInfo }> {
  const clientOptions: ConnectOptions = { ...options, security: { ...options.security, host: target.host, port: target.port } }
  const client = new RfbClient(clientOptions)
  const info = await client.start(transport)
  return { client, info }
}
