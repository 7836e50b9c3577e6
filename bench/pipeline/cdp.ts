/**
 * A minimal Chrome DevTools Protocol driver for the pipeline bench: Chromium on a
 * `--remote-debugging-pipe`, pages driven with Runtime.evaluate and Input events only.
 *
 * Why not playwright-core, as the e2e tests use: Playwright enables the Network domain on every
 * page, and with it Chromium base64-encodes each WebSocket message into a
 * `Network.webSocketFrameReceived` event and ships it to the client. For 8 MB frames that is
 * ~60 ms of browser-process and ~70 ms of renderer CPU per message and limits localhost
 * ws→page to ~50 MB/s, against ~500 MB/s with no DevTools client listening (bench/README.md).
 * A user's browser does not pay that, so the bench must not either. `devtoolsNetwork` turns it
 * back on, to show the difference.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable, Writable } from 'node:stream'

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--remote-debugging-pipe',
]

interface Reply {
  id?: number
  method?: string
  params?: Record<string, unknown>
  sessionId?: string
  result?: Record<string, unknown>
  error?: { message: string }
}

/** One Chromium over a DevTools pipe (fd 3: commands in, fd 4: replies and events out). */
export class CdpBrowser {
  private nextId = 1
  private readonly waiting = new Map<number, { ok: (r: Record<string, unknown>) => void; fail: (e: Error) => void }>()
  private readonly listeners = new Set<(m: Reply) => void>()
  private readonly out: Writable
  private exited = false

  private constructor(
    private readonly child: ChildProcess,
    private readonly profileDir: string,
  ) {
    this.out = child.stdio[3] as Writable
    const input = child.stdio[4] as Readable
    let pending: Buffer[] = []
    input.on('data', (chunk: Buffer) => {
      let from = 0
      for (let nul = chunk.indexOf(0); nul >= 0; nul = chunk.indexOf(0, from)) {
        pending.push(chunk.subarray(from, nul))
        this.dispatch(JSON.parse(Buffer.concat(pending).toString('utf8')) as Reply)
        pending = []
        from = nul + 1
      }
      if (from < chunk.length) pending.push(chunk.subarray(from))
    })
    child.once('exit', () => {
      this.exited = true
      for (const w of this.waiting.values()) w.fail(new Error('Chromium exited'))
      this.waiting.clear()
    })
  }

  static launch(executable: string): CdpBrowser {
    const profileDir = mkdtempSync(join(tmpdir(), 'tessera-bench-chromium-'))
    const child = spawn(executable, [...ARGS, `--user-data-dir=${profileDir}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] })
    return new CdpBrowser(child, profileDir)
  }

  /** Chromium's process id: its renderers, GPU and network processes are its descendants. */
  get pid(): number | undefined {
    return this.child.pid
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(new Error('Chromium exited'))
    const id = this.nextId++
    return new Promise((ok, fail) => {
      this.waiting.set(id, { ok, fail })
      this.out.write(`${JSON.stringify({ id, method, params, sessionId })}\0`)
    })
  }

  onEvent(listener: (m: Reply) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** A page in a fresh browser context (its own cookies), with a fixed viewport. */
  async newPage(options: { width: number; height: number; devtoolsNetwork?: boolean }): Promise<CdpPage> {
    const { browserContextId } = await this.send('Target.createBrowserContext')
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank', browserContextId })
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true })
    const page = new CdpPage(this, sessionId as string, browserContextId as string)
    await page.call('Runtime.enable')
    await page.call('Page.enable')
    await page.call('Emulation.setDeviceMetricsOverride', { width: options.width, height: options.height, deviceScaleFactor: 1, mobile: false })
    if (options.devtoolsNetwork) await page.call('Network.enable')
    return page
  }

  async close(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((ok) => this.child.once('exit', () => ok()))
      await this.send('Browser.close').catch(() => {})
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    rmSync(this.profileDir, { recursive: true, force: true })
  }

  private dispatch(m: Reply): void {
    if (m.id !== undefined) {
      const w = this.waiting.get(m.id)
      if (!w) return
      this.waiting.delete(m.id)
      if (m.error) w.fail(new Error(m.error.message))
      else w.ok(m.result ?? {})
      return
    }
    for (const l of this.listeners) l(m)
  }
}

/** One page: scripts by expression, keys by Input events. */
export class CdpPage {
  constructor(
    private readonly browser: CdpBrowser,
    private readonly sessionId: string,
    private readonly contextId: string,
  ) {}

  call(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.browser.send(method, params, this.sessionId)
  }

  /** Uncaught page exceptions. */
  onError(listener: (message: string) => void): void {
    this.browser.onEvent((m) => {
      if (m.sessionId !== this.sessionId || m.method !== 'Runtime.exceptionThrown') return
      const d = (m.params as { exceptionDetails: { text: string; exception?: { description?: string } } }).exceptionDetails
      listener(d.exception?.description ?? d.text)
    })
  }

  addInitScript(source: string): Promise<unknown> {
    return this.call('Page.addScriptToEvaluateOnNewDocument', { source })
  }

  async goto(url: string): Promise<void> {
    const loaded = new Promise<void>((ok) => {
      const off = this.browser.onEvent((m) => {
        if (m.sessionId === this.sessionId && m.method === 'Page.loadEventFired') {
          off()
          ok()
        }
      })
    })
    const r = await this.call('Page.navigate', { url })
    if (r.errorText) throw new Error(`navigation failed: ${String(r.errorText)}`)
    await loaded
  }

  /** Evaluates an expression (awaiting a promise) and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })
    const ex = r.exceptionDetails as { text: string; exception?: { description?: string } } | undefined
    if (ex) throw new Error(ex.exception?.description ?? ex.text)
    return (r.result as { value: T }).value
  }

  async waitForSelector(selector: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!(await this.evaluate<boolean>(`document.querySelector(${JSON.stringify(selector)}) !== null`))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${selector}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  /** Focuses the element and presses a key on it (trusted events, as a user's). */
  async press(selector: string, key: 'Enter'): Promise<void> {
    await this.evaluate(`document.querySelector(${JSON.stringify(selector)}).focus()`)
    const event = { key, code: key, windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 }
    await this.call('Input.dispatchKeyEvent', { type: 'keyDown', text: '\r', ...event })
    await this.call('Input.dispatchKeyEvent', { type: 'keyUp', ...event })
  }

  async close(): Promise<void> {
    await this.browser.send('Target.disposeBrowserContext', { browserContextId: this.contextId })
  }
}
