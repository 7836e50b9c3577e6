import { afterEach, describe, expect, it, vi } from 'vitest'
import { BatchSink, detachBatch } from '../../../src/main/host/batch-sink'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { type CursorImage, type FrameBatch, OP_INTS, OpCode, VideoFlag, videoFields, videoWord } from '../../../src/shared/ops'
import { applyBatch } from '../../helpers/batch-applier'

function sinkWithLog(ackTimeoutMs = 5_000, maxInFlight?: number) {
  const batches: FrameBatch[] = []
  const cursors: (CursorImage | null)[] = []
  const sink = new BatchSink({
    sessionId: 's1',
    ackTimeoutMs,
    maxInFlight,
    // Batches are views valid until acked: keep copies, as a transport does.
    onBatch: (b) => batches.push(detachBatch(b)),
    onCursor: (c) => cursors.push(c),
  })
  return { sink, batches, cursors }
}

const rgba = (...words: number[]): Uint32Array => Uint32Array.from(words)

afterEach(() => {
  vi.useRealTimers()
})

describe('BatchSink', () => {
  it('packs Open H.264 rects like images, in op order, with their context and flags', () => {
    const { sink, batches } = sinkWithLog()
    sink.image(0, 0, 2, 2, 'jpeg', Uint8Array.of(0xff, 0xd8))
    sink.video(16, 8, 64, 32, 5, VideoFlag.ResetContext, Uint8Array.of(0, 0, 1, 0x65))
    sink.video(0, 0, 0, 0, 0, VideoFlag.ResetAll, new Uint8Array(0))
    void sink.endUpdate()
    const b = batches[0]
    expect([...b.ops.subarray(OP_INTS, OP_INTS * 3)]).toEqual([
      OpCode.Video,
      16,
      8,
      64,
      32,
      2,
      4,
      videoWord(5, VideoFlag.ResetContext),
      OpCode.Video,
      0,
      0,
      0,
      0,
      6,
      0,
      videoWord(0, VideoFlag.ResetAll),
    ])
    expect([...b.images]).toEqual([0xff, 0xd8, 0, 0, 1, 0x65])
    expect(videoFields(b.ops[OP_INTS + 7])).toEqual({ context: 5, flags: VideoFlag.ResetContext })
  })

  it('packs one update into exact op records, pixels and images', () => {
    const { sink, batches } = sinkWithLog()
    sink.resize(16, 8)
    sink.fill(1, 2, 3, 4, 0xff112233)
    sink.copy(5, 6, 7, 0, 2, 1)
    sink.pixels(0, 0, 2, 1, rgba(0xff0000ff, 0xff00ff00))
    sink.image(4, 4, 2, 2, 'jpeg', Uint8Array.of(0xff, 0xd8, 0xff))
    sink.pixels(3, 3, 1, 1, rgba(0xffff0000))
    sink.image(8, 0, 1, 1, 'png', Uint8Array.of(0x89, 0x50))
    void sink.endUpdate()

    expect(batches).toHaveLength(1)
    const b = batches[0]
    expect(b.sessionId).toBe('s1')
    expect(b.seq).toBe(1)
    expect([...b.ops]).toEqual([
      5,
      0,
      0,
      16,
      8,
      0,
      0,
      0,
      1,
      1,
      2,
      3,
      4,
      0xff112233 | 0,
      0,
      0,
      2,
      7,
      0,
      2,
      1,
      5,
      6,
      0,
      3,
      0,
      0,
      2,
      1,
      0,
      0,
      0,
      4,
      4,
      4,
      2,
      2,
      0,
      3,
      0,
      3,
      3,
      3,
      1,
      1,
      2,
      0,
      0,
      4,
      8,
      0,
      1,
      1,
      3,
      2,
      1,
    ])
    // RGBA words become R,G,B,A bytes with no conversion.
    expect([...b.pixels]).toEqual([0xff, 0, 0, 0xff, 0, 0xff, 0, 0xff, 0, 0, 0xff, 0xff])
    expect([...b.images]).toEqual([0xff, 0xd8, 0xff, 0x89, 0x50])
  })

  it('emits nothing for an update that drew nothing, and does not hold the engine', () => {
    const { sink, batches } = sinkWithLog()
    expect(sink.endUpdate()).toBeUndefined()
    expect(batches).toHaveLength(0)
  })

  it('stop-and-wait (maxInFlight 1) holds the next update request until the batch is acked', async () => {
    const { sink } = sinkWithLog(5_000, 1)
    sink.fill(0, 0, 1, 1, 0)
    let released = false
    const done = sink.endUpdate()!.then(() => (released = true))
    await Promise.resolve()
    expect(released).toBe(false)
    sink.ack(0) // an older seq does not count
    await Promise.resolve()
    expect(released).toBe(false)
    sink.ack(1)
    await done
    expect(released).toBe(true)
    expect(sink.ackLatencyMs).toBeGreaterThanOrEqual(0)
  })

  it('carries on after the ack timeout, so a lost ack cannot freeze the session', async () => {
    vi.useFakeTimers()
    const { sink } = sinkWithLog(5_000, 1)
    sink.fill(0, 0, 1, 1, 0)
    let released = false
    const done = sink.endUpdate()!.then(() => (released = true))
    await vi.advanceTimersByTimeAsync(4_999)
    expect(released).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await done
    expect(sink.ackTimeouts).toBe(1)
  })

  it('runs one batch ahead by default: the second unacked batch holds the engine until the first is acked', async () => {
    const { sink, batches } = sinkWithLog()
    sink.fill(0, 0, 1, 1, 0)
    expect(sink.endUpdate()).toBeUndefined()
    sink.fill(0, 0, 1, 1, 1)
    let released = false
    const done = sink.endUpdate()!.then(() => (released = true))
    await Promise.resolve()
    expect(released).toBe(false)
    sink.ack(1)
    await done
    expect(released).toBe(true)
    expect(batches.map((b) => b.seq)).toEqual([1, 2])
  })

  it('an ack covers every earlier batch', async () => {
    const { sink } = sinkWithLog(5_000, 3)
    for (let i = 0; i < 2; i++) {
      sink.fill(0, 0, 1, 1, i)
      expect(sink.endUpdate()).toBeUndefined()
    }
    sink.fill(0, 0, 1, 1, 2)
    const done = sink.endUpdate()!
    expect(done).toBeInstanceOf(Promise)
    sink.ack(2)
    await done
    // Only batch 3 is left in flight: two more fit before the engine waits again.
    sink.fill(0, 0, 1, 1, 3)
    expect(sink.endUpdate()).toBeUndefined()
    sink.fill(0, 0, 1, 1, 4)
    expect(sink.endUpdate()).toBeInstanceOf(Promise)
  })

  it('a batch in flight keeps its memory while the next update is decoded; acked memory is reused', () => {
    // A consumer that keeps the views it was given, as a zero-copy transport would.
    const kept: FrameBatch[] = []
    const sink = new BatchSink({ sessionId: 's', onBatch: (b) => kept.push(b), onCursor: () => {} })
    sink.pixels(0, 0, 2, 1, rgba(0x11111111, 0x22222222))
    void sink.endUpdate()
    sink.pixels(0, 0, 2, 1, rgba(0x33333333, 0x44444444))
    void sink.endUpdate()
    expect([...kept[0].pixels]).toEqual([0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22])
    expect([...kept[1].pixels]).toEqual([0x33, 0x33, 0x33, 0x33, 0x44, 0x44, 0x44, 0x44])
    expect(kept[1].pixels.buffer).not.toBe(kept[0].pixels.buffer)
    expect(kept[1].ops.buffer).not.toBe(kept[0].ops.buffer)
    sink.ack(1)
    sink.pixels(0, 0, 1, 1, rgba(0x55555555))
    void sink.endUpdate()
    expect(kept[2].pixels.buffer).toBe(kept[0].pixels.buffer)
    expect([...kept[1].pixels]).toEqual([0x33, 0x33, 0x33, 0x33, 0x44, 0x44, 0x44, 0x44])
  })

  it('never reuses the memory of a batch whose ack timed out', async () => {
    vi.useFakeTimers()
    const kept: FrameBatch[] = []
    const sink = new BatchSink({ sessionId: 's', ackTimeoutMs: 100, maxInFlight: 1, onBatch: (b) => kept.push(b), onCursor: () => {} })
    sink.pixels(0, 0, 1, 1, rgba(0x11111111))
    const done = sink.endUpdate()!
    await vi.advanceTimersByTimeAsync(100)
    await done
    expect(sink.ackTimeouts).toBe(1)
    sink.ack(1) // late: changes nothing
    sink.pixels(0, 0, 1, 1, rgba(0x22222222))
    void sink.endUpdate()
    expect(kept[1].pixels.buffer).not.toBe(kept[0].pixels.buffer)
    expect([...kept[0].pixels]).toEqual([0x11, 0x11, 0x11, 0x11])
  })

  it('forgetInFlight (the session moved to another window) releases a waiting engine at once and keeps counting', async () => {
    const kept: FrameBatch[] = []
    const sink = new BatchSink({ sessionId: 's', ackTimeoutMs: 60_000, onBatch: (b) => kept.push(b), onCursor: () => {} })
    sink.pixels(0, 0, 1, 1, rgba(0x11111111))
    expect(sink.endUpdate()).toBeUndefined()
    sink.pixels(0, 0, 1, 1, rgba(0x22222222))
    let released = false
    const done = sink.endUpdate()!.then(() => (released = true))
    await Promise.resolve()
    expect(released).toBe(false)
    sink.forgetInFlight()
    await done
    // Two slots free again, numbering goes on, and the forgotten batches' memory is never reused.
    sink.pixels(0, 0, 1, 1, rgba(0x33333333))
    expect(sink.endUpdate()).toBeUndefined()
    expect(kept.map((b) => b.seq)).toEqual([1, 2, 3])
    expect(kept[2].pixels.buffer).not.toBe(kept[0].pixels.buffer)
    expect(kept[2].pixels.buffer).not.toBe(kept[1].pixels.buffer)
    expect([...kept[1].pixels]).toEqual([0x22, 0x22, 0x22, 0x22])
    // The new window acks what it received; an ack of a forgotten batch changes nothing.
    sink.ack(1)
    sink.ack(3)
    expect(sink.ackTimeouts).toBe(0)
  })

  it('dispose releases a waiting engine and drops later updates', async () => {
    const { sink, batches } = sinkWithLog(5_000, 1)
    sink.fill(0, 0, 1, 1, 0)
    const done = sink.endUpdate()!
    sink.dispose()
    await done
    sink.fill(0, 0, 1, 1, 0)
    expect(sink.endUpdate()).toBeUndefined()
    expect(batches).toHaveLength(1)
  })

  it('numbers batches and starts each one empty', () => {
    const { sink, batches } = sinkWithLog()
    sink.fill(0, 0, 1, 1, 1)
    void sink.endUpdate()
    sink.ack(1)
    sink.pixels(0, 0, 1, 1, rgba(7))
    void sink.endUpdate()
    expect(batches.map((b) => b.seq)).toEqual([1, 2])
    expect([...batches[1].ops]).toEqual([3, 0, 0, 1, 1, 0, 0, 0])
    expect(batches[1].pixels.length).toBe(4)
  })

  it('grows its buffers for large updates and reuses them afterwards', () => {
    const { sink, batches } = sinkWithLog()
    const big = new Uint32Array(200 * 200).fill(0xff336699)
    for (let i = 0; i < 100; i++) sink.pixels(0, 0, 200, 200, big)
    void sink.endUpdate()
    const b = batches[0]
    expect(b.ops.length).toBe(100 * 8)
    expect(b.pixels.length).toBe(100 * 200 * 200 * 4)
    expect(b.ops[8 * 99 + 5]).toBe(99 * 200 * 200)
    // Steady state: the same memory serves the next update.
    const seen: ArrayBufferLike[] = []
    const probe = new BatchSink({ sessionId: 'p', onBatch: (x) => seen.push(x.pixels.buffer), onCursor: () => {} })
    for (let round = 1; round <= 3; round++) {
      probe.pixels(0, 0, 200, 200, big)
      void probe.endUpdate()
      probe.ack(round)
    }
    expect(seen[1]).toBe(seen[0])
    expect(seen[2]).toBe(seen[0])
  })

  it('copies pixels out of the decoder scratch at once (the scratch may be reused)', () => {
    const { sink, batches } = sinkWithLog()
    const scratch = rgba(1, 2, 3, 4)
    sink.pixels(0, 0, 2, 1, scratch.subarray(0, 2))
    scratch.fill(9)
    void sink.endUpdate()
    expect([...new Uint32Array(batches[0].pixels.buffer)]).toEqual([1, 2])
  })

  it('turns a cursor shape into a CursorImage of RGBA bytes, and null hides it', () => {
    const { sink, cursors } = sinkWithLog()
    sink.cursor({ width: 2, height: 1, hotX: 1, hotY: 0, rgba: rgba(0xff0000ff, 0x00000000) })
    sink.cursor(null)
    expect(cursors[0]).toEqual({ width: 2, height: 1, hotX: 1, hotY: 0, rgba: Uint8Array.of(0xff, 0, 0, 0xff, 0, 0, 0, 0) })
    expect(cursors[1]).toBeNull()
  })

  it('a cursor given as a view is copied to an exact buffer', () => {
    const { sink, cursors } = sinkWithLog()
    const words = rgba(5, 6, 7)
    sink.cursor({ width: 1, height: 1, hotX: 0, hotY: 0, rgba: words.subarray(1, 2) })
    expect(cursors[0]!.rgba.buffer.byteLength).toBe(4)
    expect([...cursors[0]!.rgba]).toEqual([6, 0, 0, 0])
  })

  it('applying the batch paints what the ops drew on a framebuffer', () => {
    const { sink, batches } = sinkWithLog()
    const direct = new FramebufferSink()
    const ops = (s: BatchSink | FramebufferSink): void => {
      s.resize(8, 4)
      s.fill(0, 0, 8, 4, 0xff000000)
      s.pixels(1, 1, 2, 2, rgba(0xff0000ff, 0xff00ff00, 0xffff0000, 0xffffffff))
      s.copy(1, 1, 5, 1, 2, 2)
      s.fill(7, 3, 1, 1, 0xff808080)
    }
    ops(sink)
    ops(direct)
    void sink.endUpdate()
    const painted = new FramebufferSink()
    applyBatch(painted, batches[0])
    expect([...painted.words]).toEqual([...direct.words])
  })
})
