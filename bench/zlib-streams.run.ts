/**
 * Persistent-zlib-stream throughput: pako (streaming), Node's zlib (each sync-flushed chunk as
 * raw deflate with the last 32 KiB as dictionary) and fflate (streaming, measured only when the
 * package is installed: `npm i --no-save fflate`). Output MB/s on desktop-like pixels, cut into
 * rects the way servers send them. Run:
 *
 *   npx vitest run --config bench/vitest.config.mts bench/zlib-streams.run.ts
 */
import { loadavg } from 'node:os'
import { it } from 'vitest'
import type { InflateStream } from '../src/main/rfb/zlib/inflate-stream'
import { NodeInflateStream } from '../src/main/rfb/zlib/node-inflate-stream'
import { PakoInflateStream } from '../src/main/rfb/zlib/pako-inflate-stream'
import { crop, desktopFrame } from '../test/helpers/desktop'
import { SyncDeflater } from '../test/helpers/zlib'

const W = 1920
const H = 1080

interface FflateModule {
  Unzlib: new (ondata: (data: Uint8Array, final: boolean) => void) => { push(chunk: Uint8Array, final?: boolean): void }
}

/** fflate's streaming inflater behind the same interface (bench only). */
class FflateInflateStream implements InflateStream {
  private inflater!: { push(chunk: Uint8Array, final?: boolean): void }
  private out = new Uint8Array(1 << 16)
  private outLen = 0

  constructor(private readonly mod: FflateModule) {
    this.reset()
  }

  inflate(input: Uint8Array, maxOut: number): Uint8Array {
    this.outLen = 0
    this.inflater.push(input)
    if (this.outLen > maxOut) throw new Error('too much output')
    return this.out.subarray(0, this.outLen)
  }

  reset(): void {
    this.inflater = new this.mod.Unzlib((data) => {
      const need = this.outLen + data.length
      if (need > this.out.length) {
        const grown = new Uint8Array(Math.max(need, this.out.length * 2))
        grown.set(this.out.subarray(0, this.outLen))
        this.out = grown
      }
      this.out.set(data, this.outLen)
      this.outLen = need
    })
  }
}

interface Workload {
  name: string
  chunks: Uint8Array[]
  raw: Uint8Array[]
}

/** Two successive frames cut into `rw`x`rh` rects, each one sync-flushed chunk of one stream. */
function workload(name: string, rw: number, rh: number, level: number, area = { w: W, h: H }): Workload {
  const d = new SyncDeflater(level)
  const chunks: Uint8Array[] = []
  const raw: Uint8Array[] = []
  for (const variant of [0, 1]) {
    const frame = desktopFrame(W, H, variant)
    for (let y = 0; y < area.h; y += rh) {
      for (let x = 0; x < area.w; x += rw) {
        const block = crop(frame, W, x, y, Math.min(rw, area.w - x), Math.min(rh, area.h - y))
        raw.push(block)
        chunks.push(d.chunk(block))
      }
    }
  }
  return { name: `${name}, level ${level}`, chunks, raw }
}

function verify(make: () => InflateStream, w: Workload): void {
  const s = make()
  for (let i = 0; i < w.chunks.length; i++) {
    const out = s.inflate(w.chunks[i], w.raw[i].length)
    if (Buffer.compare(Buffer.from(out), Buffer.from(w.raw[i])) !== 0) throw new Error(`${w.name}: chunk ${i} inflates wrongly`)
  }
}

/** Output MB/s over whole passes (a fresh stream each), for at least `minMs`. */
function measure(make: () => InflateStream, w: Workload, minMs = 1500): number {
  let bytes = 0
  for (const r of w.raw) bytes += r.length
  let passes = 0
  const start = performance.now()
  let elapsed = 0
  do {
    const s = make()
    for (let i = 0; i < w.chunks.length; i++) s.inflate(w.chunks[i], w.raw[i].length)
    passes++
    elapsed = performance.now() - start
  } while (elapsed < minMs)
  return (bytes * passes) / 1e6 / (elapsed / 1000)
}

it('measures inflate streams', async () => {
  const name = 'fflate'
  const fflate = (await import(/* @vite-ignore */ name).catch(() => null)) as FflateModule | null
  const impls: [string, () => InflateStream][] = [
    ['pako', () => new PakoInflateStream()],
    ['node', () => new NodeInflateStream((dictionary) => new PakoInflateStream({ raw: true, dictionary }))],
  ]
  if (fflate) impls.push(['fflate', () => new FflateInflateStream(fflate)])

  const workloads: Workload[] = []
  for (const level of [1, 6]) {
    workloads.push(workload('16x16 tiles (1 KiB raw)', 16, 16, level, { w: W, h: 256 }))
    workloads.push(workload('64x64 rects (16 KiB raw)', 64, 64, level))
    workloads.push(workload('256x256 rects (256 KiB raw)', 256, 256, level))
    workloads.push(workload('full 1920x1080 frame (8 MiB raw)', W, H, level))
  }
  const lines: string[] = []
  for (const w of workloads) {
    let comp = 0
    let raw = 0
    for (let i = 0; i < w.chunks.length; i++) {
      comp += w.chunks[i].length
      raw += w.raw[i].length
    }
    const cells: string[] = []
    for (const [label, make] of impls) {
      verify(make, w)
      cells.push(`${label} ${measure(make, w).toFixed(0).padStart(5)} MB/s`)
    }
    lines.push(`${w.name.padEnd(44)} ratio ${(raw / comp).toFixed(1).padStart(5)}  ${cells.join('  ')}`)
  }
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
  console.log(`inflate output throughput (${process.version}, ${w0(workloads)} chunks in all, load average ${load})\n${lines.join('\n')}`)
})

function w0(ws: Workload[]): number {
  return ws.reduce((n, w) => n + w.chunks.length, 0)
}
