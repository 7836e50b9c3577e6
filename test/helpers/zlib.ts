import { constants, createDeflate } from 'node:zlib'
import { Deflate, Z_SYNC_FLUSH } from 'pako'

/**
 * One persistent zlib stream as an RFB server keeps it: every `chunk` is deflated and
 * sync-flushed, so it inflates completely on the client (pako's deflater: synchronous).
 */
export class SyncDeflater {
  private readonly d: Deflate
  private pending: Uint8Array[] = []

  constructor(level = 6) {
    this.d = new Deflate({ level })
    this.d.onData = (c: Uint8Array) => this.pending.push(c)
  }

  chunk(data: Uint8Array): Uint8Array {
    this.d.push(data, Z_SYNC_FLUSH)
    const out = Buffer.concat(this.pending)
    this.pending = []
    return new Uint8Array(out)
  }
}

/** The same with Node's own zlib (an independent deflater), one sync-flushed chunk per part. */
export async function nodeDeflateChunks(parts: Uint8Array[], level = 6): Promise<Uint8Array[]> {
  const d = createDeflate({ level })
  const got: Buffer[] = []
  d.on('data', (c: Buffer) => got.push(c))
  const out: Uint8Array[] = []
  for (const p of parts) {
    d.write(p)
    await new Promise<void>((resolve) => d.flush(constants.Z_SYNC_FLUSH, () => resolve()))
    out.push(new Uint8Array(Buffer.concat(got.splice(0))))
  }
  d.close()
  return out
}
