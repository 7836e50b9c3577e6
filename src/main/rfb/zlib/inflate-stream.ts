import { Inflate, Z_SYNC_FLUSH } from 'pako'
import { RfbProtocolError } from '../errors'
import { nativeInflateAvailable, NativeInflateStream } from './native-inflate-stream'
import { NodeInflateStream } from './node-inflate-stream'

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

/** How a {@link PakoInflateStream} starts: raw deflate (no zlib header) primed with a window. */
export interface PakoStreamOptions {
  raw?: boolean
  dictionary?: Uint8Array
}

/** pako-backed stream: portable, and the baseline the faster implementations are measured against. */
export class PakoInflateStream implements InflateStream {
  private inflater: Inflate
  private out = new Uint8Array(64 * 1024)
  private outLen = 0
  private maxOut = 0

  constructor(private readonly options: PakoStreamOptions = {}) {
    this.inflater = this.create()
  }

  private create(): Inflate {
    const { raw = false, dictionary = new Uint8Array(0) } = this.options
    const inf = new Inflate({ chunkSize: 64 * 1024, raw, dictionary })
    inf.onData = (chunk: Uint8Array) => this.append(chunk)
    return inf
  }

  private append(chunk: Uint8Array): void {
    const need = this.outLen + chunk.length
    if (need > this.maxOut) throw new RfbProtocolError(`zlib data inflates past the ${this.maxOut} bytes the rect can hold`, -1, 'RFB_ERR_ZLIB')
    if (need > this.out.length) {
      const grown = new Uint8Array(Math.max(need, this.out.length * 2))
      grown.set(this.out.subarray(0, this.outLen))
      this.out = grown
    }
    this.out.set(chunk, this.outLen)
    this.outLen = need
  }

  inflate(input: Uint8Array, maxOut: number): Uint8Array {
    this.outLen = 0
    this.maxOut = maxOut
    this.inflater.push(input, Z_SYNC_FLUSH)
    if (this.inflater.err) {
      throw new RfbProtocolError(`corrupt zlib data: ${this.inflater.msg || this.inflater.err}`, -1, 'RFB_ERR_ZLIB')
    }
    return this.out.subarray(0, this.outLen)
  }

  reset(): void {
    this.inflater = this.create()
  }
}

/**
 * The implementation the decoders use, chosen by bench/zlib-streams.run.ts: Node's native zlib
 * inflated 1000-1700 MB/s on desktop-like rects of 16 KiB and more, pako 190-360 and fflate
 * 70-540. One persistent native inflater ({@link NativeInflateStream}) is faster still, most of
 * all on small rects; where Node lacks the handle it drives, a fresh native inflate per call.
 */
export function createInflateStream(): InflateStream {
  if (nativeInflateAvailable()) return new NativeInflateStream()
  return new NodeInflateStream((dictionary) => new PakoInflateStream({ raw: true, dictionary }))
}
