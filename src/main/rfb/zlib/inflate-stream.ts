import { RfbProtocolError } from '../errors'

/**
 * One persistent zlib stream, as RFB encodings keep per connection (Zlib: 1, ZRLE: 1, Tight: 4).
 * Servers sync-flush at the end of each rect, so all of a rect's output is available once its
 * compressed bytes are in.
 */
export interface InflateStream {
  /**
   * Inflates `input` (the next compressed bytes of the stream) and returns everything it
   * produced, as a view valid until the next call. More than `maxOut` bytes is a protocol error.
   */
  inflate(input: Uint8Array, maxOut: number): Uint8Array
  /** Starts a fresh stream (Tight's reset bits, a new connection). */
  reset(): void
}

/** A corrupt or oversized zlib stream; the caller's decoder adds where in the server stream. */
export function zlibError(message: string): RfbProtocolError {
  return new RfbProtocolError(message, -1, 'RFB_ERR_ZLIB')
}

/**
 * The 2-byte zlib header (RFC 1950 §2.2) at the start of an RFB zlib stream, checked and skipped
 * by the streams that inflate raw deflate: CMF (method 8, window <= 32 KiB) and FLG (check bits,
 * no preset dictionary). It may arrive split across calls.
 */
export class ZlibHeader {
  private left = 2
  private cmf = 0

  get done(): boolean {
    return this.left === 0
  }

  reset(): void {
    this.left = 2
  }

  /** Consumes what is left of the header from the start of `data`; returns the rest. */
  skip(data: Uint8Array): Uint8Array {
    let i = 0
    while (this.left > 0 && i < data.length) {
      const b = data[i++]
      if (this.left === 2) {
        if ((b & 0x0f) !== 8 || b >> 4 > 7) throw zlibError(`not a zlib stream (CMF byte 0x${b.toString(16)})`)
        this.cmf = b
      } else {
        if ((this.cmf * 256 + b) % 31 !== 0) throw zlibError('zlib header check bits are wrong')
        if (b & 0x20) throw zlibError('zlib stream asks for a preset dictionary, which RFB never uses')
      }
      this.left--
    }
    return i === 0 ? data : data.subarray(i)
  }
}
