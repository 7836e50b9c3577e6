import { describe, expect, it } from 'vitest'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { prng } from '../../helpers/desktop'
import { hex } from '../../helpers/feed'

/** The framebuffer's ops pixel by pixel, clipped: what the fast paths must match. */
class Reference {
  words: Uint32Array
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.words = new Uint32Array(width * height)
  }

  private put(x: number, y: number, v: number): void {
    if (x < this.width && y < this.height) this.words[y * this.width + x] = v
  }

  fill(x: number, y: number, w: number, h: number, c: number): void {
    for (let r = 0; r < h; r++) for (let i = 0; i < w; i++) this.put(x + i, y + r, c)
  }

  pixels(x: number, y: number, w: number, h: number, rgba: Uint32Array): void {
    for (let r = 0; r < h; r++) for (let i = 0; i < w; i++) this.put(x + i, y + r, rgba[r * w + i])
  }

  copy(sx: number, sy: number, x: number, y: number, w: number, h: number): void {
    w = Math.min(w, this.width - sx, this.width - x)
    h = Math.min(h, this.height - sy, this.height - y)
    if (w <= 0 || h <= 0) return
    const src = this.words.slice()
    for (let r = 0; r < h; r++) for (let i = 0; i < w; i++) this.words[(y + r) * this.width + x + i] = src[(sy + r) * this.width + sx + i]
  }
}

describe('FramebufferSink', () => {
  it('fills, copies and draws pixels as a per-pixel reference does: narrow, wide, whole rows, clipped, overlapping', () => {
    const W = 70
    const H = 40
    const rnd = prng(3)
    const int = (n: number): number => Math.floor(rnd() * n)
    const fb = new FramebufferSink()
    fb.resize(W, H)
    const ref = new Reference(W, H)
    for (let op = 0; op < 3000; op++) {
      // Sizes from 1 to past the edge; full-width rects often, for the whole-row paths.
      const w = rnd() < 0.2 ? W : 1 + int(rnd() < 0.5 ? 8 : 80)
      const h = 1 + int(rnd() < 0.5 ? 4 : 45)
      const x = rnd() < (w === W ? 0.7 : 0.3) ? 0 : int(W + 5)
      const y = int(H + 3)
      const kind = int(3)
      if (kind === 0) {
        // Colours as decoders pass them: signed int32 or unsigned.
        const signed = 0xff000000 | int(0x1000000)
        fb.fill(x, y, w, h, rnd() < 0.5 ? signed : signed >>> 0)
        ref.fill(x, y, w, h, signed)
      } else if (kind === 1) {
        const rgba = Uint32Array.from({ length: w * h + int(3) }, () => 0xff000000 | int(0x1000000))
        fb.pixels(x, y, w, h, rgba)
        ref.pixels(x, y, w, h, rgba)
      } else {
        const sx = w === W && rnd() < 0.7 ? 0 : int(W)
        const sy = int(H)
        fb.copy(sx, sy, x, y, w, h)
        ref.copy(sx, sy, x, y, w, h)
      }
      for (let i = 0; i < W * H; i++) {
        if (fb.words[i] !== ref.words[i])
          expect.fail(`op ${op} (kind ${kind} ${w}x${h}+${x}+${y}): pixel ${i % W},${Math.floor(i / W)} is ${hex(fb.words[i])}, want ${hex(ref.words[i])}`)
      }
    }
  })
})
