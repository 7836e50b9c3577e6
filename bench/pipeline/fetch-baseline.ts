/**
 * `npm run bench:pipeline -- fetch-baseline`: the same 8 MB frames as ws-baseline.ts, carried by
 * HTTP instead of a WebSocket, one GET per frame, stop-and-wait, to see whether Chromium's
 * fetch body path costs the renderer less per byte than its WebSocket message path. Page sides:
 *   arrayBuffer   `(await fetch(url)).arrayBuffer()`: a fresh ArrayBuffer per frame;
 *   byob          a BYOB reader filling one reused 8 MB buffer (no allocation per frame);
 *   chunks        the default reader, each chunk copied into one reused buffer.
 * Reported as ws-baseline does: ms per 8 MB and CPU per 8 MB of Node and each Chromium process.
 *
 * Environment: BASELINE_FRAMES (30), BASELINE_MODES (arrayBuffer,byob,chunks,ws).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import { CHROMIUM } from '../../test/e2e/harness'
import { CdpBrowser } from './cdp'
import { chromiumTicks } from './ws-baseline'

const FRAME_BYTES = 1920 * 1080 * 4
const TICK_MS = 10

const PAGE = `<!doctype html><meta charset="utf-8"><title>fetch baseline</title><script>
const reused = new Uint8Array(${FRAME_BYTES} + 65536)
let byobBuffer = new ArrayBuffer(${FRAME_BYTES} + 65536)
window.fetchFrames = async (mode, frames) => {
  let touched = 0
  const t0 = performance.now()
  if (mode === 'ws') {
    await new Promise((resolve) => {
      const ws = new WebSocket('ws://' + location.host + '/ws')
      ws.binaryType = 'arraybuffer'
      let got = 0
      ws.onopen = () => ws.send('a')
      ws.onmessage = (e) => { const u = new Uint8Array(e.data); touched += u[0] + u[u.length - 1]; if (++got >= frames) { ws.close(); resolve() } else ws.send('a') }
    })
    return { ms: performance.now() - t0, touched }
  }
  for (let i = 0; i < frames; i++) {
    const r = mode === 'byob-app' ? await fetch('/frame?' + i, { headers: { 'X-Tessera-Credential': 'x' }, credentials: 'omit', cache: 'no-store', signal: AbortSignal.timeout(20000) }) : await fetch('/frame?' + i)
    if (mode === 'arrayBuffer') {
      const u = new Uint8Array(await r.arrayBuffer())
      touched += u[0] + u[u.length - 1]
    } else if (mode === 'byob' || mode === 'byob-app') {
      const reader = r.body.getReader({ mode: 'byob' })
      let at = 0
      let buf = byobBuffer
      for (;;) {
        const { value, done } = await reader.read(new Uint8Array(buf, at, buf.byteLength - at))
        // The view given is transferred: what comes back (empty when done) holds the buffer.
        if (value) buf = value.buffer
        if (done) break
        at += value.byteLength
      }
      byobBuffer = buf
      const u = new Uint8Array(buf)
      touched += u[0] + u[at - 1]
    } else {
      const reader = r.body.getReader()
      let at = 0
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        reused.set(value, at)
        at += value.byteLength
      }
      touched += reused[0] + reused[at - 1]
    }
  }
  return { ms: performance.now() - t0, touched }
}
</script>`

export async function fetchBaseline(): Promise<number> {
  const frames = Number(process.env.BASELINE_FRAMES ?? 30)
  const modes = (process.env.BASELINE_MODES ?? 'arrayBuffer,byob,chunks,ws').split(',')
  const payload = Buffer.alloc(FRAME_BYTES, 7)
  const http = createServer((req, res) => {
    if (req.url?.startsWith('/frame')) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': FRAME_BYTES, 'Cache-Control': 'no-store' })
      res.end(payload)
      return
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end(PAGE)
  })
  const wss = new WebSocketServer({ server: http, path: '/ws' })
  wss.on('connection', (ws) => ws.on('message', () => ws.send(payload)))
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok))
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`
  const browser = CdpBrowser.launch(CHROMIUM)
  const lines: string[] = []
  try {
    const page = await browser.newPage({ width: 800, height: 600 })
    await page.goto(base)
    for (const mode of [modes[0], ...modes, ...modes]) {
      const cpu0 = chromiumTicks(browser.pid!)
      const node0 = process.cpuUsage()
      const { ms } = await page.evaluate<{ ms: number }>(`window.fetchFrames(${JSON.stringify(mode)}, ${frames})`)
      const node = process.cpuUsage(node0)
      const cpu1 = chromiumTicks(browser.pid!)
      const per = (v: number): string => (v / frames).toFixed(0)
      const chromium = Object.keys(cpu1)
        .filter((k) => cpu1[k] > (cpu0[k] ?? 0))
        .map((k) => `${k} ${per((cpu1[k] - (cpu0[k] ?? 0)) * TICK_MS)}`)
        .join(', ')
      const line = `${mode.padEnd(12)} ${(ms / frames).toFixed(1).padStart(6)} ms per 8 MB; CPU ms per 8 MB: node ${per((node.user + node.system) / 1000)}, ${chromium}`
      process.stderr.write(`  ${line}\n`)
      lines.push(line)
    }
  } finally {
    await browser.close()
    await new Promise<void>((ok) => http.close(() => ok()))
  }
  process.stdout.write(`\nHTTP and ws → Chromium, ${frames} frames of 8 MB each (first line: warm-up)\n${lines.join('\n')}\n`)
  return 0
}
