import type { Transport, TransportHandlers } from '../../src/main/rfb/transport/transport'

/** A scripted server: tests push server bytes in chosen chunks and read what the client wrote. */
export class FakeTransport implements Transport {
  readonly description = 'fake'
  handlers: TransportHandlers | null = null
  readonly written: Uint8Array[] = []
  closed = false

  start(handlers: TransportHandlers): void {
    this.handlers = handlers
  }

  /** Delivers server bytes, one chunk per call. */
  serve(...chunks: Uint8Array[]): void {
    for (const c of chunks) this.handlers!.data(c)
  }

  /** Everything the client wrote so far, joined. */
  sent(): Buffer {
    return Buffer.concat(this.written)
  }

  /** Ends the stream as a server would. */
  end(error?: Error): void {
    this.handlers!.close(error)
  }

  write(data: Uint8Array): void {
    this.written.push(Uint8Array.from(data))
  }

  /** Whether the engine asked for backpressure (pause without a resume yet). */
  paused = false

  pause(): void {
    this.paused = true
  }

  resume(): void {
    this.paused = false
  }

  /** Like a socket, closing reports a close back to the engine. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.handlers?.close()
  }
}

/** Lets pending promise callbacks (the async handshake) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve()
  await new Promise((r) => setImmediate(r))
}
