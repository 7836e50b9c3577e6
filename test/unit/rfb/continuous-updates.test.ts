import { describe, expect, it, vi } from 'vitest'
import { ZywrleDecoder } from '../../../src/main/rfb/decoders/zywrle'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { PIXEL_FORMATS, type PixelFormat } from '../../../src/main/rfb/pixel-format'
import { RfbClient, type RfbClientOptions } from '../../../src/main/rfb/session'
import { Bytes, expectedWord } from '../../helpers/bytes'
import { FakeTransport, settle } from '../../helpers/fake-transport'
import { none38 } from '../../helpers/server-script'

const END_OF_CU = Uint8Array.of(150)
/** A server's fence request as TigerVNC sends one after SetEncodings (flags Request, 1-byte payload). */
const SERVER_FENCE = new Bytes().u8(248, 0, 0, 0).u32(0x80000000).u8(1).u8(0).build()

async function connected(opts: Partial<RfbClientOptions> = {}): Promise<{ client: RfbClient; t: FakeTransport; fb: FramebufferSink }> {
  const t = new FakeTransport()
  const fb = new FramebufferSink()
  const client = new RfbClient({ sink: fb, ...opts })
  const p = client.start(t)
  t.serve(none38(4, 3))
  await p
  t.written.length = 0
  return { client, t, fb }
}

function rawUpdate(pf: PixelFormat, r: number, g: number, b: number, w = 4, h = 3): Uint8Array {
  const bytes = new Bytes().u8(0, 0).u16(1).u16(0, 0, w, h).s32(0)
  for (let i = 0; i < w * h; i++) bytes.pixel(pf, r, g, b)
  return bytes.build()
}

/** Client messages as [type, ...] summaries, so tests read as message sequences. */
function messages(t: FakeTransport): string[] {
  const out: string[] = []
  const b = t.sent()
  let o = 0
  while (o < b.length) {
    switch (b[o]) {
      case 0:
        out.push(`SetPixelFormat ${b[o + 4]}bpp`)
        o += 20
        break
      case 2:
        out.push('SetEncodings')
        o += 4 + 4 * b.readUInt16BE(o + 2)
        break
      case 3:
        out.push(`Request ${b[o + 1] ? 'incremental' : 'full'} ${b.readUInt16BE(o + 6)}x${b.readUInt16BE(o + 8)}`)
        o += 10
        break
      case 150:
        out.push(`EnableCU ${b[o + 1] ? `on ${b.readUInt16BE(o + 6)}x${b.readUInt16BE(o + 8)}` : 'off'}`)
        o += 10
        break
      case 248:
        out.push(b.readUInt32BE(o + 4) & 0x80000000 ? 'Fence request' : 'Fence reply')
        o += 9 + b[o + 8]
        break
      default:
        throw new Error(`unexpected client message ${b[o]} at ${o}`)
    }
  }
  return out
}

describe('continuous updates', () => {
  it('switches to pushed updates after the first update when the server has ContinuousUpdates and Fence', async () => {
    const { client, t } = await connected()
    t.serve(SERVER_FENCE, END_OF_CU, rawUpdate(PIXEL_FORMATS.rgb888, 10, 20, 30))
    await settle()
    expect(messages(t)).toEqual(['Fence reply', 'EnableCU on 4x3', 'Fence request'])
    expect(client.continuousUpdates).toBe(true)
    t.written.length = 0
    // Later updates need no request.
    t.serve(rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3), rawUpdate(PIXEL_FORMATS.rgb888, 4, 5, 6))
    await settle()
    expect(messages(t)).toEqual([])
    client.close()
  })

  it('keeps asking per update without Fence, or when the profile turns it off', async () => {
    const noFence = await connected()
    noFence.t.serve(END_OF_CU, rawUpdate(PIXEL_FORMATS.rgb888, 10, 20, 30))
    await settle()
    expect(messages(noFence.t)).toEqual(['Request incremental 4x3'])
    expect(noFence.client.continuousUpdates).toBe(false)
    noFence.client.close()

    const off = await connected({ continuousUpdates: false })
    off.t.serve(SERVER_FENCE, END_OF_CU, rawUpdate(PIXEL_FORMATS.rgb888, 10, 20, 30))
    await settle()
    expect(messages(off.t)).toEqual(['Fence reply', 'Request incremental 4x3'])
    off.client.close()
  })

  it("changes pixel format at the server's EndOfContinuousUpdates: earlier updates decode in the old format", async () => {
    const { client, t, fb } = await connected()
    t.serve(SERVER_FENCE, END_OF_CU, rawUpdate(PIXEL_FORMATS.rgb888, 10, 20, 30))
    await settle()
    t.written.length = 0
    client.setPixelFormat('rgb565')
    expect(messages(t)).toEqual(['EnableCU off', 'SetPixelFormat 16bpp', 'EnableCU on 4x3'])
    // Still on its way when the server read our messages: 32 bpp.
    t.serve(rawUpdate(PIXEL_FORMATS.rgb888, 200, 100, 50))
    await settle()
    expect(new Uint32Array(fb.data.buffer)[0]).toBe(expectedWord(PIXEL_FORMATS.rgb888, 200, 100, 50))
    t.written.length = 0
    t.serve(END_OF_CU)
    // The server repaints only what changes: the rest of the screen is asked for in the new format.
    expect(messages(t)).toEqual(['Request full 4x3'])
    t.serve(rawUpdate(PIXEL_FORMATS.rgb565, 255, 0, 255))
    await settle()
    expect(new Uint32Array(fb.data.buffer)[11]).toBe(expectedWord(PIXEL_FORMATS.rgb565, 255, 0, 255))
    expect(client.info?.pixelFormat).toBe(PIXEL_FORMATS.rgb565)
    expect(client.continuousUpdates).toBe(true)
    // Asking for the format already sent changes nothing.
    t.written.length = 0
    client.setPixelFormat('rgb565')
    expect(messages(t)).toEqual([])
    client.close()
  })

  it('announces new encodings the same way, and decoders follow them only from the marker on', async () => {
    const { client, t } = await connected()
    t.serve(SERVER_FENCE, END_OF_CU, rawUpdate(PIXEL_FORMATS.rgb888, 10, 20, 30))
    await settle()
    t.written.length = 0
    // ZYWRLE's wavelet depth follows the announced quality level.
    const announced = vi.spyOn(ZywrleDecoder.prototype, 'encodingsSent')
    try {
      client.setQuality(2)
      expect(messages(t)).toEqual(['EnableCU off', 'SetEncodings', 'EnableCU on 4x3'])
      expect(announced, 'not before the EndOfContinuousUpdates').not.toHaveBeenCalled()
      t.serve(rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3), END_OF_CU)
      expect(announced).toHaveBeenCalledTimes(1)
      expect(announced.mock.calls[0][0]).toContain(-32 + 2)
    } finally {
      announced.mockRestore()
      client.close()
    }
  })

  it('goes back to requests when the server ends continuous updates on its own', async () => {
    const { client, t } = await connected()
    t.serve(SERVER_FENCE, END_OF_CU, rawUpdate(PIXEL_FORMATS.rgb888, 10, 20, 30))
    await settle()
    t.written.length = 0
    t.serve(END_OF_CU)
    expect(messages(t)).toEqual(['Request incremental 4x3'])
    expect(client.continuousUpdates).toBe(false)
    t.written.length = 0
    t.serve(rawUpdate(PIXEL_FORMATS.rgb888, 1, 2, 3))
    await settle()
    expect(messages(t)).toEqual(['Request incremental 4x3'])
    client.close()
  })

  it('widens the pushed area when the framebuffer grows', async () => {
    const { client, t } = await connected()
    t.serve(SERVER_FENCE, END_OF_CU, rawUpdate(PIXEL_FORMATS.rgb888, 10, 20, 30))
    await settle()
    t.written.length = 0
    t.serve(new Bytes().u8(0, 0).u16(1).u16(0, 0, 8, 6).s32(-223).build())
    await settle()
    expect(messages(t)).toEqual(['EnableCU on 8x6'])
    client.close()
  })

  it('pauses the socket while the sink is busy and resumes it after', async () => {
    let release: () => void = () => {}
    const fb = new FramebufferSink()
    fb.onUpdate = () => new Promise<void>((r) => (release = r))
    const { client, t } = await connected({ sink: fb })
    t.serve(SERVER_FENCE, END_OF_CU, rawUpdate(PIXEL_FORMATS.rgb888, 10, 20, 30))
    await settle()
    expect(t.paused).toBe(true)
    release()
    await settle()
    expect(t.paused).toBe(false)
    client.close()
  })

  it('measures the round trip with its own fence and ignores echoes it did not send', async () => {
    const { client, t } = await connected()
    t.serve(SERVER_FENCE, END_OF_CU, rawUpdate(PIXEL_FORMATS.rgb888, 10, 20, 30))
    await settle()
    const sent = t.sent()
    const at = sent.lastIndexOf(248)
    const payload = sent.subarray(at + 9, at + 9 + sent[at + 8])
    expect(payload.length).toBe(4)
    const echo = (p: Uint8Array) => new Bytes().u8(248, 0, 0, 0).u32(0).u8(p.length).bytes(p).build()
    t.serve(echo(Uint8Array.of(9, 9, 9, 9)))
    expect(client.roundTripMs).toBe(0)
    await new Promise((r) => setTimeout(r, 5))
    t.serve(echo(payload))
    expect(client.roundTripMs).toBeGreaterThan(0)
    client.close()
  })
})
