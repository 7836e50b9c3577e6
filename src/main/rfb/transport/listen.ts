import { type Server, type Socket, createServer } from 'node:net'
import { NetworkError, TimeoutError } from '../errors'
import { TcpTransport } from './tcp'

/** The port listening viewers use by convention (TigerVNC, TightVNC, RealVNC: 5500). */
export const DEFAULT_LISTEN_PORT = 5500

/**
 * Servers held while nobody waits for one (the command line takes one and snapshots it): more
 * are turned away, so a flood of connections cannot use up memory or file descriptors.
 */
export const MAX_QUEUED_SERVERS = 8

/** A viewer waiting for servers to connect to it ("reverse connections"). */
export interface Listener {
  readonly host: string
  readonly port: number
  /** The next server that connects; rejects after `timeoutMs` or when the listener closes. */
  next(timeoutMs?: number): Promise<TcpTransport>
  close(): Promise<void>
}

/**
 * Listens for reverse connections: the server opens the TCP connection (`x11vnc -connect
 * host:5500`, TigerVNC `vncconfig -connect host:5500`) and then speaks RFB exactly as if the
 * viewer had connected, version first. Servers arriving while nobody waits are queued (at most
 * {@link MAX_QUEUED_SERVERS}); one that hangs up or fails while queued leaves the queue quietly.
 * `host` defaults to every interface, as other listening viewers do: the servers are elsewhere.
 */
export function listenForServers(opts: { host?: string; port?: number } = {}): Promise<Listener> {
  const host = opts.host ?? '0.0.0.0'
  const queue: Socket[] = []
  /** Removes a queued socket's own listeners once a TcpTransport takes it over. */
  const queuedHandlers = new WeakMap<Socket, () => void>()
  const take = (socket: Socket): TcpTransport => {
    queuedHandlers.get(socket)?.()
    return new TcpTransport(socket)
  }
  const waiters: { resolve: (t: TcpTransport) => void; reject: (e: Error) => void }[] = []
  let closed = false
  const server: Server = createServer((socket) => {
    const w = waiters.shift()
    if (w) return w.resolve(new TcpTransport(socket))
    if (queue.length >= MAX_QUEUED_SERVERS) return void socket.destroy()
    // Unread, it holds at most the stream's buffer; but a reset is still reported, and an error
    // nobody listens for would end the process.
    const leave = (): void => {
      const i = queue.indexOf(socket)
      if (i >= 0) queue.splice(i, 1)
    }
    const quiet = (): void => {}
    socket.on('error', quiet)
    socket.once('close', leave)
    queue.push(socket)
    queuedHandlers.set(socket, () => {
      socket.off('error', quiet)
      socket.off('close', leave)
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the port is in use' : err.code === 'EACCES' ? 'permission denied' : err.message
      reject(new NetworkError(`cannot listen on ${host}:${opts.port ?? DEFAULT_LISTEN_PORT}: ${why}`, 'RFB_ERR_LISTEN'))
    })
    server.listen({ host, port: opts.port ?? DEFAULT_LISTEN_PORT }, () => {
      const addr = server.address()
      const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? DEFAULT_LISTEN_PORT)
      resolve({
        host,
        port,
        next(timeoutMs?: number): Promise<TcpTransport> {
          if (closed) return Promise.reject(new NetworkError('the listener is closed', 'RFB_ERR_LISTEN'))
          const queued = queue.shift()
          if (queued) return Promise.resolve(take(queued))
          return new Promise((res, rej) => {
            const w = {
              resolve: (t: TcpTransport) => {
                clearTimeout(timer)
                res(t)
              },
              reject: (e: Error) => {
                clearTimeout(timer)
                rej(e)
              },
            }
            const timer =
              timeoutMs === undefined
                ? undefined
                : setTimeout(() => {
                    waiters.splice(waiters.indexOf(w), 1)
                    rej(new TimeoutError(`no server connected to ${host}:${port} within ${Math.round(timeoutMs / 1000)} s`))
                  }, timeoutMs)
            waiters.push(w)
          })
        },
        close(): Promise<void> {
          closed = true
          for (const s of queue.splice(0)) s.destroy()
          for (const w of waiters.splice(0)) w.reject(new NetworkError('the listener was closed', 'RFB_ERR_LISTEN'))
          return new Promise((r) => server.close(() => r()))
        },
      })
    })
  })
}
