/**
 * Pixel runs (src/shared/pixel-runs.ts) on the viewers bench's streams, per batch as BatchSink
 * makes them: bytes plain and packed, host time to pack (or to give up), page time to unpack into
 * reused memory; and the Electron question: structured clone (v8 serialize + deserialize, what
 * `webContents.send` and the renderer do) of the plain pixels against packing, cloning the packed
 * bytes and unpacking. CPU time of this thread, medians over the stream's batches. Run:
 *
 *   npx vitest run --config bench/vitest.config.mts bench/pixel-runs.run.ts
 *
 * BENCH_STREAMS narrows the streams (viewers/streams.ts names); BENCH_BATCHES (24) batches each.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { deserialize, serialize } from 'node:v8'
import { it } from 'vitest'
import { PixelRunEncoder, unpackPixelRuns, unpackedWords } from '../src/shared/pixel-runs'
import { BatchSink } from '../src/main/host/batch-sink'
import { replayRecording } from '../src/main/rfb/record/replay'
import { STREAMS, streamFile } from './viewers/streams'

const cpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1] ?? NaN
/** CPU ms of `run`, the least of 3 tries (this machine is shared). */
function timed(run: () => void): number {
  let best = Infinity
  for (let k = 0; k < 3; k++) {
    const t = cpuMs()
    run()
    best = Math.min(best, cpuMs() - t)
  }
  return best
}

it('pixel runs on the viewers streams', async () => {
  const outDir = join(process.cwd(), 'out', 'bench')
  if (!existsSync(outDir)) mkdirSync(outDir, { recursive: true })
  const wanted = process.env.BENCH_STREAMS?.split(',') ?? ['desktop-typing', 'desktop-layouts', 'motion-hextile', 'motion-raw']
  const most = Number(process.env.BENCH_BATCHES ?? 24)
  const lines: string[] = []
  for (const s of STREAMS.filter((x) => wanted.includes(x.name))) {
    const fbs = readFileSync(await streamFile(outDir, s))
    const enc = new PixelRunEncoder()
    let memory = new Uint32Array(0)
    const rows: Record<string, number[]> = { plain: [], packed: [], pack: [], unpack: [], clone: [], 'pack+clone+unpack': [] }
    const sink: BatchSink = new BatchSink({
      sessionId: s.name,
      onBatch: (b) => {
        sink.ack(b.seq)
        if (rows.plain.length >= most || b.pixels.length === 0) return
        const words = new Uint32Array(b.pixels.buffer, b.pixels.byteOffset, b.pixels.byteLength / 4)
        const exact = b.pixels.slice()
        rows.plain.push(b.pixels.byteLength)
        rows.pack.push(timed(() => enc.pack(words)))
        const packedView = enc.pack(words)
        const packed = packedView && new Uint32Array(packedView.slice().buffer)
        rows.packed.push(packed ? packed.byteLength : b.pixels.byteLength)
        if (memory.length < words.length) memory = new Uint32Array(words.length)
        const out = memory.subarray(0, words.length)
        rows.unpack.push(packed ? timed(() => unpackPixelRuns(packed, out)) : 0)
        rows.clone.push(timed(() => deserialize(serialize(exact))))
        rows['pack+clone+unpack'].push(
          timed(() => {
            const p = enc.pack(words)
            if (!p) return void deserialize(serialize(exact))
            const got = deserialize(serialize(p.slice())) as Uint8Array
            // v8.deserialize may place the bytes at any offset: a word view then needs a copy.
            const w = got.byteOffset % 4 ? new Uint32Array(got.slice().buffer) : new Uint32Array(got.buffer, got.byteOffset, got.byteLength / 4)
            unpackPixelRuns(w, memory.subarray(0, unpackedWords(w)))
          }),
        )
      },
      onCursor: () => {},
    })
    await replayRecording(fbs, sink)
    const kb = (v: number[]): string => (median(v) / 1024).toFixed(0)
    const ms = (v: number[]): string => median(v).toFixed(2)
    lines.push(
      `${s.name.padEnd(16)} batches ${rows.plain.length}, pixels KB ${kb(rows.plain)} → ${kb(rows.packed)} (${((100 * median(rows.packed)) / median(rows.plain)).toFixed(1)}%), ` +
        `pack ${ms(rows.pack)} ms, unpack ${ms(rows.unpack)} ms; Electron: clone ${ms(rows.clone)} ms, pack+clone+unpack ${ms(rows['pack+clone+unpack'])} ms`,
    )
  }
  process.stdout.write(
    `\npixel runs, CPU ms per batch (median; load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})\n${lines.join('\n')}\n`,
  )
})
