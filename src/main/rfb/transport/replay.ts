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

  /** The chunks after the handshake's; {@link end} follows. */
  rest(): void {
    while (this.deliver()) {
      /* every chunk on its own */
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
  pause(): void {}
  resume(): void {}
  close(): void {
    this.closed = true
  }
}
