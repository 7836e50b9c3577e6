/**
 * `npm run bench:jpeg-routes` (bench/run.mjs bundles this): where a 1080p Tight JPEG screen's
 * Chromium CPU goes, route by route. The pictures are the pipeline bench's own: Xtigervnc at
 * 1920x1080 with content.mjs's plasma xterm, read by our engine with Tight + JPEG quality 8 (as the
 * `tight-jpeg8` case); the JPEG rects of `SCREENS` updates that cover most of the screen are kept in
 * memory. A page served from 127.0.0.1 (a secure context, so ImageDecoder exists) in Debian's
 * Chromium, launched with the pipeline bench's flags (cdp.ts: headless, --disable-gpu), decodes and
 * draws them onto a 1920x1080 canvas by each route of jpeg-routes-page.js, screen after screen, each
 * screen's drawing awaited and followed by an animation frame (the compositor shows it). Per route:
 * wall ms per screen, and Chromium CPU per screen from /proc (every process, and the renderer's
 * threads by name), over `BENCH_ROUNDS` (3) rounds of `BENCH_FRAMES` (20) screens, routes rotated
 * each round; medians across rounds. First, each full-size route's picture of the first screen is
 * compared with the VideoFrame route's (max and mean difference per channel).
 *
 * Environment: BENCH_ROUTES (comma list), BENCH_ROUNDS, BENCH_FRAMES, BENCH_SCREENS (3),
 * TESSERA_CHROMIUM.
 */
import { readFileSync } from 'node:fs'
import { type Server, createServer } from 'node:http'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { CdpBrowser } from './cdp'
import { chromiumTicks } from './chromium-cpu'
import { connectRfb } from '../../src/main/rfb/connect'
import type { DrawSink } from '../../src/main/rfb/sink'
import { CHROMIUM } from '../../test/e2e/harness'
import { startServer } from '../../test/helpers/vnc-servers'

const WIDTH = 1920
const HEIGHT = 1080
const TIGHT = 7
const TICK_MS = 10

interface Rect {
  x: number
  y: number
  w: number
  h: number
  data: Uint8Array
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** JPEG rects of `count` Tight JPEG q8 updates of the plasma screen that are mostly JPEG. */
async function captureScreens(root: string, count: number): Promise<Rect[][]> {
  const server = await startServer('tigervnc', { width: WIDTH, height: HEIGHT })
  const counter = join(root, 'out', 'bench', 'jpeg-routes-content')
  const xterm = server.spawnClient('xterm', [
    ...['-geometry', `${WIDTH / 10}x${HEIGHT / 20}+0+0`, '-fn', '10x20', '-b', '0', '-bw', '0', '-bg', '#000000', '-fg', '#ffffff'],
    ...['-xrm', 'XTerm*cursorBlink: false', '-xrm', 'XTerm*saveLines: 0', '-e', process.execPath, join(root, 'bench/pipeline/content.mjs'), '30', counter],
  ])
  xterm.stdout?.resume()
  xterm.stderr?.resume()
  try {
    await sleep(2000)
    const screens: Rect[][] = []
    let current: Rect[] = []
    const ignore = (): void => {}
    const sink: DrawSink = {
      resize: ignore,
      fill: ignore,
      copy: ignore,
      pixels: ignore,
      cursor: ignore,
      image: (x, y, w, h, kind, data) => {
        if (kind === 'jpeg') current.push({ x, y, w, h, data: data.slice() })
      },
      endUpdate: () => {
        const area = current.reduce((s, r) => s + r.w * r.h, 0)
        if (area >= 0.8 * WIDTH * HEIGHT) screens.push(current)
        current = []
      },
    }
    const { client } = await connectRfb({ host: '127.0.0.1', port: server.port } as never, { sink, encodings: [TIGHT], quality: 8 })
    const deadline = Date.now() + 60_000
    while (screens.length < count && Date.now() < deadline) await sleep(100)
    client.close()
    if (screens.length < count) throw new Error(`only ${screens.length} mostly-JPEG screens in 60 s`)
    return screens
  } finally {
    await server.stop()
  }
}

function diff(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const k of Object.keys(b)) out[k] = (b[k] - (a[k] ?? 0)) * TICK_MS
  return out
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]

export async function main(root: string): Promise<number> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
  const frames = Number(process.env.BENCH_FRAMES ?? 20)
  process.stderr.write('jpeg routes: capturing Tight JPEG q8 screens of the plasma xterm…\n')
  const screens = await captureScreens(root, Number(process.env.BENCH_SCREENS ?? 3))
  for (const s of screens) {
    const bytes = s.reduce((n, r) => n + r.data.length, 0)
    const px = s.reduce((n, r) => n + r.w * r.h, 0)
    process.stderr.write(`  screen: ${s.length} JPEG rects, ${(bytes / 1e6).toFixed(2)} MB, ${(px / 1e6).toFixed(2)} Mpx\n`)
  }
  // One binary: [rect count][x y w h length]… then the bytes, per screen; the page parses it.
  const index = screens.map((s) => s.map((r) => [r.x, r.y, r.w, r.h, r.data.length]))
  const blob = Buffer.concat(screens.flat().map((r) => r.data))
  const files: Record<string, [string, Buffer | string]> = {
    '/': ['text/html', '<!doctype html><canvas id="c" width="1920" height="1080"></canvas><script src="page.js"></script>'],
    '/page.js': ['text/javascript', readFileSync(join(root, 'bench/pipeline/jpeg-routes-page.js'))],
    '/worker.js': ['text/javascript', readFileSync(join(root, 'bench/pipeline/jpeg-routes-worker.js'))],
    '/index.json': ['application/json', JSON.stringify(index)],
    '/data.bin': ['application/octet-stream', blob],
  }
  const http: Server = createServer((req, res) => {
    const f = files[req.url ?? '']
    if (!f) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': f[0] }).end(f[1])
  })
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok))
  const port = (http.address() as { port: number }).port
  const browser = CdpBrowser.launch(CHROMIUM)
  try {
    const page = await browser.newPage({ width: WIDTH, height: HEIGHT })
    page.onError((e) => process.stderr.write(`  page error: ${e}\n`))
    await page.goto(`http://127.0.0.1:${port}/`)
    await page.evaluate('window.bench.load()')
    const all = await page.evaluate<string[]>('window.bench.routes()')
    const wanted = process.env.BENCH_ROUTES?.split(',').filter(Boolean)
    const routes = wanted ? all.filter((r) => wanted.includes(r)) : all
    // Every route's picture is compared with the VideoFrame route's, drawn by Chromium itself.
    const reference = all.find((r) => r.startsWith('workers2-decoder-videoframe'))
    for (const route of routes) {
      if (!reference || route === reference || route.startsWith('half') || route.startsWith('owner')) continue
      const d = await page.evaluate<{ max: number; mean: number; differ: number }>(
        `window.bench.compare(${JSON.stringify(route)}, ${JSON.stringify(reference)})`,
      )
      process.stderr.write(
        `  picture of ${route} against ${reference}: max ${d.max}, mean ${d.mean.toFixed(3)}, ${(d.differ * 100).toFixed(2)}% of channels differ\n`,
      )
    }
    const results = new Map<string, { wall: number[]; cpu: number[]; main: number[]; procs: Record<string, number>[]; threads: Record<string, number>[] }>()
    for (let round = 0; round < rounds; round++) {
      const order = routes.map((_, i) => routes[(i + round) % routes.length])
      for (const route of order) {
        // A warm-up screen per route: workers started, code compiled.
        await page.evaluate(`window.bench.run(${JSON.stringify(route)}, 2)`)
        const c0 = chromiumTicks(browser.pid!)
        const r = await page.evaluate<{ wallMs: number }>(`window.bench.run(${JSON.stringify(route)}, ${frames})`)
        const c1 = chromiumTicks(browser.pid!)
        if (round === 0 && route.startsWith('half')) process.stderr.write(`  ${route}: last rect ${await page.evaluate<string>('window.lastHalf')}\n`)
        const entry = results.get(route) ?? { wall: [], cpu: [], main: [], procs: [], threads: [] }
        entry.wall.push(r.wallMs / frames)
        entry.cpu.push(((c1.total - c0.total) * TICK_MS) / frames)
        entry.procs.push(diff(c0.byProcess, c1.byProcess))
        entry.threads.push(diff(c0.rendererThreads, c1.rendererThreads))
        results.set(route, entry)
        process.stderr.write(
          `  round ${round + 1} ${route}: ${(r.wallMs / frames).toFixed(0)} ms wall, ${(((c1.total - c0.total) * TICK_MS) / frames).toFixed(0)} ms CPU per screen; load ${loadavg()[0].toFixed(2)}\n`,
        )
      }
    }
    process.stdout.write(
      `\nJPEG routes, ${screens[0].length} rects per 1080p screen; ${cpus().length} x ${cpus()[0]?.model}; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
    )
    process.stdout.write('route | wall ms/screen | Chromium CPU ms/screen | by process | renderer threads (ms/screen, > 2)\n')
    for (const [route, e] of results) {
      const best = e.cpu.indexOf(median(e.cpu))
      const per = (o: Record<string, number>): string =>
        Object.entries(o)
          .filter(([, v]) => v / frames > 2)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${(v / frames).toFixed(0)}`)
          .join(', ')
      process.stdout.write(`${route} | ${median(e.wall).toFixed(0)} | ${median(e.cpu).toFixed(0)} | ${per(e.procs[best])} | ${per(e.threads[best])}\n`)
    }
  } finally {
    await browser.close()
    http.close()
  }
  return 0
}
