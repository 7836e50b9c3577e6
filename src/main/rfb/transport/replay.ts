import type { Transport, TransportHandlers } from './transport'

/**
 * Plays a recorded server stream into the engine as if from a socket: all chunks at once, in
 * socket-sized pieces so decoders see chunk boundaries as they would live. Writes are dropped.
 * It never reports an end: the replayer decides what the end of the recording means.
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
  }

  write(): void {}
  pause(): void {}
  resume(): void {}
  close(): void {}
}
