import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BatchSink } from '../../../src/main/host/batch-sink'
import { ByteQueue } from '../../../src/main/rfb/byte-queue'
import type { Rect, RectDecoder } from '../../../src/main/rfb/decoders/decoder'
import { HextileDecoder } from '../../../src/main/rfb/decoders/hextile'
import { RawDecoder } from '../../../src/main/rfb/decoders/raw'
import { RreDecoder } from '../../../src/main/rfb/decoders/rre'
import { TightDecoder, tpixelSize } from '../../../src/main/rfb/decoders/tight'
import { ZlibDecoder } from '../../../src/main/rfb/decoders/zlib'
import { ZlibHexDecoder } from '../../../src/main/rfb/decoders/zlib-hex'
import { ZrleDecoder } from '../../../src/main/rfb/decoders/zrle'
import { ZywrleDecoder } from '../../../src/main/rfb/decoders/zywrle'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../../src/main/rfb/images/node-image-decoder'
import { PixelConverter } from '../../../src/main/rfb/pixel-converter'
import { PIXEL_FORMATS, RGBX8888, type PixelFormat } from '../../../src/main/rfb/pixel-format'
import { replayRecording } from '../../../src/main/rfb/record/replay'
import type { CursorShape, DrawSink, ImageKind, PixelTarget } from '../../../src/main/rfb/sink'
import type { FrameBatch } from '../../../src/shared/ops'
import { applyBatch } from '../../helpers/batch-applier'
import { Bytes } from '../../helpers/bytes'
import { prng } from '../../helpers/desktop'
import { hex, makeContext } from '../../helpers/feed'
import { cpixelLayout, cpixelOfValue, runLength } from '../../helpers/rect-vectors'
import { SyncDeflater } from '../../helpers/zlib'

/**
 * Decoders write into memory a sink lends (DrawSink.pixelTarget) or hand it buffers (pixels()).
 * Every stream here is decoded through sinks that lend the framebuffer itself (rows a framebuffer
 * width apart), lend packed memory at an offset (BatchSink), lend nothing, or lend memory full of
 * garbage (so a word the decoder forgets shows), in chunks cut anywhere and at every alignment,
 * and all must paint the same picture.
 */

const FORMATS: Record<string, PixelFormat> = {
  rgbx8888: RGBX8888,
  bgrx8888: { ...RGBX8888, redShift: 16, blueShift: 0 },
  rgb888be: PIXEL_FORMATS.rgb888be,
  rgb101010: {
    bitsPerPixel: 32,
    depth: 30,
    bigEndian: false,
    trueColour: true,
    redMax: 1023,
    greenMax: 1023,
    blueMax: 1023,
    redShift: 20,
    greenShift: 10,
    blueShift: 0,
  },
  rgb565: PIXEL_FORMATS.rgb565,
  rgb565be: { ...PIXEL_FORMATS.rgb565, bigEndian: true },
  bgr233: PIXEL_FORMATS.bgr233,
}

const W = 100
const H = 60
const GARBAGE = 0xdeadbeef

/** A FramebufferSink that lends nothing: decoders must fall back to pixels(). */
function nonLending(fb: FramebufferSink): DrawSink {
  return {
    resize: (w, h) => fb.resize(w, h),
    fill: (x, y, w, h, c) => fb.fill(x, y, w, h, c),
    copy: (sx, sy, x, y, w, h) => fb.copy(sx, sy, x, y, w, h),
    pixels: (x, y, w, h, rgba) => fb.pixels(x, y, w, h, rgba),
    image: (x, y, w, h, k: ImageKind, d) => fb.image(x, y, w, h, k, d),
    cursor: (s: CursorShape | null) => fb.cursor(s),
    endUpdate: () => fb.endUpdate(),
  }
}

/** Lends the framebuffer after filling the lent rect with garbage; refuses rects it cannot hold whole. */
class GarbageLendingSink extends FramebufferSink {
  lent = 0
  override pixelTarget(x: number, y: number, w: number, h: number): PixelTarget | null {
    const t = super.pixelTarget(x, y, w, h)
    if (t) {
      this.lent++
      for (let r = 0; r < h; r++) t.words.fill(GARBAGE, t.offset + r * t.stride, t.offset + r * t.stride + w)
    }
    return t
  }
}

/** Copies `b` into a fresh buffer at byte offset `shift`, so views start at every alignment. */
function shifted(b: Uint8Array, shift: number): Uint8Array {
  const buf = new Uint8Array(b.length + shift)
  buf.set(b, shift)
  return buf.subarray(shift)
}

/** Chunkings: whole, byte by byte, and random cuts at random alignments. */
function chunkings(bytes: Uint8Array, seed: number): Uint8Array[][] {
  const out: Uint8Array[][] = [[bytes], [shifted(bytes, 1)], Array.from(bytes, (_, i) => shifted(bytes.subarray(i, i + 1), i & 3))]
  const rnd = prng(seed)
  for (let k = 0; k < 6; k++) {
    const chunks: Uint8Array[] = []
    for (let at = 0; at < bytes.length;) {
      const n = Math.min(bytes.length - at, 1 + Math.floor(rnd() * (k < 3 ? 13 : 900)))
      chunks.push(shifted(bytes.subarray(at, at + n), Math.floor(rnd() * 4)))
      at += n
    }
    out.push(chunks)
  }
  return out
}

function feed(make: () => RectDecoder, sink: DrawSink, pf: PixelFormat, rects: readonly Rect[], chunks: Uint8Array[]): void {
  const q = new ByteQueue()
  const ctx = makeContext(sink, pf, W, H, q)
  const d = make()
  let i = 0
  let ci = 0
  d.begin(rects[0], ctx)
  for (;;) {
    if (d.decode(q, ctx)) {
      if (++i === rects.length) break
      d.begin(rects[i], ctx)
      continue
    }
    if (ci === chunks.length) throw new Error(`rect ${i} of ${rects.length} did not finish`)
    q.push(chunks[ci++])
    q.compact()
  }
  expect(ci === chunks.length && q.length === 0, 'every byte read, none past the rects').toBe(true)
}

/** Decodes through every kind of sink and chunking; returns the picture, which they all agree on. */
function decodeEverywhere(make: () => RectDecoder, pf: PixelFormat, rects: readonly Rect[], bytes: Uint8Array, seed: number, lends = true): Uint32Array {
  const ref = new FramebufferSink()
  ref.resize(W, H)
  feed(make, nonLending(ref), pf, rects, [bytes])
  for (const chunks of chunkings(bytes, seed)) {
    const lending = new GarbageLendingSink()
    lending.resize(W, H)
    feed(make, lending, pf, rects, chunks)
    if (lends) expect(lending.lent, 'the framebuffer was lent').toBeGreaterThan(0)
    expectSame(lending.words, ref.words, 'framebuffer lent')

    const plain = new FramebufferSink()
    plain.resize(W, H)
    feed(make, nonLending(plain), pf, rects, chunks)
    expectSame(plain.words, ref.words, 'nothing lent')

    const batches: FrameBatch[] = []
    const batch = new BatchSink({ sessionId: 't', onBatch: (b) => batches.push(b), onCursor: () => {} })
    batch.resize(W, H)
    // Garbage in the batch's memory too, from an earlier update.
    batch.pixels(0, 0, W, H, new Uint32Array(W * H).fill(GARBAGE))
    void batch.endUpdate()
    batch.ack(1)
    feed(make, batch, pf, rects, chunks)
    void batch.endUpdate()
    const painted = new FramebufferSink()
    painted.resize(W, H)
    applyBatch(painted, batches[1])
    expectSame(painted.words, ref.words, 'BatchSink memory lent')
  }
  return ref.words
}

function expectSame(got: Uint32Array, want: Uint32Array, label: string): void {
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) expect.fail(`${label}: pixel ${i % W},${Math.floor(i / W)} is ${hex(got[i])}, want ${hex(want[i])}`)
  }
}

const RECTS: Rect[] = [
  { x: 3, y: 2, w: 37, h: 19, encoding: 0 },
  { x: 0, y: 22, w: W, h: 17, encoding: 0 },
  { x: 61, y: 40, w: 1, h: 9, encoding: 0 },
  { x: 50, y: 41, w: 9, h: 1, encoding: 0 },
  { x: 20, y: 45, w: 70, h: 15, encoding: 0 },
]

function randomBytes(n: number, rnd: () => number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256))
}

describe('decoders writing into lent sink memory', () => {
  for (const [name, pf] of Object.entries(FORMATS)) {
    const bpp = pf.bitsPerPixel / 8

    it(`Raw, ${name}: every pixel converted as PixelConverter.pixel does, however the bytes are cut`, () => {
      const rnd = prng(7)
      const b = new Bytes()
      const want = new Map<number, number>()
      const conv = new PixelConverter(pf)
      for (const r of RECTS) {
        const px = randomBytes(r.w * r.h * bpp, rnd)
        b.bytes(px)
        for (let i = 0; i < r.w * r.h; i++) want.set((r.y + Math.floor(i / r.w)) * W + r.x + (i % r.w), conv.pixel(px, i * bpp) >>> 0)
      }
      const got = decodeEverywhere(() => new RawDecoder(), pf, RECTS, b.build(), 1)
      for (const [at, word] of want) if (got[at] !== word) expect.fail(`pixel ${at % W},${Math.floor(at / W)} is ${hex(got[at])}, want ${hex(word)}`)
    })

    it(`Zlib, ${name}`, () => {
      const rnd = prng(8)
      const z = new SyncDeflater()
      const b = new Bytes()
      const want = new Map<number, number>()
      const conv = new PixelConverter(pf)
      for (const r of RECTS) {
        const px = randomBytes(r.w * r.h * bpp, rnd)
        const c = z.chunk(px)
        b.u32(c.length).bytes(c)
        for (let i = 0; i < r.w * r.h; i++) want.set((r.y + Math.floor(i / r.w)) * W + r.x + (i % r.w), conv.pixel(px, i * bpp) >>> 0)
      }
      const got = decodeEverywhere(
        () => new ZlibDecoder(),
        pf,
        RECTS.map((r) => ({ ...r, encoding: 6 })),
        b.build(),
        2,
      )
      for (const [at, word] of want) if (got[at] !== word) expect.fail(`pixel ${at % W},${Math.floor(at / W)} is ${hex(got[at])}, want ${hex(word)}`)
    })

    it(`Hextile and ZlibHex, ${name}: raw, solid and subrect tiles in strips`, () => {
      for (const zlib of [false, true]) {
        const rnd = prng(zlib ? 10 : 9)
        const b = new Bytes()
        const rawZ = new SyncDeflater()
        const hexZ = new SyncDeflater()
        const pixel = (): number[] => Array.from(randomBytes(bpp, rnd))
        const rects = RECTS.map((r) => ({ ...r, encoding: zlib ? 8 : 5 }))
        for (const r of rects) {
          for (let ty = 0; ty < r.h; ty += 16) {
            for (let tx = 0; tx < r.w; tx += 16) {
              const tw = Math.min(16, r.w - tx)
              const th = Math.min(16, r.h - ty)
              const first = tx === 0 && ty === 0
              const kind = first ? 1 + Math.floor(rnd() * 3) : Math.floor(rnd() * 5)
              if (kind === 0) {
                const px = randomBytes(tw * th * bpp, rnd)
                if (zlib && rnd() < 0.5) {
                  const c = rawZ.chunk(px)
                  b.u8(32).u16(c.length).bytes(c)
                } else {
                  b.u8(1).bytes(px)
                }
                continue
              }
              // Solid (with or without a new background), or subrects in one colour or each their own.
              const coloured = kind === 4
              const subs = kind >= 3 ? 1 + Math.floor(rnd() * 20) : 0
              const mask = (kind !== 2 || first ? 2 : 0) | (kind === 3 ? 4 : 0) | (subs ? 8 : 0) | (coloured ? 16 : 0)
              const body: number[] = []
              if (mask & 2) body.push(...pixel())
              if (mask & 4) body.push(...pixel())
              if (subs) {
                body.push(subs)
                for (let i = 0; i < subs; i++) {
                  if (coloured) body.push(...pixel())
                  const sx = Math.floor(rnd() * tw)
                  const sy = Math.floor(rnd() * th)
                  const sw = 1 + Math.floor(rnd() * (tw - sx))
                  const sh = 1 + Math.floor(rnd() * (th - sy))
                  body.push((sx << 4) | sy, ((sw - 1) << 4) | (sh - 1))
                }
              }
              if (zlib && rnd() < 0.5) {
                const c = hexZ.chunk(Uint8Array.from(body))
                b.u8(mask | 64)
                  .u16(c.length)
                  .bytes(c)
              } else {
                b.u8(mask).bytes(body)
              }
            }
          }
        }
        decodeEverywhere(() => (zlib ? new ZlibHexDecoder() : new HextileDecoder()), pf, rects, b.build(), 3)
      }
    })

    it(`Tight basic compression, ${name}: copy, mono, indexed and gradient filters`, () => {
      const rnd = prng(11)
      const tb = tpixelSize(pf)
      const zs = [new SyncDeflater(), new SyncDeflater(), new SyncDeflater(), new SyncDeflater()]
      const b = new Bytes()
      const rects = RECTS.map((r) => ({ ...r, encoding: 7 }))
      const data = (n: number, z: SyncDeflater, gen: () => number): void => {
        const d = Uint8Array.from({ length: n }, gen)
        if (n < 12) {
          b.bytes(d)
          return
        }
        const c = z.chunk(d)
        const len = c.length
        if (len < 0x80) b.u8(len)
        else if (len < 0x4000) b.u8((len & 0x7f) | 0x80, len >> 7)
        else b.u8((len & 0x7f) | 0x80, ((len >> 7) & 0x7f) | 0x80, len >> 14)
        b.bytes(c)
      }
      const byte = (): number => Math.floor(rnd() * 256)
      rects.forEach((r, i) => {
        const filter = pf.bitsPerPixel === 8 ? i % 3 : i % 4
        if (filter === 0) {
          b.u8(0x00)
          data(r.w * r.h * tb, zs[0], byte)
        } else if (filter === 1 || filter === 2) {
          const colours = filter === 1 ? 2 : 2 + Math.floor(rnd() * 200)
          b.u8(0x40 | (filter << 4), 1, colours - 1).bytes(randomBytes(colours * tb, rnd))
          const rowBytes = colours === 2 ? (r.w + 7) >> 3 : r.w
          data(rowBytes * r.h, zs[filter], colours === 2 ? byte : () => Math.floor(rnd() * colours))
        } else {
          b.u8(0x70, 2)
          data(r.w * r.h * tb, zs[3], byte)
        }
      })
      decodeEverywhere(() => new TightDecoder(), pf, rects, b.build(), 4)
    })

    it(`ZRLE and ZYWRLE, ${name}: raw, solid, packed and RLE tiles`, () => {
      for (const zywrle of [false, true]) {
        const rnd = prng(zywrle ? 14 : 13)
        const cb = cpixelLayout(pf).size
        const z = new SyncDeflater()
        const b = new Bytes()
        const rects = RECTS.map((r) => ({ ...r, encoding: zywrle ? 17 : 16 }))
        const cpx = (): number[] => cpixelOfValue(pf, Math.floor(rnd() * 2 ** pf.bitsPerPixel) % 2 ** (cb * 8))
        for (const r of rects) {
          const data: number[] = []
          for (let ty = 0; ty < r.h; ty += 64) {
            for (let tx = 0; tx < r.w; tx += 64) {
              const n = Math.min(64, r.w - tx) * Math.min(64, r.h - ty)
              const tw = Math.min(64, r.w - tx)
              const kind = Math.floor(rnd() * 5)
              if (kind === 0) {
                // ZYWRLE's raw tile nests a tile of coefficients: a raw one here.
                if (zywrle && pf.bitsPerPixel !== 8) data.push(0)
                data.push(0)
                for (let i = 0; i < n; i++) data.push(...cpx())
              } else if (kind === 1) {
                data.push(1, ...cpx())
              } else if (kind === 2) {
                const size = 2 + Math.floor(rnd() * 15)
                const bits = size === 2 ? 1 : size <= 4 ? 2 : 4
                data.push(size)
                for (let i = 0; i < size; i++) data.push(...cpx())
                const rows = n / tw
                for (let row = 0; row < rows; row++) {
                  let byte = 0
                  let used = 0
                  for (let c = 0; c < tw; c++) {
                    byte = (byte << bits) | Math.floor(rnd() * size)
                    used += bits
                    if (used === 8) {
                      data.push(byte)
                      byte = 0
                      used = 0
                    }
                  }
                  if (used > 0) data.push((byte << (8 - used)) & 0xff)
                }
              } else {
                const palette = kind === 4 ? 2 + Math.floor(rnd() * 126) : 0
                data.push(palette ? 128 + palette : 128)
                for (let i = 0; i < palette; i++) data.push(...cpx())
                for (let left = n; left > 0;) {
                  // Short runs and long ones, some across rows.
                  const len = Math.min(left, rnd() < 0.7 ? 1 + Math.floor(rnd() * 5) : 1 + Math.floor(rnd() * 300))
                  if (palette) data.push(Math.floor(rnd() * palette) | (len > 1 ? 128 : 0), ...(len > 1 ? runLength(len) : []))
                  else data.push(...cpx(), ...runLength(len))
                  left -= len
                }
              }
            }
          }
          const c = z.chunk(Uint8Array.from(data))
          b.u32(c.length).bytes(c)
        }
        decodeEverywhere(() => (zywrle ? new ZywrleDecoder() : new ZrleDecoder()), pf, rects, b.build(), 6)
      }
    })

    it(`RRE, ${name}`, () => {
      const rnd = prng(12)
      const b = new Bytes()
      const rects = RECTS.map((r) => ({ ...r, encoding: 2 }))
      for (const r of rects) {
        const n = Math.floor(rnd() * Math.min(40, r.w * r.h))
        b.u32(n).bytes(randomBytes(bpp, rnd))
        for (let i = 0; i < n; i++) {
          const sx = Math.floor(rnd() * r.w)
          const sy = Math.floor(rnd() * r.h)
          b.bytes(randomBytes(bpp, rnd)).u16(sx, sy, 1 + Math.floor(rnd() * (r.w - sx)), 1 + Math.floor(rnd() * (r.h - sy)))
        }
      }
      // RRE draws with fills only: nothing to lend, but the fills are checked the same way.
      decodeEverywhere(() => new RreDecoder(), pf, rects, b.build(), 5, false)
    })
  }
})

describe('recordings of real servers', () => {
  const dir = join(__dirname, '../../fixtures/recordings')
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.fbs'))) {
    it(`${file} paints the same through a lending framebuffer, a non-lending one and BatchSink`, async () => {
      const fbs = readFileSync(join(dir, file))
      const lent = new FramebufferSink(decodeImageNode)
      await replayRecording(fbs, lent)
      const plain = new FramebufferSink(decodeImageNode)
      await replayRecording(fbs, nonLending(plain))
      const painted = new FramebufferSink(decodeImageNode)
      const batch: BatchSink = new BatchSink({
        sessionId: 'r',
        onBatch: (b) => {
          applyBatch(painted, b)
          batch.ack(b.seq)
        },
        onCursor: () => {},
      })
      // Acked at once, so the update's promise can be dropped: replay wants a synchronous sink.
      const sync: DrawSink = {
        resize: (w, h) => batch.resize(w, h),
        fill: (x, y, w, h, c) => batch.fill(x, y, w, h, c),
        copy: (sx, sy, x, y, w, h) => batch.copy(sx, sy, x, y, w, h),
        pixels: (x, y, w, h, rgba) => batch.pixels(x, y, w, h, rgba),
        pixelTarget: (x, y, w, h) => batch.pixelTarget(x, y, w, h),
        image: (x, y, w, h, k, d) => batch.image(x, y, w, h, k, d),
        cursor: (c) => batch.cursor(c),
        endUpdate: () => void batch.endUpdate(),
      }
      await replayRecording(fbs, sync)
      expect(lent.width).toBeGreaterThan(0)
      expect(Buffer.compare(Buffer.from(plain.data), Buffer.from(lent.data)), 'non-lending framebuffer').toBe(0)
      expect(Buffer.compare(Buffer.from(painted.data), Buffer.from(lent.data)), 'BatchSink').toBe(0)
    })
  }
})

describe('FramebufferSink.pixelTarget', () => {
  it('lends rows a framebuffer width apart, and nothing for a rect that does not fit whole', () => {
    const fb = new FramebufferSink()
    fb.resize(10, 5)
    const t = fb.pixelTarget(2, 3, 4, 2)!
    expect(t.words).toBe(fb.words)
    expect([t.offset, t.stride]).toEqual([32, 10])
    expect(fb.pixelTarget(7, 0, 4, 1)).toBeNull()
    expect(fb.pixelTarget(0, 4, 1, 2)).toBeNull()
    expect(fb.pixelTarget(0, 0, 10, 5)).not.toBeNull()
  })
})
