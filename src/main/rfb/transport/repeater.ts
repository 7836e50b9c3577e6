import { type Target, isRepeaterId } from '@shared/target'
import { isIP } from 'node:net'
import { NetworkError, RfbError, TimeoutError, UnsupportedError } from '../errors'
import type { TlsSessionInfo, TlsUpgradeOptions, Transport, TransportHandlers } from './transport'

/**
 * The UltraVNC repeater protocol, viewer side. The repeater greets with a version no server
 * uses, the viewer answers with a fixed 250-byte block naming the server ("host:port", mode I:
 * the repeater connects there; "ID:1234", mode II: the repeater pairs it with the server that
 * sent the same block), NUL-padded; from then on the repeater only relays, and RFB starts as
 * with the server itself (its own "RFB 003.008\n" comes next).
 */
export const REPEATER_GREETING = 'RFB 000.000\n'

/** Size of the block naming the server; the text must leave room for its terminating NUL. */
export const REPEATER_BLOCK_LENGTH = 250

/**
 * The block for `target` (which must have a repeater): `ID:n` or `host:port`, NUL-padded to 250
 * bytes. Throws UnsupportedError for a name the block cannot carry: longer than 249 bytes, not
 * printable ASCII, or an IPv6 address (repeaters split "host:port" at the first colon).
 */
export function repeaterBlock(target: Target): Uint8Array {
  const name = isRepeaterId(target.host) ? `ID:${target.host.slice(3)}` : `${target.host}:${target.port}`
  if (!isRepeaterId(target.host) && isIP(target.host) === 6) {
    throw new UnsupportedError(`an UltraVNC repeater cannot be asked for the IPv6 address ${target.host}: give the server's host name`)
  }
  if (!/^[\x21-\x7e]+$/.test(name)) throw new UnsupportedError(`an UltraVNC repeater can only be given a plain ASCII server name, not "${name}"`)
  if (name.length > REPEATER_BLOCK_LENGTH - 1) {
    throw new UnsupportedError(`the server name "${name.slice(0, 40)}..." is longer than the ${REPEATER_BLOCK_LENGTH - 1} bytes a repeater accepts`)
  }
  const block = new Uint8Array(REPEATER_BLOCK_LENGTH)
  for (let i = 0; i < name.length; i++) block[i] = name.charCodeAt(i)
  return block
}

/** What the first 12 bytes say when they are not the repeater's greeting. */
function notARepeater(greeting: Uint8Array, where: string): NetworkError {
  const text = Buffer.from(greeting).toString('latin1')
  if (/^RFB \d{3}\.\d{3}\n$/.test(text)) {
    return new NetworkError(`${where} is a VNC server (it greets with ${text.trim()}), not an UltraVNC repeater`, 'RFB_ERR_REPEATER')
  }
  return new NetworkError(`${where} is not an UltraVNC repeater (it did not greet with "${REPEATER_GREETING.trim()}")`, 'RFB_ERR_REPEATER')
}

/**
 * Runs the viewer's side of the repeater handshake on a freshly opened `inner` stream (TCP, or
 * an SSH channel to the repeater): reads exactly the 12-byte greeting within `timeoutMs`, sends
 * the block naming `target`, and resolves with a transport carrying the server's RFB stream (any
 * byte that came with the greeting is kept for it). Fails with a NetworkError
 * (`RFB_ERR_REPEATER`) when the peer is not a repeater, TimeoutError, or the stream's own error;
 * `inner` is closed on failure.
 */
export function startRepeater(inner: Transport, target: Target, timeoutMs = 10_000): Promise<Transport> {
  const where = `the repeater ${inner.description}`
  let block: Uint8Array
  try {
    block = repeaterBlock(target)
  } catch (e) {
    inner.close()
    return Promise.reject(e)
  }
  return new Promise((resolve, reject) => {
    const relay = new RepeaterTransport(inner, `${target.host}${isRepeaterId(target.host) ? '' : `:${target.port}`} via ${where}`)
    const got: Uint8Array[] = []
    let length = 0
    let settled = false
    const fail = (err: Error): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      inner.close()
      reject(err)
    }
    const timer = setTimeout(() => fail(new TimeoutError(`${where} did not greet within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs)
    relay.listen({
      data(chunk) {
        if (settled) return
        got.push(chunk)
        length += chunk.length
        if (length < REPEATER_GREETING.length) return
        const all = Buffer.concat(got)
        const greeting = all.subarray(0, REPEATER_GREETING.length)
        if (greeting.toString('latin1') !== REPEATER_GREETING) {
          fail(notARepeater(greeting, where))
          return
        }
        settled = true
        clearTimeout(timer)
        relay.hold(all.subarray(REPEATER_GREETING.length))
        inner.write(block)
        resolve(relay)
      },
      close(error) {
        fail(error instanceof RfbError ? error : new NetworkError(`${where} closed the connection before greeting`, 'RFB_ERR_REPEATER'))
      },
    })
  })
}

/**
 * The stream after the repeater's greeting: everything passes through to `inner`; bytes that
 * arrived before the engine started are delivered first, and `inner` is paused in between.
 */
class RepeaterTransport implements Transport {
  private handlers: TransportHandlers | null = null
  private early: TransportHandlers | null = null
  private held: Uint8Array | null = null
  private closed: { error?: Error } | null = null
  readonly startTls?: (options: TlsUpgradeOptions) => Promise<TlsSessionInfo>

  constructor(
    private readonly inner: Transport,
    readonly description: string,
  ) {
    if (inner.startTls) this.startTls = (options) => inner.startTls!(options)
  }

  /** Starts `inner` with the handshake's own handlers (until {@link hold}). */
  listen(handshake: TransportHandlers): void {
    this.early = handshake
    this.inner.start({
      data: (chunk) => (this.handlers ? this.handlers.data(chunk) : this.early ? this.early.data(chunk) : this.keep(chunk)),
      close: (error) => {
        if (this.handlers) this.handlers.close(error)
        else if (this.early) this.early.close(error)
        else this.closed = { error }
      },
      drain: () => this.handlers?.drain?.(),
    })
  }

  /** The handshake is over: keep `rest` (and anything else) until the engine starts. */
  hold(rest: Uint8Array): void {
    this.early = null
    if (rest.length > 0) this.held = rest
    this.inner.pause()
  }

  private keep(chunk: Uint8Array): void {
    this.held = this.held ? Buffer.concat([this.held, chunk]) : chunk
  }

  start(handlers: TransportHandlers): void {
    this.handlers = handlers
    const held = this.held
    this.held = null
    if (held) handlers.data(held)
    if (this.closed) handlers.close(this.closed.error)
    else this.inner.resume()
  }

  write(data: Uint8Array): void {
    this.inner.write(data)
  }

  get writeBacklog(): number {
    return this.inner.writeBacklog ?? 0
  }

  pause(): void {
    this.inner.pause()
  }

  resume(): void {
    this.inner.resume()
  }

  close(): void {
    this.inner.close()
  }
}
