/**
 * Synchronous JPEG/PNG decoding in Node, for the framebuffer sink: WebAssembly builds (ours of
 * libjpeg-turbo, which the engine ships, @cwasm/jpeg-turbo, @cwasm/lodepng) against pure-JS candidates. jpeg-js is a devDependency;
 * pngjs, fast-png and upng-js are measured only when installed (`npm i --no-save pngjs fast-png
 * upng-js`). Desktop-like pictures, encoded by jpeg-js (quality 60-95) and by hand (PNG). Run:
 *
 *   npx vitest run --config bench/vitest.config.mts bench/image-decoders.run.ts
 */
import { decode as cwasmJpeg } from '@cwasm/jpeg-turbo'
import { decode as cwasmPng } from '@cwasm/lodepng'
import { decode as jpegJsDecode } from 'jpeg-js'
import { it } from 'vitest'
import { decodeJpeg } from '../src/main/rfb/images/jpeg-decoder'
import { encodePng } from '../src/main/rfb/png'
import { imageSize } from '../src/shared/image-header'
import { crop, desktopFrame } from '../test/helpers/desktop'
import { encodeJpeg, handMadePng } from '../test/helpers/images'

type Decode = (data: Uint8Array) => { width: number }

const SIZES: [number, number][] = [
  [64, 64],
  [256, 256],
  [640, 480],
  [1920, 1080],
]

/** Images per second and input MB/s over at least `minMs`. */
function measure(decode: Decode, images: Uint8Array[], minMs = 1000): { perSecond: number; mbps: number } {
  for (const img of images) decode(img)
  let n = 0
  let bytes = 0
  const start = performance.now()
  let elapsed = 0
  do {
    for (const img of images) {
      decode(img)
      bytes += img.length
      n++
    }
    elapsed = performance.now() - start
  } while (elapsed < minMs)
  return { perSecond: n / (elapsed / 1000), mbps: bytes / 1e6 / (elapsed / 1000) }
}

async function optional(name: string): Promise<Record<string, unknown> | null> {
  return (await import(/* @vite-ignore */ name).catch(() => null)) as Record<string, unknown> | null
}

it('measures image decoders', async () => {
  const frame = desktopFrame(1920, 1080, 3)
  const jpegs: Record<string, Decode> = {
    'ours (wasm SIMD)': (d) => {
      const size = imageSize('jpeg', d)!
      return { width: size.width, rgba: decodeJpeg(d, size.width, size.height) }
    },
    '@cwasm/jpeg-turbo': (d) => cwasmJpeg(d),
    'jpeg-js': (d) => jpegJsDecode(d, { useTArray: true }),
  }
  const pngs: Record<string, Decode> = { '@cwasm/lodepng': (d) => cwasmPng(d) }
  const pngjs = await optional('pngjs')
  if (pngjs) {
    const PNG = pngjs.PNG as { sync: { read(b: Buffer): { width: number } } }
    pngs.pngjs = (d) => PNG.sync.read(Buffer.from(d.buffer, d.byteOffset, d.length))
  }
  const fastPng = await optional('fast-png')
  if (fastPng) pngs['fast-png'] = fastPng.decode as Decode
  const upng = await optional('upng-js')
  if (upng) {
    const U = (upng.default ?? upng) as { decode(b: ArrayBuffer): unknown; toRGBA8(i: unknown): ArrayBuffer[] }
    pngs['upng-js'] = (d) => (U.toRGBA8(U.decode(new Uint8Array(d).buffer)), { width: 0 })
  }

  const lines: string[] = []
  for (const [w, h] of SIZES) {
    const rgba = crop(frame, 1920, 0, 0, w, h)
    const jpegSet = [60, 80, 95].map((q) => encodeJpeg(w, h, rgba, q))
    for (const [name, decode] of Object.entries(jpegs)) {
      const r = measure(decode, jpegSet)
      lines.push(
        `JPEG ${`${w}x${h}`.padEnd(10)} ${name.padEnd(18)} ${r.perSecond.toFixed(0).padStart(7)} img/s ${r.mbps.toFixed(1).padStart(6)} MB/s in ${((r.perSecond * w * h) / 1e6).toFixed(0).padStart(5)} Mpx/s`,
      )
    }
    // RGB as QEMU sends full-colour rects, and 16-colour indexed as it sends palette rects.
    const idx = new Uint8Array(w * h)
    for (let i = 0; i < idx.length; i++) idx[i] = (rgba[i * 4] >> 4) & 0xf
    const palette = Uint8Array.from({ length: 48 }, (_, i) => (i * 37) & 0xff)
    const pngSet = [encodePng(w, h, rgba), handMadePng(w, h, 3, idx, palette)]
    for (const [name, decode] of Object.entries(pngs)) {
      const r = measure(decode, pngSet)
      lines.push(
        `PNG  ${`${w}x${h}`.padEnd(10)} ${name.padEnd(18)} ${r.perSecond.toFixed(0).padStart(7)} img/s ${r.mbps.toFixed(1).padStart(6)} MB/s in ${((r.perSecond * w * h) / 1e6).toFixed(0).padStart(5)} Mpx/s`,
      )
    }
  }
  console.log(`image decoding (${process.version})\n${lines.join('\n')}`)
})
