/**
 * noVNC 1.7 (the `@novnc/novnc` devDependency, imported unmodified) in the same Chromium as
 * Tessera's browser mode: a page served from this process loads core/rfb.js as ES modules and
 * connects through Debian's `websockify` (the WebSocket → TCP relay noVNC is deployed with),
 * started per session. noVNC asks for its usual encodings and 32 bpp R,G,B,X; it draws into a
 * canvas as in its own vnc.html, without the UI around it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { type Server, createServer } from 'node:http'
import net from 'node:net'
import { join, normalize, sep } from 'node:path'
import type { CdpBrowser, CdpPage } from '../pipeline/cdp'

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>noVNC bench</title></head>
<body style="margin:0"><div id="screen" style="width:1920px;height:1080px"></div>
<script type="module">
import RFB from '/novnc/core/rfb.js'
const state = { connected: false, disconnected: null }
window.__novnc = state
const params = new URLSearchParams(location.search)
const rfb = new RFB(document.getElementById('screen'), params.get('ws'))
// JPEG quality level (noVNC always announces one: 6 unless set).
if (params.has('quality')) rfb.qualityLevel = Number(params.get('quality'))
rfb.addEventListener('connect', () => { state.connected = true })
rfb.addEventListener('disconnect', (e) => { state.connected = false; state.disconnected = e.detail.clean ? 'clean' : 'unclean' })
window.__novncRfb = rfb
</script></body></html>`

/** Whether Debian's websockify is installed (`apt-get install websockify`). */
export function websockifyAvailable(): boolean {
  return spawnSync('websockify', ['--help'], { stdio: 'ignore' }).status === 0
}

async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', () => ok()))
  const port = (s.address() as net.AddressInfo).port
  await new Promise((ok) => s.close(ok))
  return port
}

export interface NoVncSession {
  page: CdpPage
  /** websockify's process (and its children): the relay's CPU is part of noVNC's path. */
  relayPid: number
  close(): Promise<void>
}

export class NoVncHost {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Serves the bench page and node_modules/@novnc/novnc on a free port of 127.0.0.1. */
  static async start(root: string): Promise<NoVncHost> {
    const base = join(root, 'node_modules', '@novnc', 'novnc')
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE)
        return
      }
      const file = normalize(join(base, path.replace(/^\/novnc\//, '')))
      if (!path.startsWith('/novnc/') || !file.startsWith(base + sep)) {
        res.writeHead(404).end()
        return
      }
      readFile(file).then(
        (body) => res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream' }).end(body),
        () => res.writeHead(404).end(),
      )
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()))
    return new NoVncHost(server, `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`)
  }

  /** `quality`: the JPEG quality level noVNC announces (its default, 6, when undefined). */
  async open(browser: CdpBrowser, rfbPort: number, quality?: number): Promise<NoVncSession> {
    const wsPort = await freePort()
    const relay: ChildProcess = spawn('websockify', [`127.0.0.1:${wsPort}`, `127.0.0.1:${rfbPort}`], { stdio: 'ignore' })
    const relayGone = new Promise<void>((ok) => relay.once('exit', () => ok()))
    try {
      // websockify listens once its Python has started.
      for (let i = 0; ; i++) {
        const up = await new Promise<boolean>((ok) => {
          const c = net.connect(wsPort, '127.0.0.1', () => (c.destroy(), ok(true)))
          c.on('error', () => ok(false))
        })
        if (up) break
        if (i > 300 || relay.exitCode !== null) throw new Error('websockify did not start')
        await new Promise((r) => setTimeout(r, 100))
      }
      const page = await browser.newPage({ width: 1920, height: 1080 })
      page.onError((e) => process.stderr.write(`  noVNC page error: ${e}\n`))
      await page.goto(`${this.url}?ws=${encodeURIComponent(`ws://127.0.0.1:${wsPort}/`)}${quality === undefined ? '' : `&quality=${quality}`}`)
      const deadline = Date.now() + 30_000
      while (!(await page.evaluate<boolean>('window.__novnc?.connected === true'))) {
        const gone = await page.evaluate<string | null>('window.__novnc?.disconnected ?? null')
        if (gone || Date.now() > deadline) throw new Error(`noVNC did not connect (${gone ?? 'timed out'})`)
        await new Promise((r) => setTimeout(r, 100))
      }
      return {
        page,
        relayPid: relay.pid!,
        close: async () => {
          await page.evaluate('window.__novncRfb.disconnect()').catch(() => {})
          await page.close().catch(() => {})
          relay.kill('SIGTERM')
          await relayGone
        },
      }
    } catch (e) {
      relay.kill('SIGTERM')
      throw e
    }
  }

  async stop(): Promise<void> {
    await new Promise((ok) => this.server.close(ok))
  }
}
