import { describe, expect, it, vi } from 'vitest'
import { Encoding } from '../../../src/shared/encodings'
import { BatchSink } from '../../../src/main/host/batch-sink'
import { ZywrleDecoder } from '../../../src/main/rfb/decoders/zywrle'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { PIXEL_FORMATS, type PixelFormat } from '../../../src/main/rfb/pixel-format'
import { RfbClient, type RfbClientOptions, type UpdateStats } from '../../../src/main/rfb/session'
import type { DrawSink } from '../../../src/main/rfb/sink'
import { Bytes, expectedWord } from '../../helpers/bytes'
import { clientMessageNames } from '../../helpers/client-message-names'
import { FakeTransport, settle } from '../../helpers/fake-transport'
import { none38 } from '../../helpers/server-script'

// The next update is asked for as an update starts (TigerVNC's framebufferUpdateStart), where
// that is safe; these byte vectors pin the edges: a sink that would hold, a resize, a pixel
// format switch, pushed updates, features holding the reader, SetEncodings with a request out.

const END_OF_CU = Uint8Array.of(150)
const SERVER_FENCE = new Bytes().u8(248, 0, 0, 0).u32(0x80000000).u8(1).u8(0).build()

async function connected(sink: DrawSink, opts: Partial<RfbClientOptions> = {}): Promise<{ client: RfbClient; t: FakeTransport }> {
  const t = new FakeTransport()
  const client = new RfbClient({ sink, ...opts })
  const p = client.start(t)
  t.serve(none38(4, 3))
  await p
  t.written.length = 0
  return { client, t }
}

function rawUpdate(pf: PixelFormat, r: number, g: number, b: number): Uint8Array {
  const bytes = new Bytes().u8(0, 0).u16(1).u16(0, 0, 4, 3).s32(Encoding.Raw)
  for (let i = 0; i < 12; i++) bytes.pixel(pf, r, g, b)
  return bytes.build()
}

/** Client messages so far as short names, and forgets them. */
function taken(t: FakeTransport): string[] {
  const out = clientMessageNames(t.sent())
  t.written.length = 0
  return out
}

/** Serves `update` as its header and half its pixels, then the rest: the messages sent after each part. */
async function servedInTwo(t: FakeTransport, update: Uint8Array): Promise<{ atStart: string[]; atEnd: string[] }> {
  t.serve(update.subarray(0, 30))
  await settle()
  const atStart = taken(t)
  t.serve(update.subarray(30))
  await settle()
  return { atStart, atEnd: taken(t) }
}

function batchSink(): { sink: BatchSink; seqs: number[] } {
  const seqs: number[] = []
  const sink = new BatchSink({ sessionId: 's', onBatch: (b) => seqs.push(b.seq), onCursor: () => {}, maxInFlight: 2 })
  return { sink, seqs }
}

describe('asking for the next update as one starts', () => {
  it('asks at the start of the update when the sink never holds, and not again at its end', async () => {
    const { client, t } = await connected(new FramebufferSink())
    const update = rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3)
    // Only the header and half the pixels: the request is out before the update is read.
    expect(await servedInTwo(t, update)).toEqual({ atStart: ['Request incremental 4x3'], atEnd: [] })
    // Each update asks for one more: never more than one request ahead.
    t.serve(rawUpdate(PIXEL_FORMATS.rgb888, 4, 5, 6), rawUpdate(PIXEL_FORMATS.rgb888, 7, 8, 9))
    await settle()
    expect(taken(t)).toEqual(['Request incremental 4x3', 'Request incremental 4x3'])
    client.close()
  })

  it('waits for the end when the sink would hold that update (a BatchSink whose last slot it takes)', async () => {
    const { sink, seqs } = batchSink()
    const { client, t } = await connected(sink)
    // No batch in flight: this update's batch leaves a slot free, so its start asks.
    const first = rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3)
    expect(await servedInTwo(t, first)).toEqual({ atStart: ['Request incremental 4x3'], atEnd: [] })
    // One batch in flight: this update's batch takes the last slot and its end holds; nothing asked.
    t.serve(rawUpdate(PIXEL_FORMATS.rgb888, 4, 5, 6))
    await settle()
    expect(seqs).toEqual([1, 2])
    expect(taken(t)).toEqual([])
    // The page paints the first batch: the held end asks now.
    sink.ack(1)
    await settle()
    expect(taken(t)).toEqual(['Request incremental 4x3'])
    client.close()
  })

  it('a sink without canRequestAhead (or a hook that may hold) makes the request wait for the end', async () => {
    const fb = new FramebufferSink()
    let release = (): void => {}
    fb.onUpdate = () => new Promise<void>((r) => (release = r))
    const { client, t } = await connected(fb)
    t.serve(rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3))
    await settle()
    expect(taken(t)).toEqual([])
    release()
    await settle()
    expect(taken(t)).toEqual(['Request incremental 4x3'])
    client.close()
  })

  it('a resize inside an update asked for ahead asks for the whole new picture once the early request is answered', async () => {
    const { client, t } = await connected(new FramebufferSink())
    t.serve(new Bytes().u8(0, 0).u16(1).u16(0, 0, 8, 6).s32(Encoding.DesktopSize).build())
    await settle()
    // Never two requests out: the full one waits for the answer to the early one.
    expect(taken(t)).toEqual(['Request incremental 4x3'])
    t.serve(new Bytes().u8(0, 0).u16(0).build())
    await settle()
    expect(taken(t)).toEqual(['Request full 8x6'])
    // Then back to one request per update, at its start.
    t.serve(new Bytes().u8(0, 0).u16(0).build())
    await settle()
    expect(taken(t)).toEqual(['Request incremental 8x6'])
    client.close()
  })

  it('switches pixel format only where no request is out: the update answering the early request decodes in the old format', async () => {
    const fb = new FramebufferSink()
    const { client, t } = await connected(fb)
    const first = rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3)
    t.serve(first.subarray(0, 30))
    await settle()
    expect(taken(t)).toEqual(['Request incremental 4x3'])
    // Chosen while the update is read (as auto-select does at its end): the request out may be
    // answered in 32 bpp, so neither this end nor anything before the answer's end switches.
    client.setPixelFormat('rgb565')
    t.serve(first.subarray(30))
    await settle()
    expect(taken(t)).toEqual([])
    const old = rawUpdate(PIXEL_FORMATS.rgb888, 200, 100, 50)
    t.serve(old.subarray(0, 20))
    await settle()
    // A switch is pending: this update's start asks for nothing ahead.
    expect(taken(t)).toEqual([])
    t.serve(old.subarray(20))
    await settle()
    expect(new Uint32Array(fb.data.buffer)[0]).toBe(expectedWord(PIXEL_FORMATS.rgb888, 200, 100, 50))
    expect(taken(t)).toEqual(['SetPixelFormat 16bpp', 'Request full 4x3'])
    t.serve(rawUpdate(PIXEL_FORMATS.rgb565, 255, 0, 255))
    await settle()
    expect(new Uint32Array(fb.data.buffer)[11]).toBe(expectedWord(PIXEL_FORMATS.rgb565, 255, 0, 255))
    expect(client.info?.pixelFormat).toBe(PIXEL_FORMATS.rgb565)
    // The switch is done: ahead again.
    expect(taken(t)).toEqual(['Request incremental 4x3'])
    client.close()
  })

  it('leaves continuous updates alone: the first update switches to pushed ones, which ask for nothing', async () => {
    const { client, t } = await connected(new FramebufferSink())
    const first = rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3)
    t.serve(SERVER_FENCE, END_OF_CU, first.subarray(0, 30))
    await settle()
    expect(taken(t)).toEqual(['Fence reply'])
    t.serve(first.subarray(30))
    await settle()
    expect(taken(t)).toEqual(['EnableCU on 4x3', 'Fence request'])
    t.serve(rawUpdate(PIXEL_FORMATS.rgb888, 4, 5, 6))
    await settle()
    expect(taken(t)).toEqual([])
    client.close()
  })

  it('asks for nothing ahead without autoUpdate, or while a feature holds the reader', async () => {
    const manual = await connected(new FramebufferSink(), { autoUpdate: false })
    manual.t.serve(rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3))
    await settle()
    expect(taken(manual.t)).toEqual([])
    manual.client.close()

    const held = await connected(new FramebufferSink())
    const update = rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3)
    // TightVNC's hold stops reading, not parsing: what came is still read, but its start asks for nothing.
    held.client.holdReading(true)
    held.t.serve(update.subarray(0, 30))
    await settle()
    expect(taken(held.t)).toEqual([])
    held.t.serve(update.subarray(30))
    await settle()
    expect(taken(held.t)).toEqual(['Request incremental 4x3'])
    held.client.holdReading(false)
    held.t.serve(update.subarray(0, 30))
    await settle()
    expect(taken(held.t)).toEqual(['Request incremental 4x3'])
    held.client.close()
  })

  it('counts the request out when SetEncodings goes: the update answering it may still use the old list', async () => {
    const { client, t } = await connected(new FramebufferSink(), { encodings: [Encoding.Hextile, Encoding.Raw] })
    t.serve(rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3))
    await settle()
    expect(taken(t)).toEqual(['Request incremental 4x3'])
    const errors: unknown[] = []
    client.on('close', (e) => e && errors.push(e))
    client.sendEncodings([Encoding.Raw])
    // A Hextile rect (one raw subrect) answering the request that went out before the new list.
    t.serve(new Bytes().u8(0, 0).u16(1).u16(0, 0, 4, 3).s32(Encoding.Hextile).u8(1).bytes(new Uint8Array(48)).build())
    await settle()
    expect(errors).toEqual([])
    expect(client.state).toBe('connected')
    client.close()
  })
})

describe('announcing encodings with a request asked for ahead', () => {
  // ZYWRLE's wavelet depth is not on the wire: it follows the quality level last announced. A
  // SetEncodings sent after the early request may reach the server after it made that request's
  // answer (libvncserver answers a request at once when it has changes), so the decoder could not
  // tell which level that update uses: the list waits until no request is out.
  it('holds a quality change made while an update asked for ahead is read until that answer is in', async () => {
    const { client, t } = await connected(new FramebufferSink(), { encodings: [Encoding.ZYWRLE, Encoding.Raw], quality: 9 })
    const announced = vi.spyOn(ZywrleDecoder.prototype, 'encodingsSent')
    try {
      const first = rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3)
      t.serve(first.subarray(0, 30))
      await settle()
      expect(taken(t)).toEqual(['Request incremental 4x3'])
      client.setQuality(2)
      expect(taken(t)).toEqual([])
      t.serve(first.subarray(30))
      await settle()
      expect(taken(t)).toEqual([])
      // The answer to the early request: made at quality 9, decoded at its level; asks nothing ahead.
      const answer = rawUpdate(PIXEL_FORMATS.rgb888, 4, 5, 6)
      t.serve(answer.subarray(0, 30))
      await settle()
      expect(taken(t)).toEqual([])
      expect(announced).not.toHaveBeenCalled()
      t.serve(answer.subarray(30))
      await settle()
      expect(taken(t)).toEqual(['SetEncodings', 'Request incremental 4x3'])
      expect(announced).toHaveBeenCalledTimes(1)
      expect(announced.mock.calls[0][0]).toContain(Encoding.QualityLevel0 + 2)
      // Nothing pending any more: ahead again.
      t.serve(rawUpdate(PIXEL_FORMATS.rgb888, 7, 8, 9).subarray(0, 30))
      await settle()
      expect(taken(t)).toEqual(['Request incremental 4x3'])
    } finally {
      announced.mockRestore()
      client.close()
    }
  })

  it("holds auto-select's change, chosen at the end of an update asked for ahead, the same way", async () => {
    const { client, t } = await connected(new FramebufferSink(), { encodings: [Encoding.ZYWRLE, Encoding.Raw], autoSelect: true })
    const announced = vi.spyOn(ZywrleDecoder.prototype, 'encodingsSent')
    try {
      // The first answer comes after more than 150 ms: auto-select lowers the quality a step at its end.
      await new Promise((r) => setTimeout(r, 200))
      t.serve(rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3))
      await settle()
      expect(taken(t)).toEqual(['Request incremental 4x3'])
      expect(announced).not.toHaveBeenCalled()
      t.serve(rawUpdate(PIXEL_FORMATS.rgb888, 4, 5, 6))
      await settle()
      expect(taken(t)).toEqual(['SetEncodings', 'Request incremental 4x3'])
      expect(announced).toHaveBeenCalledTimes(1)
      expect(announced.mock.calls[0][0]).toContain(Encoding.QualityLevel0 + 7)
    } finally {
      announced.mockRestore()
      client.close()
    }
  })
})

describe('latency of an update asked for ahead', () => {
  it('latency is the wait reading the update before did not hide; requestMs counts from the early request', async () => {
    const { client, t } = await connected(new FramebufferSink())
    const stats: UpdateStats[] = []
    client.on('update', (u) => stats.push(u))
    await new Promise((r) => setTimeout(r, 30))
    const first = rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3)
    t.serve(first.subarray(0, 30))
    await settle()
    // A long transfer: the answer to the early request is there before the first update ends.
    await new Promise((r) => setTimeout(r, 30))
    t.serve(first.subarray(30), rawUpdate(PIXEL_FORMATS.rgb888, 4, 5, 6))
    await settle()
    expect(stats).toHaveLength(2)
    expect(stats[0].latencyMs).toBeGreaterThanOrEqual(29)
    expect(stats[0].requestMs).toBe(stats[0].latencyMs)
    expect(stats[1].latencyMs).toBeLessThan(29)
    // Its request went out as the first update began, 30 ms before that one was read.
    expect(stats[1].requestMs).toBeGreaterThanOrEqual(29)
    client.close()
  })
})

describe('a resize inside an update asked for ahead, then a pixel format switch', () => {
  // Found in review: when the end of a resized update asked for the whole picture beside the
  // request already out, a server answering the two one by one had the second answer (made in the
  // old format) decoded after a pending switch. Now the full request waits for the early one's
  // answer, and the switch goes out just before it.
  it('switches where nothing is out and decodes the full answer in the new format', async () => {
    const fb = new FramebufferSink()
    const { client, t } = await connected(fb)
    const errors: unknown[] = []
    client.on('close', (e) => e && errors.push(e))
    const resize = new Bytes().u8(0, 0).u16(2).u16(0, 0, 4, 3).s32(Encoding.DesktopSize).build()
    t.serve(resize)
    await settle()
    expect(taken(t)).toEqual(['Request incremental 4x3'])
    client.setPixelFormat('rgb565')
    t.serve(rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3).subarray(4))
    await settle()
    expect(taken(t)).toEqual([])
    // The answer to the early request, in the old format: nothing changed.
    t.serve(new Bytes().u8(0, 0).u16(0).build())
    await settle()
    expect(taken(t)).toEqual(['SetPixelFormat 16bpp', 'Request full 4x3'])
    t.serve(rawUpdate(PIXEL_FORMATS.rgb565, 248, 100, 48))
    await settle()
    expect(errors).toEqual([])
    expect(new Uint32Array(fb.data.buffer)[11]).toBe(expectedWord(PIXEL_FORMATS.rgb565, 248, 100, 48))
    client.close()
  })
})
