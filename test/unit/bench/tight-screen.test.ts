import { describe, expect, it } from 'vitest'
import { Encoding } from '@shared/encodings'
import { cjpegAvailable, tightScreenRecording } from '../../../bench/viewers/tight-screen'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../../src/main/rfb/images/node-image-decoder'
import { PIXEL_FORMATS } from '../../../src/main/rfb/pixel-format'
import { FBS_MAGIC, encodeFbsBlock, parseFbs } from '../../../src/main/rfb/record/fbs'
import { replayRecording } from '../../../src/main/rfb/record/replay'
import { prng } from '../../helpers/desktop'
import { convertUpdate, loadReplayRecording } from '../../helpers/replay-updates'

// 256 wide: strips of 256 rows (65536 pixels), so rows 0-255 are one strip, 256-279 the next,
// and the black rows 280-299 a solid band (5120 pixels) sent as a fill.
const W = 256
const H = 300

/** RGBA frame: noise gradient on top, `few` colours in rows 256-279, black below. */
function frame(seed: number, few: number): Uint8Array {
  const rnd = prng(seed)
  const px = new Uint8Array(W * H * 4)
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 4
      if (y < 256) px.set([(x + seed * 9) & 255, (y * 3) & 255, (rnd() * 256) | 0, 255], o)
      else if (y < 280) px.set([((x >> 3) % few) * 60, 40, 200 - ((x >> 3) % few) * 30, 255], o)
      else px.set([0, 0, 0, 255], o)
    }
  return px
}

/** Update `n`'s (FBS block) first rect: its encoding and Tight compression-control byte. */
function firstRect(fbs: Uint8Array, n: number): [number, number] {
  const u = parseFbs(fbs)[n].data
  return [new DataView(u.buffer, u.byteOffset).getInt32(4 + 8), u[4 + 12]]
}

async function replayed(fbs: Uint8Array): Promise<Uint8Array> {
  const sink = new FramebufferSink(decodeImageNode)
  await replayRecording(fbs, sink)
  return sink.data
}

/** One FBS of the first block (handshake) and update `n` only. */
function only(fbs: Uint8Array, n: number): Uint8Array {
  const blocks = parseFbs(fbs)
  return Buffer.concat([Buffer.from(FBS_MAGIC, 'latin1'), encodeFbsBlock(blocks[0].data, 0), encodeFbsBlock(blocks[n].data, 40)])
}

describe('Tight screen streams (viewers bench)', () => {
  const frames = [frame(1, 2), frame(2, 5), frame(3, 40)]

  it('lossless: each update alone decodes to its frame exactly, every zlib stream reset where used', async () => {
    const fbs = tightScreenRecording(frames, W, H, 'lossless')
    // Full colour on stream 0 with its reset bit, no explicit filter.
    expect(firstRect(fbs, 1)).toEqual([Encoding.Tight, 0x01])
    for (let i = 0; i < frames.length; i++) expect(Buffer.compare(await replayed(only(fbs, i + 1)), frames[i])).toBe(0)
    const rec = loadReplayRecording(fbs)
    expect(rec.updates).toHaveLength(3)
    expect([...rec.encodings]).toEqual([Encoding.Tight])
  })

  it('replay server: Tight bytes stay as they are in B,G,R,X (TPIXEL is R,G,B in both); 16 bpp is refused', () => {
    const rec = loadReplayRecording(tightScreenRecording(frames, W, H, 'lossless'))
    const bgrx = { ...PIXEL_FORMATS.rgb888, redShift: 16, blueShift: 0 }
    for (const u of rec.updates) expect(Buffer.compare(convertUpdate(u, rec.pixelFormat, bgrx), u)).toBe(0)
    expect(() => convertUpdate(rec.updates[0], rec.pixelFormat, PIXEL_FORMATS.rgb565)).toThrow(/Tight is served only in 32 bpp depth-24/)
  })

  it('replay server: refuses a Tight rect that continues a zlib stream without resetting it', () => {
    const fbs = tightScreenRecording(frames, W, H, 'lossless')
    const blocks = parseFbs(fbs)
    const u = blocks[1].data.slice()
    u[4 + 12] = 0x00 // stream 0, reset bit cleared
    const broken = Buffer.concat([Buffer.from(FBS_MAGIC, 'latin1'), encodeFbsBlock(blocks[0].data, 0), encodeFbsBlock(u, 40)])
    expect(() => loadReplayRecording(broken)).toThrow(/continues zlib stream 0 without resetting it/)
  })

  // cjpeg (libjpeg-turbo-progs) is a bench dependency, not a CI one: without it the JPEG stream cannot be made.
  it.skipIf(!cjpegAvailable())('jpeg8: JPEG rects (quality 92, 4:4:4 baseline) close to the frame, palettes lossless', async () => {
    const fbs = tightScreenRecording(frames, W, H, 'jpeg8')
    expect(firstRect(fbs, 1)).toEqual([Encoding.Tight, 0x90])
    const u = parseFbs(fbs)[1].data
    // The JPEG starts after the rect header, control byte and a 3-byte compact length (> 16 KiB here).
    const jpeg = u.subarray(4 + 12 + 1 + 3)
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8])
    // Baseline: an SOF0 marker.
    const at = Buffer.from(jpeg).indexOf(Buffer.from([0xff, 0xc0]))
    expect(at).toBeGreaterThan(0)
    // SOF0: length(2) precision(1) height(2) width(2) components(1), then id + sampling + table per component.
    expect(jpeg[at + 9]).toBe(3)
    expect([jpeg[at + 11], jpeg[at + 14], jpeg[at + 17]]).toEqual([0x11, 0x11, 0x11])
    for (let i = 0; i < frames.length; i++) {
      const got = await replayed(only(fbs, i + 1))
      let se = 0
      for (let k = 0; k < 256 * W * 4; k++) if ((k & 3) !== 3) se += (got[k] - frames[i][k]) ** 2
      const psnr = 10 * Math.log10((255 * 255) / (se / (256 * W * 3)))
      expect(psnr).toBeGreaterThan(30)
      // Rows 256 on (few colours: palette rects, and the fill) are exact.
      expect(Buffer.compare(got.subarray(256 * W * 4), frames[i].subarray(256 * W * 4))).toBe(0)
    }
  })
})
