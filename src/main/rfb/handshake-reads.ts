import type { ByteQueue } from './byte-queue'
import { NetworkError } from './errors'
import { HANDSHAKE_READ_AHEAD, type ReadGate } from './read-gate'

/** What the handshake's reads need of their session. */
export interface HandshakeReadsSession {
  /** Whether the session has closed (a read then fails at once). */
  closed(): boolean
  /** Ends the session with `err`. */
  fail(err: Error): void
}

/**
 * The handshake's `readExactly(n)` over the session's byte queue: a read resolves at once from
 * what is buffered, or waits for the session to report more (`arrived`). Between reads the
 * transport runs only until HANDSHAKE_READ_AHEAD bytes are buffered: a step may wait minutes for
 * a person, and reading that far ahead notices a server that hangs up meanwhile without letting
 * a flooding one fill memory.
 */
export class HandshakeReads {
  private waiter: { n: number; resolve: (b: Uint8Array) => void; reject: (e: Error) => void } | null = null
  /** The transport ended while the handshake still had buffered bytes to read; the next read past them fails with it. */
  ended: Error | null = null

  constructor(
    private readonly q: ByteQueue,
    private readonly gate: ReadGate,
    private readonly session: HandshakeReadsSession,
  ) {}

  /** Whether a read is waiting for bytes that have not arrived. */
  get waiting(): boolean {
    return this.waiter !== null
  }

  /** The next `n` bytes (a copy of their own), once they are in. */
  read(n: number): Promise<Uint8Array> {
    const q = this.q
    return new Promise<Uint8Array>((resolve, reject) => {
      if (this.session.closed()) return reject(new NetworkError('connection closed'))
      if (q.has(n)) {
        resolve(new Uint8Array(q.bytes(n)))
        q.compact()
      } else if (this.ended) {
        this.session.fail(this.ended)
        reject(this.ended)
      } else {
        this.waiter = { n, resolve, reject }
        this.gate.release('handshake')
      }
    })
  }

  /** The session queued more bytes: settle a waiting read they complete, and stop reading far ahead. */
  arrived(): void {
    const w = this.waiter
    if (w && this.q.has(w.n)) {
      this.waiter = null
      // A copy: the queue may fill the bytes' memory again before the handshake is done with them.
      const b = new Uint8Array(this.q.bytes(w.n))
      this.q.compact()
      w.resolve(b)
    }
    // Between reads take in at most HANDSHAKE_READ_AHEAD (plus a chunk), then TCP holds the server back.
    if (!this.waiter && this.q.length >= HANDSHAKE_READ_AHEAD) this.gate.hold('handshake')
  }

  /** Fails a waiting read with `error` (the session closed). */
  abandon(error: Error): void {
    const w = this.waiter
    this.waiter = null
    w?.reject(error)
  }
}
