import { Socket, connect } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { NetworkError, TimeoutError } from '../errors'
import { HANDSHAKE_READ_AHEAD } from '../read-gate'
import { ReusedReads } from './reused-reads'
import { describeTlsError, upgradeSocket } from './tls-socket'
import { type TlsSessionInfo, type TlsUpgradeOptions, type Transport, type TransportHandlers, WRITE_OVERHEAD } from './transport'

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

/** RFB over a TCP socket, which may be or become TLS (`vncs://`, VeNCrypt). */
export class TcpTransport implements Transport {
  readonly description: string
  private handlers: TransportHandlers | null = null
  private closed = false
  private closeError: Error | undefined
  private socket: Socket
  /** The socket as opened: the one whose reads go through {@link reads}, if any. */
  private readonly opened: Socket
  /** Set once the stream is TLS: from the first byte (`vncs://`) or after {@link startTls}. */
  tls: TlsSessionInfo | null

  private readonly onData = (chunk: Buffer): void => this.handlers?.data(chunk)
  /** A read into the reused buffer ({@link ReusedReads}): lent to a handler that copies, else copied for it. */
  private readonly onLent = (view: Uint8Array): void => {
    const h = this.handlers
    if (h?.copiesLent) h.data(view, true)
    else h?.data(new Uint8Array(view))
  }
  /** What arrived before {@link start}, at most HANDSHAKE_READ_AHEAD (plus a chunk): see the constructor. */
  private early: Uint8Array[] = []
  private earlyBytes = 0
  private readonly onEarlyData = (chunk: Uint8Array): void => {
    this.early.push(chunk)
    this.earlyBytes += chunk.length
    if (this.earlyBytes >= HANDSHAKE_READ_AHEAD) this.socket.pause()
  }
  private settleEnded: (error: Error | undefined) => void = () => {}
  /** The engine asked for a pause and has not resumed. */
  private held = false
  /** Settles when the connection ends, with its error if abnormal; before {@link start} too. */
  readonly ended = new Promise<Error | undefined>((resolve) => (this.settleEnded = resolve))
  private readonly onDrain = (): void => this.handlers?.drain?.()
  /** Writes not yet handed to the network. */
  private unsent = 0
  private readonly written = (): void => void this.unsent--

  /**
   * `description` names the peer where the socket cannot (a Unix socket has no address). `reads`:
   * the socket was opened with their `onread` option, so its bytes come through them, not `data`.
   */
  constructor(
    socket: Socket,
    tls?: TlsSessionInfo,
    description?: string,
    private readonly reads?: ReusedReads,
  ) {
    this.socket = socket
    this.opened = socket
    this.tls = tls ?? null
    this.description = description ?? `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
    socket.setNoDelay(true)
    // Keepalive finds half-open connections the peer will never close.
    socket.setKeepAlive(true, 15_000)
    // Until start() (while a vncs:// certificate or an incoming server is shown to the user), read
    // a bounded amount ahead: a server that hangs up meanwhile is noticed (`ended`), and one that
    // floods is held back by TCP once the bound is reached.
    if (reads) reads.deliver = (view) => this.onEarlyData(new Uint8Array(view))
    else socket.on('data', this.onEarlyData)
    // Listen from the start: an error before start() must be reported, not thrown unhandled.
    socket.on('error', (err) => this.finish(tls ? describeTlsError(err, this.description) : describeSocketError(err, this.description)))
    socket.on('close', () => this.finish())
  }

  start(handlers: TransportHandlers): void {
    this.handlers = handlers
    if (this.reads) this.reads.deliver = this.onLent
    else this.socket.removeListener('data', this.onEarlyData)
    const early = this.early
    this.early = []
    for (const chunk of early) {
      if (this.handlers !== handlers) break
      handlers.data(chunk)
    }
    if (this.closed) {
      handlers.close(this.closeError)
      return
    }
    // A TLS socket put in place before start() delivers `data` events whatever the plain one did.
    if (!this.reads || this.socket !== this.opened) this.socket.on('data', this.onData)
    this.socket.on('drain', this.onDrain)
    // The engine may have paused while taking in the early chunks.
    if (!this.held) this.socket.resume()
  }

  private finish(error?: Error): void {
    if (this.closed) return
    this.closed = true
    this.closeError = error
    this.settleEnded(error)
    // Before start() the close waits for start(), after what arrived first.
    this.handlers?.close(error)
  }

  write(data: Uint8Array): void {
    if (this.closed || this.socket.destroyed) return
    this.unsent++
    this.socket.write(data, this.written)
  }

  get writeBacklog(): number {
    return this.socket.writableLength + this.unsent * WRITE_OVERHEAD
  }

  pause(): void {
    this.held = true
    this.socket.pause()
  }

  resume(): void {
    this.held = false
    this.socket.resume()
  }

  close(): void {
    this.socket.destroy()
    this.finish()
  }

  /**
   * Wraps the live socket in TLS in place: from here on `data` carries decrypted bytes and writes
   * are encrypted. The caller must have consumed everything the server sent in the clear.
   */
  async startTls(options: TlsUpgradeOptions): Promise<TlsSessionInfo> {
    if (this.closed) throw this.closeError ?? new NetworkError(`connection to ${this.description} closed before TLS could start`)
    const plain = this.socket
    const { tls, ready } = upgradeSocket(plain, options, this.description)
    // The plain socket's reads now feed the TLS layer; only the TLS socket may deliver data.
    plain.removeListener('data', this.onData)
    plain.removeListener('drain', this.onDrain)
    if (this.reads) this.reads.deliver = () => {}
    this.socket = tls
    this.watch(tls)
    if (this.handlers) {
      tls.on('data', this.onData)
      tls.on('drain', this.onDrain)
    }
    try {
      this.tls = await ready
    } catch (err) {
      this.finish(err as Error)
      tls.destroy()
      throw err
    }
    return this.tls
  }

  private watch(tls: TLSSocket): void {
    tls.on('error', (err) => this.finish(describeTlsError(err, this.description)))
    tls.on('close', () => this.finish())
  }
}

/** Opens a TCP connection, failing with a presentable error (refused, not found, timed out). */
export function connectTcp(host: string, port: number, timeoutMs = 10_000): Promise<TcpTransport> {
  return new Promise((resolve, reject) => {
    const where = `${host}:${port}`
    const reads = new ReusedReads()
    const socket = connect({ host, port, onread: reads.option })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new TimeoutError(`no answer from ${where} within ${Math.round(timeoutMs / 1000)} s`))
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(new TcpTransport(socket, undefined, undefined, reads))
    })
    socket.once('error', (err) => {
      clearTimeout(timer)
      reject(describeSocketError(err, where))
    })
  })
}
