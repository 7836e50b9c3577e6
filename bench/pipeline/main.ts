/**
 * `npm run bench:pipeline` (bench/run.mjs bundles this and runs it in Node): the whole browser-mode
 * pipeline at 1920x1080 with full-screen changes, per encoding.
 *
 *   Xtigervnc (or Xvfb + x11vnc) with a screen-sized xterm running content.mjs
 *     → engine in this process (decode into a BatchSink)  → ws-codec + WebSocket (browser mode,
 *       the real `tessera web` server)  → Chromium (headless, driven over a DevTools pipe by cdp.ts,
 *       never with the Network domain on, see there): ws-host,
 *       session store, CanvasPainter  → ack back to the host, which then requests the next update.
 *
 * Per frame (one FramebufferUpdate = one FrameBatch) it records, in Node:
 *   decode   engine CPU from the update's first byte to its endUpdate (time inside the session's
 *            parse loop, the BatchSink hand-off excluded); `rfb` = UpdateStats.transferMs, the same
 *            span in wall time, which also holds waiting for the server's bytes;
 *   emit     host.emit('session.frame'): ws-codec encode + ws.send;
 *   server   UpdateStats.latencyMs, update request → first byte (the server's encode and send);
 * and in the page (bench/pipeline/probe.js):
 *   transfer emit start → the message reaches the page's main thread (clocks aligned by a
 *            measured offset between Node's and the page's performance.timeOrigin + now());
 *   recv     message arrival → painter.enqueue (ws-codec decode, ws-host, session store), only
 *            when the page has window.__tesseraPainter (the app no longer sets it);
 *   paint    enqueue (else message arrival) → the page sends the batch's ack, which it does in the
 *            painter's `painted` event (the painter's ops on the canvas, image decodes included);
 *   raf      painted → the next animation frame callback (when Chromium can show it);
 *   ack      painted → the ack request reaches the host.
 * fps counts frames painted inside the measuring window; screens/s the area they covered, in full
 * screens (once the viewer outruns the content, updates get smaller and fps alone flatters);
 * content the frames per second the content script got out (the most there was to show).
 * Medians and p95 over the window's frames.
 *
 * Environment: BENCH_SECONDS (measuring window per case, default 10), BENCH_WARMUP_SECONDS (2),
 * BENCH_CASES (comma list of case names, default all), BENCH_SERVERS (tigervnc[,x11vnc]; default
 * tigervnc), BENCH_CONTENT_FPS (content frames per second the xterm is fed, default 30),
 * BENCH_H264_FRAMES (snapshots in the H.264 row's loop, h264-case.ts; default 24),
 * BENCH_JSON (write the results there), TESSERA_CHROMIUM (default /usr/bin/chromium),
 * BENCH_DEVTOOLS_NETWORK=1 (enable DevTools' Network domain on the page, as Playwright does: it
 * base64s every WebSocket message for the DevTools client, which is what the page then waits on).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { CdpBrowser, type CdpPage } from './cdp'
import { chromiumTicks } from './chromium-cpu'
import { startContentXterm } from './content-xterm'
import { h264CaseAvailable, startH264Loop } from './h264-case'
import { fetchBaseline } from './fetch-baseline'
import { wsBaseline } from './ws-baseline'
import type { FrameBatch } from '@shared/ops'
import type { ConnectionProfile } from '@shared/profile'
import { newProfile } from '@shared/profile'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import type { HostClient } from '../../src/main/host/endpoint'
import { RfbClient, type UpdateStats } from '../../src/main/rfb/session'
import { startWebServer, type WebServer } from '../../src/main/web/server'
import type { H264Server } from '../../test/helpers/h264-server'
import { CHROMIUM, RENDERER_DIR, ensureRendererBuilt, waitUntil } from '../../test/e2e/harness'
import { type RunningServer, type ServerKind, serverAvailable, startServer } from '../../test/helpers/vnc-servers'

const WIDTH = 1920
const HEIGHT = 1080
const OP_INTS = 8
const OP_RESIZE = 5

interface Case {
  name: string
  label: string
  profile: Partial<ConnectionProfile>
  /** Served by the H.264 loop (h264-case.ts) made from the Xtigervnc's screen, not by the VNC server. */
  h264?: boolean
}

// colourDepth 24 turns automatic selection off, so quality null really is lossless.
const CASES: Case[] = [
  { name: 'default', label: 'default (auto: Tight, JPEG by link)', profile: {} },
  { name: 'tight', label: 'Tight lossless', profile: { encodings: ['tight'], quality: null, colourDepth: 24 } },
  { name: 'tight-jpeg8', label: 'Tight + JPEG q8', profile: { encodings: ['tight'], quality: 8, colourDepth: 24 } },
  { name: 'zrle', label: 'ZRLE', profile: { encodings: ['zrle'], colourDepth: 24 } },
  { name: 'hextile', label: 'Hextile', profile: { encodings: ['hextile'], colourDepth: 24 } },
  { name: 'raw', label: 'Raw', profile: { encodings: ['raw'], colourDepth: 24 } },
  { name: 'h264', label: 'Open H.264 (looped snapshots, CRF 23)', profile: { colourDepth: 24 }, h264: true },
]

/** Snapshots of the content the H.264 loop encodes (one key frame per loop). */
const H264_FRAMES = Number(process.env.BENCH_H264_FRAMES ?? 24)

/** What Node saw of one frame. Times are epoch ms (performance.timeOrigin + now()). */
export interface NodeFrame {
  seq: number
  emitAt: number
  emitMs: number
  batchBytes: number
  pixelBytes: number
  imageBytes: number
  ops: number
  opKinds: Record<number, number>
  /** Pixels the batch's ops cover (fill, copy, pixels, image), overlaps counted twice. */
  area: number
  wireBytes?: number
  rects?: number
  rfbMs?: number
  decodeMs?: number
  serverMs?: number
  ackAt?: number
}

export interface PageFrame {
  seq: number
  arrive?: number
  wsBytes?: number
  enq?: number
  painted?: number
  frame?: number
}

export interface Dist {
  median: number
  p95: number
  mean: number
  n: number
}

interface CaseResult {
  server: string
  case: string
  label: string
  seconds: number
  frames: number
  fps: number
  /** Screen area painted per second, in full screens: fps of partial updates, weighed by their size. */
  screensPerSecond: number
  /** Frames the content script wrote per second: the most full-screen changes there were to show. */
  contentFps: number
  updatesPerSecond: number
  emptyUpdates: number
  clockOffsetMs: number
  clockOffsetRttMs: number
  ms: Record<'decode' | 'rfb' | 'emit' | 'server' | 'transfer' | 'recv' | 'paint' | 'raf' | 'ack' | 'cycle', Dist>
  bytes: Record<'wire' | 'batch' | 'pixels' | 'images' | 'ws', Dist>
  opsPerFrame: Dist
  opKinds: Record<string, number>
  cpuSeconds: Record<string, number>
  /** Chromium CPU ms in the window by process type and by renderer thread name (chromium-cpu.ts). */
  chromiumMs: { byProcess: Record<string, number>; rendererThreads: Record<string, number> }
  loadavg: number[]
}

const now = (): number => performance.timeOrigin + performance.now()
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export function dist(values: (number | undefined)[]): Dist {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return { median: NaN, p95: NaN, mean: NaN, n: 0 }
  const at = (q: number): number => v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))]
  return { median: at(0.5), p95: at(0.95), mean: v.reduce((a, b) => a + b, 0) / v.length, n: v.length }
}

// ---- Node-side hooks -------------------------------------------------------------------------

/**
 * Engine timing without touching the engine: RfbClient's parse loop (pump) is wrapped on the
 * prototype to add up its time, and its 'update' event (emitted right after sink.endUpdate, whose
 * BatchSink hand-off runs host.emit('session.frame') synchronously) closes one update's account.
 */
export class NodeProbe {
  frames = new Map<number, NodeFrame>()
  emptyUpdates = 0
  cpu = 0
  pumpStart = 0
  inPump = false
  /** Emit time inside the current pump call, to take out of the decode time. */
  emitInPump = 0
  private justEmitted: NodeFrame | null = null

  install(host: Host): void {
    hookEngine(this)
    const hostEmit = host.emit.bind(host) as (name: string, payload: unknown) => boolean
    ;(host as unknown as { emit: typeof hostEmit }).emit = (name, payload) => {
      if (name !== 'session.frame') return hostEmit(name, payload)
      const batch = payload as FrameBatch
      const t0 = performance.now()
      const emitAt = now()
      const result = hostEmit(name, payload)
      const emitMs = performance.now() - t0
      if (this.inPump) this.emitInPump += emitMs
      const opKinds: Record<number, number> = {}
      let area = 0
      for (let o = 0; o < batch.ops.length; o += OP_INTS) {
        opKinds[batch.ops[o]] = (opKinds[batch.ops[o]] ?? 0) + 1
        if (batch.ops[o] !== OP_RESIZE) area += batch.ops[o + 3] * batch.ops[o + 4]
      }
      const f: NodeFrame = {
        seq: batch.seq,
        emitAt,
        emitMs,
        batchBytes: batch.ops.byteLength + batch.pixels.byteLength + batch.images.byteLength,
        pixelBytes: batch.pixels.byteLength,
        imageBytes: batch.images.byteLength,
        ops: batch.ops.length / OP_INTS,
        opKinds,
        area,
      }
      this.frames.set(batch.seq, f)
      this.justEmitted = f
      return result
    }
    const handle = host.handle.bind(host)
    host.handle = (name: string, arg: unknown, owner?: HostClient): Promise<unknown> => {
      if (name === 'session.ack') {
        const f = this.frames.get((arg as { seq: number }).seq)
        if (f && f.ackAt === undefined) f.ackAt = now()
      }
      return handle(name, arg, owner)
    }
  }

  onUpdate(stats: UpdateStats): void {
    // The update's account: earlier pump calls plus this one so far, less the hand-off to the socket.
    const t = performance.now()
    const decodeMs = this.cpu + (this.inPump ? t - this.pumpStart : 0) - this.emitInPump
    this.cpu = 0
    this.emitInPump = 0
    if (this.inPump) this.pumpStart = t
    const f = this.justEmitted
    this.justEmitted = null
    if (!f) {
      this.emptyUpdates++
      return
    }
    f.wireBytes = stats.bytes
    f.rects = stats.rects
    f.rfbMs = stats.transferMs
    f.decodeMs = decodeMs
    f.serverMs = stats.latencyMs
  }

  reset(): void {
    this.frames.clear()
    this.emptyUpdates = 0
  }
}

/** Wraps RfbClient's parse loop and its 'update' event on the prototype, for every session. */
function hookEngine(probe: NodeProbe): void {
  const proto = RfbClient.prototype as unknown as { pump(): void; emit(name: string, ...args: unknown[]): boolean }
  const pump = proto.pump
  proto.pump = function (this: unknown): void {
    const start = performance.now()
    probe.pumpStart = start
    probe.inPump = true
    try {
      pump.call(this)
    } finally {
      probe.inPump = false
      probe.cpu += performance.now() - probe.pumpStart
    }
  }
  const emit = proto.emit
  proto.emit = function (this: unknown, name: string, ...args: unknown[]): boolean {
    if (name === 'update') probe.onUpdate(args[0] as UpdateStats)
    return emit.call(this, name, ...args)
  }
}

// ---- CPU accounting from /proc ---------------------------------------------------------------

const TICK_MS = 10 // USER_HZ is 100 on Linux

function procTable(): Map<number, { ppid: number; ticks: number }> {
  const out = new Map<number, { ppid: number; ticks: number }>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) })
    } catch {
      // gone meanwhile
    }
  }
  return out
}

/** CPU ticks of each group: the given roots and all their descendants. */
function cpuTicks(groups: Record<string, number[]>): Record<string, number> {
  const table = procTable()
  const children = new Map<number, number[]>()
  for (const [pid, p] of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid])
  const out: Record<string, number> = {}
  for (const [name, roots] of Object.entries(groups)) {
    let ticks = 0
    const seen = new Set<number>()
    const stack = [...roots]
    while (stack.length) {
      const pid = stack.pop()!
      if (seen.has(pid)) continue
      seen.add(pid)
      ticks += table.get(pid)?.ticks ?? 0
      stack.push(...(children.get(pid) ?? []))
    }
    out[name] = ticks
  }
  return out
}

/** BENCH_PROFILE=1: a V8 CPU profile of the page's main thread per case (slows it; for finding where time goes). */
const PROFILE = process.env.BENCH_PROFILE === '1'

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]
  samples: number[]
  timeDeltas: number[]
}

/** The profile's functions with the most self time, as lines to print. */
function topFunctions(name: string, profile: CpuProfile): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000
    self.set(key, (self.get(key) ?? 0) + ms)
    total += ms
  })
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)
  return `\n  ${name}: page main thread, ${fmt(total, 0)} ms sampled; most self time:\n${top.map(([k, v]) => `    ${fmt(v, 0)} ms  ${k}`).join('\n')}\n`
}

/** Milliseconds each key gained from `a` to `b` (tick counts). */
function tickDiff(a: Record<string, number> | undefined, b: Record<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = {}
  for (const k of Object.keys(b ?? {})) out[k] = (b![k] - (a?.[k] ?? 0)) * TICK_MS
  return out
}

// ---- one case --------------------------------------------------------------------------------

/** Offset page clock − Node clock, from the quickest of several round trips. */
export async function clockOffset(page: CdpPage): Promise<{ offset: number; rtt: number }> {
  let best = { offset: 0, rtt: Infinity }
  for (let i = 0; i < 15; i++) {
    const t0 = now()
    const p = await page.evaluate<number>('window.__pipelineBench.clock()')
    const t1 = now()
    if (t1 - t0 < best.rtt) best = { offset: p - (t0 + t1) / 2, rtt: t1 - t0 }
  }
  return best
}

async function runCase(o: {
  browser: CdpBrowser
  web: WebServer
  probe: NodeProbe
  serverName: string
  profile: ConnectionProfile
  c: Case
  probeScript: string
  seconds: number
  warmup: number
  cpuGroups: () => Record<string, number[]>
  chromiumPid?: number
  devtoolsNetwork: boolean
  contentFrames: () => number
}): Promise<CaseResult> {
  const { browser, web, probe, c } = o
  const page = await browser.newPage({ width: WIDTH, height: HEIGHT, devtoolsNetwork: o.devtoolsNetwork })
  try {
    page.onError((e) => process.stderr.write(`  page error: ${e}\n`))
    await page.addInitScript(o.probeScript)
    await page.goto(web.launchUrl())
    await page.waitForSelector('.address-book', 20_000)
    const entry = `[aria-label^="${o.profile.name},"]`
    await page.waitForSelector(entry, 10_000)
    await page.press(entry, 'Enter')
    await page.waitForSelector('.toolbar .state-connected', 30_000).catch(async (e: Error) => {
      // Say what the page shows instead (a dialog, an error), not only that it timed out.
      const text = await page.evaluate<string>('document.body.innerText.slice(0, 600)').catch(() => '?')
      throw new Error(`${e.message}; the page shows: ${text.replace(/\s+/g, ' ')}`)
    })
    await page.evaluate<boolean>('window.__pipelineBench.patch()')
    await sleep(o.warmup * 1000)

    const take = (): Promise<PageFrame[]> => page.evaluate<PageFrame[]>('window.__pipelineBench.take()')
    await take()
    probe.reset()
    if (PROFILE) await page.call('Profiler.enable').then(() => page.call('Profiler.start'))
    const cpu0 = cpuTicks(o.cpuGroups())
    const threads0 = o.chromiumPid === undefined ? null : chromiumTicks(o.chromiumPid)
    const content0 = o.contentFrames()
    const node0 = process.cpuUsage()
    const load0 = loadavg()
    const start = now()
    await sleep(o.seconds * 1000)
    const end = now()
    const cpu1 = cpuTicks(o.cpuGroups())
    const threads1 = o.chromiumPid === undefined ? null : chromiumTicks(o.chromiumPid)
    if (PROFILE) {
      const profile = (await page.call('Profiler.stop')).profile as CpuProfile
      process.stdout.write(topFunctions(c.name, profile))
      // BENCH_PROFILE_DIR: the whole profile too, for DevTools or a breakdown by caller.
      if (process.env.BENCH_PROFILE_DIR) writeFileSync(join(process.env.BENCH_PROFILE_DIR, `${c.name}.cpuprofile`), JSON.stringify(profile))
    }
    const content1 = o.contentFrames()
    const node1 = process.cpuUsage(node0)
    const load1 = loadavg()
    // Frames emitted in the window get a moment to finish painting and be acked.
    await sleep(300)
    const pageFrames = await take()
    const { offset, rtt } = await clockOffset(page)

    const byPage = new Map(pageFrames.map((f) => [f.seq, f]))
    const nodeFrames = [...probe.frames.values()].filter((f) => f.emitAt >= start && f.emitAt < end)
    const joined = nodeFrames.map((n) => ({ n, p: byPage.get(n.seq) ?? ({ seq: n.seq } as PageFrame) }))
    const toNode = (t: number | undefined): number | undefined => (t === undefined ? undefined : t - offset)
    const inWindow = (f: PageFrame): boolean => f.painted !== undefined && toNode(f.painted)! >= start && toNode(f.painted)! < end
    const paintedInWindow = pageFrames.filter(inWindow).length
    const areaInWindow = joined.filter(({ p }) => inWindow(p)).reduce((sum, { n }) => sum + n.area, 0)
    const seconds = (end - start) / 1000
    const opKinds: Record<string, number> = {}
    const KIND = ['?', 'fill', 'copy', 'pixels', 'image', 'resize', 'video']
    for (const { n } of joined) for (const [k, v] of Object.entries(n.opKinds)) opKinds[KIND[Number(k)] ?? k] = (opKinds[KIND[Number(k)] ?? k] ?? 0) + v

    const cpuSeconds: Record<string, number> = { 'node (engine+server)': (node1.user + node1.system) / 1e6 }
    for (const k of Object.keys(cpu1)) cpuSeconds[k] = ((cpu1[k] - (cpu0[k] ?? 0)) * TICK_MS) / 1000

    return {
      server: o.serverName,
      case: c.name,
      label: c.label,
      seconds,
      frames: paintedInWindow,
      fps: paintedInWindow / seconds,
      screensPerSecond: areaInWindow / (WIDTH * HEIGHT) / seconds,
      contentFps: (content1 - content0) / seconds,
      updatesPerSecond: (nodeFrames.length + probe.emptyUpdates) / seconds,
      emptyUpdates: probe.emptyUpdates,
      clockOffsetMs: offset,
      clockOffsetRttMs: rtt,
      ms: {
        decode: dist(joined.map(({ n }) => n.decodeMs)),
        rfb: dist(joined.map(({ n }) => n.rfbMs)),
        emit: dist(joined.map(({ n }) => n.emitMs)),
        server: dist(joined.map(({ n }) => n.serverMs)),
        transfer: dist(joined.map(({ n, p }) => (p.arrive === undefined ? undefined : toNode(p.arrive)! - n.emitAt))),
        recv: dist(joined.map(({ p }) => (p.arrive === undefined || p.enq === undefined ? undefined : p.enq - p.arrive))),
        // Without the painter hook, from the message's arrival: ws-codec decode and store included.
        paint: dist(joined.map(({ p }) => (p.painted === undefined ? undefined : p.painted - (p.enq ?? p.arrive ?? NaN)))),
        raf: dist(joined.map(({ p }) => (p.painted === undefined || p.frame === undefined ? undefined : p.frame - p.painted))),
        ack: dist(joined.map(({ n, p }) => (p.painted === undefined || n.ackAt === undefined ? undefined : n.ackAt - toNode(p.painted)!))),
        cycle: dist(joined.map(({ n }) => (n.ackAt === undefined ? undefined : n.ackAt - n.emitAt))),
      },
      bytes: {
        wire: dist(joined.map(({ n }) => n.wireBytes)),
        batch: dist(joined.map(({ n }) => n.batchBytes)),
        pixels: dist(joined.map(({ n }) => n.pixelBytes)),
        images: dist(joined.map(({ n }) => n.imageBytes)),
        ws: dist(joined.map(({ p }) => p.wsBytes)),
      },
      opsPerFrame: dist(joined.map(({ n }) => n.ops)),
      opKinds,
      cpuSeconds,
      chromiumMs: {
        byProcess: tickDiff(threads0?.byProcess, threads1?.byProcess),
        rendererThreads: tickDiff(threads0?.rendererThreads, threads1?.rendererThreads),
      },
      loadavg: [load0[0], load1[0]],
    }
  } finally {
    await page.close().catch(() => {})
  }
}

// ---- report ----------------------------------------------------------------------------------

function fmt(v: number, digits = 1): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-'
}

function kb(v: number): string {
  return Number.isFinite(v) ? (v / 1024).toFixed(0) : '-'
}

function table(results: CaseResult[]): string {
  const cols: [string, (r: CaseResult) => string][] = [
    ['server', (r) => r.server],
    ['case', (r) => r.case],
    ['fps', (r) => fmt(r.fps)],
    ['screens/s', (r) => fmt(r.screensPerSecond)],
    ['content', (r) => fmt(r.contentFps)],
    ...(['decode', 'emit', 'transfer', 'recv', 'paint', 'ack', 'server', 'cycle'] as const).map((k): [string, (r: CaseResult) => string] => [
      `${k} ms`,
      (r) => `${fmt(r.ms[k].median)} / ${fmt(r.ms[k].p95)}`,
    ]),
    ['wire KB', (r) => `${kb(r.bytes.wire.median)} / ${kb(r.bytes.wire.p95)}`],
    ['batch KB', (r) => `${kb(r.bytes.batch.median)} / ${kb(r.bytes.batch.p95)}`],
    ['ops', (r) => fmt(r.opsPerFrame.median, 0)],
  ]
  const rows = [cols.map(([h]) => h), ...results.map((r) => cols.map(([, f]) => f(r)))]
  const widths = cols.map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  const line = (row: string[]): string => row.map((s, i) => (i < 2 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join('  ')
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}

// ---- main ------------------------------------------------------------------------------------

export async function main(root: string, args: string[] = []): Promise<number> {
  if (args[0] === 'ws-baseline') return wsBaseline()
  if (args[0] === 'fetch-baseline') return fetchBaseline()
  const seconds = Number(process.env.BENCH_SECONDS ?? 10)
  const warmup = Number(process.env.BENCH_WARMUP_SECONDS ?? 2)
  const contentFps = Number(process.env.BENCH_CONTENT_FPS ?? 30)
  const devtoolsNetwork = process.env.BENCH_DEVTOOLS_NETWORK === '1'
  const wanted = process.env.BENCH_CASES?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const cases = wanted ? CASES.filter((c) => wanted.includes(c.name)) : CASES
  const kinds = (process.env.BENCH_SERVERS ?? 'tigervnc').split(',').map((s) => s.trim()) as ServerKind[]
  if (cases.length === 0) throw new Error(`BENCH_CASES names none of ${CASES.map((c) => c.name).join(', ')}`)
  for (const k of kinds) {
    if (k !== 'tigervnc' && k !== 'x11vnc') throw new Error(`BENCH_SERVERS: ${k} is not tigervnc or x11vnc`)
    if (!serverAvailable(k)) throw new Error(`${k} is not installed`)
  }

  // Everything is bounded: a hung browser or server ends the run instead of the CI job.
  const budgetMs = kinds.length * cases.length * (seconds + warmup + 45) * 1000 + 120_000
  let cleanup: () => Promise<void> = async () => {}
  const watchdog = setTimeout(() => {
    process.stderr.write(`pipeline bench: over its ${Math.round(budgetMs / 1000)} s budget, stopping\n`)
    void cleanup().finally(() => process.exit(3))
  }, budgetMs)

  process.stderr.write('pipeline bench: building the renderer if stale…\n')
  ensureRendererBuilt()
  const probeScript = readFileSync(join(root, 'bench/pipeline/probe.js'), 'utf8')
  const contentScript = join(root, 'bench/pipeline/content.mjs')

  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-pipeline-'))
  const contentCounter = join(dataDir, 'content-frames')
  const contentFrames = (): number => {
    try {
      return Number(readFileSync(contentCounter, 'utf8')) || 0
    } catch {
      return 0
    }
  }
  const { host, store } = await createHost({ dataDir, log: () => {}, timings: { thumbnailDelayMs: 60_000 } })
  // The session must open in the page the bench drives, not in a window of its own (the default).
  await host.handle('prefs.set', { openIn: 'tab' })
  const probe = new NodeProbe()
  probe.install(host)
  const web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: (m) => process.stderr.write(`  web: ${m}\n`) })
  let browser: CdpBrowser | null = null
  let server: RunningServer | null = null
  cleanup = async () => {
    await browser?.close().catch(() => {})
    await web.close().catch(() => {})
    await host.shutdown().catch(() => {})
    await server?.stop().catch(() => {})
    rmSync(dataDir, { recursive: true, force: true })
  }

  const results: CaseResult[] = []
  try {
    browser = CdpBrowser.launch(CHROMIUM)
    const chromiumPid = browser.pid
    for (const kind of kinds) {
      process.stderr.write(`pipeline bench: starting ${kind} ${WIDTH}x${HEIGHT}…\n`)
      server = await startServer(kind, { width: WIDTH, height: HEIGHT })
      const xterm = startContentXterm(server, WIDTH, HEIGHT, contentScript, [String(contentFps), contentCounter])
      await sleep(2000)
      if (xterm.exitCode !== null) throw new Error(`the content xterm exited (${xterm.exitCode})`)
      const running = server
      const cpuGroups = (): Record<string, number[]> => ({
        chromium: chromiumPid === undefined ? [] : [chromiumPid],
        'vnc server': running.pids.filter((p) => p !== xterm.pid),
        'xterm + content': xterm.pid === undefined ? [] : [xterm.pid],
      })
      for (const c of cases) {
        // The H.264 loop is made once, from the first server's screen.
        if (c.h264 && (kind !== kinds[0] || !h264CaseAvailable())) {
          if (!h264CaseAvailable()) process.stderr.write('pipeline bench: no ffmpeg with libx264, no H.264 row\n')
          continue
        }
        let loop: H264Server | null = null
        if (c.h264) {
          process.stderr.write(`pipeline bench: snapshotting ${H264_FRAMES} frames for the H.264 loop…\n`)
          const made = await startH264Loop(server.port, WIDTH, HEIGHT, H264_FRAMES)
          loop = made.server
          process.stderr.write(`  ${kb(made.bytesPerFrame)} KB per H.264 frame on average\n`)
        }
        const serverName = loop ? 'h264 loop' : kind
        const profile = await store.save(
          newProfile({
            id: `bench-${kind}-${c.name}`,
            name: `bench ${kind} ${c.name}`,
            host: '127.0.0.1',
            port: loop ? loop.port : server.port,
            ...c.profile,
          }),
        )
        process.stderr.write(`pipeline bench: ${serverName} / ${c.label}: ${warmup} s warm-up, ${seconds} s measured…\n`)
        const loopCpu = (): Record<string, number[]> => ({ ...cpuGroups(), 'vnc server': [] })
        const r = await runCase({
          browser,
          web,
          probe,
          serverName,
          profile,
          c,
          probeScript,
          seconds,
          warmup,
          cpuGroups: loop ? loopCpu : cpuGroups,
          chromiumPid,
          devtoolsNetwork,
          contentFrames: loop ? () => NaN : contentFrames,
        }).finally(() => loop?.close())
        results.push(r)
        process.stderr.write(
          `  ${fmt(r.fps)} fps, ${fmt(r.screensPerSecond)} screens/s, content ${fmt(r.contentFps)} fps, ${r.frames} frames; cpu ${Object.entries(r.cpuSeconds)
            .map(([k, v]) => `${k} ${fmt(v)} s`)
            .join(', ')}; load ${r.loadavg.map((l) => fmt(l, 2)).join(' → ')}\n`,
        )
        // Let the session close before the next one connects.
        await waitUntil('the session to close', () => host.sessionIds().length === 0, 10_000)
      }
      await server.stop()
      server = null
    }
  } finally {
    clearTimeout(watchdog)
    await cleanup()
  }

  const cpuList = cpus()
  const env = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${cpuList.length} x ${cpuList[0]?.model ?? '?'}`,
    loadavg: loadavg(),
    seconds,
    warmup,
    contentFps,
    width: WIDTH,
    height: HEIGHT,
    devtoolsNetwork,
  }
  process.stdout.write(
    `\nPipeline, browser mode, ${WIDTH}x${HEIGHT} full-screen changes, ${seconds} s per case; ${env.cpus}; load ${env.loadavg.map((l) => l.toFixed(2)).join(' ')}\n`,
  )
  process.stdout.write('ms and KB columns: median / p95 per frame\n\n')
  process.stdout.write(`${table(results)}\n\n`)
  process.stdout.write(
    'decode: engine CPU, first byte → endUpdate; emit: ws-codec encode + ws.send; transfer: emit → page main thread;\n' +
      'recv: ws-codec decode + store → painter (needs the painter hook); paint: arrival → the page acks (painter ops, decodes);\n' +
      'ack: the ack sent → in the host; server: update request → first byte; cycle: emit → ack. wire: RFB bytes; batch: FrameBatch bytes.\n' +
      'screens/s: area painted per second in full screens; content: frames/s the content script wrote.\n',
  )
  for (const r of results) {
    process.stdout.write(
      `  ${r.server}/${r.case}: ops ${JSON.stringify(r.opKinds)}, updates/s ${fmt(r.updatesPerSecond)} (${r.emptyUpdates} empty), ` +
        `rfb ${fmt(r.ms.rfb.median)} ms, raf ${fmt(r.ms.raf.median)} ms, clock offset ±${fmt(r.clockOffsetRttMs / 2, 2)} ms, ` +
        `cpu s: ${Object.entries(r.cpuSeconds)
          .map(([k, v]) => `${k} ${fmt(v)}`)
          .join(', ')}\n`,
    )
    // Where Chromium's share went, per screen painted: processes, then the renderer's threads.
    const screens = r.screensPerSecond * r.seconds
    const perScreen = (o: Record<string, number>): string =>
      Object.entries(o)
        .filter(([, v]) => v / screens >= 2)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${fmt(v / screens, 0)}`)
        .join(', ')
    process.stdout.write(`    chromium ms per screen: ${perScreen(r.chromiumMs.byProcess)}; renderer threads: ${perScreen(r.chromiumMs.rendererThreads)}\n`)
  }
  if (process.env.BENCH_JSON) {
    writeFileSync(process.env.BENCH_JSON, `${JSON.stringify({ env, results }, null, 2)}\n`)
    process.stdout.write(`\nwrote ${process.env.BENCH_JSON}\n`)
  }
  return results.every((r) => r.frames > 0) ? 0 : 1
}
