import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { decode as cwasmJpeg } from '@cwasm/jpeg-turbo'
import { describe, expect, it } from 'vitest'
import { type DecodedImage, FramebufferSink, type ImageDecoder } from '../../../src/main/rfb/framebuffer'
import { JpegError, decodeJpeg } from '../../../src/main/rfb/images/jpeg-decoder'
import { replayRecording } from '../../../src/main/rfb/record/replay'
import { jpegWithCoefficients, progressiveJpeg } from '../../helpers/crafted-images'
import { encodeJpeg, picture, smooth } from '../../helpers/images'

interface Rect {
  data: Uint8Array
  w: number
  h: number
}

/** Every JPEG rect a recording carries, in order. */
async function jpegRects(fbs: Uint8Array): Promise<Rect[]> {
  const out: Rect[] = []
  const collect: ImageDecoder = (kind, data, w, h): DecodedImage => {
    if (kind === 'jpeg') out.push({ data: data.slice(), w, h })
    return { width: 0, height: 0, rgba: new Uint8Array(0) }
  }
  await replayRecording(fbs, new FramebufferSink(collect))
  return out
}

/** Index of the first byte where `ours` and `theirs` differ, -1 when they are identical. */
function firstDifference(ours: Uint8Array, theirs: Uint8Array): number {
  if (ours.length !== theirs.length) return Math.min(ours.length, theirs.length)
  return Buffer.compare(ours, theirs) === 0 ? -1 : ours.findIndex((v, i) => v !== theirs[i])
}

// Our WebAssembly build (scripts/jpeg-wasm) replaced @cwasm/jpeg-turbo's: the same accurate
// IDCT and fancy upsampling, so every pixel must come out as @cwasm's did.
describe('our libjpeg-turbo build against @cwasm/jpeg-turbo', () => {
  const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'recordings')

  it("decodes every JPEG rect of the recordings to @cwasm's bytes", async () => {
    let rects = 0
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.fbs'))) {
      for (const r of await jpegRects(readFileSync(join(dir, file)))) {
        const ours = decodeJpeg(r.data, r.w, r.h)
        const theirs = cwasmJpeg(r.data).data
        expect(firstDifference(ours, new Uint8Array(theirs.buffer, theirs.byteOffset, theirs.length)), `${file} rect ${rects}`).toBe(-1)
        rects++
      }
    }
    expect(rects).toBeGreaterThan(20) // tigervnc-tight-jpeg.fbs alone carries more
  })

  it("decodes 4:2:0 and 4:2:2 JPEGs (TightVNC's rects, cjpeg's) to @cwasm's bytes", () => {
    const jpegs = join(import.meta.dirname, '..', '..', 'fixtures', 'jpeg')
    const files = readdirSync(jpegs).filter((f) => f.endsWith('.jpg'))
    for (const file of files) {
      const [w, h] = file
        .replace(/^.*-|\.jpg$/g, '')
        .split('x')
        .map(Number)
      const data = readFileSync(join(jpegs, file))
      const theirs = cwasmJpeg(data).data
      expect(firstDifference(decodeJpeg(data, w, h), new Uint8Array(theirs.buffer, theirs.byteOffset, theirs.length)), file).toBe(-1)
    }
    expect(files.length).toBe(6)
  })

  it.each([
    [
      'baseline of odd size',
      () =>
        encodeJpeg(
          101,
          37,
          picture(101, 37, (x, y) => [(x * 37) & 255, (y * 91) & 255, (x ^ y) * 4]),
          75,
        ),
      101,
      37,
    ],
    ['baseline, quality 100', () => encodeJpeg(64, 48, smooth(64, 48), 100), 64, 48],
    ['progressive', () => progressiveJpeg(40, 24, 1), 40, 24],
  ] as const)("decodes a %s JPEG to @cwasm's bytes", (_, jpeg, w, h) => {
    const data = jpeg()
    const theirs = cwasmJpeg(data).data
    expect(firstDifference(decodeJpeg(data, w, h), new Uint8Array(theirs.buffer, theirs.byteOffset, theirs.length))).toBe(-1)
  })

  // simd.c's IDCT works in 16-bit lanes and falls back to 32-bit ones where a value would not
  // fit, and fills blocks with only a DC coefficient at once; blocks no encoder makes (the JPEG is
  // still valid to libjpeg) take each of those paths.
  it.each([
    ['a dequantised coefficient over 16 bits that wraps to -1 in 16 (257 x 255)', [[[1, 257]]]],
    [
      'one at the limit whose first pass spills over 16 bits (128 x 255)',
      [
        [
          [0, 128],
          [1, 1],
        ],
      ],
    ],
    ['only DC coefficients, far outside the samples', [[[0, 20000]], [[0, -12000]], [[0, 3]], [[0, -1]]]],
    [
      'all of those, and blocks that fit, in a row',
      [
        [
          [0, -128],
          [5, 40],
        ],
        [
          [2, -300],
          [63, 1],
        ],
        [[0, 3]],
        [
          [9, 1000],
          [20, -1000],
        ],
      ],
    ],
  ] as const)("decodes a JPEG with %s to @cwasm's bytes", (_, blocks) => {
    const data = jpegWithCoefficients(
      255,
      blocks.map((b) => b.map(([k, v]) => [k, v] as [number, number])),
    )
    const theirs = cwasmJpeg(data).data
    expect(firstDifference(decodeJpeg(data, 8 * blocks.length, 8), new Uint8Array(theirs.buffer, theirs.byteOffset, theirs.length))).toBe(-1)
  })

  // 16-bit quantisation tables (T.81 Pq = 1): simd.c's IDCT keeps 16-bit copies of the steps and
  // takes 16-bit lanes only while every product fits. (Steps over 32767 are left out: @cwasm's
  // build multiplies in shorts, as libjpeg-turbo does WITH_SIMD, and wraps them negative, where
  // ours, like jidctint.c built without SIMD, keeps them; T.81 B.2.4.1 allows 16-bit tables only
  // for 12-bit samples, so no valid image has them.)
  it.each([
    [
      'steps of 32767 (products fit only for coefficients of 1), DC wrapping in 32 bits',
      32767,
      [
        [[0, 20000]],
        [[0, -3]],
        [
          [0, 1],
          [1, 1],
        ],
        [[2, -2]],
      ],
    ],
    [
      'steps of 300 at the 16-bit limit (109) and past it',
      300,
      [
        [
          [0, 109],
          [1, -109],
          [63, 109],
        ],
        [
          [0, 110],
          [5, 3],
        ],
        [[4, -110]],
      ],
    ],
    [
      'a mixed table up to 32767',
      Array.from({ length: 64 }, (_, k) => (k === 63 ? 32767 : k === 0 ? 2 : 1 + ((k * 37) % 400))),
      [
        [
          [0, 500],
          [1, 30],
          [2, -30],
        ],
        [[63, 1]],
        [[0, -7]],
        [
          [10, 80],
          [20, -80],
        ],
      ],
    ],
  ] as const)("decodes a JPEG with %s to @cwasm's bytes", (_, step, blocks) => {
    // An 8-bit table's image first: the instance's cached copies must not carry over.
    const first = jpegWithCoefficients(255, [
      [
        [0, 100],
        [1, 40],
      ],
    ])
    const firstTheirs = cwasmJpeg(first).data
    expect(firstDifference(decodeJpeg(first, 8, 8), new Uint8Array(firstTheirs.buffer, firstTheirs.byteOffset, firstTheirs.length))).toBe(-1)
    const data = jpegWithCoefficients(
      typeof step === 'number' ? step : [...step],
      blocks.map((b) => b.map(([k, v]) => [k, v] as [number, number])),
    )
    const theirs = cwasmJpeg(data).data
    expect(firstDifference(decodeJpeg(data, 8 * blocks.length, 8), new Uint8Array(theirs.buffer, theirs.byteOffset, theirs.length))).toBe(-1)
  })

  // Damaged entropy-coded data gives blocks whose coefficients overflow 16 bits: there simd.c's
  // IDCT must fall back to 32-bit lanes. (With these seeds, an instrumented build took that path
  // for a few percent of the blocks, from both of its checks.)
  it("decodes damaged JPEGs to @cwasm's bytes, or refuses them as @cwasm does", async () => {
    const rects = (await jpegRects(readFileSync(join(dir, 'tigervnc-tight-jpeg.fbs')))).filter((r) => r.w * r.h <= 200_000).slice(0, 30)
    let seed = 7
    const random = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * n
    let decoded = 0
    let refused = 0
    for (let i = 0; i < 300; i++) {
      const { data, w, h } = rects[i % rects.length]
      const damaged = data.slice()
      for (let k = 0; k < 3; k++) damaged[Math.floor(data.length * 0.3 + random(data.length * 0.7))] = random(256)
      let theirs: Uint8Array | null = null
      try {
        const t = cwasmJpeg(damaged).data
        theirs = new Uint8Array(t.buffer, t.byteOffset, t.length)
      } catch {
        theirs = null
      }
      if (theirs) {
        expect(firstDifference(decodeJpeg(damaged, w, h), theirs), `damage ${i}`).toBe(-1)
        decoded++
      } else {
        expect(() => decodeJpeg(damaged, w, h), `damage ${i}`).toThrow(JpegError)
        refused++
      }
    }
    expect(decoded).toBeGreaterThan(30)
    expect(refused).toBeGreaterThan(30)
  })

  it.each([
    ['cut short', () => encodeJpeg(64, 48, smooth(64, 48)).subarray(0, 300), 64, 48, /Premature end of JPEG file/],
    ['progressive with its refinements out of order', () => progressiveJpeg(40, 24, 2), 40, 24, /Inconsistent progression sequence/],
  ] as const)("refuses a JPEG %s as @cwasm does, with libjpeg's reason, then decodes the next", (_, jpeg, w, h, reason) => {
    const data = jpeg()
    expect(() => cwasmJpeg(data)).toThrow()
    const err = (() => {
      try {
        decodeJpeg(data, w, h)
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(JpegError)
    expect((err as Error).message).toMatch(reason)
    const next = encodeJpeg(16, 16, smooth(16, 16))
    const theirs = cwasmJpeg(next).data
    expect(firstDifference(decodeJpeg(next, 16, 16), new Uint8Array(theirs.buffer, theirs.byteOffset, theirs.length))).toBe(-1)
  })
})
