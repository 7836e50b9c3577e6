import type { Transport, TransportHandlers } from './transport'

/**
 * A transport its owner feeds by hand (a recording's player): `push` hands a chunk to the engine
 * now, or keeps it while the engine has paused (its sink is busy), as a socket would. The chunks
 * kept are views of the recording the player holds anyway, so waiting costs no copy.
 */
export class PushTransport implements Transport {
  readonly description = 'recording'
  private handlers: TransportHandlers | null = null
  private readonly held: Uint8Array[] = []
  private closed = false
  paused = false

  start(handlers: TransportHandlers): void {
    this.handlers = handlers
    this.flow()
  }

  push(chunk: Uint8Array): void {
    if (this.closed || chunk.length === 0) return
    this.held.push(chunk)
    this.flow()
  }

  /** Chunks given but not yet delivered (the engine waits for its sink). */
  get waiting(): number {
    return this.held.length
  }

  write(): void {}

  pause(): void {
    this.paused = true
  }

  resume(): void {
    if (!this.paused) return
    this.paused = false
    // Not from inside the engine's own call: it resumes before it parses what it holds.
    queueMicrotask(() => this.flow())
  }

  close(): void {
    this.closed = true
    this.held.length = 0
  }

  private flow(): void {
    while (this.handlers && !this.paused && !this.closed && this.held.length > 0) this.handlers.data(this.held.shift()!)
  }
}
