/**
 * `npm run bench:memory` (bench/run.mjs bundles this; the npm script runs Node with
 * --expose-gc): one 1920x1080 session's memory in browser mode, idle and busy, sampled every
 * BENCH_SAMPLE_SECONDS (10) — the host process (RSS, V8 heap, external/ArrayBuffer memory, and
 * the heap after a full GC), Chromium (proportional set size of every process, summed) and the session page's JS
 * heap (Runtime.getHeapUsage, before and after HeapProfiler.collectGarbage).
 *
 * Phases: none (the app open in a page, no session: the base the others add to); idle (a replay server that sends the first frame and then nothing) for
 * BENCH_IDLE_SECONDS (60); busy (the full-screen motion stream, Raw, 8.3 MB an update, at most
 * BENCH_BUSY_FPS (10) updates a second) for BENCH_MINUTES (30); then the session is closed and
 * one more sample taken. The replay servers run in a child process (wall/farm.ts). Prints each
 * sample and a summary per phase: first, last and largest values, and the growth of the
 * after-GC figures from the first minute to the end (a leak shows there). BENCH_JSON writes
 * the whole series.
 */
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CHROMIUM } from '../test/e2e/harness'
import { CdpBrowser, type CdpPage } from './pipeline/cdp'
import { treePssMb } from './viewers/proc'
import { STREAMS, streamFile } from './viewers/streams'
import { TesseraApp } from './viewers/tessera'
import { type Farm, startFarm } from './wall/farm'

export { serveFarm } from './wall/farm'

interface Sample {
  phase: string
  t: number
  updates: number
  hostRssMb: number
  hostHeapMb: number
  hostExternalMb: number
  hostHeapAfterGcMb: number
  chromiumPssMb: number
  pageHeapMb: number
  pageHeapAfterGcMb: number
  /** ArrayBuffer backing stores of the page (Runtime.getHeapUsage backingStorageSize), where Chromium reports it. */
  pageBuffersMb: number
  load: number
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const mb = (b: number): number => b / 1e6

async function sample(phase: string, t0: number, farm: Farm | null, page: CdpPage | null, chromiumPid: number): Promise<Sample> {
  const m = process.memoryUsage()
  global.gc?.()
  const after = process.memoryUsage()
  let pageHeap = NaN
  let pageAfter = NaN
  let pageBacking = NaN
  if (page) {
    const u = (await page.call('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number }
    pageHeap = mb(u.usedSize)
    pageBacking = mb(u.backingStorageSize ?? NaN)
    await page.call('HeapProfiler.collectGarbage')
    pageAfter = mb(((await page.call('Runtime.getHeapUsage')) as { usedSize: number }).usedSize)
  }
  return {
    phase,
    t: Math.round((performance.now() - t0) / 1000),
    updates: farm ? await farm.updates() : 0,
    hostRssMb: mb(m.rss),
    hostHeapMb: mb(m.heapUsed),
    hostExternalMb: mb(m.external),
    hostHeapAfterGcMb: global.gc ? mb(after.heapUsed) : NaN,
    chromiumPssMb: treePssMb([chromiumPid]),
    pageHeapMb: pageHeap,
    pageHeapAfterGcMb: pageAfter,
    pageBuffersMb: pageBacking,
    load: loadavg()[0],
  }
}

const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '-')

function line(s: Sample): string {
  return (
    `${s.phase.padEnd(5)} ${String(s.t).padStart(5)} s  updates ${String(s.updates).padStart(6)}  host rss ${f1(s.hostRssMb)} heap ${f1(s.hostHeapMb)} ` +
    `(after gc ${f1(s.hostHeapAfterGcMb)}) ext ${f1(s.hostExternalMb)}  chromium pss ${f1(s.chromiumPssMb)}  page heap ${f1(s.pageHeapMb)} ` +
    `(after gc ${f1(s.pageHeapAfterGcMb)}) buffers ${f1(s.pageBuffersMb)}  load ${s.load.toFixed(1)}`
  )
}

type Key = 'hostRssMb' | 'hostHeapAfterGcMb' | 'hostExternalMb' | 'chromiumPssMb' | 'pageHeapAfterGcMb' | 'pageBuffersMb'
const KEYS: Key[] = ['hostRssMb', 'hostHeapAfterGcMb', 'hostExternalMb', 'chromiumPssMb', 'pageHeapAfterGcMb', 'pageBuffersMb']

function summary(samples: Sample[]): string[] {
  const out: string[] = []
  for (const phase of [...new Set(samples.map((s) => s.phase))]) {
    const ps = samples.filter((s) => s.phase === phase)
    const first = ps[0]
    const last = ps[ps.length - 1]
    // Growth from the first minute on: the warm-up (first frame, pools, JIT) is not a leak.
    const base = ps.find((s) => s.t - first.t >= 60) ?? first
    const upd = last.updates - first.updates
    out.push(`${phase}: ${ps.length} samples over ${last.t - first.t} s, ${upd} updates`)
    for (const k of KEYS) {
      const max = Math.max(...ps.map((s) => s[k]))
      out.push(
        `  ${k.padEnd(18)} first ${f1(first[k])}  at 1 min ${f1(base[k])}  last ${f1(last[k])}  max ${f1(max)}  growth from 1 min ${f1(last[k] - base[k])} MB`,
      )
    }
  }
  return out
}

export async function main(root: string): Promise<number> {
  const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 60)
  const minutes = Number(process.env.BENCH_MINUTES ?? 30)
  const every = Number(process.env.BENCH_SAMPLE_SECONDS ?? 10) * 1000
  const busyFps = Number(process.env.BENCH_BUSY_FPS ?? 10)
  if (!global.gc) process.stderr.write('memory bench: run Node with --expose-gc (npm run bench:memory does) for the after-GC figures\n')
  const outDir = join(root, 'out', 'bench')
  const bundle = pathToFileURL(join(outDir, 'memory.mjs')).href
  const motion = STREAMS.find((s) => s.name === 'motion-raw')!
  process.stderr.write('memory bench: making the motion stream if needed…\n')
  const file = await streamFile(outDir, motion)
  const idleFarm = await startFarm(bundle, file, { count: 1, intervalMs: 0, idle: true })
  const busyFarm = await startFarm(bundle, file, { count: 1, intervalMs: 1000 / busyFps, idle: false })
  const app = await TesseraApp.start()
  const browser = CdpBrowser.launch(CHROMIUM)
  const chromiumPid = browser.pid!
  const samples: Sample[] = []
  const t0 = performance.now()
  const take = async (phase: string, farm: Farm | null, page: CdpPage | null): Promise<void> => {
    const s = await sample(phase, t0, farm, page, chromiumPid)
    samples.push(s)
    process.stdout.write(`${line(s)}\n`)
  }
  try {
    // The host, web server and Chromium with no session: what the session samples add to.
    const page = await browser.newPage({ width: 1920, height: 1080 })
    await page.goto(app.web.launchUrl())
    await sleep(5000)
    await take('none', null, page)
    await page.close()
    for (const [phase, farm, seconds] of [
      ['idle', idleFarm, idleSeconds],
      ['busy', busyFarm, minutes * 60],
    ] as const) {
      process.stderr.write(`memory bench: ${phase} session for ${seconds} s…\n`)
      const session = await app.open(browser, farm.ports[0], 'raw')
      const end = performance.now() + seconds * 1000
      await take(phase, farm, session.page)
      while (performance.now() < end) {
        await sleep(Math.min(every, end - performance.now()))
        await take(phase, farm, session.page)
      }
      await session.close()
    }
    await sleep(2000)
    await take('after', null, null)
  } finally {
    await browser.close().catch(() => {})
    await app.stop()
    await idleFarm.stop()
    await busyFarm.stop()
  }
  const cpu = cpus()
  const head = `Memory, one 1920x1080 session in browser mode; ${cpu.length} x ${cpu[0]?.model ?? '?'}; ${new Date().toISOString()}; busy: motion-raw at most ${busyFps} updates/s`
  process.stdout.write(`\n${head}\n${summary(samples).join('\n')}\n`)
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify({ head, samples }, null, 2)}\n`)
  return 0
}
