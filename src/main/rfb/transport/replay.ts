import type { Transport, TransportHandlers } from './transport'

/**
 * Plays a recorded server stream into the engine as if from a socket: all chunks at once, in
 * socket-sized pieces so decoders see chunk boundaries as they would live, then the end of the
 * stream (so a recording cut inside the handshake fails at once). Writes are dropped.
 */
export class ReplayTransport implements Transport {
  readonly description = 'recording'

  constructor(
    private readonly stream: Uint8Array,
    private readonly chunkSize = 64 * 1024,
  ) {}

  start(handlers: TransportHandlers): void {
    for (let o = 0; o < this.stream.length; o += this.chunkSize) {
      handlers.data(this.stream.subarray(o, Math.min(o + this.chunkSize, this.stream.length)))
    }
    handlers.close()
  }

  write(): void {}
  pause(): void {}
  resume(): void {}
  close(): void {}
}
