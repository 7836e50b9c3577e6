import { describe, expect, it } from 'vitest'
import * as msg from '../../../src/main/rfb/client-messages'
import { PIXEL_FORMATS, RGBX8888, writePixelFormat } from '../../../src/main/rfb/pixel-format'
import { type ProxyStats, runProxySession } from '../../../src/main/proxy/proxy-session'
import { FakeTransport } from '../../helpers/fake-transport'
import { chunkings } from '../../helpers/feed'

/** A fake whose write queue the test sets, as a slow viewer's socket would grow it. */
class SlowViewer extends FakeTransport {
  writeBacklog = 0
  drain(backlog: number): void {
    this.writeBacklog = backlog
    this.handlers!.drain?.()
  }
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}
const serverInit = (): Buffer => {
  const b = Buffer.alloc(24)
  b.writeUInt16BE(4, 0)
  b.writeUInt16BE(2, 2)
  writePixelFormat(RGBX8888, b, 4)
  return b
}
/** A FramebufferUpdate with one Raw rect of w x h at `bpp` bytes per pixel. */
const rawUpdate = (w: number, h: number, bpp: number, fill = 7): Buffer =>
  Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 0, w, 0, h, 0, 0, 0, 0]), Buffer.alloc(w * h * bpp, fill)])

/** A session past its handshake (3.8, None); returns the fakes and the session's end. */
async function started(bufferBytes?: number) {
  const server = new FakeTransport()
  const viewer = new SlowViewer()
  const notes: string[] = []
  const ended: Promise<ProxyStats> = runProxySession(viewer, server, { note: (l) => notes.push(l), bufferBytes })
  server.serve(Buffer.from('RFB 003.008\n'), Buffer.from([1, 1]), u32(0), serverInit())
  viewer.serve(Buffer.from('RFB 003.008\n'), Buffer.of(1), Buffer.of(1))
  await new Promise((r) => setImmediate(r))
  const handshake = { toViewer: viewer.sent().length, toServer: server.sent().length }
  expect(handshake.toViewer).toBe(12 + 2 + 4 + 24)
  return { server, viewer, notes, ended, handshake }
}

describe('proxy session', () => {
  it('forwards server messages byte for byte, fed whole, byte by byte and split everywhere', async () => {
    const stream = Buffer.concat([rawUpdate(4, 2, 4), Buffer.of(2), rawUpdate(2, 1, 4, 9)])
    for (const { label, chunks } of chunkings(stream)) {
      const { server, viewer, handshake, ended } = await started()
      server.serve(...chunks)
      expect(viewer.sent().subarray(handshake.toViewer).equals(stream), label).toBe(true)
      viewer.end()
      expect((await ended).updates, label).toBe(2)
    }
  })

  it('never forwards what it has not parsed: an unknown message type ends the session before it', async () => {
    const { server, viewer, handshake, ended, notes } = await started()
    server.serve(Buffer.concat([Buffer.of(2), Buffer.of(77, 1, 2, 3)]))
    const stats = await ended
    expect(viewer.sent().subarray(handshake.toViewer).equals(Buffer.of(2))).toBe(true)
    expect(stats.error).toMatchObject({ code: 'RFB_ERR_MESSAGE_TYPE' })
    expect(notes.join('\n')).toMatch(/the server sent what the proxy cannot parse: protocol error at byte 1: unknown server message type 77/)
  })

  it("holds the viewer's SetPixelFormat until the update already asked for has arrived, then parses in the new format", async () => {
    const { server, viewer, handshake, ended } = await started()
    const request = msg.framebufferUpdateRequest(false, 0, 0, 4, 2)
    const to16 = msg.setPixelFormat(PIXEL_FORMATS.rgb565)
    viewer.serve(Buffer.concat([request, to16, request]))
    // Only the first request went on: the format switch waits for its answer.
    expect(server.sent().subarray(handshake.toServer).equals(Buffer.from(request))).toBe(true)
    server.serve(rawUpdate(4, 2, 4))
    expect(
      server
        .sent()
        .subarray(handshake.toServer)
        .equals(Buffer.concat([request, to16, request])),
    ).toBe(true)
    // The next update is 2 bytes per pixel; parsed as 4 it would be cut short and never end.
    server.serve(rawUpdate(4, 2, 2), Buffer.of(2))
    viewer.end()
    const stats = await ended
    expect(stats.updates).toBe(2)
    expect(
      viewer
        .sent()
        .subarray(handshake.toViewer)
        .equals(Buffer.concat([rawUpdate(4, 2, 4), rawUpdate(4, 2, 2), Buffer.of(2)])),
    ).toBe(true)
  })

  it('stops reading the server when the viewer lags by the bound, and reads again once half has drained', async () => {
    const { server, viewer, ended } = await started(1000)
    viewer.writeBacklog = 999
    server.serve(Buffer.of(2))
    expect(server.paused).toBe(false)
    viewer.writeBacklog = 1000
    server.serve(Buffer.of(2))
    expect(server.paused).toBe(true)
    viewer.drain(600)
    expect(server.paused).toBe(true)
    viewer.drain(499)
    expect(server.paused).toBe(false)
    viewer.end()
    const stats = await ended
    expect(stats.pauses).toBe(1)
    expect(stats.peakBuffered).toBe(1000)
  })

  it('strips unknown encodings from SetEncodings and notes them once', async () => {
    const { server, viewer, handshake, notes, ended } = await started()
    viewer.serve(msg.setEncodings([0x12345, 16, 0]), msg.setEncodings([0x12345, 0]))
    expect(
      server
        .sent()
        .subarray(handshake.toServer)
        .equals(Buffer.concat([msg.setEncodings([16, 0]), msg.setEncodings([0])])),
    ).toBe(true)
    expect(notes.filter((n) => n.startsWith('stripped encodings'))).toEqual(['stripped encodings the proxy cannot parse: encoding 74565'])
    viewer.end()
    await ended
  })
})
