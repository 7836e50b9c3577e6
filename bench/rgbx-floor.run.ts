/**
 * How close our Raw path comes to the least work it must do: the recording's bytes copied into a
 * fresh 1920x1080 RGBA framebuffer in 64 KiB pieces and made opaque, (a) as a bare loop of
 * Uint8Array.set and a store of 255 in every 4th byte, (b) with PixelConverter.toRgba (the
 * WebAssembly SIMD kernel for long runs), against (c) our whole replay of the recording
 * (src/main/rfb/record/replay.ts into FramebufferSink). Passes alternate; medians and ratios to
 * (a) are printed with the load average. The floors write rows contiguously; a recording of
 * narrow rects makes the replay write short rows a framebuffer width apart, which costs more.
 *
 *   npx vitest run --config bench/vitest.config.mts bench/rgbx-floor.run.ts
 *   BENCH_FILES=a.fbs,b.fbs BENCH_ROUNDS=15 npx vitest run --config bench/vitest.config.mts bench/rgbx-floor.run.ts
 */
import { existsSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { basename, resolve } from 'node:path'
import { it } from 'vitest'
import { FramebufferSink } from '../src/main/rfb/framebuffer'
import { PixelConverter } from '../src/main/rfb/pixel-converter'
import { RGBX8888 } from '../src/main/rfb/pixel-format'
import { recordingStream, replayStream } from '../src/main/rfb/record/replay'
import { syntheticRecording } from './synthetic'

const FB_BYTES = 1920 * 1080 * 4
const CHUNK = 64 * 1024

/** Calls `copy(src, at)` for the stream in 64 KiB chunks of whole pixels, cut where the framebuffer wraps. */
function walk(stream: Uint8Array, copy: (src: Uint8Array, at: number) => void): void {
  let at = 0
  for (let o = 0; o < stream.length; o += CHUNK) {
    const chunk = stream.subarray(o, Math.min(o + CHUNK, stream.length))
    for (let s = 0, left = chunk.length & ~3; left > 0;) {
      const n = Math.min(left, FB_BYTES - at)
      copy(n === chunk.length ? chunk : chunk.subarray(s, s + n), at)
      s += n
      left -= n
      at = (at + n) % FB_BYTES
    }
  }
}

function bareLoop(stream: Uint8Array): void {
  const fb = new Uint8Array(FB_BYTES)
  walk(stream, (src, at) => {
    fb.set(src, at)
    const e = at + src.length
    let i = at + 3
    for (const e4 = e - 12; i < e4; i += 16) {
      fb[i] = 255
      fb[i + 4] = 255
      fb[i + 8] = 255
      fb[i + 12] = 255
    }
    for (; i < e; i += 4) fb[i] = 255
  })
}

function converter(stream: Uint8Array): void {
  const words = new Uint32Array(FB_BYTES / 4)
  const px = new PixelConverter(RGBX8888)
  walk(stream, (src, at) => px.toRgba(src, 0, words, at / 4, src.length / 4))
}

function recordings(): { name: string; fbs: Uint8Array }[] {
  const root = resolve(import.meta.dirname, '..')
  const listed = process.env.BENCH_FILES?.split(',').filter(Boolean)
  const files =
    listed ?? ['tigervnc-raw', 'qemu-raw', 'tigervnc-copyrect'].map((n) => resolve(root, 'bench', 'recordings', `${n}.fbs`)).filter((f) => existsSync(f))
  if (files.length) return files.map((f) => ({ name: basename(f, '.fbs'), fbs: readFileSync(f) }))
  return [{ name: 'synthetic-raw', fbs: syntheticRecording('raw') }]
}

it('measures the Raw floor', async () => {
  const rounds = Number(process.env.BENCH_ROUNDS) || 9
  const lines: string[] = []
  for (const { name, fbs } of recordings()) {
    const stream = recordingStream(fbs)
    const t = { bare: [] as number[], toRgba: [] as number[], replay: [] as number[] }
    for (let r = 0; r < rounds; r++) {
      let t0 = performance.now()
      bareLoop(stream)
      t.bare.push(performance.now() - t0)
      t0 = performance.now()
      converter(stream)
      t.toRgba.push(performance.now() - t0)
      t.replay.push((await replayStream(stream, new FramebufferSink(), { chunkSize: CHUNK })).elapsedMs)
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]
    const bare = median(t.bare)
    lines.push(
      `${name.padEnd(20)} ${(stream.length / 1e6).toFixed(0).padStart(5)} MB: ` +
        Object.entries(t)
          .map(([k, v]) => `${k} ${median(v).toFixed(1)} ms (${(stream.length / 1e3 / median(v)).toFixed(0)} MB/s, ${(median(v) / bare).toFixed(2)}x bare)`)
          .join(', '),
    )
  }
  console.log(
    `Raw floor, median of ${process.env.BENCH_ROUNDS || 9} alternating rounds (${process.version}), load average ${loadavg()[0].toFixed(1)}\n${lines.join('\n')}`,
  )
})
