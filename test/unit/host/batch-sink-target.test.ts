import { describe, expect, it } from 'vitest'
import { BatchSink } from '../../../src/main/host/batch-sink'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import type { FrameBatch } from '../../../src/shared/ops'
import { applyBatch } from '../../helpers/batch-applier'
import { hex } from '../../helpers/feed'

// Decoders writing into the batch through pixelTarget, stream by stream and in every pixel
// format, are checked in test/unit/decoders/sink-targets.test.ts.

describe('BatchSink.pixelTarget', () => {
  it('records a Pixels op and lends its packed memory right after the earlier pixels, kept when it grows', () => {
    const batches: FrameBatch[] = []
    const sink = new BatchSink({ sessionId: 's', onBatch: (b) => batches.push(b), onCursor: () => {} })
    sink.resize(300, 300)
    sink.pixels(0, 0, 1, 1, Uint32Array.of(0xff0000ff))
    const t = sink.pixelTarget(1, 2, 3, 2)!
    expect([t.offset, t.stride]).toEqual([1, 3])
    for (let i = 0; i < 6; i++) t.words[t.offset + i] = 0xff000000 + i
    // More than the batch's first buffer holds: it grows under the first target's pixels.
    const big = sink.pixelTarget(0, 10, 200, 200)!
    expect(big.offset).toBe(7)
    big.words.fill(0xffffffff, big.offset, big.offset + 200 * 200)
    void sink.endUpdate()
    const b = batches[0]
    expect(Array.from(b.ops.subarray(16, 24))).toEqual([3, 1, 2, 3, 2, 1, 0, 0])
    expect(Array.from(b.ops.subarray(24, 32))).toEqual([3, 0, 10, 200, 200, 7, 0, 0])
    const fb = new FramebufferSink()
    applyBatch(fb, b)
    expect(hex(fb.words[0])).toBe(hex(0xff0000ff))
    expect(Array.from(fb.words.subarray(2 * 300 + 1, 2 * 300 + 4)).map(hex)).toEqual([0xff000000, 0xff000001, 0xff000002].map(hex))
    expect(Array.from(fb.words.subarray(3 * 300 + 1, 3 * 300 + 4)).map(hex)).toEqual([0xff000003, 0xff000004, 0xff000005].map(hex))
    expect(hex(fb.words[209 * 300 + 199])).toBe(hex(0xffffffff))
  })
})
