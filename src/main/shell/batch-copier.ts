import type { FrameBatch } from '@shared/ops'

/** Scratch buffers kept for reuse: a few frame sizes (full frames of a session or two). */
const MAX_SPARES = 6

/**
 * Exact-size copies of a batch's buffers for Electron IPC. Structured clone sends a typed
 * array's whole ArrayBuffer, so the sink's reusable (larger) memory cannot go as it is; but
 * `webContents.send` clones its arguments before it returns, so the copy is free again at
 * once and the next batch of the same size can use the same memory. A fresh 8 MB ArrayBuffer
 * per full frame costs page faults, zeroing and, at tens of frames a second, V8 garbage
 * collections that the copy itself does not (`tessera bench --frames`: "copy (detachBatch)"
 * against "copy into reused memory"). Only for a consumer that is done with the copy when its
 * call returns.
 */
export class BatchCopier {
  private readonly spares = new Map<number, ArrayBuffer>()

  /** The batch with its buffers copied into exact-size memory, valid until the next copy of the same size. */
  copy(batch: FrameBatch): FrameBatch {
    // Taken out while this batch is copied, so two of its buffers of one size never share memory.
    const ops = this.take(batch.ops)
    const pixels = this.take(batch.pixels)
    const images = this.take(batch.images)
    for (const buf of [ops, pixels, images]) {
      // Most recently used last; the oldest size goes first.
      this.spares.set(buf.byteLength, buf)
      if (this.spares.size > MAX_SPARES) this.spares.delete(this.spares.keys().next().value!)
    }
    return { sessionId: batch.sessionId, seq: batch.seq, ops: new Int32Array(ops), pixels: new Uint8Array(pixels), images: new Uint8Array(images) }
  }

  private take(src: Int32Array | Uint8Array): ArrayBuffer {
    const n = src.byteLength
    let buf = this.spares.get(n)
    if (buf) this.spares.delete(n)
    else buf = new ArrayBuffer(n)
    new Uint8Array(buf).set(new Uint8Array(src.buffer, src.byteOffset, n))
    return buf
  }
}
