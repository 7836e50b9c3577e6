import { MAX_VIDEO_CONTEXTS, VideoFlag } from '@shared/ops'
import { describe, expect, it } from 'vitest'
import { ByteQueue } from '../../../src/main/rfb/byte-queue'
import type { Rect, RectDecoder } from '../../../src/main/rfb/decoders/decoder'
import { H264Decoder, MAX_H264_RECT_BYTES, h264Limit } from '../../../src/main/rfb/decoders/h264'
import { RGBX8888 } from '../../../src/main/rfb/pixel-format'
import type { DrawSink } from '../../../src/main/rfb/sink'
import { chunkings, makeContext } from '../../helpers/feed'
import { protocolErrorOf } from '../../helpers/protocol-error'

interface VideoCall {
  x: number
  y: number
  w: number
  h: number
  context: number
  flags: number
  data: number[]
}

/** A sink that keeps only the video calls (copying the data, which the decoder may reuse). */
function videoSink(): { calls: VideoCall[]; sink: DrawSink } {
  const calls: VideoCall[] = []
  const none = (): void => undefined
  const sink: DrawSink = {
    resize: none,
    fill: none,
    copy: none,
    pixels: none,
    image: none,
    cursor: none,
    endUpdate: none,
    video: (x, y, w, h, context, flags, data) => calls.push({ x, y, w, h, context, flags, data: [...data] }),
  }
  return { calls, sink }
}

/** One rect's body on the wire: U32 length, U32 flags, data. */
function body(flags: number, data: number[], length = data.length): number[] {
  const u32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]
  return [...u32(length), ...u32(flags), ...data]
}

const rect = (x: number, y: number, w: number, h: number): Rect => ({ x, y, w, h, encoding: 50 })

/**
 * Runs rects through one decoder, their bodies back to back and cut into `chunks` as a socket
 * would; checks each rect ends exactly where the next begins. Returns the video calls.
 */
function run(rects: Rect[], chunks: Uint8Array[], decoder: RectDecoder = new H264Decoder()): VideoCall[] {
  const { calls, sink } = videoSink()
  const q = new ByteQueue()
  const ctx = makeContext(sink, RGBX8888, 1920, 1080, q)
  let next = 0
  for (const r of rects) {
    decoder.begin(r, ctx)
    while (!decoder.decode(q, ctx)) {
      if (next === chunks.length) throw new Error(`rect ${r.w}x${r.h}+${r.x}+${r.y} not finished at the end of the stream`)
      q.push(chunks[next++])
    }
    q.compact()
  }
  if (next !== chunks.length || q.length !== 0) throw new Error('bytes left after the last rect')
  return calls
}

/** The same calls whatever the chunking; returns them. */
function runEverySplit(rects: Rect[], bytes: number[]): VideoCall[] {
  const all = Uint8Array.from(bytes)
  let first: VideoCall[] | null = null
  for (const { label, chunks } of chunkings(all)) {
    const calls = run(rects, chunks)
    if (!first) first = calls
    else expect(calls, `fed ${label}`).toEqual(first)
  }
  return first!
}

// An SPS, PPS and IDR slice header in Annex B form: the engine never looks inside, only carries it.
const ANNEX_B = [0, 0, 0, 1, 0x67, 0x42, 0xe0, 0x1e, 0, 0, 0, 1, 0x68, 0xce, 0x38, 0x80, 0, 0, 1, 0x65, 0x88, 0x84, 0x00]
const DELTA = [0, 0, 0, 1, 0x41, 0x9a, 0x21, 0x6c]

describe('Open H.264 encoding (50)', () => {
  it("hands over each rect's Annex B bytes with its context, fed whole, byte by byte and split everywhere", () => {
    const calls = runEverySplit([rect(0, 0, 64, 32), rect(0, 0, 64, 32)], [...body(0, ANNEX_B), ...body(0, DELTA)])
    expect(calls).toEqual([
      // A context new to its id always resets it in the renderer.
      { x: 0, y: 0, w: 64, h: 32, context: 0, flags: VideoFlag.ResetContext, data: ANNEX_B },
      { x: 0, y: 0, w: 64, h: 32, context: 0, flags: 0, data: DELTA },
    ])
  })

  it('keeps one context per rect position and size', () => {
    const rects = [rect(0, 0, 64, 32), rect(64, 0, 64, 32), rect(0, 0, 64, 16), rect(64, 0, 64, 32), rect(0, 0, 64, 32)]
    const calls = runEverySplit(
      rects,
      rects.flatMap(() => body(0, DELTA)),
    )
    expect(calls.map((c) => [c.context, c.flags])).toEqual([
      [0, VideoFlag.ResetContext],
      [1, VideoFlag.ResetContext],
      [2, VideoFlag.ResetContext],
      [1, 0],
      [0, 0],
    ])
  })

  it('passes the per-rect reset bit on, with or without data', () => {
    const r = rect(8, 8, 16, 16)
    const calls = runEverySplit([r, r, r], [...body(0, ANNEX_B), ...body(VideoFlag.ResetContext, ANNEX_B), ...body(VideoFlag.ResetContext, [])])
    expect(calls.map((c) => [c.context, c.flags, c.data.length])).toEqual([
      [0, VideoFlag.ResetContext, ANNEX_B.length],
      [0, VideoFlag.ResetContext, ANNEX_B.length],
      [0, VideoFlag.ResetContext, 0],
    ])
  })

  it("takes neatvnc's empty 0x0 rect with reset-all as a reset of every context, after which ids start again", () => {
    const a = rect(0, 0, 32, 32)
    const b = rect(32, 0, 32, 32)
    const rects = [a, b, rect(0, 0, 0, 0), b, a]
    const calls = runEverySplit(rects, [...body(0, ANNEX_B), ...body(0, ANNEX_B), ...body(VideoFlag.ResetAll, []), ...body(0, ANNEX_B), ...body(0, DELTA)])
    expect(calls.map((c) => [c.w, c.h, c.context, c.flags])).toEqual([
      [32, 32, 0, VideoFlag.ResetContext],
      [32, 32, 1, VideoFlag.ResetContext],
      [0, 0, 0, VideoFlag.ResetAll],
      // After the reset nothing is known: b gets id 0 and a fresh decoder, a gets id 1.
      [32, 32, 0, VideoFlag.ResetContext],
      [32, 32, 1, VideoFlag.ResetContext],
    ])
  })

  it('applies reset-all on a rect that also carries data, and both bits together', () => {
    const a = rect(0, 0, 32, 32)
    const b = rect(0, 32, 32, 32)
    const both = VideoFlag.ResetAll | VideoFlag.ResetContext
    const calls = runEverySplit([a, b, b, a], [...body(0, ANNEX_B), ...body(0, ANNEX_B), ...body(VideoFlag.ResetAll, ANNEX_B), ...body(both, ANNEX_B)])
    expect(calls.map((c) => [c.context, c.flags])).toEqual([
      [0, VideoFlag.ResetContext],
      [1, VideoFlag.ResetContext],
      [0, VideoFlag.ResetAll | VideoFlag.ResetContext],
      // Reset-all again: a starts over at id 0 too.
      [0, both],
    ])
  })

  it("ignores an empty rect without reset-all and a known context's empty data without flags", () => {
    const a = rect(0, 0, 32, 32)
    const calls = runEverySplit(
      [rect(5, 5, 0, 0), a, a, rect(0, 0, 0, 0)],
      [...body(0, []), ...body(0, ANNEX_B), ...body(0, []), ...body(VideoFlag.ResetContext, [])],
    )
    expect(calls.map((c) => [c.context, c.flags, c.data.length])).toEqual([[0, VideoFlag.ResetContext, ANNEX_B.length]])
  })

  it('ignores reserved flag bits', () => {
    const calls = runEverySplit([rect(0, 0, 16, 16)], body(0xfffffffc, DELTA))
    expect(calls[0].flags).toBe(VideoFlag.ResetContext)
  })

  it('lets a new stream start on a known context without any flag (the data says so)', () => {
    const a = rect(0, 0, 16, 16)
    const calls = runEverySplit([a, a, a], [...body(0, ANNEX_B), ...body(0, DELTA), ...body(0, ANNEX_B)])
    expect(calls.map((c) => c.flags)).toEqual([VideoFlag.ResetContext, 0, 0])
    expect(calls[2].data).toEqual(ANNEX_B)
  })

  it(`holds at most ${MAX_VIDEO_CONTEXTS} contexts, giving the least recently used id to a new rect with a reset`, () => {
    const rects: Rect[] = []
    for (let i = 0; i < MAX_VIDEO_CONTEXTS; i++) rects.push(rect(i * 16, 0, 16, 16))
    rects.push(rect(0, 0, 16, 16)) // uses context 0 again: context 1 is now the oldest
    rects.push(rect(0, 16, 16, 16)) // a new rect: takes context 1
    rects.push(rect(16, 0, 16, 16)) // the evicted rect: a fresh context again, taking 2
    const calls = run(rects, [Uint8Array.from(rects.flatMap(() => body(0, DELTA)))])
    const tail = calls.slice(MAX_VIDEO_CONTEXTS).map((c) => [c.context, c.flags])
    expect(tail).toEqual([
      [0, 0],
      [1, VideoFlag.ResetContext],
      [2, VideoFlag.ResetContext],
    ])
    expect(Math.max(...calls.map((c) => c.context))).toBe(MAX_VIDEO_CONTEXTS - 1)
  })

  it('forgets contexts on a new connection', () => {
    const d: RectDecoder = new H264Decoder()
    const a = rect(0, 0, 16, 16)
    run([a], [Uint8Array.from(body(0, DELTA))], d)
    d.reset?.()
    expect(run([a], [Uint8Array.from(body(0, DELTA))], d)[0].flags).toBe(VideoFlag.ResetContext)
  })

  it("refuses a length over the rect's limit before waiting for the data", () => {
    const r = rect(0, 0, 16, 16)
    const limit = h264Limit(16 * 16)
    for (const length of [limit + 1, 0x7fffffff, 0xffffffff]) {
      const { sink } = videoSink()
      const q = new ByteQueue()
      const ctx = makeContext(sink, RGBX8888, 64, 64, q)
      const d: RectDecoder = new H264Decoder()
      d.begin(r, ctx)
      // Only the header arrives: the length alone must be refused.
      q.push(Uint8Array.from(body(0, [], length)))
      const err = protocolErrorOf(() => d.decode(q, ctx))
      expect(err.code).toBe('RFB_ERR_H264')
      expect(err.message).toContain(`${length >>> 0} bytes`)
    }
    // Exactly the limit is accepted.
    const data = new Array<number>(limit).fill(0)
    expect(run([r], [Uint8Array.from(body(0, data))])[0].data.length).toBe(limit)
    expect(h264Limit(1 << 30)).toBe(MAX_H264_RECT_BYTES)
  })

  it('bounds the data of an empty rect too', () => {
    const { sink } = videoSink()
    const q = new ByteQueue()
    const ctx = makeContext(sink, RGBX8888, 64, 64, q)
    const d: RectDecoder = new H264Decoder()
    d.begin(rect(0, 0, 0, 0), ctx)
    q.push(Uint8Array.from(body(VideoFlag.ResetAll, [], h264Limit(0) + 1)))
    expect(protocolErrorOf(() => d.decode(q, ctx)).code).toBe('RFB_ERR_H264')
  })

  it('waits without consuming a partial header', () => {
    const { sink } = videoSink()
    const q = new ByteQueue()
    const ctx = makeContext(sink, RGBX8888, 64, 64, q)
    const d: RectDecoder = new H264Decoder()
    d.begin(rect(0, 0, 16, 16), ctx)
    q.push(Uint8Array.from(body(0, DELTA).slice(0, 7)))
    expect(d.decode(q, ctx)).toBe(false)
    expect(q.length).toBe(7)
  })
})
