import { ByteQueue } from '../../../src/main/rfb/byte-queue'
import { AuthFailedError, NetworkError, RfbProtocolError, UnsupportedError } from '../../../src/main/rfb/errors'
import { type HandshakeOptions, type HandshakeResult, runHandshake } from '../../../src/main/rfb/handshake'
import type { CredentialKind, Credentials, HandshakeIo, LinkSecurity, StreamCipher } from '../../../src/main/rfb/security/security-handler'
import type { TlsSessionInfo, TlsUpgradeOptions, Transport } from '../../../src/main/rfb/transport/transport'

export interface TestIoOptions {
  credentials?: (kind: CredentialKind) => Promise<Credentials | null>
  /** Stands in for the transport's TLS upgrade; default: unsupported. */
  startTls?: (options: TlsUpgradeOptions) => Promise<TlsSessionInfo>
  /** Where writes go besides `written` (a real transport). */
  write?: (data: Uint8Array) => void
}

/**
 * A HandshakeIo fed chunk by chunk, with the same rules as the session's: reads wait for
 * enough bytes, a TLS upgrade needs an empty queue, a missing password is an auth failure.
 */
export class TestHandshakeIo implements HandshakeIo {
  private readonly q = new ByteQueue()
  private waiter: { n: number; resolve: (b: Uint8Array) => void; reject: (e: Error) => void } | null = null
  private ended: Error | null = null
  readonly written: Uint8Array[] = []
  readonly credentialRequests: CredentialKind[] = []
  /** How the link was protected at each credentials request, as the handshake said. */
  readonly credentialLinks: (LinkSecurity | undefined)[] = []
  readonly tlsRequests: TlsUpgradeOptions[] = []
  /** Set once a security type wrapped the stream (RSA-AES); `written` then holds what went on the wire. */
  private cipher: StreamCipher | null = null
  /** Plaintext the client wrote after the stream was wrapped. */
  readonly writtenInside: Uint8Array[] = []

  constructor(private readonly opts: TestIoOptions = {}) {}

  push(raw: Uint8Array): void {
    let chunk = raw
    try {
      if (this.cipher) chunk = this.cipher.open(raw)
    } catch (e) {
      // As the session does: a stream that does not authenticate ends the connection.
      return this.end(e as Error)
    }
    this.q.push(Uint8Array.from(chunk))
    const w = this.waiter
    if (w && this.q.has(w.n)) {
      this.waiter = null
      w.resolve(this.take(w.n))
    }
  }

  end(error: Error = new NetworkError('the server closed the connection during the handshake')): void {
    this.ended = error
    const w = this.waiter
    this.waiter = null
    w?.reject(error)
  }

  private take(n: number): Uint8Array {
    const b = this.q.bytes(n).slice()
    this.q.compact()
    return b
  }

  read(n: number): Promise<Uint8Array> {
    if (this.q.has(n)) return Promise.resolve(this.take(n))
    if (this.ended) return Promise.reject(this.ended)
    return new Promise((resolve, reject) => {
      this.waiter = { n, resolve, reject }
    })
  }

  write(plain: Uint8Array): void {
    if (this.cipher) this.writtenInside.push(Uint8Array.from(plain))
    const data = this.cipher ? this.cipher.seal(plain) : plain
    this.written.push(Uint8Array.from(data))
    this.opts.write?.(data)
  }

  encryptStream(cipher: StreamCipher): void {
    if (this.q.length > 0) throw new RfbProtocolError('the server sent data before the encrypted stream began', this.q.position)
    this.cipher = cipher
  }

  async credentials(kind: CredentialKind, link?: LinkSecurity): Promise<Credentials> {
    this.credentialRequests.push(kind)
    this.credentialLinks.push(link)
    const c = await this.opts.credentials?.(kind)
    if (!c) throw new AuthFailedError('a password is required and none was given')
    return c
  }

  get position(): number {
    return this.q.position
  }

  async startTls(options: TlsUpgradeOptions): Promise<TlsSessionInfo> {
    this.tlsRequests.push(options)
    if (this.q.length > 0) throw new RfbProtocolError('the server sent data before the TLS handshake', this.q.position)
    if (!this.opts.startTls) throw new UnsupportedError('TLS is not available over this transport')
    return this.opts.startTls(options)
  }

  /** Everything the client wrote, joined. */
  sent(): Buffer {
    return Buffer.concat(this.written)
  }
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve()
  await new Promise((r) => setImmediate(r))
}

export interface ScriptOutcome {
  result?: HandshakeResult
  error?: Error
  io: TestHandshakeIo
}

/** Runs the handshake against server bytes delivered in `chunks`; the stream then ends. */
export async function runScript(chunks: Uint8Array[], options: Partial<HandshakeOptions> = {}, io = new TestHandshakeIo()): Promise<ScriptOutcome> {
  const done = runHandshake(io, { shared: true, ...options }).then(
    (result) => ({ result }),
    (error: Error) => ({ error }),
  )
  for (const c of chunks) {
    io.push(c)
    await settle()
  }
  io.end()
  return { ...(await done), io }
}

/** Runs the handshake over a real transport, as the session would. */
export function handshakeOver(
  transport: Transport,
  options: Partial<HandshakeOptions> = {},
  ioOptions: TestIoOptions = {},
): { io: TestHandshakeIo; done: Promise<HandshakeResult> } {
  const io = new TestHandshakeIo({
    ...ioOptions,
    write: (d) => transport.write(d),
    startTls: transport.startTls ? (o) => transport.startTls!(o) : undefined,
  })
  transport.start({ data: (c) => io.push(c), close: (e) => io.end(e ?? new NetworkError('the server closed the connection')) })
  return { io, done: runHandshake(io, { shared: true, ...options }) }
}
