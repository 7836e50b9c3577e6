import type { Target } from '@shared/target'
import { type ConnectionInfo, RfbClient, type RfbClientOptions } from './session'
import { connectTcp } from './transport/tcp'

export interface ConnectOptions extends RfbClientOptions {
  connectTimeoutMs?: number
}

/** Opens a TCP connection to `target` and runs the handshake; the client is live once this resolves. */
export async function connectRfb(target: Target, options: ConnectOptions): Promise<{ client: RfbClient; info: ConnectionInfo }> {
  const transport = await connectTcp(target.host, target.port, options.connectTimeoutMs)
  const client = new RfbClient(options)
  const info = await client.start(transport)
  return { client, info }
}
