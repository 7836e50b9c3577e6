import { describe, expect, it } from 'vitest'
import { ByteQueue } from '../../../src/main/rfb/byte-queue'
import type { Rect, RectDecoder } from '../../../src/main/rfb/decoders/decoder'
import { JpegDecoder } from '../../../src/main/rfb/decoders/jpeg'
import { FramebufferSink, type ImageDecoder } from '../../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../../src/main/rfb/images/node-image-decoder'
import { RGBX8888 } from '../../../src/main/rfb/pixel-format'
import { chunkings, feedEverySplit, feedRect, makeContext } from '../../helpers/feed'
import { encodeJpeg, jpegSegments, jpegShell, maxChannelDiff, picture, smooth, withoutTables } from '../../helpers/images'
import { protocolErrorOf } from '../../helpers/protocol-error'

const jpegRect = (w: number, h: number): Rect => ({ x: 0, y: 0, w, h, encoding: 21 })

/** An image decoder that records what it is given and draws nothing. */
function recorder(): { seen: Uint8Array[]; imageDecoder: ImageDecoder } {
  const seen: Uint8Array[] = []
  return { seen, imageDecoder: (_, data) => (seen.push(data.slice()), { width: 0, height: 0, rgba: new Uint8Array(0) }) }
}

/** SOI, a COM segment, a 4x4 frame header, a scan header, entropy bytes (with stuffing and a restart marker), EOI. */
const SYNTHETIC = Uint8Array.from([
  0xff, 0xd8, 0xff, 0xfe, 0x00, 0x05, 0x61, 0x62, 0x63, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x04, 0x00, 0x04, 0x01, 0x01, 0x11, 0x00, 0xff, 0xda, 0x00, 0x08,
  0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x12, 0xff, 0x00, 0x34, 0xff, 0xd3, 0x56, 0xff, 0x00, 0xff, 0xd9,
])

describe('JPEG encoding (21)', () => {
  it('finds the end of the stream by its markers and hands over exactly its bytes', () => {
    const { seen, imageDecoder } = recorder()
    feedEverySplit(() => new JpegDecoder(), jpegRect(4, 4), SYNTHETIC, { imageDecoder })
    expect(seen.length).toBe(SYNTHETIC.length + 1)
    for (const s of seen) expect(Buffer.from(s).equals(Buffer.from(SYNTHETIC))).toBe(true)
  })

  it('draws a real JPEG, fed in every split', () => {
    const src = smooth(16, 8)
    const jpeg = encodeJpeg(16, 8, src, 95)
    const fb = feedEverySplit(() => new JpegDecoder(), jpegRect(16, 8), jpeg, { imageDecoder: decodeImageNode })
    expect(maxChannelDiff(fb.data, src)).toBeLessThanOrEqual(8)
  })

  it('drops fill bytes before markers', () => {
    const filled = Uint8Array.from([...SYNTHETIC.subarray(0, 2), 0xff, 0xff, ...SYNTHETIC.subarray(2, SYNTHETIC.length - 2), 0xff, 0xff, 0xd9])
    const { seen, imageDecoder } = recorder()
    feedEverySplit(() => new JpegDecoder(), jpegRect(4, 4), filled, { imageDecoder })
    for (const s of seen) expect(Buffer.from(s).equals(Buffer.from(SYNTHETIC))).toBe(true)
  })

  it('stops at EOI and leaves the next message in the queue', () => {
    const fb = new FramebufferSink(recorder().imageDecoder)
    fb.resize(4, 4)
    const q = new ByteQueue()
    const ctx = makeContext(fb, RGBX8888, 4, 4, q)
    const decoder: RectDecoder = new JpegDecoder()
    decoder.begin(jpegRect(4, 4), ctx)
    q.push(Uint8Array.from([...SYNTHETIC, 0xff, 0xd8, 0x00]))
    expect(decoder.decode(q, ctx)).toBe(true)
    expect(q.length).toBe(3)
  })

  it('puts back the tables of an earlier rect when a stream leaves them out', () => {
    const a = smooth(16, 16)
    const b = picture(16, 16, (x, y) => [255 - x * 8, y * 16, 40])
    const first = encodeJpeg(16, 16, a, 80)
    const second = encodeJpeg(16, 16, b, 80) // same quality: same tables
    const abbreviated = withoutTables(second)
    expect(jpegSegments(abbreviated).some(([t]) => t === 0xdb || t === 0xc4)).toBe(false)
    for (const { label, chunks } of chunkings(abbreviated)) {
      const decoder = new JpegDecoder()
      feedRect(decoder, jpegRect(16, 16), [first], { imageDecoder: decodeImageNode })
      const fb = feedRect(decoder, jpegRect(16, 16), chunks, { imageDecoder: decodeImageNode })
      const full = decodeImageNode('jpeg', second, 16, 16)
      expect(Buffer.from(fb.data).equals(Buffer.from(full.rgba)), label).toBe(true)
    }
  })

  it('forgets kept tables on reset()', () => {
    const decoder = new JpegDecoder()
    feedRect(decoder, jpegRect(16, 16), [encodeJpeg(16, 16, smooth(16, 16))], { imageDecoder: decodeImageNode })
    decoder.reset()
    const { seen, imageDecoder } = recorder()
    const abbreviated = withoutTables(encodeJpeg(16, 16, smooth(16, 16)))
    feedRect(decoder, jpegRect(16, 16), [abbreviated], { imageDecoder })
    expect(Buffer.from(seen[0]).equals(Buffer.from(abbreviated))).toBe(true)
  })

  it.each([
    ['data that does not start with SOI', Uint8Array.from([0xff, 0xe0, 0x00, 0x02]), /starts with marker 0xe0, not SOI/],
    ['a byte where a marker belongs', Uint8Array.from([0xff, 0xd8, 0x12, 0x34]), /expected a JPEG marker, got byte 0x12/],
    ['a segment length under 2', Uint8Array.from([0xff, 0xd8, 0xff, 0xfe, 0x00, 0x01]), /length 1/],
    ['a second SOI', Uint8Array.from([0xff, 0xd8, 0xff, 0xd8]), /second SOI/],
    ['a stuffed zero outside a scan', Uint8Array.from([0xff, 0xd8, 0xff, 0x00]), /outside entropy-coded data/],
  ])('rejects %s', (_, bytes, message) => {
    for (const { label, chunks } of chunkings(bytes)) {
      const err = protocolErrorOf(() => feedRect(new JpegDecoder(), jpegRect(4, 4), chunks))
      expect(err.code, label).toBe('RFB_ERR_JPEG')
      expect(err.message, label).toMatch(message)
    }
  })

  it('rejects an image larger than its rect', () => {
    const err = protocolErrorOf(() => feedRect(new JpegDecoder(), jpegRect(15, 8), [encodeJpeg(16, 8, smooth(16, 8))]))
    expect(err.message).toMatch(/JPEG image of 16x8 in a 15x8 rect/)
  })

  it('stops buffering past its size limit, in segments and in scans', () => {
    const comment = new Uint8Array(2 + 65535).fill(0x41)
    comment.set([0xff, 0xfe, 0xff, 0xff])
    const segments = Uint8Array.from([0xff, 0xd8, ...comment, ...comment])
    expect(protocolErrorOf(() => feedRect(new JpegDecoder(), jpegRect(1, 1), [segments])).message).toMatch(/exceeds 65544 bytes/)
    const scan = Uint8Array.from([...jpegShell(1, 1).subarray(0, 25), ...new Uint8Array(70000).fill(0x11)]) // SOI, SOF0, SOS, then the scan
    expect(protocolErrorOf(() => feedRect(new JpegDecoder(), jpegRect(1, 1), [scan])).message).toMatch(/exceeds 65544 bytes/)
  })
})
