import { NetworkError } from '../rfb/errors'
import type { Transport } from '../rfb/transport/transport'

/**
 * Exact reads over a started transport for the proxy's handshake (`await read(n)`), then a hand
 * over of everything after it to a synchronous consumer. One reader per side of the proxy.
 */
export class StreamReader {
  private chunks: Buffer[] = []
  private length = 0
  private waiter: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null
  private ended: Error | null = null
  private consumer: { data(chunk: Uint8Array): void; close(error?: Error): void } | null = null
  /** Called when what was written has left (backpressure on this side's writes). */
  onDrain: (() => void) | null = null

  constructor(
    readonly transport: Transport,
    /** "viewer" or "server", for messages. */
    readonly side: string,
  ) {
    transport.start({
      data: (chunk) => (this.consumer ? this.consumer.data(chunk) : this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length))),
      close: (error) => this.close(error),
      drain: () => this.onDrain?.(),
    })
  }

  private push(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.length += chunk.length
    this.settle()
  }

  private close(error?: Error): void {
    if (this.consumer) return this.consumer.close(error)
    this.ended ??= error ?? new NetworkError(`the ${this.side} closed the connection`, 'RFB_ERR_CONNECTION_RESET')
    this.settle()
  }

  private settle(): void {
    const w = this.waiter
    if (!w) return
    if (this.length >= w.n) {
      this.waiter = null
      w.resolve(this.take(w.n))
    } else if (this.ended) {
      this.waiter = null
      w.reject(this.ended)
    }
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks)
    this.chunks = n < all.length ? [all.subarray(n)] : []
    this.length -= n
    return all.subarray(0, n)
  }

  /** Exactly `n` bytes, or the side's close (one read at a time). */
  read(n: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiter = { n, resolve, reject }
      this.settle()
    })
  }

  async u8(): Promise<number> {
    return (await this.read(1))[0]
  }

  async u32(): Promise<number> {
    return (await this.read(4)).readUInt32BE(0)
  }

  /** From now on `consumer` gets every byte (those already buffered first) and the close. */
  handOver(consumer: { data(chunk: Uint8Array): void; close(error?: Error): void }): void {
    this.consumer = consumer
    const rest = this.chunks
    this.chunks = []
    this.length = 0
    for (const c of rest) consumer.data(c)
    if (this.ended) consumer.close(this.ended)
  }
}
