/**
 * `npm run bench` (bench/run.mjs bundles this and runs it in plain Node): every recording
 * decoded by our engine and by noVNC's decoders in this process, both into an RGBA framebuffer;
 * prints wire MB/s, Mpixel/s and updates/s for each side and the ratio, and exits non-zero when
 * the final framebuffers differ. Recordings: the .fbs files given as arguments, else
 * bench/recordings/*.fbs (made by `npm run bench:record`), else the small ones in
 * test/fixtures/recordings/, plus synthetic 1920x1080 Raw/RRE/Hextile/TightPNG streams generated
 * in memory when no file has their name.
 *
 * Environment: BENCH_FILTER (substring of recording names), BENCH_MIN_MS / BENCH_MIN_RUNS
 * (timed passes per side and recording, default 1500 ms and at least 5), BENCH_JSON (a file to
 * write the results to as well), BENCH_NOVNC_QUEUE (`websock`, the default: noVNC's Websock fed
 * 64 KiB messages; `prefilled`: its queue already holding the whole stream, see NoVncQueueMode),
 * BENCH_NOVNC_IMAGES (`data-url`, the default: in protocol-only rows noVNC builds the base64
 * `data:` URL its imageRect hands the browser; `copy`: it only copies the bytes, as we do),
 * BENCH_DECPERF (a decperf binary; `0`: no TigerVNC comparison), BENCH_DECPERF_ROUNDS (its
 * interleaved rounds per recording, default 5).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { basename, join } from 'node:path'
import { timeBgrx } from './bgrx'
import { compareWithDecperf, DECPERF_RUNS, decperfBinary } from './tigervnc/decperf'
import { loadNoVncDecoders, noVncVersion } from './novnc/load'
import type { NoVncQueueMode } from './novnc/replay'
import { DEFAULT_OPTIONS, formatTable, type NoVncImageMode, runWorkload, type Workload, type WorkloadResult } from './suite'
import { type SyntheticEncoding, syntheticRecording } from './synthetic'

const SYNTHETIC: readonly SyntheticEncoding[] = ['raw', 'rre', 'hextile', 'tightpng']

function fbsFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.fbs'))
    .sort()
    .map((f) => join(dir, f))
}

function workloads(root: string, listed: readonly string[]): Workload[] {
  const recordings = fbsFiles(join(root, 'bench', 'recordings'))
  const files = listed.length ? listed : recordings.length ? recordings : fbsFiles(join(root, 'test', 'fixtures', 'recordings'))
  const out: Workload[] = files.map((f) => ({ name: basename(f, '.fbs'), fbs: readFileSync(f) }))
  const filter = process.env.BENCH_FILTER
  if (!listed.length) {
    for (const enc of SYNTHETIC) {
      const name = `synthetic-${enc}`
      if (!out.some((w) => w.name === name) && (!filter || name.includes(filter))) out.push({ name, fbs: syntheticRecording(enc) })
    }
  }
  return filter ? out.filter((w) => w.name.includes(filter)) : out
}

/** Raw recordings are timed again rewritten in B,G,R,X (bench/bgrx.ts). */
const BGRX_RECORDINGS = /-raw$|-copyrect$/

/** For each Raw recording: its B,G,R,X speed over its R,G,B,X speed, both measured in this run. */
function bgrxLines(results: readonly WorkloadResult[]): string[] {
  const lines: string[] = []
  for (const r of results) {
    const b = r.bgrx
    if (!b) continue
    lines.push(
      `  ${r.name}: R,G,B,X ${b.rgbxMs.toFixed(1)} ms, B,G,R,X ${b.bgrxMs.toFixed(1)} ms per pass: ${b.ratio.toFixed(2)}x the speed` +
        (b.mismatch ? `  MISMATCH: ${b.mismatch}` : ''),
    )
  }
  return lines
}

/**
 * For each recording timed against decperf: both sides' median CPU ms and TigerVNC's over ours
 * (above 1: ours faster), the median of the rounds' ratios, with the lowest and highest.
 */
function tigerLines(results: readonly WorkloadResult[]): string[] {
  const lines: string[] = []
  for (const r of results) {
    const t = r.tigervnc
    if (!t) continue
    const ours = `ours ${t.oursCpuMs.toFixed(1)}`
    const spread = t.ratioMin !== null && t.ratioMax !== null ? ` (rounds ${t.ratioMin.toFixed(2)}-${t.ratioMax.toFixed(2)}, load ${t.load.toFixed(1)})` : ''
    lines.push(
      `  ${r.name.padEnd(30)} ` +
        (t.decperfCpuMs !== null && t.ratio !== null
          ? `TigerVNC ${t.decperfCpuMs.toFixed(1)}, ${ours}: ${t.ratio.toFixed(2)}x${spread}`
          : `${ours}; ${t.error}`),
    )
  }
  return lines
}

/** BENCH_NOVNC_QUEUE, checked. */
function queueEnv(): NoVncQueueMode {
  const v = process.env.BENCH_NOVNC_QUEUE || 'websock'
  if (v !== 'websock' && v !== 'prefilled') throw new Error(`BENCH_NOVNC_QUEUE must be websock or prefilled, not ${v}`)
  return v
}

/** BENCH_NOVNC_IMAGES, checked. */
function imagesEnv(): NoVncImageMode {
  const v = process.env.BENCH_NOVNC_IMAGES || 'data-url'
  if (v !== 'data-url' && v !== 'copy') throw new Error(`BENCH_NOVNC_IMAGES must be data-url or copy, not ${v}`)
  return v
}

const IMAGES_LABEL: Record<NoVncImageMode, string> = {
  'data-url': "its Display.imageRect's base64 data: URL built (noVNC's Base64.encode), the Image left out",
  copy: 'the bytes copied, as ours are (its base64 encoding not timed)',
}

const QUEUE_LABEL: Record<NoVncQueueMode, string> = {
  websock: "noVNC's Websock fed the same 64 KiB messages as our socket chunks (its queue copies timed)",
  prefilled: "noVNC's queue pre-filled with the whole stream (its per-message copy not timed)",
}

function numberEnv(name: string, fallback: number): number {
  const v = Number(process.env[name])
  return Number.isFinite(v) && v > 0 ? v : fallback
}

/** Runs the suite; returns the exit code (1 when any framebuffers differ). */
export async function main(root: string, args: readonly string[]): Promise<number> {
  const print = (s: string): boolean => process.stdout.write(`${s}\n`)
  const novnc = await loadNoVncDecoders()
  const opts = {
    ...DEFAULT_OPTIONS,
    minMs: numberEnv('BENCH_MIN_MS', DEFAULT_OPTIONS.minMs),
    minRuns: numberEnv('BENCH_MIN_RUNS', DEFAULT_OPTIONS.minRuns),
    novncQueue: queueEnv(),
    novncImages: imagesEnv(),
  }
  const list = workloads(root, args)
  if (list.length === 0) {
    print('no recordings to decode (npm run bench:record makes them)')
    return 2
  }
  print(
    `decoder bench: Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, noVNC ${await noVncVersion()}; ` +
      `median of >= ${opts.minRuns} passes and >= ${opts.minMs} ms per side, alternating; load average ${loadavg()[0].toFixed(1)}\n` +
      `noVNC receive queue (BENCH_NOVNC_QUEUE=${opts.novncQueue}): ${QUEUE_LABEL[opts.novncQueue]}\n` +
      `noVNC images in protocol-only rows (BENCH_NOVNC_IMAGES=${opts.novncImages}): ${IMAGES_LABEL[opts.novncImages]}`,
  )
  const decperf = process.env.BENCH_DECPERF === '0' ? null : decperfBinary(root)
  const rounds = Math.round(numberEnv('BENCH_DECPERF_ROUNDS', 5))
  print(
    decperf
      ? `TigerVNC's decperf: ${decperf} (CPU time per pass against ours in ${rounds} interleaved rounds, BENCH_DECPERF_ROUNDS: ` +
          `each ${DECPERF_RUNS >> 1} passes of ours, one decperf run (median of its ${DECPERF_RUNS}), ${DECPERF_RUNS - (DECPERF_RUNS >> 1)} more of ours; ` +
          'BENCH_DECPERF=0 skips it)'
      : 'TigerVNC decperf not built (sh bench/tigervnc/build-decperf.sh): no comparison with TigerVNC',
  )
  const results: WorkloadResult[] = []
  for (const w of list) {
    const r = await runWorkload(w, novnc, opts)
    if (BGRX_RECORDINGS.test(w.name)) r.bgrx = (await timeBgrx(w.fbs, opts)) ?? undefined
    if (decperf) r.tigervnc = await compareWithDecperf(decperf, w.fbs, rounds)
    results.push(r)
    print(
      `  ${r.name}: ours ${r.ours.mpixelsPerSec.toFixed(1)} Mpx/s` +
        (r.novnc ? `, noVNC ${r.novnc.mpixelsPerSec.toFixed(1)} Mpx/s (${r.ratio!.toFixed(2)}x)` : '') +
        (r.protocolOnly?.novnc ? `; images not decoded: ${r.protocolOnly.ratio!.toFixed(2)}x` : '') +
        (r.mismatch ? ' MISMATCH' : ''),
    )
  }
  print(`\n${formatTable(results)}\nload average at the end ${loadavg()[0].toFixed(1)}`)
  const tiger = tigerLines(results)
  if (tiger.length) {
    print(
      `\nAgainst TigerVNC's decperf (its C++ decoders), CPU ms per pass (medians over the rounds) and TigerVNC / ours ` +
        `(above 1: ours faster; the median of the rounds' ratios, each round's sides measured back to back):\n${tiger.join('\n')}`,
    )
  }
  const bgrx = bgrxLines(results)
  if (bgrx.length)
    print(`\nRaw in server-native B,G,R,X against R,G,B,X, ours only (noVNC always asks for R,G,B,X), alternating passes, medians:\n${bgrx.join('\n')}`)
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(results, null, 2))
  const mismatched = results.filter((r) => r.mismatch || r.bgrx?.mismatch)
  if (mismatched.length) {
    print(`\nFAILED: ${mismatched.length} recording(s) decode to different framebuffers in our engine and in noVNC:`)
    for (const r of mismatched) print(`  ${r.name}: ${r.mismatch ?? `B,G,R,X: ${r.bgrx?.mismatch}`}`)
    return 1
  }
  return 0
}
