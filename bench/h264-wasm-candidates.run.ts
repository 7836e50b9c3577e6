/**
 * WebAssembly H.264 decoders for the Node path (`tessera replay`, `snapshot`), against ffmpeg's
 * own decode of the same stream: 60 frames of ffmpeg's `testsrc2` at 1920x1080, encoded by
 * libx264 as a VNC server would (no B-frames, zero latency, a key frame every 30 frames, AUDs and
 * parameter sets repeated) in the baseline, main and high profiles. Correctness: the worst frame's
 * PSNR of the decoder's YUV 4:2:0 against ffmpeg's (Infinity = bit-exact); speed: 1080p frames/s
 * of the decode alone. Candidates load from BENCH_H264_MODULES (a node_modules folder outside the
 * project, so nothing is added to it: `npm i h264decoder @ffmpeg/core` in a scratch folder). Run:
 *
 *   BENCH_H264_MODULES=/tmp/x/node_modules npx vitest run --config bench/vitest.config.mts bench/h264-wasm-candidates.run.ts
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { it } from 'vitest'

const W = 1920
const H = 1080
const FRAME = (W * H * 3) / 2
const PROFILES = ['baseline', 'main', 'high'] as const

/** The stream and ffmpeg's decode of it (planar YUV 4:2:0, frame after frame). */
function stream(profile: string): { h264: Uint8Array; yuv: Uint8Array; nativeMs: number } {
  const enc = ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=s=${W}x${H}:r=30`, '-frames:v', '60', '-vf', 'format=yuv420p']
  enc.push('-c:v', 'libx264', '-profile:v', profile, '-preset', 'veryfast', '-tune', 'zerolatency', '-bf', '0', '-g', '30', '-crf', '20')
  enc.push('-x264-params', 'aud=1:repeat-headers=1', '-f', 'h264', 'pipe:1')
  const h264 = spawnSync('ffmpeg', enc, { maxBuffer: 64 << 20 }).stdout
  const t = performance.now()
  const dec = ['-hide_banner', '-loglevel', 'error', '-threads', '1', '-f', 'h264', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']
  const yuv = spawnSync('ffmpeg', dec, { input: h264, maxBuffer: 512 << 20 }).stdout
  return { h264: new Uint8Array(h264), yuv: new Uint8Array(yuv), nativeMs: performance.now() - t }
}

/** NAL units without their start codes. */
function nalUnits(s: Uint8Array): Uint8Array[] {
  const starts: number[] = []
  for (let i = 0; i + 3 <= s.length; i++) if (s[i] === 0 && s[i + 1] === 0 && s[i + 2] === 1) starts.push((i += 2) + 1)
  return starts.map((st, j) => s.subarray(st, j + 1 < starts.length ? starts[j + 1] - 3 - (s[starts[j + 1] - 4] === 0 ? 1 : 0) : s.length))
}

function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / a.length))
}

/** A decoded picture `w` x `h` (macroblock-aligned: the decoder ignores the SPS crop) cut to W x H. */
function crop(pic: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(FRAME)
  for (let y = 0; y < H; y++) out.set(pic.subarray(y * w, y * w + W), y * W)
  for (let p = 0; p < 2; p++) {
    const from = w * h + (p * w * h) / 4
    const to = W * H + (p * W * H) / 4
    for (let y = 0; y < H / 2; y++) out.set(pic.subarray(from + (y * w) / 2, from + (y * w) / 2 + W / 2), to + (y * W) / 2)
  }
  return out
}

interface Result {
  frames: Uint8Array[]
  ms: number
  initMs: number
}

type Candidate = (load: NodeJS.Require, h264: Uint8Array) => Promise<Result>

const candidates: Record<string, Candidate> = {
  // tinyh264's WebAssembly (Android's software decoder, via Broadway), repackaged.
  h264decoder: async (load, h264) => {
    const t0 = performance.now()
    const { H264Decoder } = load('h264decoder') as { H264Decoder: new () => { decode(n: Uint8Array): number; pic: Uint8Array; width: number; height: number } }
    const d = new H264Decoder()
    const initMs = performance.now() - t0
    const frames: Uint8Array[] = []
    const t = performance.now()
    for (const n of nalUnits(h264)) if ((n[0] & 31) !== 9 && d.decode(n) === 1) frames.push(crop(d.pic, d.width, d.height))
    return { frames, ms: performance.now() - t, initMs }
  },
  // ffmpeg.wasm's core (single thread), driven through its command line on its in-memory files.
  '@ffmpeg/core': async (load, h264) => {
    const g = globalThis as Record<string, unknown>
    g.self ??= globalThis
    g.location ??= { href: `file://${load.resolve('@ffmpeg/core')}` }
    const t0 = performance.now()
    const create = load('@ffmpeg/core') as (o: object) => Promise<{
      FS: { writeFile(p: string, d: Uint8Array): void; readFile(p: string): Uint8Array }
      exec(...args: string[]): number
    }>
    const core = await create({ wasmBinary: readFileSync(load.resolve('@ffmpeg/core/wasm')) })
    const initMs = performance.now() - t0
    core.FS.writeFile('/in.h264', h264)
    const t = performance.now()
    core.exec('-loglevel', 'error', '-threads', '1', '-f', 'h264', '-i', '/in.h264', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '/out.yuv')
    const ms = performance.now() - t
    const out = core.FS.readFile('/out.yuv')
    return { frames: Array.from({ length: out.length / FRAME }, (_, i) => out.subarray(i * FRAME, (i + 1) * FRAME)), ms, initMs }
  },
}

it('H.264 WebAssembly decoders against ffmpeg', { timeout: 1_800_000 }, async () => {
  const dir = process.env.BENCH_H264_MODULES
  if (!dir) throw new Error('set BENCH_H264_MODULES to a node_modules folder with the candidates')
  const load = createRequire(join(dir, 'x.js'))
  for (const profile of PROFILES) {
    const { h264, yuv, nativeMs } = stream(profile)
    const total = yuv.length / FRAME
    console.log(
      `${profile}: ${(h264.length / 1024).toFixed(0)} KB; native ffmpeg (1 thread, with process start) ${((total * 1000) / nativeMs).toFixed(1)} frames/s`,
    )
    for (const [name, run] of Object.entries(candidates)) {
      let r: Result
      try {
        r = await run(load, h264)
      } catch (e) {
        console.log(`  ${name}: failed: ${(e as Error).message}`)
        continue
      }
      let worst = Infinity
      for (let i = 0; i < Math.min(r.frames.length, total); i++) worst = Math.min(worst, psnr(r.frames[i], yuv.subarray(i * FRAME, (i + 1) * FRAME)))
      const fps = r.frames.length ? ((r.frames.length * 1000) / r.ms).toFixed(1) : '-'
      console.log(
        `  ${name}: ${r.frames.length}/${total} frames, worst PSNR ${r.frames.length ? worst.toFixed(1) : '-'} dB, ${fps} frames/s, start ${r.initMs.toFixed(0)} ms`,
      )
    }
  }
})
