import { decode as lodepng } from '@cwasm/lodepng'
import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { PngError, decodePng } from '../../../src/main/rfb/images/png-decoder'
import { encodePng } from '../../../src/main/rfb/png'
import { pngBomb, pngFile } from '../../helpers/crafted-images'
import { smooth } from '../../helpers/images'

/** A deterministic byte source, so a failure can be replayed. */
function bytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n)
  let s = seed >>> 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = s >>> 24
  }
  return out
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }

/**
 * A PNG whose every row has a random filter type and random bytes: any such file is valid, and
 * lodepng (which decoded our PNGs before) says what its pixels are.
 */
function randomPng(seed: number, w: number, h: number, colourType: number, depth: number, interlaced: boolean): Uint8Array {
  const passes = interlaced
    ? [
        [0, 0, 8, 8],
        [4, 0, 8, 8],
        [0, 4, 4, 8],
        [2, 0, 4, 4],
        [0, 2, 2, 4],
        [1, 0, 2, 2],
        [0, 1, 1, 2],
      ]
    : [[0, 0, 1, 1]]
  const rows: Uint8Array[] = []
  const noise = bytes(seed, 1 << 16)
  let k = 0
  for (const [x0, y0, dx, dy] of passes) {
    const pw = w > x0 ? Math.ceil((w - x0) / dx) : 0
    const ph = h > y0 ? Math.ceil((h - y0) / dy) : 0
    if (pw === 0 || ph === 0) continue
    const stride = Math.ceil((pw * CHANNELS[colourType] * depth) / 8)
    for (let r = 0; r < ph; r++) {
      const row = new Uint8Array(1 + stride)
      row[0] = noise[k++ & 0xffff] % 5
      for (let i = 1; i <= stride; i++) row[i] = noise[k++ & 0xffff]
      rows.push(row)
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = depth
  ihdr[9] = colourType
  ihdr[12] = interlaced ? 1 : 0
  const raw = Buffer.concat(rows)
  // Two IDAT chunks, and a palette shorter than 256 entries (indices past it are black).
  const z = deflateSync(raw)
  const cut = z.length >> 1
  return pngFile([
    ['IHDR', ihdr],
    ...(colourType === 3 ? [['PLTE', bytes(seed + 1, 3 * 200)] as [string, Uint8Array]] : []),
    ['tEXt', Buffer.from('Comment\0ancillary chunks are skipped')],
    ['IDAT', z.subarray(0, cut)],
    ['IDAT', z.subarray(cut)],
    ['IEND', new Uint8Array(0)],
  ])
}

describe('decodePng', () => {
  const kinds: [number, number][] = [
    [0, 1],
    [0, 2],
    [0, 4],
    [0, 8],
    [0, 16],
    [2, 8],
    [2, 16],
    [3, 1],
    [3, 2],
    [3, 4],
    [3, 8],
    [4, 8],
    [4, 16],
    [6, 8],
    [6, 16],
  ]
  it.each(
    kinds.flatMap(
      ([c, d]) =>
        [
          [c, d, false],
          [c, d, true],
        ] as const,
    ),
  )('matches lodepng pixel for pixel: colour type %i, %i bits, interlaced %s', (colourType, depth, interlaced) => {
    for (const [w, h] of [
      [1, 1],
      [3, 2],
      [13, 9],
      [37, 11],
    ]) {
      const png = randomPng(w * 1000 + h + colourType * 7 + depth, w, h, colourType, depth, interlaced)
      const want = lodepng(png)
      const words = new Uint32Array(want.data.buffer, want.data.byteOffset, w * h)
      for (let i = 0; i < words.length; i++) words[i] |= 0xff000000
      const got = decodePng(png, w, h)
      expect([got.width, got.height]).toEqual([w, h])
      expect(Buffer.from(got.words.buffer).equals(Buffer.from(words.buffer, words.byteOffset, w * h * 4)), `${w}x${h}`).toBe(true)
    }
  })

  it("decodes our own encoder's PNG exactly", () => {
    const src = smooth(64, 48)
    expect(Buffer.from(decodePng(encodePng(64, 48, src), 64, 48).words.buffer).equals(Buffer.from(src))).toBe(true)
  })

  it('stops inflating at the size the rect needs: a 16x16 PNG whose data inflates to 1 GiB', () => {
    const bomb = pngBomb(16, 16, 1 << 30)
    expect(bomb.length).toBeLessThan(1_100_000)
    const started = performance.now()
    expect(() => decodePng(bomb, 16, 16)).toThrow(/inflates past the 784 bytes a 16x16 image needs/)
    expect(performance.now() - started).toBeLessThan(100)
  })

  it.each([
    ['another size in IHDR', () => decodePng(encodePng(16, 8, smooth(16, 8)), 16, 16), /image of 16x8 in a 16x16 rect/],
    ['too little image data', () => decodePng(pngBomb(16, 16, 700), 16, 16), /inflates to 700 bytes, not 784/],
    [
      'a damaged CRC',
      () => {
        const png = encodePng(4, 4, smooth(4, 4))
        png[png.length - 14] ^= 1 // IDAT's CRC
        return decodePng(png, 4, 4)
      },
      /bad CRC in IDAT/,
    ],
    ['no IEND', () => decodePng(encodePng(4, 4, smooth(4, 4)).subarray(0, -12), 4, 4), /no IEND/],
    [
      'an unknown critical chunk',
      () =>
        decodePng(
          pngFile([
            ['IHDR', encodePng(1, 1, smooth(1, 1)).subarray(16, 29)],
            ['ABCD', new Uint8Array(1)],
          ]),
          1,
          1,
        ),
      /unknown critical chunk ABCD/,
    ],
  ] as const)('refuses %s', (_, run, message) => {
    expect(run).toThrow(PngError)
    expect(run).toThrow(message)
  })
})
