import { describe, expect, it } from 'vitest'
import { TightDecoder } from '../../../src/main/rfb/decoders/tight'
import { imageSize } from '../../../src/shared/image-header'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { JPEG_MEMORY_CAP, jpegDecoderMemory } from '../../../src/main/rfb/images/jpeg-decoder'
import { decodeImage, decodeImageNode } from '../../../src/main/rfb/images/node-image-decoder'
import { encodePng } from '../../../src/main/rfb/png'
import { jpegDeclaring, pngBomb, progressiveJpeg } from '../../helpers/crafted-images'
import { feedRect } from '../../helpers/feed'
import { encodeJpeg, handMadePng, maxChannelDiff, picture, smooth } from '../../helpers/images'
import { protocolErrorOf } from '../../helpers/protocol-error'

describe('decodeImageNode', () => {
  it('decodes a JPEG to within a few levels of the original', () => {
    const src = smooth(48, 32)
    const img = decodeImageNode('jpeg', encodeJpeg(48, 32, src, 92), 48, 32)
    expect([img.width, img.height]).toEqual([48, 32])
    expect(img.rgba.length).toBe(48 * 32 * 4)
    expect(maxChannelDiff(img.rgba, src)).toBeLessThanOrEqual(8)
    for (let i = 3; i < img.rgba.length; i += 4) expect(img.rgba[i]).toBe(255)
  })

  it('decodes an RGB PNG exactly', () => {
    const src = picture(37, 11, (x, y) => [x * 7, y * 23, (x * y) & 0xff])
    const img = decodeImageNode('png', encodePng(37, 11, src), 37, 11)
    expect([img.width, img.height]).toEqual([37, 11])
    expect(Buffer.from(img.rgba).equals(Buffer.from(src))).toBe(true)
  })

  it('decodes a palette PNG (as QEMU sends indexed rects) exactly', () => {
    const palette = Uint8Array.from([0, 0, 0, 255, 0, 0, 0, 255, 0, 10, 20, 30])
    const idx = Uint8Array.from({ length: 9 * 5 }, (_, i) => (i * 5) % 4)
    const img = decodeImageNode('png', handMadePng(9, 5, 3, idx, palette), 9, 5)
    const want = picture(9, 5, (x, y) => {
      const p = idx[y * 9 + x] * 3
      return [palette[p], palette[p + 1], palette[p + 2]]
    })
    expect(Buffer.from(img.rgba).equals(Buffer.from(want))).toBe(true)
  })

  it('makes PNG alpha opaque', () => {
    const rgba = Uint8Array.from({ length: 4 * 2 * 4 }, (_, i) => ((i & 3) === 3 ? 0x40 : i * 9))
    const img = decodeImageNode('png', handMadePng(4, 2, 6, rgba), 4, 2)
    for (let i = 0; i < rgba.length; i++) expect(img.rgba[i]).toBe((i & 3) === 3 ? 255 : rgba[i])
  })

  it.each([
    ['jpeg', 'garbage', Uint8Array.from([1, 2, 3, 4, 5, 6]), /not a JPEG image/],
    ['png', 'garbage', Uint8Array.from([1, 2, 3, 4, 5, 6]), /not a PNG image/],
    ['png', 'a JPEG', encodeJpeg(8, 8, smooth(8, 8)), /not a PNG image/],
  ] as const)('rejects %s data that is %s', (kind, _, data, message) => {
    const err = protocolErrorOf(() => decodeImageNode(kind, data, 8, 8))
    expect(err.code).toBe('RFB_ERR_IMAGE')
    expect(err.message).toMatch(message)
  })

  it('rejects a JPEG whose entropy-coded data is damaged', () => {
    const jpeg = encodeJpeg(
      64,
      64,
      picture(64, 64, (x, y) => [(x * 37) & 255, (y * 91) & 255, (x ^ y) * 4]),
    )
    const broken = jpeg.slice()
    // Keep the headers, then replace the scan with a marker that cannot appear there.
    const sos = broken.findIndex((b, i) => b === 0xff && broken[i + 1] === 0xda)
    broken.fill(0xff, sos + 20, broken.length - 2)
    const err = protocolErrorOf(() => decodeImageNode('jpeg', broken, 64, 64))
    expect(err.code).toBe('RFB_ERR_IMAGE')
    expect(err.message).toMatch(/corrupt JPEG image/)
  })

  it('rejects a PNG with a damaged checksum or a truncated body', () => {
    const png = encodePng(16, 16, smooth(16, 16))
    const badCrc = png.slice()
    badCrc[png.length - 20] ^= 0xff // inside IDAT
    expect(protocolErrorOf(() => decodeImageNode('png', badCrc, 16, 16)).message).toMatch(/corrupt PNG image/)
    expect(protocolErrorOf(() => decodeImageNode('png', png.subarray(0, 60), 16, 16)).message).toMatch(/corrupt PNG image/)
  })

  it('checks the declared size before decoding', () => {
    const jpeg = encodeJpeg(40, 20, smooth(40, 20))
    expect(protocolErrorOf(() => decodeImage('jpeg', jpeg, 39, 20)).message).toMatch(/JPEG image of 40x20 in a 39x20 rect/)
    expect(decodeImage('jpeg', jpeg, 40, 20).width).toBe(40)
    // A forged header: 60000x60000 would need 14 GB of RGBA.
    const forged = encodePng(4, 4, smooth(4, 4))
    Buffer.from(forged.buffer, forged.byteOffset).writeUInt32BE(60000, 16)
    Buffer.from(forged.buffer, forged.byteOffset).writeUInt32BE(60000, 20)
    expect(protocolErrorOf(() => decodeImageNode('png', forged, 4, 4)).message).toMatch(/PNG image of 60000x60000 in a 4x4 rect/)
  })

  it('draws a Tight JPEG rect into the framebuffer', () => {
    const src = smooth(24, 16)
    const jpeg = encodeJpeg(24, 16, src, 95)
    const bytes = Uint8Array.from([0x90, (jpeg.length & 0x7f) | 0x80, jpeg.length >> 7, ...jpeg])
    const fb = feedRect(new TightDecoder(), { x: 4, y: 2, w: 24, h: 16, encoding: 7 }, [bytes], { width: 30, height: 20, imageDecoder: decodeImageNode })
    const drawn = new Uint8Array(24 * 16 * 4)
    for (let r = 0; r < 16; r++) drawn.set(fb.data.subarray(((2 + r) * 30 + 4) * 4, ((2 + r) * 30 + 28) * 4), r * 24 * 4)
    expect(maxChannelDiff(drawn, src)).toBeLessThanOrEqual(8)
    expect(fb.words[0]).toBe(0)
  })
})

describe('imageSize', () => {
  it('reads a JPEG frame header after other segments and fill bytes', () => {
    const jpeg = encodeJpeg(33, 17, smooth(33, 17))
    expect(imageSize('jpeg', jpeg)).toEqual({ width: 33, height: 17 })
    const filled = Uint8Array.from([...jpeg.subarray(0, 2), 0xff, 0xff, ...jpeg.subarray(2)])
    expect(imageSize('jpeg', filled)).toEqual({ width: 33, height: 17 })
    expect(imageSize('jpeg', jpeg.subarray(0, 20))).toBeNull()
  })

  it('reads the PNG IHDR', () => {
    expect(imageSize('png', encodePng(300, 2, new Uint8Array(300 * 2 * 4)))).toEqual({ width: 300, height: 2 })
    expect(imageSize('png', new Uint8Array(30))).toBeNull()
  })
})

describe('FramebufferSink images', () => {
  it.each([
    ['a JPEG declaring 8192x8192 in a 16x16 rect', 'jpeg', () => jpegDeclaring(16, 16, 8192, 8192), /JPEG image of 8192x8192 in a 16x16 rect/],
    ['a JPEG of 8x16 in a 16x16 rect', 'jpeg', () => encodeJpeg(8, 16, smooth(8, 16)), /JPEG image of 8x16 in a 16x16 rect/],
    ['a PNG declaring 32x16 in a 16x16 rect', 'png', () => pngBomb(32, 16, 1568), /PNG image of 32x16 in a 16x16 rect/],
    ['a JPEG with 35 scans', 'jpeg', () => progressiveJpeg(16, 16, 10), /JPEG image with 35 scans/],
  ] as const)('refuses %s before its decoder sees it', (_, kind, bytes, message) => {
    let decodes = 0
    const fb = new FramebufferSink((k, d, w, h) => (decodes++, decodeImageNode(k, d, w, h)))
    fb.resize(16, 16)
    const err = protocolErrorOf(() => fb.image(0, 0, 16, 16, kind, bytes()))
    expect(err.code).toBe('RFB_ERR_IMAGE')
    expect(err.message).toMatch(message)
    expect(decodes).toBe(0)
  })

  it('refuses a 16x16 PNG whose data inflates to 1 GiB in milliseconds, without growing', () => {
    const fb = new FramebufferSink(decodeImageNode)
    fb.resize(16, 16)
    const bomb = pngBomb(16, 16, 1 << 30)
    const peak = process.resourceUsage().maxRSS
    const started = performance.now()
    expect(protocolErrorOf(() => fb.image(0, 0, 16, 16, 'png', bomb)).message).toMatch(/inflates past the 784 bytes/)
    expect(performance.now() - started).toBeLessThan(500)
    expect(process.resourceUsage().maxRSS - peak).toBeLessThan(64 * 1024) // KiB
  })
})

describe("the JPEG decoder's memory", () => {
  it('is given back after an image that grew it past the cap', () => {
    // 36 MB of RGBA and 54 MB of coefficients: a progressive 3000x3000 JPEG.
    decodeImageNode('jpeg', progressiveJpeg(3000, 3000), 3000, 3000)
    expect(jpegDecoderMemory()).toBe(0) // grown past JPEG_MEMORY_CAP: the instance was dropped
    decodeImageNode('jpeg', encodeJpeg(16, 16, smooth(16, 16)), 16, 16)
    expect(jpegDecoderMemory()).toBeGreaterThan(0)
    expect(jpegDecoderMemory()).toBeLessThanOrEqual(JPEG_MEMORY_CAP)
  })
})
