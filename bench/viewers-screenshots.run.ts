/**
 * Whether each viewer showed the Tight streams' picture right (channel order above all: TPIXEL is
 * R,G,B whatever format the viewer asked for), from the PNGs `BENCH_SCREENSHOTS=DIR npm run
 * bench:viewers` saves (STREAM-VIEWER.png):
 *
 *   SHOTS=DIR npx vitest run --config bench/vitest.config.mts bench/viewers-screenshots.run.ts
 *
 * The source frames are the lossless stream decoded by our engine (test/unit/bench/tight-screen.test.ts
 * proves that exact). A screenshot may catch a screen half painted, so each band of rows is
 * matched on its own against every frame: per band, the least mean |difference| per channel
 * (0-255), read as R,G,B and as B,G,R. noVNC and TigerVNC draw 1:1 (TigerVNC's window sits at a
 * small offset, searched for); Tessera scales the screen to its tab, so its canvas is found
 * (rows and columns mostly colourful) and 60x60-pixel block averages are compared.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { FramebufferSink } from '../src/main/rfb/framebuffer'
import { decodeImage, decodeImageNode } from '../src/main/rfb/images/node-image-decoder'
import { replayRecording } from '../src/main/rfb/record/replay'

const W = 1920
const H = 1080
type Order = 'rgb' | 'bgr'
const ORDERS: Order[] = ['rgb', 'bgr']

interface Image {
  w: number
  h: number
  rgba: Uint8Array
}

function loadPng(file: string): Image {
  const png = readFileSync(file)
  const w = png.readUInt32BE(16)
  const h = png.readUInt32BE(20)
  return { w, h, rgba: decodeImage('png', png, w, h).rgba }
}

const channel = (img: Uint8Array, i: number, order: Order, c: number): number => img[i + (order === 'rgb' ? c : 2 - c)]

/** 1:1 viewers: per 30-row band, the least mean |difference| over frames and offsets (dx, dy). */
function exactBands(shot: Image, frames: Uint8Array[], order: Order, offsets: [number, number][]): number[] {
  const bands: number[] = []
  for (let y0 = 68; y0 < 1020; y0 += 68) {
    let best = Infinity
    for (const [dx, dy] of offsets)
      for (const fr of frames) {
        let sum = 0
        let n = 0
        for (let y = y0; y < y0 + 30; y += 3)
          for (let x = 40; x < 1880; x += 23) {
            const i = ((y + dy) * shot.w + x + dx) * 4
            const j = (y * W + x) * 4
            for (let c = 0; c < 3; c++) sum += Math.abs(channel(shot.rgba, i, order, c) - fr[j + c])
            n += 3
          }
        best = Math.min(best, sum / n)
      }
    bands.push(best)
  }
  return bands
}

/** Tessera's scaled canvas: where it is, then per band of 60x60 blocks, the least mean |difference| over frames. */
function scaledBands(shot: Image, frames: Uint8Array[], order: Order): number[] {
  const { w, h, rgba } = shot
  const colourful = (x: number, y: number): boolean => {
    const i = (y * w + x) * 4
    return Math.max(rgba[i], rgba[i + 1], rgba[i + 2]) - Math.min(rgba[i], rgba[i + 1], rgba[i + 2]) > 60
  }
  let [top, bottom, left, right] = [h, 0, w, 0]
  for (let y = 0; y < h; y++) {
    let n = 0
    for (let x = 0; x < w; x++) if (colourful(x, y)) n++
    if (n > w / 2) [top, bottom] = [Math.min(top, y), Math.max(bottom, y)]
  }
  for (let x = 0; x < w; x++) {
    let n = 0
    for (let y = top; y <= bottom; y++) if (colourful(x, y)) n++
    if (n > (bottom - top) / 2) [left, right] = [Math.min(left, x), Math.max(right, x)]
  }
  const scale = (right - left + 1) / W
  const B = 60
  const avg = (img: Uint8Array, iw: number, x0: number, y0: number, size: number, o: Order): number[] => {
    const a = [0, 0, 0]
    let n = 0
    for (let y = Math.round(y0); y < Math.round(y0 + size); y++)
      for (let x = Math.round(x0); x < Math.round(x0 + size); x++, n++) for (let c = 0; c < 3; c++) a[c] += channel(img, (y * iw + x) * 4, o, c)
    return a.map((v) => v / n)
  }
  const bands: number[] = []
  for (let by = 0; by + B <= 1020; by += B) {
    const got: number[][] = []
    for (let bx = 0; bx + B <= W; bx += B) got.push(avg(rgba, w, left + bx * scale, top + by * scale, B * scale, order))
    let best = Infinity
    for (const fr of frames) {
      let sum = 0
      got.forEach((c, k) => {
        const want = avg(fr, W, k * B, by, B, 'rgb')
        for (let i = 0; i < 3; i++) sum += Math.abs(c[i] - want[i])
      })
      best = Math.min(best, sum / (got.length * 3))
    }
    bands.push(best)
  }
  return bands
}

const median = (a: number[]): number => a.slice().sort((p, q) => p - q)[a.length >> 1]

it('each viewer shows the Tight streams in the right colours', async () => {
  const dir = process.env.SHOTS
  // Nothing to check without a bench run's screenshots (this file is a bench tool, not a test).
  if (!dir) return console.log('SHOTS=DIR (from BENCH_SCREENSHOTS=DIR npm run bench:viewers) names the screenshots')
  const frames: Uint8Array[] = []
  const sink = new FramebufferSink(decodeImageNode)
  sink.onUpdate = () => void frames.push(sink.data.slice())
  await replayRecording(readFileSync(join('out/bench', 'viewers-tight-lossless-1920x1080.fbs')), sink)
  expect(frames[0].length).toBe(W * H * 4)
  // TigerVNC's window on its Xvfb: found at (1, 20) on Debian's 1.12; searched near there.
  const near: [number, number][] = []
  for (let dy = 0; dy <= 30; dy++) for (let dx = -2; dx <= 2; dx++) near.push([dx, dy])
  const lines = [`${frames.length} source frames`]
  for (const s of ['tight-lossless', 'tight-jpeg8'])
    for (const v of ['tessera', 'novnc', 'tigervnc']) {
      const file = join(dir, `${s}-${v}.png`)
      if (!existsSync(file)) continue
      const shot = loadPng(file)
      const r = ORDERS.map((o) => (v === 'tessera' ? scaledBands(shot, frames, o) : exactBands(shot, frames, o, v === 'novnc' ? [[0, 0]] : near)))
      lines.push(
        `${s} / ${v}: per band, least mean |difference| per channel, median (worst): as R,G,B ${median(r[0]).toFixed(1)} (${Math.max(...r[0]).toFixed(1)}), as B,G,R ${median(r[1]).toFixed(1)} (${Math.max(...r[1]).toFixed(1)})`,
      )
    }
  console.log(lines.join('\n'))
})
