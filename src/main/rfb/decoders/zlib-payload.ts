import type { ErrorCode } from '@shared/error-codes'
import type { ByteQueue } from '../byte-queue'
import { RfbProtocolError } from '../errors'
import type { InflateStream } from '../zlib/inflate-stream'

const EMPTY = new Uint8Array(0)

/**
 * The most compressed bytes a rect may announce when it inflates to at most `maxOut` bytes.
 * Deflate never needs close to twice its input, so anything above this is hostile, and the
 * decoder refuses it before buffering a byte of it.
 */
export function zlibInputLimit(maxOut: number): number {
  return maxOut * 2 + 4096
}

/**
 * Hands out the next `n` queued bytes as one contiguous view: the chunk itself when they lie in
 * one, else a copy in a buffer the reader owns and reuses, so steady state allocates nothing.
 * The view is valid until the next read or queue compaction.
 */
export class PayloadReader {
  /** Grown when a payload first spans chunks. */
  private buf = EMPTY
  private first: Uint8Array = EMPTY
  private want = 0
  private filled = 0
  private views = 0
  private readonly collect = (view: Uint8Array): void => {
    if (this.views++ === 0) {
      this.first = view
      return
    }
    if (this.views === 2) {
      // Only a payload split across chunks needs the buffer, so only then may it grow.
      if (this.buf.length < this.want) this.buf = new Uint8Array(Math.max(this.want, this.buf.length * 2))
      this.buf.set(this.first, 0)
      this.filled = this.first.length
    }
    this.buf.set(view, this.filled)
    this.filled += view.length
  }

  read(q: ByteQueue, n: number): Uint8Array {
    if (n === 0) return EMPTY
    this.want = n
    this.views = 0
    this.filled = 0
    q.forEachView(n, this.collect)
    const out = this.views === 1 ? this.first : this.buf.subarray(0, n)
    this.first = EMPTY
    return out
  }
}

/**
 * Inflates; a stream error (which knows no stream offset) is raised again under the encoding's
 * name and code at the stream offset `at`, with the stream's error as its `cause`.
 */
export function inflateChecked(stream: InflateStream, input: Uint8Array, maxOut: number, encoding: string, code: ErrorCode, at: number): Uint8Array {
  try {
    return stream.inflate(input, maxOut)
  } catch (err) {
    if (err instanceof RfbProtocolError && err.offset < 0) throw new RfbProtocolError(`${encoding}: ${err.detail}`, at, code, { cause: err })
    throw err
  }
}
