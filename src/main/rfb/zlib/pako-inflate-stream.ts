import { Inflate, Z_SYNC_FLUSH } from 'pako'
import { RfbProtocolError } from '../errors'
import type { InflateStream } from './inflate-stream'

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
