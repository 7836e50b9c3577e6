import { describe, expect, it } from 'vitest'
import { XvpAction } from '../../../src/main/rfb/client-messages'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { type LedState, RfbClient } from '../../../src/main/rfb/session'
import { Bytes } from '../../helpers/bytes'
import { FakeTransport, settle } from '../../helpers/fake-transport'
import { chunkings, hex } from '../../helpers/feed'
import { none38 } from '../../helpers/server-script'

async function connected(): Promise<{ client: RfbClient; t: FakeTransport; fb: FramebufferSink }> {
  const t = new FakeTransport()
  const fb = new FramebufferSink()
  const client = new RfbClient({ sink: fb, autoUpdate: false })
  const p = client.start(t)
  t.serve(none38(4, 3))
  await p
  t.written.length = 0
  return { client, t, fb }
}

function update(...rects: Uint8Array[]): Uint8Array {
  const b = new Bytes().u8(0, 0).u16(rects.length)
  for (const r of rects) b.bytes(r)
  return b.build()
}

const pseudo = (encoding: number, x = 0, y = 0, w = 0, h = 0) => new Bytes().u16(x, y, w, h).s32(encoding)

describe('server extensions', () => {
  it('answers a fence request with the same payload and only the flags it honours', async () => {
    const msg = new Bytes().u8(248, 0, 0, 0).u32(0x80000007).u8(3).u8(9, 8, 7).build()
    for (const { label, chunks } of chunkings(msg)) {
      const { client, t } = await connected()
      for (const c of chunks) t.serve(c)
      expect(Array.from(t.sent()), label).toEqual([248, 0, 0, 0, 0, 0, 0, 7, 3, 9, 8, 7])
      expect(client.features.fence).toBe(true)
      client.close()
    }
  })

  it('refuses a fence payload longer than 64 bytes', async () => {
    const { client, t } = await connected()
    let error = ''
    client.on('close', (e) => (error = e?.message ?? ''))
    t.serve(new Bytes().u8(248, 0, 0, 0).u32(0).u8(65).build())
    expect(error).toMatch(/Fence payload of 65 bytes/)
  })

  it('notes EndOfContinuousUpdates and XVP_INIT as support', async () => {
    const { client, t } = await connected()
    t.serve(Uint8Array.of(150), Uint8Array.of(250, 0, 1, 1))
    expect(client.features.continuousUpdates).toBe(true)
    expect(client.features.xvp).toBe(true)
    expect(client.sendXvp(XvpAction.Reboot)).toBe(true)
    expect(Array.from(t.sent())).toEqual([250, 0, 1, 3])
  })

  it('sends no XVP action to a server that has not offered XVP', async () => {
    const { client, t } = await connected()
    expect(client.sendXvp(XvpAction.Shutdown)).toBe(false)
    expect(Array.from(t.sent())).toEqual([])
  })

  it('reports XVP_FAIL as xvpFailed, wherever the message is split, and keeps XVP offered', async () => {
    for (const { label, chunks } of chunkings(Uint8Array.of(250, 0, 1, 1, 250, 0, 1, 0))) {
      const { client, t } = await connected()
      let failures = 0
      client.on('xvpFailed', () => failures++)
      for (const c of chunks) t.serve(c)
      expect(failures, label).toBe(1)
      expect(client.features.xvp, label).toBe(true)
      expect(client.state, label).toBe('connected')
      client.close()
    }
  })

  it('reads an ExtendedDesktopSize rect: resizes and keeps the screen layout', async () => {
    const rect = pseudo(-308, 0, 0, 8, 6).u8(1, 0, 0, 0).u32(0x11).u16(0, 0, 8, 6).u32(0).build()
    for (const { label, chunks } of chunkings(update(rect))) {
      const { client, t, fb } = await connected()
      for (const c of chunks) t.serve(c)
      await settle()
      expect([fb.width, fb.height], label).toEqual([8, 6])
      expect(client.features.screens).toEqual([{ id: 0x11, x: 0, y: 0, width: 8, height: 6, flags: 0 }])
      client.close()
    }
  })

  it('reports the status of our own SetDesktopSize and sends it with the server screen id', async () => {
    const { client, t } = await connected()
    t.serve(update(pseudo(-308, 0, 0, 4, 3).u8(1, 0, 0, 0).u32(7).u16(0, 0, 4, 3).u32(0).build()))
    t.written.length = 0
    expect(client.requestDesktopSize(1024, 768)).toBe(true)
    expect(Array.from(t.sent())).toEqual([251, 0, 4, 0, 3, 0, 1, 0, 0, 0, 0, 7, 0, 0, 0, 0, 4, 0, 3, 0, 0, 0, 0, 0])
    const results: (string | null)[] = []
    client.on('desktopSizeResult', (r) => results.push(r))
    t.serve(update(pseudo(-308, 1, 1, 4, 3).u8(0, 0, 0, 0).build()))
    expect(results).toEqual(['the server does not allow resizing'])
  })

  it('sends a multi-screen layout, keeping the server screen id, and resolves when the server accepts it', async () => {
    const { client, t, fb } = await connected()
    t.serve(update(pseudo(-308, 0, 0, 4, 3).u8(1, 0, 0, 0).u32(7).u16(0, 0, 4, 3).u32(1).build()))
    t.written.length = 0
    let accepted = false
    const done = client.resizeDesktop(20, 8, [
      { x: 0, y: 0, width: 10, height: 8 },
      { x: 10, y: 0, width: 10, height: 8 },
    ])
    done.then(
      () => (accepted = true),
      () => {},
    )
    const screens = new Bytes().u32(7).u16(0, 0, 10, 8).u32(1).u32(0).u16(10, 0, 10, 8).u32(0).build()
    expect(Array.from(t.sent())).toEqual(Array.from(new Bytes().u8(251, 0).u16(20, 8).u8(2, 0).bytes(screens).build()))
    await settle()
    expect(accepted).toBe(false)
    t.serve(update(pseudo(-308, 1, 0, 20, 8).u8(2, 0, 0, 0).bytes(screens).build()))
    await done
    expect([fb.width, fb.height]).toEqual([20, 8])
    expect(client.features.screens.map((s) => s.id)).toEqual([7, 0])
  })

  it('rejects with the reason when the server refuses the layout, and when the session ends first', async () => {
    const { client, t } = await connected()
    t.serve(update(pseudo(-308, 0, 0, 4, 3).u8(1, 0, 0, 0).u32(0).u16(0, 0, 4, 3).u32(0).build()))
    const refused = client.resizeDesktop(8, 3, [{ x: 0, y: 0, width: 8, height: 3 }])
    t.serve(update(pseudo(-308, 1, 2, 4, 3).u8(1, 0, 0, 0).u32(0).u16(0, 0, 4, 3).u32(0).build()))
    await expect(refused).rejects.toMatchObject({
      code: 'RFB_ERR_RESIZE_REFUSED',
      message: 'the server refused the new desktop size: the server is out of resources',
    })
    const pending = client.resizeDesktop(8, 3)
    client.close()
    await expect(pending).rejects.toMatchObject({ kind: 'network' })
    await expect(client.resizeDesktop(8, 3)).rejects.toMatchObject({ kind: 'network', message: 'the session is not connected' })
  })

  it('refuses a layout that cannot go out without sending anything, and any resize without ExtendedDesktopSize', async () => {
    const { client, t } = await connected()
    await expect(client.resizeDesktop(8, 3)).rejects.toMatchObject({ kind: 'unsupported', code: 'RFB_ERR_UNSUPPORTED' })
    expect(client.requestDesktopSize(8, 3)).toBe(false)
    t.serve(update(pseudo(-308, 0, 0, 4, 3).u8(1, 0, 0, 0).u32(0).u16(0, 0, 4, 3).u32(0).build()))
    t.written.length = 0
    await expect(client.resizeDesktop(8, 3, [{ x: 4, y: 0, width: 8, height: 3 }])).rejects.toMatchObject({ code: 'RFB_ERR_RESIZE_LAYOUT' })
    expect(Array.from(t.sent())).toEqual([])
  })

  it('does not resize from a failed ExtendedDesktopSize', async () => {
    const { t, fb } = await connected()
    t.serve(update(pseudo(-308, 1, 3, 100, 100).u8(0, 0, 0, 0).build()))
    expect([fb.width, fb.height]).toEqual([4, 3])
  })

  it('sends QEMU extended key events only once the server confirmed them', async () => {
    const { client, t } = await connected()
    client.sendKeyWithScancode(0x61, 0x1e, true)
    expect(Array.from(t.sent())).toEqual([4, 1, 0, 0, 0, 0, 0, 0x61])
    t.serve(update(pseudo(-258).build()))
    t.written.length = 0
    client.sendKeyWithScancode(0x61, 0x1e, false)
    expect(Array.from(t.sent())).toEqual([255, 0, 0, 0, 0, 0, 0, 0x61, 0, 0, 0, 0x1e])
  })

  it('reports QEMU and VMware LED state', async () => {
    const { client, t } = await connected()
    const leds: LedState[] = []
    client.on('leds', (l) => leds.push(l))
    t.serve(update(pseudo(-261).u8(6).build(), pseudo(0x574d5668).u32(1).build()))
    expect(leds).toEqual([
      { scrollLock: false, numLock: true, capsLock: true },
      { scrollLock: true, numLock: false, capsLock: false },
    ])
  })

  it('reads an XCursor: foreground where the bitmap is set, transparent where the mask is clear', async () => {
    const rect = pseudo(-240, 1, 1, 3, 2).u8(255, 0, 0, 0, 0, 255).u8(0b10100000, 0b01000000).u8(0b11100000, 0b01000000).build()
    for (const { chunks } of chunkings(update(rect))) {
      const { client, t, fb } = await connected()
      for (const c of chunks) t.serve(c)
      const c = fb.cursorShape!
      expect(Array.from(c.rgba).map(hex)).toEqual([hex(0xff0000ff), hex(0xffff0000), hex(0xff0000ff), hex(0), hex(0xff0000ff), hex(0)])
      expect([c.hotX, c.hotY]).toEqual([1, 1])
      client.close()
    }
  })

  it('emits the server pointer position', async () => {
    const { client, t } = await connected()
    const pos: number[][] = []
    client.on('pointer', (x, y) => pos.push([x, y]))
    t.serve(update(pseudo(-232, 3, 2).build()))
    expect(pos).toEqual([[3, 2]])
  })
})

describe('stalled servers', () => {
  it('ends the session when the server stops in the middle of a message', async () => {
    const t = new FakeTransport()
    const client = new RfbClient({ sink: new FramebufferSink(), autoUpdate: false, stallTimeoutMs: 50 })
    const p = client.start(t)
    t.serve(none38(4, 3))
    await p
    const closed = new Promise<string>((r) => client.on('close', (e) => r(e?.message ?? 'clean')))
    // Half a FramebufferUpdate: a rect header promising 12 Raw pixels, then silence.
    t.serve(new Bytes().u8(0, 0).u16(1).u16(0, 0, 4, 3).s32(0).u8(1, 2, 3).build())
    expect(await closed).toMatch(/stopped sending in the middle of a message/)
  })

  it('keeps waiting while a slow server makes progress inside a message', async () => {
    const t = new FakeTransport()
    // The limit is well above the 25 ms gaps so a loaded CI machine cannot starve a gap past it,
    // and well below the 1.2 s the whole message takes, so a timer counting from the message start fails.
    const client = new RfbClient({ sink: new FramebufferSink(), autoUpdate: false, stallTimeoutMs: 400 })
    const p = client.start(t)
    t.serve(none38(4, 3))
    await p
    t.serve(new Bytes().u8(0, 0).u16(1).u16(0, 0, 4, 3).s32(0).build())
    // 12 pixels a byte at a time, 25 ms apart: 1.2 s in all, never 400 ms without a byte.
    for (let i = 0; i < 48; i++) {
      await new Promise((r) => setTimeout(r, 25))
      expect(client.state, `after byte ${i}`).toBe('connected')
      t.serve(Uint8Array.of(i))
    }
    expect(client.insideMessage).toBe(false)
    client.close()
  })

  it('does not time out an idle session between messages', async () => {
    const t = new FakeTransport()
    const client = new RfbClient({ sink: new FramebufferSink(), autoUpdate: false, stallTimeoutMs: 30 })
    const p = client.start(t)
    t.serve(none38(4, 3))
    await p
    await new Promise((r) => setTimeout(r, 80))
    expect(client.state).toBe('connected')
    client.close()
  })
})

describe('tuning a live session', () => {
  it('switches pixel format between updates, before the next request', async () => {
    const t = new FakeTransport()
    const fb = new FramebufferSink()
    const client = new RfbClient({ sink: fb })
    const p = client.start(t)
    t.serve(none38(1, 1))
    await p
    client.setPixelFormat('rgb565')
    t.written.length = 0
    // This update was requested in 32 bpp and must still decode as such.
    t.serve(update(new Bytes().u16(0, 0, 1, 1).s32(0).u8(10, 20, 30, 0).build()))
    expect(hex(fb.words[0])).toBe(hex(0xff1e140a))
    const sent = t.sent()
    expect(sent[0]).toBe(0)
    expect(sent[4]).toBe(16)
    // Then a full (non-incremental) request in the new format.
    expect(Array.from(sent.subarray(20))).toEqual([3, 0, 0, 0, 0, 0, 0, 1, 0, 1])
    t.serve(update(new Bytes().u16(0, 0, 1, 1).s32(0).u8(0x00, 0xf8).build()))
    expect(hex(fb.words[0])).toBe(hex(0xff0000ff))
    client.close()
  })

  it('announces quality and compression levels with the encodings', async () => {
    const { client, t } = await connected()
    client.setQuality(6)
    client.setCompression(2)
    const encodings: number[] = []
    // The second SetEncodings message is the last one written.
    const msg = Buffer.from(t.written[t.written.length - 1])
    for (let i = 0; i < msg.readUInt16BE(2); i++) encodings.push(msg.readInt32BE(4 + 4 * i))
    expect(encodings).toContain(-32 + 6)
    expect(encodings).toContain(-256 + 2)
    client.close()
  })
})

describe('clipboard', () => {
  it('drops an oversized ServerCutText as it streams, without ending the session', async () => {
    const { client, t } = await connected()
    const events: string[] = []
    client.on('clipboard', () => events.push('clipboard'))
    client.on('bell', () => events.push('bell'))
    const size = 9 * 1024 * 1024
    t.serve(new Bytes().u8(3, 0, 0, 0).u32(size).build())
    const chunk = new Uint8Array(1024 * 1024)
    for (let i = 0; i < 9; i++) t.serve(chunk)
    t.serve(Uint8Array.of(2))
    expect(events).toEqual(['bell'])
    expect(client.state).toBe('connected')
  })

  function extended(payload: Uint8Array): Uint8Array {
    return new Bytes().u8(3, 0, 0, 0).s32(-payload.length).bytes(payload).build()
  }

  const serverCaps = new Bytes().u32(0x1f000001).u32(0).build()

  it('answers the server caps with ours, then requests text on notify and reads the provide', async () => {
    const { deflateSync } = await import('node:zlib')
    const { client, t } = await connected()
    const texts: string[] = []
    client.on('clipboard', (x) => texts.push(x))
    t.serve(extended(serverCaps))
    const caps = Buffer.from(t.written.pop()!)
    expect(caps.readInt32BE(4)).toBe(-8)
    expect(caps.readUInt32BE(8)).toBe(0x1f000001)
    t.serve(extended(new Bytes().u32(0x08000001).build()))
    expect(Array.from(t.written.pop()!)).toEqual([6, 0, 0, 0, 0xff, 0xff, 0xff, 0xfc, 0x02, 0, 0, 1])
    const text = Buffer.from('grüße\r\nzwei\0', 'utf8')
    const body = deflateSync(Buffer.concat([new Bytes().u32(text.length).build(), text]))
    for (const { chunks } of chunkings(extended(Buffer.concat([new Bytes().u32(0x10000001).build(), body])))) {
      for (const c of chunks) t.serve(c)
    }
    expect(texts.length).toBeGreaterThan(0)
    expect(new Set(texts)).toEqual(new Set(['grüße\nzwei']))
    client.close()
  })

  it('offers local text with notify and provides it when the server requests', async () => {
    const { inflateSync } = await import('node:zlib')
    const { client, t } = await connected()
    t.serve(extended(serverCaps))
    t.written.length = 0
    client.sendClipboard('hé\nllo')
    expect(Array.from(t.written.pop()!)).toEqual([6, 0, 0, 0, 0xff, 0xff, 0xff, 0xfc, 0x08, 0, 0, 1])
    t.serve(extended(new Bytes().u32(0x02000001).build()))
    const provide = Buffer.from(t.written.pop()!)
    expect(provide.readUInt32BE(8)).toBe(0x10000001)
    // A server with notify in its caps (TigerVNC, QEMU) gets a finished stream: QEMU requires its end.
    const data = inflateSync(provide.subarray(12))
    expect(data.readUInt32BE(0)).toBe(data.length - 4)
    expect(data.subarray(4).toString('utf8')).toBe('hé\r\nllo\0')
    client.close()
  })

  it('sends a server whose caps lack notify (libvncserver) the text plain first, then provides it', async () => {
    const { inflateSync, constants } = await import('node:zlib')
    const { client, t } = await connected()
    // libvncserver's caps: text; request, peek, provide; 1 MiB of text unsolicited.
    t.serve(
      extended(
        new Bytes()
          .u32(0x17000001)
          .u32(1 << 20)
          .build(),
      ),
    )
    t.written.length = 0
    client.sendClipboard('hé ✓')
    expect(t.written.length, 'messages sent').toBe(2)
    expect(Array.from(t.written[0]), 'plain ClientCutText first').toEqual([6, 0, 0, 0, 0, 0, 0, 4, 0x68, 0xe9, 0x20, 0x3f])
    const provide = Buffer.from(t.written[1])
    expect(provide.readUInt32BE(8)).toBe(0x10000001)
    // Flushed, not finished: libvncserver takes a stream's end as an inflate error and drops us.
    expect(Array.from(provide.subarray(-4)), 'sync flush marker').toEqual([0, 0, 0xff, 0xff])
    expect(() => inflateSync(provide.subarray(12)), 'a finished stream').toThrow(/unexpected end/)
    const data = inflateSync(provide.subarray(12), { finishFlush: constants.Z_SYNC_FLUSH })
    expect(data.subarray(4).toString('utf8')).toBe('hé ✓\0')
    client.close()
  })

  it('never sends libvncserver plain cut text over its 1 MiB limit, which would end the session', async () => {
    const { client, t } = await connected()
    t.serve(
      extended(
        new Bytes()
          .u32(0x17000001)
          .u32(1 << 20)
          .build(),
      ),
    )
    t.written.length = 0
    client.sendClipboard('x'.repeat((1 << 20) + 1))
    expect(t.written, 'nothing: too big to provide unsolicited, too big for plain').toHaveLength(0)
    client.sendClipboard('x'.repeat(1 << 19))
    expect(
      t.written.map((m) => m[0]),
      'plain, then extended provide',
    ).toEqual([6, 6])
    client.close()
  })

  it('does not report an empty ServerCutText (x11vnc sends its empty cut buffer)', async () => {
    const { client, t } = await connected()
    const events: string[] = []
    client.on('clipboard', (x) => events.push(`clipboard:${x}`))
    client.on('bell', () => events.push('bell'))
    t.serve(new Bytes().u8(3, 0, 0, 0).u32(0).build(), Uint8Array.of(2))
    t.serve(new Bytes().u8(3, 0, 0, 0).u32(1).u8(0x41).build())
    expect(events).toEqual(['bell', 'clipboard:A'])
    client.close()
  })

  it('ends the session on an extended message with two actions', async () => {
    const { client, t } = await connected()
    let error = ''
    client.on('close', (e) => (error = e?.message ?? ''))
    t.serve(extended(serverCaps))
    t.serve(extended(new Bytes().u32(0x0a000001).build()))
    expect(error).toMatch(/action bits/)
  })

  it('sends back/forward only in the extended pointer form, once confirmed', async () => {
    const { client, t } = await connected()
    client.sendPointer(0x181, 1, 1)
    expect(Array.from(t.written.pop()!)).toEqual([5, 0x81, 0, 1, 0, 1])
    t.serve(update(pseudo(-316).build()))
    client.sendPointer(0x101, 1, 1)
    expect(Array.from(t.written.pop()!)).toEqual([5, 0x81, 0, 1, 0, 1, 2])
    client.sendPointer(0x81, 1, 1)
    expect(Array.from(t.written.pop()!)).toEqual([5, 0x81, 0, 1, 0, 1, 1])
    client.sendPointer(0x04, 1, 1)
    expect(Array.from(t.written.pop()!)).toEqual([5, 0x04, 0, 1, 0, 1])
  })
})

describe('automatic quality', () => {
  it('announces the AutoSelect starting quality and reports latency and transfer time per update', async () => {
    const t = new FakeTransport()
    const client = new RfbClient({ sink: new FramebufferSink(), autoSelect: true, quality: 2 })
    const p = client.start(t)
    t.serve(none38(1, 1))
    await p
    const setEncodings = Buffer.from(t.written.find((w) => w[0] === 2)!)
    const encodings = Array.from({ length: setEncodings.readUInt16BE(2) }, (_, i) => setEncodings.readInt32BE(4 + 4 * i))
    expect(encodings).toContain(-32 + 8)
    expect(encodings).not.toContain(-32 + 2)
    const stats: { latencyMs: number; transferMs: number }[] = []
    client.on('update', (u) => stats.push(u))
    await new Promise((r) => setTimeout(r, 20))
    t.serve(update(new Bytes().u16(0, 0, 1, 1).s32(0).u8(1, 2, 3, 0).build()))
    expect(stats[0].latencyMs).toBeGreaterThanOrEqual(15)
    expect(stats[0].transferMs).toBeGreaterThanOrEqual(0)
    client.close()
  })
})
