import type { Transport, TransportHandlers } from './transport'

/** Bytes of the handshake record/replay.ts recordingStream writes: version, security None, ServerInit with its name. */
function handshakeLength(stream: Uint8Array): number {
  const at = 16 + 20
  if (stream.length < at + 4) return stream.length
  return at + 4 + (((stream[at] << 24) | (stream[at + 1] << 16) | (stream[at + 2] << 8) | stream[at + 3]) >>> 0)
}

/**
 * Plays a recorded stream into the engine as a socket delivers it to a live session, in
 * `chunkSize` pieces: `start` hands over the chunks that hold the handshake (or, if the stream
 * ends inside it, everything and the end), {@link rest} the others one at a time, so the engine
 * parses after every chunk as it does live, instead of once over a queue holding the whole
 * recording, and {@link end} the end. Writes are dropped.
 */
export class ReplayTransport implements Transport {
  readonly description = 'recording'
  private handlers: TransportHandlers | null = null
  private next = 0
  private closed = false
  /** The engine waits for its sink: hold the chunks, as a socket would. */
  private paused = false
  /** Settles {@link rest}'s promise once every chunk is delivered and the engine is not waiting. */
  private drained: (() => void) | null = null

  constructor(
    private readonly stream: Uint8Array,
    private readonly chunkSize: number,
  ) {}

  start(handlers: TransportHandlers): void {
    this.handlers = handlers
    const handshake = handshakeLength(this.stream)
    while (this.next < handshake && this.deliver()) {
      /* the handshake's chunks */
    }
    if (this.next >= this.stream.length) this.end()
  }

  /**
   * The chunks after the handshake's, each on its own; while the engine has paused (an async
   * sink), delivery waits for its resume. Resolves once all are delivered and it is not waiting,
   * so {@link end} follows without cutting off what it still has to parse.
   */
  rest(): Promise<void> {
    const done = new Promise<void>((resolve) => (this.drained = resolve))
    this.flow()
    return done
  }

  private flow(): void {
    while (!this.paused && this.deliver()) {
      /* every chunk on its own */
    }
    if (!this.paused && (this.closed || this.next >= this.stream.length)) {
      const d = this.drained
      this.drained = null
      d?.()
    }
  }

  /** The end of the stream: a hang-up. */
  end(): void {
    if (this.closed) return
    this.closed = true
    this.handlers!.close()
  }

  private deliver(): boolean {
    const o = this.next
    if (this.closed || o >= this.stream.length) return false
    this.next = Math.min(o + this.chunkSize, this.stream.length)
    this.handlers!.data(this.stream.subarray(o, this.next))
    return true
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
    this.paused = false
    this.flow()
  }
}
