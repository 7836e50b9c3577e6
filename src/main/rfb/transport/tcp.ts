import { Socket, connect } from 'node:net'
import { NetworkError, TimeoutError } from '../errors'
import type { Transport, TransportHandlers } from './transport'

/** Maps socket errors to one presentable line. */
export function describeSocketError(err: NodeJS.ErrnoException, where: string): NetworkError {
  switch (err.code) {
    case 'ECONNREFUSED':
      return new NetworkError(`connection refused by ${where}`, 'RFB_ERR_CONNECTION_REFUSED')
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new NetworkError(`host not found: ${where}`, 'RFB_ERR_HOST_NOT_FOUND')
    case 'ECONNRESET':
    case 'EPIPE':
      return new NetworkError(`connection to ${where} was reset`, 'RFB_ERR_CONNECTION_RESET')
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new NetworkError(`${where} is unreachable`, 'RFB_ERR_UNREACHABLE')
    case 'ETIMEDOUT':
      return new NetworkError(`connection to ${where} timed out`, 'RFB_ERR_CONNECTION_TIMEOUT')
    default:
      return new NetworkError(`network error with ${where}: ${err.message}`)
  }
}

/** RFB over a plain TCP socket. */
export class TcpTransport implements Transport {
  readonly description: string
  private handlers: TransportHandlers | null = null
  private closed = false
  private closeError: Error | undefined

  constructor(private readonly socket: Socket) {
    this.description = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
    socket.setNoDelay(true)
    // Keepalive finds half-open connections the peer will never close.
    socket.setKeepAlive(true, 15_000)
    socket.pause()
    // Listen from the start: an error before start() must be reported, not thrown unhandled.
    socket.on('error', (err) => this.finish(describeSocketError(err, this.description)))
    socket.on('close', () => this.finish())
  }

  start(handlers: TransportHandlers): void {
    this.handlers = handlers
    if (this.closed) {
      handlers.close(this.closeError)
      return
    }
    this.socket.on('data', (chunk: Buffer) => handlers.data(chunk))
    this.socket.resume()
  }

  private finish(error?: Error): void {
    if (this.closed) return
    this.closed = true
    this.closeError = error
    this.handlers?.close(error)
  }

  write(data: Uint8Array): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(data)
  }

  pause(): void {
    this.socket.pause()
  }

  resume(): void {
    this.socket.resume()
  }

  close(): void {
    this.socket.destroy()
    this.finish()
  }
}

/** Opens a TCP connection, failing with a presentable error (refused, not found, timed out). */
export function connectTcp(host: string, port: number, timeoutMs = 10_000): Promise<TcpTransport> {
  return new Promise((resolve, reject) => {
    const where = `${host}:${port}`
    const socket = connect({ host, port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new TimeoutError(`no answer from ${where} within ${Math.round(timeoutMs / 1000)} s`))
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(new TcpTransport(socket))
    })
    socket.once('error', (err) => {
      clearTimeout(timer)
      reject(describeSocketError(err, where))
    })
  })
}
