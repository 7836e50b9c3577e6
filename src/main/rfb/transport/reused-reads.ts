import type { OnReadOpts } from 'node:net'

/** The read buffer's size: as much as Node reads at once by default. */
export const READ_BUFFER_BYTES = 64 * 1024

/**
 * A socket's reads into one buffer used again for every read (net's `onread` option), instead of
 * the fresh Buffer per read Node hands out by default: at 8 MB a full-screen update those were
 * ~128 new external allocations per update, collected by V8 (docs/performance.md). Give
 * {@link option} to `net.connect`; each read then reaches {@link deliver} as a view of the buffer,
 * valid only during the call. `pause()` and `resume()` work as with `data` events: a paused
 * socket stops reading at once.
 */
export class ReusedReads {
  private readonly buffer = new Uint8Array(READ_BUFFER_BYTES)
  /** Where reads go; set by the transport. */
  deliver: (view: Uint8Array) => void = () => {}
  readonly option: OnReadOpts = {
    buffer: this.buffer,
    callback: (bytes: number) => {
      this.deliver(this.buffer.subarray(0, bytes))
      return true
    },
  }
}
