import { type Target, isRepeaterId } from '@shared/target'
import { isIP } from 'node:net'
import { NetworkError, RfbError, TimeoutError, UnsupportedError } from '../errors'
import type { TlsSessionInfo, TlsUpgradeOptions, Transport, TransportHandlers } from './transport'

/**
 * The UltraVNC repeater protocol, viewer side. The repeater greets with a version no server
 * uses, the viewer answers with a fixed 250-byte block naming the server ("host:port", mode I:
 * the repeater connects there; "ID:1234", mode II: the repeater pairs it with the server that
 * sent the same block), NUL-padded; from then on the repeater only relays, and RFB starts as
 * with the server itself (its own "RFB 003.008\n" comes next). Some repeaters send no greeting
 * and wait for the block: see {@link SILENT_REPEATER_MS}.
 */
export const REPEATER_GREETING = 'RFB 000.000\n'

/**
 * How long a repeater may stay silent before the viewer takes it for one that sends no greeting
 * and sends the block anyway (UltraVNC's repeater greets at once; others wait for the block). A
 * greeting that still comes first after that is dropped, not taken for the server's version.
 */
export const SILENT_REPEATER_MS = 1500

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
 * byte that came with the greeting is kept for it). A peer that sends nothing at all for
 * {@link SILENT_REPEATER_MS} (or half of `timeoutMs`, if less) is taken for a repeater without a
 * greeting: the block goes out and the transport is handed over at once, dropping a late greeting
 * should one still arrive first; the engine's handshake deadline then waits for the server. Fails
 * with a NetworkError (`RFB_ERR_REPEATER`) when the peer is not a repeater, TimeoutError (part of
 * a greeting, never finished), or the stream's own error; `inner` is closed on failure.
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
      clearTimeout(silent)
      inner.close()
      reject(err)
    }
    const timer = setTimeout(() => fail(new TimeoutError(`${where} did not greet within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs)
    const silent = setTimeout(
      () => {
        if (settled || length > 0) return
        settled = true
        clearTimeout(timer)
        relay.hold(new Uint8Array(0), true)
        inner.write(block)
        resolve(relay)
      },
      Math.min(SILENT_REPEATER_MS, timeoutMs / 2),
    )
    relay.listen({
      data(chunk) {
        if (settled) return
        clearTimeout(silent)
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
 * arrived before the engine started are delivered first, and `inner` is paused in between. After
 * a silent repeater (no greeting read) the first 12 bytes are looked at before the engine sees
 * them: a repeater greeting that came late is dropped there.
 */
class RepeaterTransport implements Transport {
  private handlers: TransportHandlers | null = null
  private early: TransportHandlers | null = null
  private held: Uint8Array | null = null
  private closed: { error?: Error } | null = null
  /** The first bytes, held until there are 12 to compare with a late greeting; null: not looking (any more). */
  private sniffed: Uint8Array | null = null
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
      data: (chunk) => (this.handlers ? this.deliver(chunk) : this.early ? this.early.data(chunk) : this.keep(chunk)),
      close: (error) => {
        if (this.handlers) this.end(error)
        else if (this.early) this.early.close(error)
        else this.closed = { error }
      },
      drain: () => this.handlers?.drain?.(),
    })
  }

  /**
   * The handshake is over: keep `rest` (and anything else) until the engine starts. `noGreeting`:
   * the repeater has not greeted, so a greeting that comes first after all is to be dropped.
   */
  hold(rest: Uint8Array, noGreeting = false): void {
    this.early = null
    if (rest.length > 0) this.held = rest
    if (noGreeting) this.sniffed = new Uint8Array(0)
    this.inner.pause()
  }

  /** Passes server bytes to the engine, once past the check for a late greeting. */
  private deliver(chunk: Uint8Array): void {
    if (this.sniffed) {
      const all = Buffer.concat([this.sniffed, chunk])
      if (all.length < REPEATER_GREETING.length) return void (this.sniffed = all)
      this.sniffed = null
      const late = all.subarray(0, REPEATER_GREETING.length).toString('latin1') === REPEATER_GREETING
      chunk = late ? all.subarray(REPEATER_GREETING.length) : all
      if (chunk.length === 0) return
    }
    this.handlers!.data(chunk)
  }

  /** The stream ended: what was held back for the check goes to the engine first. */
  private end(error?: Error): void {
    const rest = this.sniffed
    this.sniffed = null
    if (rest && rest.length > 0) this.handlers!.data(rest)
    this.handlers!.close(error)
  }

  private keep(chunk: Uint8Array): void {
    this.held = this.held ? Buffer.concat([this.held, chunk]) : chunk
  }

  start(handlers: TransportHandlers): void {
    this.handlers = handlers
    const held = this.held
    this.held = null
    if (held) this.deliver(held)
    if (this.closed) this.end(this.closed.error)
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
