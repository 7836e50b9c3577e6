import { type Server, type Socket, createServer } from 'node:net'
import type { Target } from '@shared/target'
import { openTransport } from '../rfb/connect'
import { RfbError } from '../rfb/errors'
import type { SshOptions } from '../rfb/transport/ssh'
import { TcpTransport } from '../rfb/transport/tcp'
import { type ProxySessionOptions, type ProxyStats, runProxySession } from './proxy-session'

/** Where the proxy listens: a TCP address or a Unix socket path. */
export type ProxyListen = { host: string; port: number } | { path: string }

export interface ProxyServerOptions extends ProxySessionOptions {
  target: Target
  /** Reach the target through this SSH server (as the other commands do). */
  ssh?: SshOptions
  connectTimeoutMs?: number
  /** Each finished session's measurements. */
  onSession?: (stats: ProxyStats) => void
}

/** A listening proxy; `address` is where viewers connect. */
export interface ProxyServer {
  address: ProxyListen
  close(): Promise<void>
}

/**
 * Listens for viewers; each gets its own connection to the target (TCP, Unix socket, repeater,
 * SSH tunnel: whatever openTransport reaches) and a proxy session. A viewer whose server cannot be
 * reached is disconnected, and the reason noted.
 */
export async function startProxyServer(listen: ProxyListen, opts: ProxyServerOptions): Promise<ProxyServer> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    const from = 'path' in listen ? 'a local viewer' : `${socket.remoteAddress}:${socket.remotePort}`
    const viewer = new TcpTransport(socket, undefined, from)
    opts.note(`viewer ${from} connected`)
    openTransport(opts.target, {}, { timeoutMs: opts.connectTimeoutMs, ssh: opts.ssh }).then(
      ({ transport }) =>
        runProxySession(viewer, transport, opts).then((stats) => {
          opts.note(`viewer ${from} done${stats.error ? ` (${stats.error.message})` : ''}`)
          opts.onSession?.(stats)
        }),
      (e: unknown) => {
        opts.note(`cannot reach the server for ${from}: ${e instanceof RfbError ? e.message : String(e)}`)
        viewer.close()
      },
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    if ('path' in listen) server.listen(listen.path, resolve)
    else server.listen(listen.port, listen.host, resolve)
  })
  const bound = server.address()
  const address: ProxyListen = 'path' in listen || bound === null || typeof bound === 'string' ? listen : { host: listen.host, port: bound.port }
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
