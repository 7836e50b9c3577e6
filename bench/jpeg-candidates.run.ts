/**
 * JPEG decoding on the Node path (CLI, thumbnails, replay), on the Tight JPEG rects of the bench
 * recordings (bench/recordings/*tight-jpeg*.fbs, else the test fixtures): ours (libjpeg-turbo
 * built to WebAssembly with SIMD by scripts/jpeg-wasm/build.sh: what decodeJpeg ships),
 * other builds of it named in BENCH_JPEG_BUILDS (comma-separated .wasm files, e.g. from `SIMD=0
 * scripts/jpeg-wasm/build.sh /tmp/nosimd.wasm`), @cwasm/jpeg-turbo (the WebAssembly build shipped before, a devDependency;
 * its own decode, the same TurboJPEG calls our old wrapper made) and candidates loaded from
 * BENCH_JPEG_MODULES (a scratch node_modules, so nothing is added to the project: `npm i
 * @julusian/jpeg-turbo @napi-rs/image sharp @jsquash/jpeg @cornerstonejs/codec-libjpeg-turbo-8bit`
 * there). Rounds alternate the decoders (BENCH_JPEG_ROUNDS, default 5); the median round is reported,
 * as wall time and as this thread's CPU time (less moved by other jobs), with the load average. Run:
 *
 *   BENCH_JPEG_MODULES=/tmp/x/node_modules npx vitest run --config bench/vitest.config.mts bench/jpeg-candidates.run.ts
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { createRequire } from 'node:module'
import { basename, join } from 'node:path'
import { it } from 'vitest'
import { type DecodedImage, FramebufferSink, type ImageDecoder } from '../src/main/rfb/framebuffer'
import { decode as cwasmJpeg } from '@cwasm/jpeg-turbo'
import { JpegDecoder, decodeJpeg } from '../src/main/rfb/images/jpeg-decoder'
import { replayRecording } from '../src/main/rfb/record/replay'

interface Rect {
  data: Buffer
  w: number
  h: number
}

/** Decodes one rect to RGBA (sync) or resolves when done (async). */
type Decode = (r: Rect) => unknown

/** Every JPEG rect of a recording, in order. */
async function jpegRects(fbs: Uint8Array): Promise<Rect[]> {
  const out: Rect[] = []
  const collect: ImageDecoder = (kind, data, w, h): DecodedImage => {
    if (kind === 'jpeg') out.push({ data: Buffer.from(data), w, h })
    return { width: 0, height: 0, rgba: new Uint8Array(0) }
  }
  await replayRecording(fbs, new FramebufferSink(collect))
  return out
}

/** Rounds per recording (BENCH_JPEG_ROUNDS, default 5). */
const rounds = Number(process.env.BENCH_JPEG_ROUNDS ?? 5)

/** CPU time of this thread (user + system), in ms: less moved by other jobs than wall time. */
function threadCpuMs(): number {
  const u = process.threadCpuUsage ? process.threadCpuUsage() : process.cpuUsage() // the thread's from Node 23.9
  return (u.user + u.system) / 1e3
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]
}

it('measures JPEG decoders on recorded Tight JPEG rects', async () => {
  const root = join(import.meta.dirname, '..')
  const dir = existsSync(join(root, 'bench', 'recordings')) ? join(root, 'bench', 'recordings') : join(root, 'test', 'fixtures', 'recordings')
  const files = readdirSync(dir).filter((f) => f.includes('tight-jpeg') && f.endsWith('.fbs'))
  const candidates: Record<string, Decode> = {
    '@cwasm/jpeg-turbo (wasm)': (r) => cwasmJpeg(r.data),
    'ours (wasm, -msimd128)': (r) => decodeJpeg(r.data, r.w, r.h),
    // jpeg-js (pure JS, a devDependency) is measured by image-decoders.run.ts: 5-10x slower, too slow for these sets.
  }
  // Other builds of ours to compare (e.g. without -msimd128), each through the same JpegDecoder.
  for (const file of (process.env.BENCH_JPEG_BUILDS ?? '').split(',').filter(Boolean)) {
    const decoder = new JpegDecoder(new WebAssembly.Module(readFileSync(file)))
    candidates[`ours: ${basename(file)}`] = (r) => decoder.decode(r.data, r.w, r.h)
  }
  const modules = process.env.BENCH_JPEG_MODULES
  const req = modules ? createRequire(join(modules, 'x.js')) : null
  const load = (name: string): Record<string, unknown> | null => {
    try {
      return req ? (req(name) as Record<string, unknown>) : null
    } catch {
      return null
    }
  }
  const julusian = load('@julusian/jpeg-turbo') as { decompressSync(b: Buffer, o: object): unknown; FORMAT_RGBA: number } | null
  if (julusian) candidates['@julusian/jpeg-turbo (N-API)'] = (r) => julusian.decompressSync(r.data, { format: julusian.FORMAT_RGBA })
  const napiImage = load('@napi-rs/image') as { Transformer: new (b: Buffer) => { rawPixelsSync(): Buffer } } | null
  if (napiImage) candidates['@napi-rs/image (N-API)'] = (r) => new napiImage.Transformer(r.data).rawPixelsSync()
  const sharp = load('sharp') as unknown as ((b: Buffer) => { ensureAlpha(): { raw(): { toBuffer(): Promise<Buffer> } } }) | null
  if (sharp) candidates['sharp (libvips, async only)'] = (r) => sharp(r.data).ensureAlpha().raw().toBuffer()
  // WebAssembly builds on npm: libjpeg-turbo (Cornerstone's, decodes to RGB) and MozJPEG (Squoosh's, via @jsquash).
  const cornerstone = load('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs') as unknown as
    (() => Promise<{ JPEGDecoder: new () => { getEncodedBuffer(n: number): Uint8Array; decode(): void; getDecodedBuffer(): Uint8Array } }>) | null
  if (cornerstone) {
    const lib = await cornerstone()
    const dec = new lib.JPEGDecoder()
    candidates['@cornerstonejs/codec-libjpeg-turbo-8bit (wasm)'] = (r) => {
      dec.getEncodedBuffer(r.data.length).set(r.data)
      dec.decode()
      return dec.getDecodedBuffer()
    }
  }
  if (req && modules && existsSync(join(modules, '@jsquash', 'jpeg'))) {
    const jsquash = (await import(join(modules, '@jsquash', 'jpeg', 'decode.js'))) as {
      init(m: WebAssembly.Module): Promise<void>
      default(b: ArrayBuffer): Promise<unknown>
    }
    await jsquash.init(new WebAssembly.Module(readFileSync(join(modules, '@jsquash', 'jpeg', 'codec', 'dec', 'mozjpeg_dec.wasm'))))
    candidates['@jsquash/jpeg (MozJPEG, wasm)'] = (r) =>
      jsquash.default(r.data.buffer.slice(r.data.byteOffset, r.data.byteOffset + r.data.length) as ArrayBuffer)
  }

  const lines: string[] = []
  for (const f of files) {
    const all = await jpegRects(readFileSync(join(dir, f)))
    if (all.length === 0) continue
    // Our build must give @cwasm's pixels exactly, on every rect (test/unit/images/jpeg-wasm-parity.test.ts on the fixtures).
    const same = all.filter((r) => Buffer.from(decodeJpeg(r.data, r.w, r.h)).equals(Buffer.from(cwasmJpeg(r.data).data))).length
    // At most 400 rects a recording, so a round stays short on a loaded machine.
    const rects = all.slice(0, 400)
    const px = rects.reduce((n, r) => n + r.w * r.h, 0)
    const bytes = rects.reduce((n, r) => n + r.data.length, 0)
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(candidates).map((k) => [k, []]))
    const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(candidates).map((k) => [k, []]))
    const order = Object.entries(candidates)
    for (let round = 0; round < rounds; round++) {
      for (const [name, decode] of [...order.slice(round % order.length), ...order.slice(0, round % order.length)]) {
        const c = threadCpuMs()
        const t = performance.now()
        for (const r of rects) await decode(r)
        times[name].push(performance.now() - t)
        cpu[name].push(threadCpuMs() - c)
      }
    }
    lines.push(
      `${f}: ${rects.length} JPEG rects, ${(px / 1e6).toFixed(1)} Mpx, ${(bytes / 1e6).toFixed(2)} MB; ours = @cwasm on ${same} of ${all.length} rects`,
    )
    const base = median(times['@cwasm/jpeg-turbo (wasm)'])
    const baseCpu = median(cpu['@cwasm/jpeg-turbo (wasm)'])
    for (const [name, t] of Object.entries(times)) {
      const m = median(t)
      const c = median(cpu[name])
      lines.push(
        `  ${name.padEnd(46)} ${m.toFixed(1).padStart(8)} ms ${(px / 1e3 / m).toFixed(0).padStart(6)} Mpx/s ${(base / m).toFixed(2).padStart(6)}x @cwasm` +
          ` | CPU ${c.toFixed(1).padStart(8)} ms ${(px / 1e3 / c).toFixed(0).padStart(6)} Mpx/s ${(baseCpu / c).toFixed(2).padStart(6)}x`,
      )
    }
  }
  const loadAverage = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
  console.log(
    `JPEG decoding (${process.version}), median of ${rounds} rounds (order rotated each round); wall time | this thread's CPU time (not for async candidates); load average ${loadAverage} at the end\n${lines.join('\n')}`,
  )
})
