import { connect } from 'node:net'
import { NetworkError, TimeoutError } from '../errors'
import { ReusedReads } from './reused-reads'
import { TcpTransport, describeSocketError } from './tcp'

/** Maps a Unix socket's connect errors to one presentable line; the rest as for TCP. */
export function describeUnixSocketError(err: NodeJS.ErrnoException, path: string): NetworkError {
  switch (err.code) {
    case 'ENOENT':
      return new NetworkError(`no VNC server listens at ${path} (the socket does not exist)`, 'RFB_ERR_CONNECTION_REFUSED')
    case 'ECONNREFUSED':
      return new NetworkError(`nothing accepts connections at ${path} (a stale socket?)`, 'RFB_ERR_CONNECTION_REFUSED')
    case 'EACCES':
    case 'EPERM':
      return new NetworkError(`no permission to connect to ${path}`, 'RFB_ERR_CONNECTION_REFUSED')
    case 'ENOTSOCK':
      return new NetworkError(`${path} is not a socket`, 'RFB_ERR_CONNECTION_REFUSED')
    default:
      return describeSocketError(err, path)
  }
}

/**
 * Opens a Unix domain socket (Xvnc `-rfbunixpath`, x11vnc `-unixsock`, QEMU `-vnc unix:`),
 * failing with a presentable error. The transport is the TCP one: a stream socket is a stream
 * socket, and TLS can start on it the same way.
 */
export function connectUnixSocket(path: string, timeoutMs = 10_000): Promise<TcpTransport> {
  return new Promise((resolve, reject) => {
    const where = `unix:${path}`
    const reads = new ReusedReads()
    const socket = connect({ path, onread: reads.option })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new TimeoutError(`no answer from ${where} within ${Math.round(timeoutMs / 1000)} s`))
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(new TcpTransport(socket, undefined, where, reads))
    })
    socket.once('error', (err) => {
      clearTimeout(timer)
      reject(describeUnixSocketError(err, where))
    })
  })
}
