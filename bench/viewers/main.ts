/**
 * `npm run bench:viewers` (bench/run.mjs bundles this): updates per second of three viewers on
 * the same 1920x1080 streams, each served by a replay server that answers every
 * FramebufferUpdateRequest at once with the next recorded update (test/helpers/replay-server.ts,
 * in a child process: wall/farm.ts), so the viewer, not the server, sets the pace:
 *   - Tessera in browser mode (host + `tessera web` in this process, Debian's Chromium headless);
 *   - noVNC 1.7 in the same Chromium, through Debian's websockify (novnc.ts);
 *   - TigerVNC's own viewer (Debian's tigervnc-viewer) on an Xvfb (tigervnc.ts).
 * The streams (streams.ts): desktop typing and window layouts in Hextile, full-screen motion in
 * Hextile and Raw. Per stream and viewer, after BENCH_WARMUP_SECONDS (3), over BENCH_SECONDS
 * (8): updates the server sent per second, and CPU per update of each of the viewer's processes
 * (from /proc; Tessera's host from process.cpuUsage). BENCH_ROUNDS (2) rounds, the viewers'
 * order rotated each round; the ratios are taken within a round, then their median reported.
 *
 * Environment: BENCH_STREAMS, BENCH_VIEWERS (tessera,novnc,tigervnc; also tessera-plain: Tessera
 * with pixel runs off, TESSERA_PIXEL_RUNS=0, for an A/B in one run; tessera-ws: no pixels fetched,
 * every frame whole in its WebSocket message, TESSERA_FETCH_PIXELS=0), BENCH_SECONDS,
 * BENCH_WARMUP_SECONDS, BENCH_ROUNDS, BENCH_JSON, TESSERA_CHROMIUM; BENCH_SCREENSHOTS (a directory: each
 * viewer's picture as a PNG after its first round's window, STREAM-VIEWER.png); BENCH_TRACE (1: a
 * Chromium trace of 3 s after each browser viewer's window, its self time per thread and event
 * printed: trace.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CHROMIUM } from '../../test/e2e/harness'
import { CdpBrowser, type CdpPage } from '../pipeline/cdp'
import { NodeProbe } from '../pipeline/main'
import { type Farm, startFarm } from '../wall/farm'
import { type Breakdown, breakdown } from './breakdown'
import { NoVncHost, websockifyAvailable } from './novnc'
import { chromiumCpuByRole, cpuDelta, cpuSeconds } from './proc'
import { STREAMS, type Stream, streamFile } from './streams'
import { TesseraApp } from './tessera'
import { TigerVncDisplay, tigervncAvailable, tigervncVersion } from './tigervnc'
import { startTrace, summarizeTrace } from './trace'

export { serveFarm } from '../wall/farm'

/** One viewer connected: its CPU so far (seconds per component) and how to disconnect it. */
interface Running {
  cpu(): Record<string, number>
  /** The viewer's page, where there is one (its main thread's task times are read over DevTools). */
  page?: CdpPage
  /** Tessera's per-update steps (breakdown.ts). */
  steps?: Breakdown
  /** Saves what the viewer shows now as a PNG (BENCH_SCREENSHOTS). */
  screenshot?(file: string): Promise<void>
  close(): Promise<void>
}

/** A page's picture as a PNG file (the whole viewport: Tessera's or noVNC's canvas in it). */
async function pageScreenshot(page: CdpPage, file: string): Promise<void> {
  const { data } = (await page.call('Page.captureScreenshot', { format: 'png' })) as { data: string }
  writeFileSync(file, Buffer.from(data, 'base64'))
}

interface Viewer {
  name: string
  open(port: number, s: Stream): Promise<Running>
}

export interface ViewerResult {
  round: number
  stream: string
  viewer: string
  seconds: number
  updates: number
  updatesPerSecond: number
  /** CPU ms per update, per component and in all. */
  cpuMsPerUpdate: Record<string, number>
  /** The page's main thread per update (idle: per second): DevTools Performance.getMetrics durations, a part of the renderer's CPU. */
  pageMsPerUpdate: Record<string, number>
  /** Tessera only: median ms per update of each step, and batch/wire KB (breakdown.ts). */
  steps?: Record<string, number>
  load: number
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const f = (v: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : '-')
const median = (v: number[]): number => {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b)
  return s.length ? (s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN
}

/** The page main thread's time so far, seconds: all its tasks, scripts, style and layout. */
async function pageMetrics(page: CdpPage | undefined): Promise<Record<string, number>> {
  if (!page) return {}
  const { metrics } = (await page.call('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
  const get = (n: string): number => metrics.find((m) => m.name === n)?.value ?? NaN
  return { 'main thread': get('TaskDuration'), script: get('ScriptDuration'), 'style+layout': get('RecalcStyleDuration') + get('LayoutDuration') }
}

async function measure(o: {
  viewer: Viewer
  stream: Stream
  farm: Farm
  round: number
  seconds: number
  warmup: number
  screenshots?: string
  trace?: CdpBrowser
}): Promise<ViewerResult> {
  const start = await o.farm.updates()
  const run = await o.viewer.open(o.farm.ports[0], o.stream)
  try {
    for (let i = 0; (await o.farm.updates()) < start + (o.stream.idle ? 1 : 2); i++) {
      if (i > 300) throw new Error(`${o.viewer.name} got no update from the ${o.stream.name} server in 30 s`)
      await sleep(100)
    }
    await sleep(o.warmup * 1000)
    if (run.page) await run.page.call('Performance.enable')
    const m0 = await pageMetrics(run.page)
    const stepsFrom = await run.steps?.start()
    const u0 = await o.farm.updates()
    const c0 = run.cpu()
    const t0 = performance.now()
    await sleep(o.seconds * 1000)
    const u1 = await o.farm.updates()
    const c1 = run.cpu()
    const m1 = await pageMetrics(run.page)
    const seconds = (performance.now() - t0) / 1000
    const steps = run.steps && stepsFrom !== undefined ? await run.steps.finish(stepsFrom) : undefined
    // Once per stream and viewer, after the timed window: proof that the picture is right.
    if (o.screenshots && o.round === 1 && run.screenshot) await run.screenshot(join(o.screenshots, `${o.stream.name}-${o.viewer.name}.png`))
    // After the measured window, so tracing's own cost stays out of the figures above.
    if (o.trace && run.page) {
      const trace = await startTrace(o.trace)
      const t2 = await o.farm.updates()
      await sleep(3000)
      const t3 = await o.farm.updates()
      const lines = summarizeTrace(await trace.stop(), Math.max(1, t3 - t2))
      process.stderr.write(`\n  trace, ${o.stream.name} / ${o.viewer.name}, ${t3 - t2} updates, self time per update:\n${lines.join('\n')}\n`)
    }
    const updates = u1 - u0
    const delta = cpuDelta(c0, c1)
    const cpuMsPerUpdate: Record<string, number> = {}
    let all = 0
    for (const [k, v] of Object.entries(delta)) {
      cpuMsPerUpdate[k] = (v * 1000) / updates
      // renderer/<thread> rows split the renderer's figure: not added twice.
      if (!k.startsWith('renderer/')) all += v
    }
    cpuMsPerUpdate.all = (all * 1000) / updates
    // Idle: CPU per second of the window instead.
    if (o.stream.idle) for (const k of Object.keys(cpuMsPerUpdate)) cpuMsPerUpdate[k] = ((k === 'all' ? all : delta[k]) * 1000) / seconds
    const per = o.stream.idle ? seconds : updates
    const pageMsPerUpdate: Record<string, number> = {}
    for (const k of Object.keys(m1)) pageMsPerUpdate[k] = ((m1[k] - m0[k]) * 1000) / per
    return {
      round: o.round,
      stream: o.stream.name,
      viewer: o.viewer.name,
      seconds,
      updates,
      updatesPerSecond: updates / seconds,
      cpuMsPerUpdate,
      pageMsPerUpdate,
      steps,
      load: loadavg()[0],
    }
  } finally {
    await run.close()
  }
}

function report(results: ViewerResult[], viewers: string[], streams: Stream[]): string[] {
  const lines: string[] = []
  const cell = (s: string, v: string, pick: (r: ViewerResult) => number): number => median(results.filter((r) => r.stream === s && r.viewer === v).map(pick))
  const header = ['stream', ...viewers.map((v) => `${v} upd/s`), ...viewers.map((v) => `${v} cpu ms/upd`)]
  const ratios: [string, string][] = []
  if (viewers.includes('tessera')) for (const v of viewers) if (v !== 'tessera') ratios.push(['tessera', v])
  header.push(...ratios.map(([a, b]) => `${a}/${b}`))
  const rows = [header]
  for (const s of streams) {
    const row = [
      s.name,
      ...viewers.map((v) => f(cell(s.name, v, (r) => r.updatesPerSecond))),
      ...viewers.map((v) => f(cell(s.name, v, (r) => r.cpuMsPerUpdate.all))),
    ]
    for (const [a, b] of ratios) {
      // The ratio within each round (same load), then the median over rounds.
      const rounds = [...new Set(results.map((r) => r.round))]
      const per = rounds.map((k) => {
        const ra = results.find((r) => r.round === k && r.stream === s.name && r.viewer === a)
        const rb = results.find((r) => r.round === k && r.stream === s.name && r.viewer === b)
        return ra && rb ? ra.updatesPerSecond / rb.updatesPerSecond : NaN
      })
      row.push(`${f(median(per), 2)} (${per.map((x) => f(x, 2)).join(', ')})`)
    }
    rows.push(row)
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  for (const r of rows) lines.push(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
  // Issue 16's question: does JPEG paint at least as fast as lossless Tight (same frames)?
  const [lossless, jpeg] = ['tight-lossless', 'tight-jpeg8'].map((n) => streams.find((s) => s.name === n))
  if (lossless && jpeg) {
    lines.push('', 'Tight JPEG q8 / lossless Tight, updates/s of the same round, median (each round):')
    for (const v of viewers) {
      const per = [...new Set(results.map((r) => r.round))].map((k) => {
        const pick = (s: string): ViewerResult | undefined => results.find((r) => r.round === k && r.stream === s && r.viewer === v)
        const [j, l] = [pick(jpeg.name), pick(lossless.name)]
        return j && l ? j.updatesPerSecond / l.updatesPerSecond : NaN
      })
      lines.push(`  ${v}: ${f(median(per), 2)} (${per.map((x) => f(x, 2)).join(', ')})`)
    }
  }
  lines.push('', 'CPU ms per update by process (median over rounds):')
  for (const s of streams)
    for (const v of viewers) {
      const rs = results.filter((r) => r.stream === s.name && r.viewer === v)
      if (!rs.length) continue
      const keys = Object.keys(rs[0].cpuMsPerUpdate).filter((k) => k !== 'all')
      const page = Object.keys(rs[0].pageMsPerUpdate)
      const pageText = page.length ? `; page: ${page.map((k) => `${k} ${f(median(rs.map((r) => r.pageMsPerUpdate[k])))}`).join(', ')}` : ''
      lines.push(`  ${s.name} / ${v}: ${keys.map((k) => `${k} ${f(median(rs.map((r) => r.cpuMsPerUpdate[k])))}`).join(', ')}${pageText}`)
    }
  const stepped = results.filter((r) => r.steps)
  if (stepped.length) {
    lines.push(
      '',
      'Tessera per update, median ms (median over rounds): decode, emit (ws-codec + send), transfer (to the page), paint (arrival → ack sent), ack (to the host), cycle (emit → ack)',
    )
    for (const s of streams)
      for (const v of viewers) {
        const rs = stepped.filter((r) => r.stream === s.name && r.viewer === v)
        if (!rs.length) continue
        const keys = Object.keys(rs[0].steps!)
        lines.push(`  ${s.name} / ${v}: ${keys.map((k) => `${k} ${f(median(rs.map((r) => r.steps![k])))}`).join(', ')}`)
      }
  }
  return lines
}

export async function main(root: string): Promise<number> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 8)
  const warmup = Number(process.env.BENCH_WARMUP_SECONDS ?? 3)
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2)
  const pick = (env: string | undefined): string[] | null =>
    env
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? null
  const wantedStreams = pick(process.env.BENCH_STREAMS)
  const streams = wantedStreams ? STREAMS.filter((s) => wantedStreams.includes(s.name)) : STREAMS
  const wantedViewers = pick(process.env.BENCH_VIEWERS) ?? ['tessera', 'novnc', 'tigervnc']
  const screenshots = process.env.BENCH_SCREENSHOTS
  if (screenshots) mkdirSync(screenshots, { recursive: true })
  if (streams.length === 0) throw new Error(`BENCH_STREAMS names none of ${STREAMS.map((s) => s.name).join(', ')}`)
  if (wantedViewers.includes('novnc') && !websockifyAvailable()) throw new Error('noVNC needs websockify: apt-get install websockify')
  if (wantedViewers.includes('tigervnc') && !tigervncAvailable()) throw new Error("TigerVNC's viewer needs: apt-get install tigervnc-viewer xvfb")

  const outDir = join(root, 'out', 'bench')
  const bundle = pathToFileURL(join(outDir, 'viewers.mjs')).href
  process.stderr.write('viewers bench: making the streams if needed…\n')
  const farms = new Map<string, Farm>()
  const browser = CdpBrowser.launch(CHROMIUM)
  const chromium = browser.pid!
  const app = await TesseraApp.start()
  const probe = new NodeProbe()
  probe.install(app.host)
  const probeScript = readFileSync(join(root, 'bench/pipeline/probe.js'), 'utf8')
  const novnc = await NoVncHost.start(root)
  const x = wantedViewers.includes('tigervnc') ? await TigerVncDisplay.start() : null
  // tessera-plain: the same with pixel runs off (the web server reads the switch per socket), for an A/B in one run.
  // tessera-ws: every frame's pixels in its WebSocket message (TESSERA_FETCH_PIXELS=0), none fetched.
  const tessera = (name: string, pixelRuns: boolean, fetchPixels = true): Viewer => ({
    name,
    async open(port, s) {
      const before = { runs: process.env.TESSERA_PIXEL_RUNS, fetch: process.env.TESSERA_FETCH_PIXELS }
      process.env.TESSERA_PIXEL_RUNS = pixelRuns ? '1' : '0'
      process.env.TESSERA_FETCH_PIXELS = fetchPixels ? '1' : '0'
      const session = await app.open(browser, port, s.encoding, probeScript, s.quality ?? null).finally(() => {
        if (before.runs === undefined) delete process.env.TESSERA_PIXEL_RUNS
        else process.env.TESSERA_PIXEL_RUNS = before.runs
        if (before.fetch === undefined) delete process.env.TESSERA_FETCH_PIXELS
        else process.env.TESSERA_FETCH_PIXELS = before.fetch
      })
      return {
        page: session.page,
        steps: breakdown(probe, session.page),
        screenshot: (file) => pageScreenshot(session.page, file),
        cpu: () => {
          const u = process.cpuUsage()
          return { 'host (node)': (u.user + u.system) / 1e6, ...chromiumCpuByRole(chromium) }
        },
        close: () => session.close(),
      }
    },
  })
  const all: Viewer[] = [
    tessera('tessera', process.env.TESSERA_PIXEL_RUNS !== '0'),
    tessera('tessera-plain', false),
    tessera('tessera-ws', process.env.TESSERA_PIXEL_RUNS !== '0', false),
    {
      name: 'novnc',
      async open(port, s) {
        const session = await novnc.open(browser, port, s.quality)
        return {
          page: session.page,
          screenshot: (file) => pageScreenshot(session.page, file),
          cpu: () => ({ ...chromiumCpuByRole(chromium), ...cpuSeconds({ websockify: [session.relayPid] }) }),
          close: () => session.close(),
        }
      },
    },
    {
      name: 'tigervnc',
      async open(port, s) {
        const v = await x!.open(port, s.encoding, s.quality)
        return {
          cpu: () => cpuSeconds({ viewer: [v.pid], Xvfb: [x!.xvfb.pid!] }),
          screenshot: async (file) => x!.screenshot(file),
          close: () => v.close(),
        }
      },
    },
  ]
  const viewers = all.filter((v) => wantedViewers.includes(v.name))
  const results: ViewerResult[] = []
  try {
    for (const s of streams) farms.set(s.name, await startFarm(bundle, await streamFile(outDir, s), { count: 1, intervalMs: 0, idle: s.idle === true }))
    for (let round = 1; round <= rounds; round++) {
      for (const s of streams) {
        const order = viewers.map((_, i) => viewers[(i + round - 1) % viewers.length])
        for (const viewer of order) {
          process.stderr.write(`viewers bench: round ${round}, ${s.name}, ${viewer.name}… `)
          const trace = process.env.BENCH_TRACE === '1' ? browser : undefined
          const r = await measure({ viewer, stream: s, farm: farms.get(s.name)!, round, seconds, warmup, screenshots, trace })
          results.push(r)
          process.stderr.write(`${f(r.updatesPerSecond)} updates/s, ${f(r.cpuMsPerUpdate.all)} ms CPU each (load ${f(r.load)})\n`)
        }
      }
    }
  } finally {
    await browser.close().catch(() => {})
    await app.stop()
    await novnc.stop()
    await x?.stop()
    for (const farm of farms.values()) await farm.stop()
  }
  const cpu = cpus()
  const head =
    `Viewers on a replay server that answers each request at once, 1920x1080; ${new Date().toISOString()}; ${cpu.length} x ${cpu[0]?.model ?? '?'}; ` +
    `${seconds} s per row after ${warmup} s, ${rounds} rounds; ${x ? tigervncVersion() : ''}; load during the rows ${f(Math.min(...results.map((r) => r.load)))}-${f(Math.max(...results.map((r) => r.load)))}`
  process.stdout.write(`\n${head}\n\n`)
  for (const s of streams) process.stdout.write(`  ${s.name}: ${s.what}\n`)
  process.stdout.write(
    `\nupdates/s and CPU ms per update (idle: CPU ms per second): median over rounds; ratios: updates/s of the same round, median (each round)\n\n${report(
      results,
      viewers.map((v) => v.name),
      streams,
    ).join('\n')}\n`,
  )
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify({ head, results }, null, 2)}\n`)
  // The idle stream sends one frame and nothing after it: no updates there is the expected result.
  const idle = new Set(streams.filter((s) => s.idle).map((s) => s.name))
  return results.every((r) => r.updates > 0 || idle.has(r.stream)) ? 0 : 1
}
