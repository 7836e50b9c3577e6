/**
 * `npm run bench:pipeline -- ws-baseline`: what a bare localhost WebSocket from Node (`ws`) to a
 * headless Chromium page can carry on this machine, with nothing of Tessera in between: the
 * ceiling for browser mode's transfer stage.
 *
 * One 8 MB "frame" (a 1920x1080 RGBA batch) is sent as messages of each size, 30 times:
 *   ack      the page answers each frame with a small text message before the next goes out
 *            (stop-and-wait, as a session's acks);
 *   stream   frames go out back to back (ws.bufferedAmount kept under 16 MB).
 * The page touches the first and last byte of every message. Reported: MB/s, ms per frame, and
 * CPU per frame of Node and of each Chromium process type. The same runs with DevTools' Network
 * domain on (as under Playwright) come last, for a few sizes: see cdp.ts for why the pipeline
 * bench stays clear of it.
 *
 * Environment: BASELINE_FRAMES (30), BASELINE_SIZES (KiB, comma list; default 8192,1024,256,64).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { type IncomingMessage, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { type WebSocket, WebSocketServer } from 'ws'
import { CHROMIUM } from '../../test/e2e/harness'
import { CdpBrowser, type CdpPage } from './cdp'

const FRAME_BYTES = 1920 * 1080 * 4
const TICK_MS = 10

const PAGE = `<!doctype html><meta charset="utf-8"><title>ws baseline</title><script>
window.receive = (url, frame, total, ack) => new Promise((resolve, reject) => {
  const ws = new WebSocket(url)
  ws.binaryType = 'arraybuffer'
  let got = 0, inFrame = 0, touched = 0, t0 = 0
  ws.onopen = () => { t0 = performance.now(); ws.send('go') }
  ws.onerror = () => reject(new Error('socket error'))
  ws.onmessage = (e) => {
    const u = new Uint8Array(e.data)
    touched += u[0] + u[u.length - 1]
    got += u.length
    inFrame += u.length
    if (inFrame >= frame) { inFrame = 0; if (ack) ws.send('a') }
    if (got >= total) { ws.close(); resolve({ ms: performance.now() - t0, touched }) }
  }
})
</script>`

interface Trial {
  mode: 'ack' | 'stream'
  messageBytes: number
  devtoolsNetwork: boolean
}

/** CPU ticks per Chromium process type (browser, renderer, gpu-process, utility:NetworkService...). */
export function chromiumTicks(rootPid: number): Record<string, number> {
  const procs = new Map<number, { ppid: number; ticks: number; type: string }>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8')
      const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser'
      const sub = /--utility-sub-type=([\w.]+)/.exec(cmd)?.[1].split('.').pop()
      procs.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), type: sub ? `${type}:${sub}` : type })
    } catch {
      // gone meanwhile
    }
  }
  const out: Record<string, number> = {}
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = procs.get(p)?.ppid ?? 0, hops++) if (p === rootPid) return true
    return false
  }
  for (const [pid, p] of procs) if (inTree(pid)) out[p.type] = (out[p.type] ?? 0) + p.ticks
  return out
}

async function trial(page: CdpPage, browser: CdpBrowser, wss: WebSocketServer, url: string, t: Trial, frames: number): Promise<string> {
  const payload = Buffer.alloc(t.messageBytes, 7)
  const perFrame = Math.ceil(FRAME_BYTES / t.messageBytes)
  const total = perFrame * t.messageBytes * frames
  const connected = new Promise<WebSocket>((ok) => wss.once('connection', ok))
  const received = page.evaluate<{ ms: number }>(`window.receive(${JSON.stringify(url)}, ${perFrame * t.messageBytes}, ${total}, ${t.mode === 'ack'})`)
  const ws = await connected
  await new Promise((ok) => ws.once('message', ok))
  const cpu0 = chromiumTicks(browser.pid!)
  const node0 = process.cpuUsage()
  const t0 = performance.now()
  if (t.mode === 'ack') {
    let sent = 0
    const sendFrame = (): void => {
      if (sent++ >= frames) return
      for (let i = 0; i < perFrame; i++) ws.send(payload)
    }
    ws.on('message', sendFrame)
    sendFrame()
  } else {
    let sent = 0
    const pump = (): void => {
      while (sent < frames * perFrame) {
        if (ws.bufferedAmount > 16 * 1024 * 1024) {
          setTimeout(pump, 1)
          return
        }
        ws.send(payload)
        sent++
      }
    }
    pump()
  }
  await received
  const ms = performance.now() - t0
  const node = process.cpuUsage(node0)
  const cpu1 = chromiumTicks(browser.pid!)
  const perFrameMs = (v: number): string => (v / frames).toFixed(0)
  const chromium = Object.keys(cpu1)
    .filter((k) => cpu1[k] > (cpu0[k] ?? 0))
    .map((k) => `${k} ${perFrameMs((cpu1[k] - (cpu0[k] ?? 0)) * TICK_MS)}`)
    .join(', ')
  return (
    `${t.devtoolsNetwork ? 'devtools-network ' : ''}${t.mode.padEnd(6)} ${String(t.messageBytes / 1024).padStart(5)} KiB messages: ` +
    `${(total / 1048576 / (ms / 1000)).toFixed(0).padStart(4)} MB/s, ${(ms / frames).toFixed(1).padStart(6)} ms per 8 MB; ` +
    `CPU ms per 8 MB: node ${perFrameMs((node.user + node.system) / 1000)}, ${chromium}`
  )
}

export async function wsBaseline(): Promise<number> {
  const frames = Number(process.env.BASELINE_FRAMES ?? 30)
  const sizes = (process.env.BASELINE_SIZES ?? '8192,1024,256,64').split(',').map((s) => Number(s) * 1024)
  const http = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end(PAGE)
  })
  const wss = new WebSocketServer({ noServer: true })
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)))
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok))
  const base = `127.0.0.1:${(http.address() as AddressInfo).port}`
  const browser = CdpBrowser.launch(CHROMIUM)
  const lines: string[] = []
  try {
    const trials: Trial[] = [
      ...(['ack', 'stream'] as const).flatMap((mode) => sizes.map((messageBytes) => ({ mode, messageBytes, devtoolsNetwork: false }))),
      ...[sizes[0], sizes[1] ?? sizes[0]].map((messageBytes) => ({ mode: 'ack' as const, messageBytes, devtoolsNetwork: true })),
    ]
    let page: CdpPage | null = null
    let pageHasNetwork = false
    const run = async (t: Trial): Promise<string> => {
      if (!page || pageHasNetwork !== t.devtoolsNetwork) {
        await page?.close()
        page = await browser.newPage({ width: 800, height: 600, devtoolsNetwork: t.devtoolsNetwork })
        pageHasNetwork = t.devtoolsNetwork
        await page.goto(`http://${base}/`)
      }
      const line = await trial(page, browser, wss, `ws://${base}/ws`, t, t.devtoolsNetwork ? Math.min(frames, 10) : frames)
      process.stderr.write(`  ${line}\n`)
      return line
    }
    // The first run only warms up the page, its JIT and the sockets.
    await run(trials[0])
    for (const t of trials) lines.push(await run(t))
  } finally {
    await browser.close()
    await new Promise<void>((ok) => http.close(() => ok()))
  }
  process.stdout.write(`\nBare ws → Chromium, ${frames} frames of 8 MB (1920x1080 RGBA) per line (10 with DevTools' Network domain on):\n${lines.join('\n')}\n`)
  return 0
}
