/**
 * Tessera in browser mode as the viewers and memory benches drive it: the real host and
 * `tessera web` server in this process, a session opened from the address book in a page of
 * Debian's Chromium (driven over a DevTools pipe by pipeline/cdp.ts, never with the Network
 * domain on: see there), exactly as a user opens one.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ConnectionProfile } from '@shared/profile'
import { newProfile } from '@shared/profile'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import { startWebServer, type WebServer } from '../../src/main/web/server'
import { RENDERER_DIR, ensureRendererBuilt, waitUntil } from '../../test/e2e/harness'
import type { CdpBrowser, CdpPage } from '../pipeline/cdp'

/** One open session and the page that shows it. */
export interface TesseraSession {
  page: CdpPage
  close(): Promise<void>
}

export class TesseraApp {
  private profiles = 0

  private constructor(
    readonly host: Host,
    private readonly store: { save(p: ConnectionProfile): Promise<ConnectionProfile> },
    readonly web: WebServer,
    private readonly dataDir: string,
  ) {}

  static async start(): Promise<TesseraApp> {
    ensureRendererBuilt()
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-viewers-bench-'))
    const { host, store } = await createHost({ dataDir, log: () => {}, keychain: null, timings: { thumbnailDelayMs: 600_000 } })
    // The session must open in the page the bench drives, not in a window of its own.
    await host.handle('prefs.set', { openIn: 'tab' })
    const web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: () => {} })
    return new TesseraApp(host, store, web, dataDir)
  }

  /**
   * Opens a session to 127.0.0.1:`port` asking for `encoding` only, in full colour (no automatic
   * selection), with JPEG at `quality` (0-9) or lossless (null: no quality pseudo-encoding).
   * `initScript` runs in the page before the app (the pipeline bench's probe.js).
   */
  async open(
    browser: CdpBrowser,
    port: number,
    encoding: 'hextile' | 'raw' | 'tight',
    initScript?: string,
    quality: number | null = null,
  ): Promise<TesseraSession> {
    const n = ++this.profiles
    const profile = await this.store.save(
      newProfile({ id: `viewers-${n}`, name: `viewers ${n}`, host: '127.0.0.1', port, encodings: [encoding], quality, colourDepth: 24 }),
    )
    const page = await browser.newPage({ width: 1920, height: 1080 })
    page.onError((e) => process.stderr.write(`  tessera page error: ${e}\n`))
    if (initScript) await page.addInitScript(initScript)
    await page.goto(this.web.launchUrl())
    await page.waitForSelector('.address-book', 30_000)
    const entry = `[aria-label^="${profile.name},"]`
    await page.waitForSelector(entry, 10_000)
    await page.press(entry, 'Enter')
    await page.waitForSelector('.toolbar .state-connected', 30_000).catch(async (e: Error) => {
      const text = await page.evaluate<string>('document.body.innerText.slice(0, 600)').catch(() => '?')
      throw new Error(`${e.message}; the page shows: ${text.replace(/\s+/g, ' ')}`)
    })
    return {
      page,
      close: async () => {
        await page.close().catch(() => {})
        await waitUntil('the session to close', () => this.host.sessionIds().length === 0, 15_000)
      },
    }
  }

  async stop(): Promise<void> {
    await this.web.close().catch(() => {})
    await this.host.shutdown().catch(() => {})
    rmSync(this.dataDir, { recursive: true, force: true })
  }
}
