import { describe, expect, it } from 'vitest'
import { RfbError } from '../../../src/main/rfb/errors'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { PIXEL_FORMATS, RGBX8888, type PixelFormat } from '../../../src/main/rfb/pixel-format'
import { RfbClient, type RfbClientOptions } from '../../../src/main/rfb/session'
import { Bytes, encodePixel, expectedWord } from '../../helpers/bytes'
import { FakeTransport, settle } from '../../helpers/fake-transport'
import { chunkings, hex } from '../../helpers/feed'
import { none38 } from '../../helpers/server-script'

interface Live {
  client: RfbClient
  t: FakeTransport
  fb: FramebufferSink
  events: string[]
  errors: RfbError[]
}

async function connected(opts: Partial<RfbClientOptions> = {}, width = 4, height = 3): Promise<Live> {
  const t = new FakeTransport()
  const fb = new FramebufferSink()
  const client = new RfbClient({ sink: fb, ...opts })
  const events: string[] = []
  const errors: RfbError[] = []
  client.on('bell', () => events.push('bell'))
  client.on('clipboard', (text) => events.push(`clip:${text}`))
  client.on('name', (n) => events.push(`name:${n}`))
  client.on('resize', (w, h) => events.push(`resize:${w}x${h}`))
  client.on('update', (u) => events.push(`update:${u.rects}`))
  client.on('close', (e) => e && errors.push(e))
  const p = client.start(t)
  t.serve(none38(width, height))
  await p
  events.length = 0
  t.written.length = 0
  return { client, t, fb, events, errors }
}

/** Feeds server messages in every chunking to fresh sessions; returns one per chunking. */
async function eachChunking(messages: Uint8Array, check: (live: Live, label: string) => void, opts: Partial<RfbClientOptions> = {}): Promise<void> {
  for (const { label, chunks } of chunkings(messages)) {
    const live = await connected(opts)
    for (const c of chunks) live.t.serve(c)
    await settle()
    check(live, label)
  }
}

function fbu(...rects: Uint8Array[]): Uint8Array {
  const b = new Bytes().u8(0, 0).u16(rects.length)
  for (const r of rects) b.bytes(r)
  return b.build()
}

function rawRect(pf: PixelFormat, x: number, y: number, w: number, h: number, colour: (i: number) => [number, number, number]): Uint8Array {
  const b = new Bytes().u16(x, y, w, h).s32(0)
  for (let i = 0; i < w * h; i++) b.pixel(pf, ...colour(i))
  return b.build()
}

describe('session after ServerInit', () => {
  it('sends SetPixelFormat (RGBX), SetEncodings and a full update request', async () => {
    const t = new FakeTransport()
    const client = new RfbClient({ sink: new FramebufferSink() })
    const p = client.start(t)
    t.serve(none38(4, 3))
    await p
    const sent = t.sent().subarray(14)
    expect(Array.from(sent.subarray(0, 20))).toEqual([0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 0, 8, 16, 0, 0, 0])
    expect(sent[20]).toBe(2)
    const count = sent.readUInt16BE(22)
    const encodings = Array.from({ length: count }, (_, i) => sent.readInt32BE(24 + 4 * i))
    expect(encodings).toContain(0)
    expect(encodings).toContain(-223)
    expect(Array.from(sent.subarray(24 + 4 * count))).toEqual([3, 0, 0, 0, 0, 0, 0, 4, 0, 3])
    client.close()
  })

  it('decodes Raw in every pixel format and chunking', async () => {
    for (const [name, pf] of Object.entries(PIXEL_FORMATS)) {
      const colour = (i: number): [number, number, number] => [(i * 40) & 255, (i * 90) & 255, (255 - i * 20) & 255]
      await eachChunking(
        fbu(rawRect(pf, 0, 0, 4, 3, colour)),
        (live, label) => {
          for (let i = 0; i < 12; i++) {
            expect(hex(live.fb.words[i]), `${name} pixel ${i} fed ${label}`).toBe(hex(expectedWord(pf, ...colour(i))))
          }
          expect(live.events).toEqual(['update:1'])
          expect(live.errors).toEqual([])
        },
        { pixelFormat: name as keyof typeof PIXEL_FORMATS },
      )
    }
  })

  it('applies CopyRect after the rects before it, handling overlap', async () => {
    const colour = (i: number): [number, number, number] => [i * 20, 0, 0]
    const msg = fbu(rawRect(RGBX8888, 0, 0, 4, 3, colour), new Bytes().u16(1, 0, 3, 3).s32(1).u16(0, 0).build())
    await eachChunking(msg, (live) => {
      // Row r: pixel 0 stays, pixels 1-3 take the old pixels 0-2.
      for (let r = 0; r < 3; r++) {
        expect(hex(live.fb.words[r * 4])).toBe(hex(expectedWord(RGBX8888, ...colour(r * 4))))
        for (let c = 1; c < 4; c++) expect(hex(live.fb.words[r * 4 + c])).toBe(hex(expectedWord(RGBX8888, ...colour(r * 4 + c - 1))))
      }
    })
  })

  it('handles DesktopSize, DesktopName, Cursor and LastRect pseudo-rects', async () => {
    const cursor = new Bytes().u16(1, 0, 2, 1).s32(-239).pixel(RGBX8888, 255, 0, 0).pixel(RGBX8888, 0, 255, 0).u8(0b10000000).build()
    const msg = new Bytes()
      .u8(0, 0)
      .u16(0xffff)
      .u16(0, 0, 6, 5)
      .s32(-223)
      .u16(0, 0, 0, 0)
      .s32(-307)
      .string('renamed')
      .bytes(cursor)
      .u16(0, 0, 0, 0)
      .s32(-224)
      .build()
    await eachChunking(msg, (live, label) => {
      expect(live.events, label).toEqual(['resize:6x5', 'name:renamed', 'update:4'])
      expect(live.fb.width).toBe(6)
      const c = live.fb.cursorShape!
      expect(c).toMatchObject({ width: 2, height: 1, hotX: 1, hotY: 0 })
      expect(hex(c.rgba[0])).toBe(hex(0xff0000ff))
      expect(c.rgba[1]).toBe(0)
    })
  })

  it('a resize makes the next request non-incremental', async () => {
    const live = await connected()
    live.t.serve(new Bytes().u8(0, 0).u16(1).u16(0, 0, 8, 8).s32(-223).build())
    await settle()
    const req = live.t.sent()
    expect(Array.from(req)).toEqual([3, 0, 0, 0, 0, 0, 0, 8, 0, 8])
  })

  it('reads SetColourMapEntries, Bell and ServerCutText (Latin-1)', async () => {
    const msg = new Bytes().u8(1, 0).u16(0, 1).u16(0xffff, 0x8000, 0).u8(2).u8(3, 0, 0, 0).u32(4).bytes([0x63, 0x61, 0x66, 0xe9]).build()
    await eachChunking(msg, (live) => {
      expect(live.events).toEqual(['bell', 'clip:café'])
      expect(live.errors).toEqual([])
    })
  })

  it('uses the colour map for a colour-map server format', async () => {
    const t = new FakeTransport()
    const fb = new FramebufferSink()
    const client = new RfbClient({ sink: fb, pixelFormat: 'server' })
    const p = client.start(t)
    const init = Buffer.from(none38(2, 1))
    // Patch the pixel format in ServerInit (it starts at byte 22) to 8 bpp colour map.
    init[22] = 8
    init[23] = 8
    init[25] = 0
    t.serve(init)
    await p
    t.serve(new Bytes().u8(1, 0).u16(5, 1).u16(0x1200, 0x3400, 0x5600).build())
    t.serve(fbu(new Bytes().u16(0, 0, 2, 1).s32(0).u8(5, 0).build()))
    await settle()
    expect(hex(fb.words[0])).toBe(hex(0xff563412))
    expect(hex(fb.words[1])).toBe(hex(0xff000000))
    client.close()
  })

  it.each([
    [
      'an unknown message type',
      new Bytes().u8(77).build(),
      /unknown server message type 77 at byte|protocol error at byte \d+: unknown server message type 77/,
    ],
    ['an encoding we did not ask for', fbu(new Bytes().u16(0, 0, 1, 1).s32(99).build()), /encoding 99/],
    ['a rect outside the framebuffer', fbu(new Bytes().u16(3, 0, 2, 1).s32(0).build()), /outside the 4x3 framebuffer/],
    ['a CopyRect source outside the framebuffer', fbu(new Bytes().u16(0, 0, 2, 2).s32(1).u16(3, 2).build()), /CopyRect source/],
    ['a DesktopSize beyond 16384', fbu(new Bytes().u16(0, 0, 16385, 1).s32(-223).build()), /16385x1/],
    ['an oversized cursor', fbu(new Bytes().u16(0, 0, 4096, 4096).s32(-239).build()), /cursor of 4096x4096/],
  ])('ends the session on %s with a protocol error naming the offset', async (_, bytes, message) => {
    const live = await connected()
    live.t.serve(bytes)
    await settle()
    expect(live.errors).toHaveLength(1)
    expect(live.errors[0].kind).toBe('protocol')
    expect(live.errors[0].message).toMatch(/at byte \d+/)
    expect(live.errors[0].message).toMatch(message)
    expect(live.t.closed).toBe(true)
  })

  it('waits for the sink before requesting the next update (flow control)', async () => {
    let release: () => void = () => {}
    const fb = new FramebufferSink()
    fb.onUpdate = () => new Promise<void>((r) => (release = r))
    const t = new FakeTransport()
    const client = new RfbClient({ sink: fb })
    const p = client.start(t)
    t.serve(none38(4, 3))
    await p
    t.written.length = 0
    t.serve(fbu(), new Bytes().u8(2).build())
    await settle()
    expect(t.written).toHaveLength(0)
    let bells = 0
    client.on('bell', () => bells++)
    // The Bell behind the update is not parsed until the sink is done.
    expect(bells).toBe(0)
    release()
    await settle()
    expect(Array.from(t.sent())).toEqual([3, 1, 0, 0, 0, 0, 0, 4, 0, 3])
    expect(bells).toBe(1)
    client.close()
  })

  it('sends key, pointer and clipboard messages with zeroed padding', async () => {
    const live = await connected()
    live.client.sendKey(0xff0d, true)
    live.client.sendPointer(0b101, 2, 9)
    live.client.sendClipboard('a\r\nb€')
    expect(Array.from(live.t.sent())).toEqual([
      4,
      1,
      0,
      0,
      0,
      0,
      0xff,
      0x0d,
      5,
      5,
      0,
      2,
      0,
      2, // y clamped to the framebuffer
      6,
      0,
      0,
      0,
      0,
      0,
      0,
      4,
      0x61,
      0x0a,
      0x62,
      0x3f,
    ])
  })

  it('reports a bug behind RFB_ERR_INTERNAL with the original exception as its cause', async () => {
    const bug = new TypeError('sink bug')
    const sink = new FramebufferSink()
    sink.endUpdate = () => {
      throw bug
    }
    const live = await connected({ sink })
    live.t.serve(fbu())
    await settle()
    expect(live.errors).toHaveLength(1)
    expect(live.errors[0].code).toBe('RFB_ERR_INTERNAL')
    expect(live.errors[0].message).toMatch(/at byte \d+: sink bug/)
    expect(live.errors[0].cause).toBe(bug)
  })

  it('reports a clean close with no error', async () => {
    const live = await connected()
    const closed = new Promise((r) => live.client.once('close', r))
    live.client.close()
    expect(await closed).toBeNull()
  })

  it('reports the server hanging up as a network error', async () => {
    const live = await connected()
    live.t.end()
    expect(live.errors[0]?.kind).toBe('network')
  })
})

describe('encodePixel helper agrees with the engine', () => {
  it('round-trips rgb565', () => {
    expect(Array.from(encodePixel(PIXEL_FORMATS.rgb565, 255, 0, 0))).toEqual([0x00, 0xf8])
  })
})
