import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { jpegShell } from '../../helpers/images'
import { jpegDeclaring, pngBomb, progressiveJpeg } from '../../helpers/crafted-images'
import { decodeImageNode } from '../../../src/main/rfb/images/node-image-decoder'
import { ThumbnailSink, teeSink } from '../../../src/main/host/thumbnail'
import { readFileSync } from 'node:fs'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { replayRecording } from '../../../src/main/rfb/record/replay'

/** Width and height from a PNG's IHDR, and its decompressed scanlines. */
function readPng(png: Uint8Array): { width: number; height: number; raw: Buffer } {
  const b = Buffer.from(png)
  const width = b.readUInt32BE(16)
  const height = b.readUInt32BE(20)
  const idat = b.indexOf('IDAT')
  const raw = inflateSync(b.subarray(idat + 4, idat + 4 + b.readUInt32BE(idat - 4)))
  return { width, height, raw }
}

function lcg(seed: number): () => number {
  let s = seed
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff)
}

describe('ThumbnailSink', () => {
  it('samples every step-th pixel of fills, pixels and aligned copies exactly', () => {
    const W = 1920
    const H = 1080
    const thumb = new ThumbnailSink(null)
    const fb = new FramebufferSink()
    const both = teeSink(fb, thumb)
    both.resize(W, H)
    const { step, width, height } = thumb.size
    expect([step, width, height]).toEqual([4, 480, 270])
    const rnd = lcg(7)
    both.fill(0, 0, W, H, 0xff000000)
    for (let i = 0; i < 200; i++) {
      const w = 1 + (rnd() % 90)
      const h = 1 + (rnd() % 70)
      const x = rnd() % (W - w)
      const y = rnd() % (H - h)
      if (i % 3 === 0) both.fill(x, y, w, h, 0xff000000 | rnd())
      else if (i % 3 === 1)
        both.pixels(
          x,
          y,
          w,
          h,
          Uint32Array.from({ length: w * h }, () => 0xff000000 | rnd()),
        )
      else {
        // Copies whose offset is a multiple of the step stay exact on the sample grid.
        const sx = Math.min(W - w, x + step * (rnd() % 10))
        const sy = Math.min(H - h, y + step * (rnd() % 10))
        if ((sx - x) % step === 0 && (sy - y) % step === 0) both.copy(sx, sy, x, y, w, h)
      }
    }
    let differ = 0
    for (let my = 0; my < height; my++) {
      for (let mx = 0; mx < width; mx++) if (thumb.sampleAt(mx, my) !== fb.words[my * step * W + mx * step]) differ++
    }
    expect(differ).toBe(0)
  })

  it("lends the primary sink's memory to decoders and still mirrors every pixel", async () => {
    for (const name of ['tigervnc-raw', 'tigervnc-zrle', 'tigervnc-hextile']) {
      const fb = new FramebufferSink()
      const thumb = new ThumbnailSink(null)
      const both = teeSink(fb, thumb)
      let lent = 0
      const lend = both.pixelTarget!.bind(both)
      both.pixelTarget = (x, y, w, h) => (lent++, lend(x, y, w, h))
      await replayRecording(readFileSync(`test/fixtures/recordings/${name}.fbs`), both)
      expect(lent, `${name}: decoders wrote into the framebuffer directly`).toBeGreaterThan(0)
      const { step, width, height } = thumb.size
      let differ = 0
      for (let my = 0; my < height; my++) {
        for (let mx = 0; mx < width; mx++) if (thumb.sampleAt(mx, my) !== fb.words[my * step * fb.width + mx * step]) differ++
      }
      expect(differ, name).toBe(0)
    }
  })

  it('makes a PNG at most 240 px wide, averaging the mirror', () => {
    const thumb = new ThumbnailSink(null)
    expect(thumb.png()).toBeNull()
    thumb.resize(800, 600)
    thumb.fill(0, 0, 800, 600, 0xff0000ff)
    thumb.fill(0, 0, 400, 600, 0xffff0000)
    const { width, height, raw } = readPng(thumb.png()!)
    expect([width, height]).toEqual([200, 150])
    // Row 0: filter byte, then RGB; left half blue, right half red.
    expect([...raw.subarray(1, 4)]).toEqual([0, 0, 255])
    expect([...raw.subarray(1 + 199 * 3, 1 + 200 * 3)]).toEqual([255, 0, 0])
  })

  it('bases the mirror step on the longer side: a portrait desktop keeps a mirror and PNG that fit in 480 and 240', () => {
    const thumb = new ThumbnailSink(null)
    thumb.resize(1080, 1920)
    expect(thumb.size).toEqual({ width: 270, height: 480, step: 4 })
    thumb.fill(0, 0, 1080, 1920, 0xff00ff00)
    const { width, height } = readPng(thumb.png()!)
    expect([width, height]).toEqual([135, 240])
  })

  it('decodes images within a time budget, then skips them', () => {
    let clock = 0
    let decodes = 0
    const thumb = new ThumbnailSink(
      () => {
        decodes++
        clock += 30 // each decode "takes" 30 ms
        return { width: 2, height: 2, rgba: new Uint8Array(16).fill(200) }
      },
      () => clock,
    )
    thumb.resize(4, 4)
    for (let i = 0; i < 5; i++) thumb.image(0, 0, 2, 2, 'jpeg', jpegShell(2, 2))
    expect(decodes).toBe(2) // 60 ms spent: over the 50 ms budget
    clock += 1000
    thumb.image(0, 0, 2, 2, 'jpeg', jpegShell(2, 2))
    expect(decodes).toBe(3)
    expect(thumb.sampleAt(1, 1)).toBe(0xc8c8c8c8)
  })

  it('counts a picture complete only after a whole update, with no update half drawn and no image missing', () => {
    let clock = 0
    const thumb = new ThumbnailSink(
      () => {
        clock += 60 // one decode spends the whole budget
        return { width: 2, height: 2, rgba: new Uint8Array(16).fill(200) }
      },
      () => clock,
    )
    thumb.resize(4, 4)
    thumb.fill(0, 0, 4, 2, 0xff0000ff)
    expect(thumb.complete).toBe(false) // the first update is still arriving
    thumb.fill(0, 2, 4, 2, 0xff0000ff)
    thumb.endUpdate()
    expect(thumb.complete).toBe(true)
    thumb.fill(0, 0, 2, 2, 0xffffffff)
    expect(thumb.complete).toBe(false) // the next update is half way
    thumb.endUpdate()
    thumb.image(0, 0, 2, 2, 'jpeg', jpegShell(2, 2))
    thumb.image(2, 2, 2, 2, 'jpeg', jpegShell(2, 2)) // over budget: skipped
    thumb.endUpdate()
    expect(thumb.complete).toBe(false)
    thumb.fill(2, 2, 2, 2, 0xff00ff00) // painted over: whole again
    thumb.endUpdate()
    expect(thumb.complete).toBe(true)
    thumb.resize(8, 8)
    expect(thumb.complete).toBe(false)
  })

  it('is not complete while an H.264 area it cannot draw is on screen, until something it can draw covers it', () => {
    const thumb = new ThumbnailSink(decodeImageNode)
    thumb.resize(4, 4)
    thumb.fill(0, 0, 4, 4, 0xff0000ff)
    thumb.endUpdate()
    expect(thumb.complete).toBe(true)
    thumb.videoArea(0, 0, 4, 2)
    thumb.endUpdate()
    expect(thumb.complete).toBe(false)
    thumb.fill(0, 0, 4, 4, 0xff00ff00)
    thumb.endUpdate()
    expect(thumb.complete).toBe(true)
  })

  it('is not complete while an image is being decoded elsewhere', async () => {
    let finish: (img: { width: number; height: number; rgba: Uint8Array }) => void = () => {}
    const thumb = new ThumbnailSink(() => new Promise((done) => (finish = done)))
    thumb.resize(4, 4)
    thumb.fill(0, 0, 4, 4, 0xff0000ff)
    thumb.image(0, 0, 2, 2, 'jpeg', jpegShell(2, 2))
    thumb.endUpdate()
    expect(thumb.complete).toBe(false)
    finish({ width: 2, height: 2, rgba: new Uint8Array(16).fill(9) })
    await Promise.resolve()
    await Promise.resolve()
    expect(thumb.complete).toBe(true)
  })

  it('a bad image is skipped, not thrown', () => {
    const thumb = new ThumbnailSink(() => {
      throw new Error('corrupt')
    })
    thumb.resize(4, 4)
    expect(() => thumb.image(0, 0, 2, 2, 'png', new Uint8Array(1))).not.toThrow()
  })
})

describe('ThumbnailSink with hostile images', () => {
  it.each([
    ['a JPEG declaring 8192x8192 in a 16x16 rect', 'jpeg', () => jpegDeclaring(16, 16, 8192, 8192)],
    ['a PNG declaring 32x16 in a 16x16 rect', 'png', () => pngBomb(32, 16, 1568)],
    ['a JPEG with 35 scans', 'jpeg', () => progressiveJpeg(16, 16, 10)],
  ] as const)('never hands %s to the decoder', (_, kind, bytes) => {
    let decodes = 0
    const thumb = new ThumbnailSink((k, d, w, h) => (decodes++, decodeImageNode(k, d, w, h)))
    thumb.resize(16, 16)
    const data = bytes()
    const started = performance.now()
    thumb.image(0, 0, 16, 16, kind, data)
    expect(decodes).toBe(0)
    expect(performance.now() - started).toBeLessThan(100)
  })

  it('stops inflating a 16x16 PNG bomb at 784 bytes and skips it', () => {
    const thumb = new ThumbnailSink(decodeImageNode)
    thumb.resize(16, 16)
    const peak = process.resourceUsage().maxRSS
    const started = performance.now()
    thumb.image(0, 0, 16, 16, 'png', pngBomb(16, 16, 1 << 30))
    expect(performance.now() - started).toBeLessThan(500)
    expect(process.resourceUsage().maxRSS - peak).toBeLessThan(64 * 1024) // KiB
    expect(thumb.png()).toBeNull() // nothing was painted
  })

  it('draws an image decoded elsewhere when it arrives, unless something was drawn over it meanwhile', async () => {
    const answers: (() => void)[] = []
    const thumb = new ThumbnailSink(
      (_k, _d, w, h) => new Promise((resolve) => answers.push(() => resolve({ width: w, height: h, rgba: new Uint8Array(w * h * 4).fill(0x11) }))),
    )
    thumb.resize(4, 4)
    thumb.image(0, 0, 2, 2, 'jpeg', jpegShell(2, 2))
    thumb.image(2, 2, 2, 2, 'jpeg', jpegShell(2, 2))
    thumb.fill(2, 2, 1, 1, 0xff0000ff) // over the second image before its decode is back
    for (const answer of answers) answer()
    await new Promise((r) => setImmediate(r))
    expect(thumb.sampleAt(1, 1)).toBe(0x11111111)
    expect(thumb.sampleAt(2, 2)).toBe(0xff0000ff)
    expect(thumb.sampleAt(3, 3)).toBe(0) // the stale decode was dropped, not painted over the fill
  })
})
