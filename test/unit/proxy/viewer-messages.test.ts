import { describe, expect, it } from 'vitest'
import { ByteQueue } from '../../../src/main/rfb/byte-queue'
import * as msg from '../../../src/main/rfb/client-messages'
import { RGBX8888 } from '../../../src/main/rfb/pixel-format'
import { nextViewerMessage, proxyUnderstands } from '../../../src/main/proxy/viewer-messages'
import { chunkings } from '../../helpers/feed'

/** Every message a viewer may send, as the engine writes them, plus QEMU's audio messages. */
const MESSAGES: Uint8Array[] = [
  msg.setPixelFormat(RGBX8888),
  msg.setEncodings([7, 16, 0, -239, -308, -312, -313, 0xc0a1e5ce | 0]),
  msg.framebufferUpdateRequest(true, 1, 2, 300, 200),
  msg.keyEvent(true, 0xff0d),
  msg.pointerEvent(1, 10, 20),
  msg.clientCutText('hello'),
  msg.extendedClientCutText(Uint8Array.of(0, 0, 0, 1, 9)),
  msg.enableContinuousUpdates(true, 0, 0, 320, 240),
  msg.fence(0x80000001, Uint8Array.of(7)),
  msg.xvp(4),
  msg.setDesktopSize(1024, 768, [{ id: 1, x: 0, y: 0, width: 1024, height: 768, flags: 0 }]),
  msg.qemuKeyEvent(true, 0x61, 30),
  Uint8Array.of(255, 1, 0, 0),
  Uint8Array.of(255, 1, 0, 2, 3, 2, 0, 0, 172, 68),
]

function readAll(chunks: Uint8Array[]): Uint8Array[] {
  const q = new ByteQueue()
  const out: Uint8Array[] = []
  for (const c of chunks) {
    q.push(c)
    for (let m = nextViewerMessage(q); m; m = nextViewerMessage(q)) out.push(m.bytes)
    q.compact()
  }
  expect(q.length, 'bytes left unparsed').toBe(0)
  return out
}

describe('viewer messages', () => {
  const stream = Buffer.concat(MESSAGES)

  it('finds every message whole, byte by byte and split at every offset', () => {
    for (const { label, chunks } of chunkings(stream)) {
      const got = readAll(chunks)
      expect(got.length, label).toBe(MESSAGES.length)
      got.forEach((m, i) => expect(Buffer.from(m).equals(Buffer.from(MESSAGES[i])), `${label}: message ${i}`).toBe(true))
    }
  })

  it('strips encodings the proxy cannot parse from SetEncodings and says which', () => {
    const q = new ByteQueue()
    q.push(msg.setEncodings([7, 0x12345, -259, 16, -23, -313]))
    const m = nextViewerMessage(q)!
    expect(m.encodings).toEqual({ kept: [7, 16, -23, -313], stripped: [0x12345, -259] })
    expect(Buffer.from(m.bytes).equals(Buffer.from(msg.setEncodings([7, 16, -23, -313])))).toBe(true)
    expect(m.text).toBe('SetEncodings Tight, ZRLE, QualityLevel9, ContinuousUpdates')
  })

  it('knows the pseudo-encodings it can follow and refuses others', () => {
    for (const e of [0, 1, 2, 5, 6, 7, 8, 16, 17, 21, -260, -224, -223, -308, -256, -247, -512, -412, -768, -763])
      expect(proxyUnderstands(e), `${e}`).toBe(true)
    for (const e of [-259, 9, 0x12345, -246, -22]) expect(proxyUnderstands(e), `${e}`).toBe(false)
  })

  it.each([
    ['an unknown message type', Uint8Array.of(99), /message type 99/],
    ['an unknown QEMU subtype', Uint8Array.of(255, 7), /QEMU message subtype 7/],
    ['a SetEncodings of 1025 encodings', Uint8Array.of(2, 0, 4, 1), /1025 encodings/],
    ['a clipboard of 9 MiB', Uint8Array.of(6, 0, 0, 0, 0, 0x90, 0, 0), /exceeds/],
    ['an extended clipboard of 9 MiB', Uint8Array.of(6, 0, 0, 0, 0xff, 0x70, 0, 0), /exceeds/],
    ['a 65-byte Fence payload', Uint8Array.of(248, 0, 0, 0, 0, 0, 0, 0, 65), /Fence payload of 65 bytes/],
  ])('refuses %s before waiting for its body', (_what, bytes, message) => {
    const q = new ByteQueue()
    q.push(bytes)
    expect(() => nextViewerMessage(q)).toThrow(message)
  })
})
