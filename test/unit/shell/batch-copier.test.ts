import { describe, expect, it } from 'vitest'
import type { FrameBatch } from '../../../src/shared/ops'
import { BatchCopier } from '../../../src/main/shell/batch-copier'

/** A batch whose buffers are views into larger memory, as the BatchSink lends them. */
function batch(seq: number, pixelBytes: number, fill: number): FrameBatch {
  const memory = new Uint8Array(pixelBytes + 64).fill(0xee)
  memory.fill(fill, 8, 8 + pixelBytes)
  const ops = new Int32Array(32)
  ops.set([3, 0, 0, 1, pixelBytes / 4, 0, 0, 0])
  return { sessionId: 's', seq, ops: ops.subarray(0, 8), pixels: memory.subarray(8, 8 + pixelBytes), images: memory.subarray(0, 0) }
}

describe('BatchCopier', () => {
  it('copies every buffer into exact-size memory of its own, bytes unchanged', () => {
    const b = batch(1, 16, 7)
    const c = new BatchCopier().copy(b)
    expect(c.seq).toBe(1)
    expect(c.sessionId).toBe('s')
    expect(c.ops.buffer.byteLength).toBe(32)
    expect(c.pixels.buffer.byteLength).toBe(16)
    expect(c.images.buffer.byteLength).toBe(0)
    expect([...c.ops]).toEqual([...b.ops])
    expect([...c.pixels]).toEqual(new Array(16).fill(7))
    expect(c.pixels.buffer).not.toBe(b.pixels.buffer)
  })

  it('reuses the memory of the last copy of the same size, and never of another size', () => {
    const copier = new BatchCopier()
    const first = copier.copy(batch(1, 16, 1))
    // What structured clone would have sent for the first batch, taken before the next copy.
    const sentFirst = structuredClone(first)
    const other = copier.copy(batch(2, 48, 2))
    expect(other.pixels.buffer).not.toBe(first.pixels.buffer)
    expect([...other.pixels]).toEqual(new Array(48).fill(2))
    const second = copier.copy(batch(3, 16, 3))
    expect(second.pixels.buffer).toBe(first.pixels.buffer)
    expect([...second.pixels]).toEqual(new Array(16).fill(3))
    expect([...sentFirst.pixels]).toEqual(new Array(16).fill(1))
  })

  it('keeps memory for a few sizes only', () => {
    const copier = new BatchCopier()
    const first = copier.copy(batch(1, 4, 1)).pixels.buffer
    // Six other sizes push the first one out (ops and images take slots of their own sizes too).
    for (let i = 2; i <= 8; i++) copier.copy(batch(i, 4 * 100 * i, i))
    expect(copier.copy(batch(9, 4, 9)).pixels.buffer).not.toBe(first)
  })
})

describe('BatchCopier, buffers of one batch', () => {
  it('gives two buffers of the same size in one batch memory of their own', () => {
    const copier = new BatchCopier()
    copier.copy(batch(1, 32, 1)) // leaves a 32-byte spare (ops and pixels are both 32 bytes)
    const c = copier.copy(batch(2, 32, 2))
    expect(c.ops.buffer).not.toBe(c.pixels.buffer)
    expect([...c.ops]).toEqual([3, 0, 0, 1, 8, 0, 0, 0])
    expect([...c.pixels]).toEqual(new Array(32).fill(2))
  })
})
