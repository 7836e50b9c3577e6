import { constants as bufferConstants } from 'node:buffer'
import { constants, inflateRawSync } from 'node:zlib'
import { type InflateStream, ZlibHeader, zlibError } from './inflate-stream'

/** Deflate's window (RFC 1951 §2): no back-reference reaches further than this. */
const WINDOW = 32768
const EMPTY = new Uint8Array(0)

/** True when `b` ends with the empty stored block a Z_SYNC_FLUSH (or Z_FULL_FLUSH) writes: 00 00 ff ff. */
function endsSyncFlushed(b: Uint8Array): boolean {
  const n = b.length
  return n >= 4 && b[n - 4] === 0 && b[n - 3] === 0 && b[n - 2] === 0xff && b[n - 1] === 0xff
}

/**
 * A persistent zlib stream on Node's native zlib, which has no synchronous streaming inflate.
 * RFB servers sync-flush at the end of every rect (and ZlibHex tile), so each call's input ends
 * on a byte-aligned block boundary: it inflates on its own as raw deflate, with the last 32 KiB
 * of earlier output as the preset dictionary that its back-references may reach into.
 *
 * The 2-byte zlib header (RFC 1950 §2.2) is checked and skipped at the start of the stream; the
 * stream never ends, so there is no Adler-32 trailer to check. Input that does not end with a
 * sync-flush marker cannot be inflated this way (a block would straddle two calls), so from
 * then on the stream continues in `fallback`: a streaming raw inflater primed with the window.
 */
export class NodeInflateStream implements InflateStream {
  private readonly history = new Uint8Array(WINDOW)
  private historyLen = 0
  private readonly header = new ZlibHeader()
  private fallback: InflateStream | null = null
  private readonly first = { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 1 }
  private readonly later = { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 1, dictionary: this.history }

  constructor(private readonly makeFallback: (dictionary: Uint8Array) => InflateStream) {}

  inflate(input: Uint8Array, maxOut: number): Uint8Array {
    let data = input
    if (!this.header.done) data = this.header.skip(data)
    if (this.fallback) return this.fallback.inflate(data, maxOut)
    if (data.length === 0) return EMPTY
    if (!endsSyncFlushed(data)) {
      this.fallback = this.makeFallback(this.history.slice(WINDOW - this.historyLen))
      return this.fallback.inflate(data, maxOut)
    }
    const options = this.historyLen > 0 ? this.later : this.first
    // maxOutputLength makes zlib stop early instead of inflating a bomb; it must be at least 1.
    options.maxOutputLength = Math.max(1, Math.min(maxOut, bufferConstants.MAX_LENGTH))
    if (this.historyLen > 0 && this.historyLen < WINDOW) this.later.dictionary = this.history.subarray(WINDOW - this.historyLen)
    else this.later.dictionary = this.history
    let out: Uint8Array
    try {
      out = inflateRawSync(data, options)
    } catch (err) {
      const code = (err as { code?: string }).code
      if (code === 'ERR_BUFFER_TOO_LARGE') throw zlibError(`zlib data inflates past the ${maxOut} bytes the rect can hold`)
      throw zlibError(`corrupt zlib data: ${err instanceof Error ? err.message : String(err)}`)
    }
    if (out.length > maxOut) throw zlibError(`zlib data inflates past the ${maxOut} bytes the rect can hold`)
    this.remember(out)
    return out
  }

  reset(): void {
    this.historyLen = 0
    this.header.reset()
    this.fallback = null
  }

  /** Keeps the last 32 KiB of output, right-aligned in `history`, as the next call's dictionary. */
  private remember(out: Uint8Array): void {
    const h = this.history
    if (out.length >= WINDOW) {
      h.set(out.subarray(out.length - WINDOW))
      this.historyLen = WINDOW
      return
    }
    const keep = Math.min(this.historyLen, WINDOW - out.length)
    h.copyWithin(WINDOW - out.length - keep, WINDOW - keep)
    h.set(out, WINDOW - out.length)
    this.historyLen = keep + out.length
  }
}
