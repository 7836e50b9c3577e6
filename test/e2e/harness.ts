// Shared set-up of the renderer E2E tests: a fresh build of out/renderer, Debian's Chromium
// driven by playwright-core, and screenshots. See docs/toolchain.md.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import { startWebServer } from '../../src/main/web/server'
import type { ConnectionProfile } from '../../src/shared/profile'

export const ROOT = path.resolve(import.meta.dirname, '../..')
export const RENDERER_DIR = path.join(ROOT, 'out/renderer')
export const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium'

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Why the E2E suites cannot run here, or null when they can. */
export function e2eUnavailable(): string | null {
  return existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (apt-get install chromium)`
}

function newestMtime(p: string): number {
  const st = statSync(p)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)))
  return newest
}

function rendererStale(): boolean {
  const built = path.join(RENDERER_DIR, 'index.html')
  if (!existsSync(built)) return true
  const sources = ['src/renderer', 'src/shared', 'electron.vite.config.ts', 'package.json'].map((p) => path.join(ROOT, p))
  return Math.max(...sources.map(newestMtime)) > statSync(built).mtimeMs
}

/**
 * Builds the app (`npm run build`) when out/renderer is missing or older than its sources, so
 * `npm test` alone tests the current renderer. Test files run in parallel workers: a lock
 * directory makes one of them build while the others wait.
 */
export function ensureRendererBuilt(): void {
  if (!rendererStale()) return
  const lock = path.join(ROOT, 'out/.e2e-build-lock')
  mkdirSync(path.dirname(lock), { recursive: true })
  const deadline = Date.now() + 120_000
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // A lock older than the deadline is a crashed build's.
      if (Date.now() > deadline || Date.now() - statSync(lock).mtimeMs > 120_000) {
        rmdirSync(lock)
        continue
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)
    }
  }
  try {
    if (!rendererStale()) return
    const res = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
    if (res.status !== 0) throw new Error(`electron-vite build failed (${res.status}):\n${res.stdout}\n${res.stderr}`)
  } finally {
    rmdirSync(lock)
  }
}

/** Debian's Chromium, headless; `extraArgs` add to the usual switches (e.g. `--screen-info` for several monitors). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, ...extraArgs] })
}

/**
 * A context with the clipboard allowed, as the desktop app has it. English unless a test asks for
 * another language, so suites that read the page's words do not depend on the machine's locale.
 */
export async function newContext(browser: Browser, origin: string, viewport = { width: 1100, height: 720 }, locale = 'en-US'): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin })
  return context
}

/**
 * Makes the address book open connections as tabs of its own page (the "Open connections in"
 * preference), as every page did before session windows: for suites that test a session, not
 * where it opens. It leaves the choice where older versions kept it; the page carries it over
 * into the host's preferences before it opens anything (stores/preferences.ts).
 */
export async function openSessionsInPage(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => localStorage.setItem('tessera.openConnectionsIn', '"tab"'))
}

/** Collects console errors and page errors, so a test can assert the page stayed clean. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`)
  })
  return errors
}

/** The screens the README shows (docs/screenshots); every other one stays in .ci-out. */
const DOC_SCREENSHOTS = new Set([
  'address-book-empty',
  'address-book-list',
  'address-book-thumbnails',
  'address-book-dark',
  'edit-dialog',
  'session-tigervnc',
  'session-menu',
  'session-menu-dark',
  'password-dialog',
  'error-auth',
  'session-reconnecting',
])

/**
 * Screenshots go to .ci-out/screenshots on every run; with TESSERA_SCREENSHOTS=1 the README's
 * ones in docs/screenshots are replaced too (kept out of ordinary runs so tests leave git clean).
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dirs = [path.join(ROOT, '.ci-out/screenshots')]
  if (process.env.TESSERA_SCREENSHOTS === '1' && DOC_SCREENSHOTS.has(name)) dirs.push(path.join(ROOT, 'docs/screenshots'))
  const png = await page.screenshot({ animations: 'disabled', caret: 'hide' })
  mkdirSync(dirs[0], { recursive: true })
  writeFileSync(path.join(dirs[0], `${name}.png`), png)
  if (dirs[1]) {
    // The README's pictures leave out passing notices ("Saved …"), which belong to the test's story.
    mkdirSync(dirs[1], { recursive: true })
    writeFileSync(path.join(dirs[1], `${name}.png`), await page.screenshot({ animations: 'disabled', caret: 'hide', style: '.notices { display: none }' }))
  }
  return path.join(dirs[0], `${name}.png`)
}

/** The canvas's pixels (RGBA) read in the page, with its size. */
export async function canvasPixels(page: Page): Promise<{ width: number; height: number; rgba: Buffer }> {
  const got = await page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.screen')
    if (!c) throw new Error('no canvas')
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    let s = ''
    for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000))
    return { width: c.width, height: c.height, b64: btoa(s) }
  })
  return { width: got.width, height: got.height, rgba: Buffer.from(got.b64, 'base64') }
}

/** Polls until `probe` returns a truthy value; throws with `what` after `timeoutMs`. */
export async function waitUntil<T>(what: string, probe: () => Promise<T> | T, timeoutMs = 15_000, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await probe()
      if (v) return v as NonNullable<T>
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** Serves out/renderer over http://127.0.0.1 (a secure context), for pages that use the fake bridge. */
export async function serveRenderer(): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('node:http')
  const { readFile } = await import('node:fs/promises')
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' }
  const server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html'
    const file = path.resolve(RENDERER_DIR, rel)
    if (!file.startsWith(RENDERER_DIR + path.sep)) {
      res.writeHead(403).end()
      return
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    )
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok())
        server.closeAllConnections()
      }),
  }
}

/** Waits until the session shows "connected" and its canvas has the first picture. */
export async function waitConnected(page: Page): Promise<void> {
  await page.waitForSelector('.toolbar .state-connected', { timeout: 20_000 })
  await waitUntil('first picture', () => page.$eval('canvas.screen', (c) => (c as HTMLCanvasElement).width > 300 && !c.classList.contains('hidden')))
}

/** Ends the session from the toolbar and waits for the address book. */
export async function disconnect(page: Page): Promise<void> {
  await page.click('.toolbar button.disconnect')
  await page.waitForSelector('.address-book')
}

/** The real host and browser-mode server on one data folder, with a page showing the address book. */
export interface BrowserModeApp {
  host: Host
  context: BrowserContext
  page: Page
  /** Console errors and failed requests of the page (see watchErrors). */
  errors: string[]
  /** Closes the page's context, the web server and the host, in that order. */
  close(): Promise<void>
}

/** What openBrowserMode sets up before the page opens. */
export interface BrowserModeOptions {
  /** Saved in the address book before the page loads. */
  profiles?: ConnectionProfile[]
  /** Runs on the context before its page opens (e.g. an init script). */
  prepare?: (context: BrowserContext) => Promise<unknown>
}

/** Starts a host and `tessera web` on `dataDir` and opens its one-time launch address in a new context of `browser`. */
export async function openBrowserMode(browser: Browser, dataDir: string, opts: BrowserModeOptions = {}): Promise<BrowserModeApp> {
  const { host, store } = await createHost({ dataDir, log: () => {}, timings: { thumbnailDelayMs: 60_000 } })
  for (const p of opts.profiles ?? []) await store.save(p)
  const web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: () => {} })
  const context = await newContext(browser, `http://127.0.0.1:${web.port}`, { width: 1000, height: 760 })
  await openSessionsInPage(context)
  await opts.prepare?.(context)
  const page = await context.newPage()
  const errors = watchErrors(page)
  await page.goto(web.launchUrl())
  await page.waitForSelector('.address-book')
  return {
    host,
    context,
    page,
    errors,
    async close() {
      await context.close()
      await web.close()
      await host.shutdown()
    },
  }
}
