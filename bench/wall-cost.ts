/**
 * `npm run bench:wall` (bench/run.mjs bundles this and runs it in Node): what many sessions cost.
 *
 * 1. Per session (the README's table): a host with 1, 4 and 8 ordinary sessions, each to a replay
 *    server (test/helpers/replay-server.ts) showing an idle or a busy 1920x1080 desktop, every
 *    frame acknowledged at once by an in-process client; host CPU and resident memory, each row
 *    in a fresh Node process (wall/session-case.ts). Busy: the busy Hextile stream of
 *    bench/synthetic.ts (every update a new window layout, most of the screen) at most
 *    BENCH_BUSY_FPS (10) updates a second; idle: the first frame, then nothing changes.
 * 2. The live wall: 16 watch tiles (`?view=wall&folder=Wall` in headless Chromium, browser mode,
 *    the real host and `tessera web` server in this process) on 16 replay servers answering
 *    every request at once with the next busy update (the tiles ask about once a second). Over
 *    BENCH_SECONDS (20): CPU of this process (host + web server), of Chromium (every process of
 *    it, from /proc) and the wall page's main thread (DevTools Performance.getMetrics), and
 *    the updates the servers sent per tile and second.
 * 3. Input while the wall runs: a session to a 17th (idle) replay server open in another page;
 *    BENCH_POINTER_SAMPLES (100) pointer moves dispatched to that page over DevTools, each timed
 *    until the replay server receives the PointerEvent (same clock: both in this process), first
 *    before the wall is opened, then while it runs.
 *
 * The replay servers run in a child process (wall/farm.ts), so their CPU is not the viewer's.
 * Environment: BENCH_SECONDS, BENCH_WARMUP_SECONDS (5), BENCH_PARTS (sessions,wall; default
 * both), BENCH_TILES (16), BENCH_BUSY_FPS, BENCH_POINTER_SAMPLES, BENCH_JSON, TESSERA_CHROMIUM.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { newProfile } from '@shared/profile'
import { createHost } from '../src/main/host/create-host'
import { startWebServer } from '../src/main/web/server'
import { CHROMIUM, RENDERER_DIR, ensureRendererBuilt, waitUntil } from '../test/e2e/harness'
import { type ReplayServer, type SeenPointer, startReplayServer } from '../test/helpers/replay-server'
import { loadReplayRecording } from '../test/helpers/replay-updates'
import { CdpBrowser, type CdpPage } from './pipeline/cdp'
import { busyRecordingFile, startFarm } from './wall/farm'
import { runSessionCase, type SessionCaseResult } from './wall/session-case'

export { serveFarm } from './wall/farm'
export { sessionCase } from './wall/session-case'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const now = (): number => performance.timeOrigin + performance.now()
const fmt = (n: number, digits = 2): string => n.toFixed(digits)

/** CPU seconds of `root` and all its descendants, from /proc (USER_HZ 100). */
function treeCpuSeconds(root: number): number {
  const parent = new Map<number, number>()
  const ticks = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      parent.set(Number(name), Number(f[1]))
      ticks.set(Number(name), Number(f[11]) + Number(f[12]))
    } catch {
      // gone meanwhile
    }
  }
  let total = 0
  for (const [pid, t] of ticks) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        total += t
        break
      }
    }
  }
  return total / 100
}

/** Median, 95th percentile, maximum, and how many of the values are over 100 (ms: the input budget). */
function spread(values: number[]): { median: number; p95: number; max: number; over100: number; n: number } {
  const v = [...values].sort((a, b) => a - b)
  const at = (q: number): number => v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))] ?? NaN
  return { median: at(0.5), p95: at(0.95), max: v[v.length - 1] ?? NaN, over100: v.filter((x) => x > 100).length, n: v.length }
}

async function perSession(bundle: string, file: string, log: (s: string) => void): Promise<(SessionCaseResult & { desktop: string })[]> {
  const busyFps = Number(process.env.BENCH_BUSY_FPS ?? 10)
  const windowMs = Number(process.env.BENCH_SECONDS ?? 20) * 1000
  const warmupMs = Number(process.env.BENCH_WARMUP_SECONDS ?? 5) * 1000
  const rows: (SessionCaseResult & { desktop: string })[] = []
  for (const desktop of ['idle', 'busy'] as const) {
    for (const count of [1, 4, 8]) {
      const farm = await startFarm(bundle, file, { count, idle: desktop === 'idle', intervalMs: desktop === 'busy' ? 1000 / busyFps : 0 })
      try {
        const r = await runSessionCase(bundle, { ports: farm.ports, warmupMs, windowMs })
        rows.push({ ...r, desktop })
        log(
          `  ${desktop} x${count}: host ${fmt(r.cpuCores)} cores, RSS ${fmt(r.rssMb, 0)} MB (${fmt(r.rssBeforeMb, 0)} MB before), ${fmt(r.framesPerSecond, 1)} frames/s, ${r.connected} connected`,
        )
      } finally {
        await farm.stop()
      }
    }
  }
  return rows
}

interface WallResult {
  tiles: number
  live: number
  seconds: number
  hostCores: number
  chromiumCores: number
  wallPageMainThreadCores: number
  updatesPerTilePerSecond: number
  hostRssMb: number
  /** Pointer move → the focused session's server has it, while the wall runs. */
  pointerMs: Spread
  /** The same before the wall was opened. */
  pointerAloneMs: Spread
}

type Spread = ReturnType<typeof spread>

/** `samples` pointer moves over the page's canvas, each timed until `server` has the PointerEvent. */
async function pointerLatencies(page: CdpPage, server: ReplayServer, samples: number): Promise<Spread> {
  const box = await page.evaluate<{ x: number; y: number; w: number; h: number }>(
    `(() => { const r = document.querySelector('canvas.screen').getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height } })()`,
  )
  const latencies: number[] = []
  for (let i = 0; i < samples; i++) {
    const x = box.x + 20 + ((i * 37) % Math.max(1, box.w - 40))
    const y = box.y + 20 + ((i * 23) % Math.max(1, box.h - 40))
    const seen = new Promise<SeenPointer | null>((ok) => {
      const timer = setTimeout(() => ok(null), 2000)
      server.once('pointer', (p: SeenPointer) => {
        clearTimeout(timer)
        ok(p)
      })
    })
    const sent = now()
    await page.call('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y, button: 'none' })
    const p = await seen
    if (p) latencies.push(p.at - sent)
    await sleep(100)
  }
  return spread(latencies)
}

/** Opens the focused session's page: the session page where it exists, else from the address book. */
async function openFocusSession(page: CdpPage, url: URL): Promise<void> {
  url.search = '?view=session&profile=focus'
  await page.goto(url.href)
  const deadline = Date.now() + 20_000
  for (;;) {
    if (await page.evaluate<boolean>(`document.querySelector('canvas.screen') !== null && document.querySelector('.state-connected') !== null`)) return
    if (await page.evaluate<boolean>(`document.querySelector('[aria-label^="Focus,"]') !== null && document.querySelector('canvas.screen') === null`)) {
      await page.press('[aria-label^="Focus,"]', 'Enter')
      await sleep(1000)
    }
    if (Date.now() > deadline) throw new Error('the focused session did not connect')
    await sleep(200)
  }
}

async function wall(bundle: string, file: string, log: (s: string) => void): Promise<WallResult> {
  const tiles = Number(process.env.BENCH_TILES ?? 16)
  const seconds = Number(process.env.BENCH_SECONDS ?? 20)
  const warmup = Number(process.env.BENCH_WARMUP_SECONDS ?? 5)
  const samples = Number(process.env.BENCH_POINTER_SAMPLES ?? 100)
  ensureRendererBuilt()
  const farm = await startFarm(bundle, file, { count: tiles, idle: false, intervalMs: 0 })
  const focus = await startReplayServer({ recording: readFileSync(file), idle: true, log: () => {} })
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-wall-bench-'))
  const { host, store } = await createHost({ dataDir, log: () => {}, keychain: null, timings: { thumbnailDelayMs: 600_000 } })
  const web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: () => {} })
  const browser = CdpBrowser.launch(CHROMIUM)
  try {
    for (const [i, port] of farm.ports.entries()) {
      const n = String(i + 1).padStart(2, '0')
      await store.save(newProfile({ id: `tile-${n}`, name: `Desktop ${n}`, host: '127.0.0.1', port, group: 'Wall' }))
    }
    await store.save(newProfile({ id: 'focus', name: 'Focus', host: '127.0.0.1', port: focus.port }))
    // The focused session first, and its input latency before the wall starts: on a shared
    // machine, the difference is what the wall costs it.
    const sessionPage = await browser.newPage({ width: 1280, height: 800 })
    await openFocusSession(sessionPage, new URL(web.launchUrl()))
    const alone = await pointerLatencies(sessionPage, focus, samples)
    log(`  pointer → server without the wall: ${fmt(alone.median, 1)} ms median, ${fmt(alone.p95, 1)} p95, ${fmt(alone.max, 1)} max`)
    const wallPage = await browser.newPage({ width: 1600, height: 1000 })
    wallPage.onError((e) => log(`  wall page error: ${e}`))
    const url = new URL(web.launchUrl())
    url.search = '?view=wall&folder=Wall'
    await wallPage.goto(url.href)
    const liveTiles = (): Promise<number> => wallPage.evaluate<number>(`document.querySelectorAll('.wall-tile[data-state="connected"]').length`)
    await waitUntil(`${tiles} live tiles`, async () => (await liveTiles()) === tiles, 60_000, 500)
    log(`  ${tiles} tiles live; ${warmup} s warm-up, ${seconds} s measured…`)
    await sleep(warmup * 1000)
    await wallPage.call('Performance.enable')
    const metric = async (): Promise<number> => {
      const { metrics } = (await wallPage.call('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
      return metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN
    }
    const task0 = await metric()
    const chromium0 = treeCpuSeconds(browser.pid!)
    const updates0 = await farm.updates()
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    await sleep(seconds * 1000)
    const cpu = process.cpuUsage(cpu0)
    const elapsed = (performance.now() - t0) / 1000
    const updates = (await farm.updates()) - updates0
    const chromium = treeCpuSeconds(browser.pid!) - chromium0
    const task = (await metric()) - task0
    const live = await liveTiles()

    const withWall = await pointerLatencies(sessionPage, focus, samples)
    await sessionPage.close()
    await wallPage.close()
    return {
      tiles,
      live,
      seconds: elapsed,
      hostCores: (cpu.user + cpu.system) / 1e6 / elapsed,
      chromiumCores: chromium / elapsed,
      wallPageMainThreadCores: task / elapsed,
      updatesPerTilePerSecond: updates / tiles / elapsed,
      hostRssMb: process.memoryUsage().rss / 2 ** 20,
      pointerMs: withWall,
      pointerAloneMs: alone,
    }
  } finally {
    await browser.close().catch(() => {})
    await web.close().catch(() => {})
    await host.shutdown().catch(() => {})
    await focus.stop().catch(() => {})
    await farm.stop().catch(() => {})
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** Runs the parts of BENCH_PARTS and prints their tables; returns the exit code. */
export async function main(root: string): Promise<number> {
  const log = (s: string): boolean => process.stderr.write(`${s}\n`)
  const parts = (process.env.BENCH_PARTS ?? 'sessions,wall').split(',')
  const bundle = import.meta.url
  log('wall bench: the busy 1920x1080 Hextile recording (made once into out/bench)…')
  const file = busyRecordingFile(join(root, 'out', 'bench'))
  const updates = loadReplayRecording(readFileSync(file)).updates
  const busyUpdateKb = updates.slice(1).reduce((n, u) => n + u.length, 0) / (updates.length - 1) / 1024
  const env = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg(), busyUpdateKb }
  const out: { env: typeof env; sessions?: unknown; wall?: WallResult } = { env }
  if (parts.includes('sessions')) {
    log('wall bench: per-session cost (host only, frames acknowledged at once)…')
    out.sessions = await perSession(bundle, file, log)
  }
  if (parts.includes('wall')) {
    log('wall bench: the live wall in Chromium…')
    const w = await wall(bundle, file, log)
    out.wall = w
    log(
      `  ${w.live}/${w.tiles} live, ${fmt(w.updatesPerTilePerSecond)} updates/tile/s; host ${fmt(w.hostCores)} cores, Chromium ${fmt(w.chromiumCores)} cores ` +
        `(wall page main thread ${fmt(w.wallPageMainThreadCores)}), in all ${fmt(w.hostCores + w.chromiumCores)} cores; host RSS ${fmt(w.hostRssMb, 0)} MB; ` +
        `pointer → server with the wall ${fmt(w.pointerMs.median, 1)} ms median, ${fmt(w.pointerMs.p95, 1)} p95, ${fmt(w.pointerMs.max, 1)} max (n=${w.pointerMs.n})`,
    )
  }
  out.env.loadavg = [...out.env.loadavg, ...loadavg()]
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`)
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(out, null, 2)}\n`)
  return 0
}
