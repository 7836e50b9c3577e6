// The address book in browser mode, as a user meets it: saving passwords where no keychain
// exists, a damaged address book, the order, the first focus, the grid at 1920 px, thumbnails
// only from whole pictures, and the page in German. The real host and `tessera web` in this
// process, the built renderer in Chromium, a real TigerVNC and small scripted servers.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { type Server, type Socket, createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DATA_FILES, createHost } from '../../src/main/host/create-host'
import { encodePng } from '../../src/main/rfb/png'
import { newProfile } from '../../src/shared/profile'
import { Bytes } from '../helpers/bytes'
import { none38 } from '../helpers/server-script'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import { RENDERER_DIR, disconnect, e2eUnavailable, ensureRendererBuilt, launchChromium, newContext, openSessionsInPage, screenshot, waitUntil } from './harness'
import { startWebServer } from '../../src/main/web/server'

const skip = e2eUnavailable() ?? (serverAvailable('tigervnc') ? null : 'Xtigervnc not installed')

/** One browser-mode app over `dataDir` (no keychain: passwords may only go to the 0600 file) and a page on it. */
interface App {
  page: Page
  context: BrowserContext
  close(): Promise<void>
}

let browser: Browser
const dirs: string[] = []
const apps: App[] = []

function dataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-book-'))
  dirs.push(dir)
  return dir
}

async function open(dir: string, options: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<App> {
  const { host } = await createHost({ dataDir: dir, keychain: null, log: () => {}, timings: { thumbnailDelayMs: 300 } })
  const web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: () => {} })
  const context = await newContext(browser, `http://127.0.0.1:${web.port}`, options.viewport ?? { width: 1100, height: 760 }, options.locale)
  await openSessionsInPage(context)
  const page = await context.newPage()
  await page.goto(web.launchUrl())
  await page.waitForSelector('.address-book')
  const app = {
    page,
    context,
    async close() {
      await context.close()
      await web.close()
      await host.shutdown()
    },
  }
  apps.push(app)
  return app
}

/** Writes an address book as Tessera would, for tests that start from a given one. */
function writeBook(dir: string, profiles: ReturnType<typeof newProfile>[]): void {
  writeFileSync(path.join(dir, 'connections.json'), JSON.stringify({ schemaVersion: 1, profiles }))
}

const names = (page: Page): Promise<string[]> => page.$$eval('.item', (els) => els.map((e) => e.getAttribute('aria-label')!.split(',')[0]))

describe.skipIf(skip)('the address book in browser mode', () => {
  beforeAll(async () => {
    ensureRendererBuilt()
    browser = await launchChromium()
  }, 120_000)

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close()
  })

  afterAll(async () => {
    await browser?.close()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('offers to remember a password where no keychain exists, in plain words, and then connects without asking', async () => {
    const secured: RunningServer = await startServer('tigervnc', { password: 'tessera1' })
    const dir = dataDir()
    try {
      const { page } = await open(dir)
      await page.click('.toolbar button:has-text("New connection")')
      await page.fill('dialog label:has-text("Name") input', 'Secured')
      await page.fill('dialog input[placeholder^="host"]', `127.0.0.1::${secured.port}`)
      // No greyed box and no backend names: the choice is offered, with what it means.
      const box = page.locator('dialog [data-test="save-password"]')
      expect(await box.isEnabled()).toBe(true)
      const hint = await page.textContent('dialog [data-test="password-hint"]')
      expect(hint).toContain('only your user account may open')
      expect(hint).toContain('not encrypted')
      expect(await page.textContent('dialog')).not.toMatch(/\(file\)|keychain here/)
      await box.check()
      await screenshot(page, 'profile-password-file-offer')
      await page.click('dialog button[type="submit"]')
      await page.waitForSelector('[aria-label^="Secured,"]')
      // The tick was the informed consent, recorded by the host.
      expect(JSON.parse(readFileSync(path.join(dir, DATA_FILES.plainFileConsent), 'utf8'))).toMatchObject({ plainFileSecrets: true })

      await page.click('[aria-label="Connect to Secured"]')
      await page.waitForSelector('dialog[open] input[type="password"]', { timeout: 20_000 })
      expect(await page.isChecked('dialog[open] input[type="checkbox"]')).toBe(true)
      await page.fill('dialog input[type="password"]', 'tessera1')
      await page.click('dialog button[type="submit"]')
      await page.waitForSelector('.toolbar .state-connected', { timeout: 20_000 })
      await disconnect(page)
      await waitUntil('the password file', () => existsSync(path.join(dir, DATA_FILES.secrets)))
      expect(Object.keys(JSON.parse(readFileSync(path.join(dir, DATA_FILES.secrets), 'utf8')).secrets)).toHaveLength(1)

      // The next connection uses the saved password: no question.
      await page.click('[aria-label="Connect to Secured"]')
      await page.waitForSelector('.toolbar .state-connected', { timeout: 20_000 })
      expect(await page.$('dialog[open] input[type="password"]')).toBeNull()
      await disconnect(page)
    } finally {
      await secured.stop()
    }
  }, 90_000)

  it('says the address book and its backup were damaged, names the files set aside, and never overwrites them', async () => {
    const dir = dataDir()
    writeFileSync(path.join(dir, 'connections.json'), '{"schemaVersion": 1, "profiles": [ {broken')
    writeFileSync(path.join(dir, 'connections.json.bak'), 'not json either')
    const { page } = await open(dir)
    const panel = page.locator('.problems[role="alert"]')
    await panel.waitFor()
    expect(await panel.textContent()).toContain('Your address book was damaged')
    expect(await panel.textContent()).toContain('The backup was damaged too')
    // Not the cheerful first-start screen.
    expect(await page.$('.empty')).toBeNull()
    const kept = await page.$$eval('[data-test="kept-path"]', (els) => els.map((e) => e.textContent!.trim()))
    expect(kept).toHaveLength(2)
    expect(kept[0]).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/connections\\.json\\.corrupt-\\d+$`))
    expect(kept[1]).toMatch(/connections\.json\.bak\.corrupt-\d+$/)
    expect(readFileSync(kept[0], 'utf8')).toBe('{"schemaVersion": 1, "profiles": [ {broken')
    expect(readFileSync(kept[1], 'utf8')).toBe('not json either')
    expect(await panel.textContent()).toContain(dir)
    // Browser mode cannot open a folder: the path is there to copy.
    expect(await page.$('.problems button:has-text("Show in folder")')).toBeNull()
    await page.click('.problems [data-test="copy-path"] >> nth=0')
    await waitUntil('the path on the clipboard', async () => (await page.evaluate(() => navigator.clipboard.readText())) === kept[0])
    await screenshot(page, 'address-book-damaged')
    // Adding a connection now writes a new file and leaves the damaged ones alone.
    await page.click('.toolbar button:has-text("New connection")')
    await page.fill('dialog input[placeholder^="host"]', '127.0.0.1::5999')
    await page.click('dialog button[type="submit"]')
    await page.waitForSelector('.item')
    expect(JSON.parse(readFileSync(path.join(dir, 'connections.json'), 'utf8')).profiles).toHaveLength(1)
    expect(readFileSync(kept[0], 'utf8')).toBe('{"schemaVersion": 1, "profiles": [ {broken')
  }, 60_000)

  it('puts the connection used last first, whatever folder it is in', async () => {
    const dir = dataDir()
    writeBook(dir, [
      newProfile({ id: 'older', name: 'Older', host: 'a.lan', lastUsedAt: 1_000 }),
      newProfile({ id: 'never', name: 'Never used', host: 'b.lan' }),
      newProfile({ id: 'latest', name: 'Latest', host: 'c.lan', group: 'Lab', lastUsedAt: 9_000 }),
    ])
    const { page } = await open(dir)
    await page.waitForSelector('.item')
    expect(await page.inputValue('#sort-select')).toBe('recent')
    expect((await names(page))[0]).toBe('Latest')
    await page.selectOption('#sort-select', 'name')
    expect(await names(page)).toEqual(['Never used', 'Older', 'Latest'])
  }, 60_000)

  it('starts with the keyboard in quick connect', async () => {
    const { page } = await open(dataDir())
    await waitUntil('quick connect focused', () => page.evaluate(() => document.activeElement?.id === 'quick-connect-input'), 5_000)
    await page.keyboard.type('127.0.0.1:1')
    expect(await page.inputValue('#quick-connect-input')).toBe('127.0.0.1:1')
  }, 60_000)

  it('keeps grid thumbnails inside their cards at 1920 px wide', async () => {
    const dir = dataDir()
    const profiles = Array.from({ length: 10 }, (_, i) => newProfile({ id: `p${i}`, name: `Desk ${i}`, host: `d${i}.lan`, lastUsedAt: 1_000 + i }))
    writeBook(dir, profiles)
    // A 240x150 thumbnail, as the host saves them for a 16:10 desktop.
    const rgba = new Uint8Array(240 * 150 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) & 255))
    mkdirSync(path.join(dir, DATA_FILES.thumbnails), { recursive: true })
    for (const p of profiles) writeFileSync(path.join(dir, DATA_FILES.thumbnails, `${p.id}.png`), encodePng(240, 150, rgba))
    const { page } = await open(dir, { viewport: { width: 1920, height: 1080 } })
    await page.click('button[aria-label="Grid view"]')
    await waitUntil('every thumbnail loaded', () =>
      page.$$eval('.item .thumb img', (imgs) => imgs.length === 10 && imgs.every((i) => (i as HTMLImageElement).complete)),
    )
    const boxes = await page.$$eval('.item-grid', (cards) =>
      cards.map((card) => {
        const c = card.getBoundingClientRect()
        const t = card.querySelector('.thumb')!.getBoundingClientRect()
        const i = card.querySelector('.thumb img')!.getBoundingClientRect()
        return { card: [c.left, c.right], thumb: [t.left, t.right], img: [i.left, i.right] }
      }),
    )
    await screenshot(page, 'address-book-grid-1920')
    for (const [n, b] of boxes.entries()) {
      expect(b.thumb[1], `card ${n}: thumbnail box past the card`).toBeLessThanOrEqual(b.card[1] + 0.5)
      expect(b.img[1], `card ${n}: picture past the card`).toBeLessThanOrEqual(b.card[1] + 0.5)
      if (n > 0 && boxes[n - 1].card[1] < b.card[0] + 1) expect(boxes[n - 1].card[1], `cards ${n - 1} and ${n} overlap`).toBeLessThanOrEqual(b.card[0])
    }
  }, 60_000)

  it('saves a thumbnail only from a whole picture, never from a half-drawn one', async () => {
    const dir = dataDir()
    const half = await scriptedDesktop('half')
    const whole = await scriptedDesktop('whole')
    const thumbs = (): string[] => {
      const d = path.join(dir, DATA_FILES.thumbnails)
      return existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.png')) : []
    }
    try {
      const { page } = await open(dir)
      await page.fill('#quick-connect-input', `127.0.0.1::${half.port}`)
      await page.press('#quick-connect-input', 'Enter')
      await page.waitForSelector('.toolbar .state-connected', { timeout: 20_000 })
      await waitUntil('the first half of the update sent', () => half.sentHalf, 10_000)
      // Past the thumbnail delay (300 ms) while the update is half way, then the session ends mid-update.
      await new Promise((r) => setTimeout(r, 1_200))
      await disconnect(page)
      await new Promise((r) => setTimeout(r, 600))
      expect(thumbs()).toEqual([])

      // The same flow with a whole first update does save one: the check above can fail.
      await page.fill('#quick-connect-input', `127.0.0.1::${whole.port}`)
      await page.press('#quick-connect-input', 'Enter')
      await page.waitForSelector('.toolbar .state-connected', { timeout: 20_000 })
      await waitUntil('a thumbnail of the whole picture', () => thumbs().length === 1, 15_000)
      await disconnect(page)
    } finally {
      half.close()
      whole.close()
    }
  }, 60_000)

  it('shows the address book in German for a German browser', async () => {
    const dir = dataDir()
    const { page } = await open(dir, { locale: 'de-DE' })
    await page.waitForSelector('.empty')
    expect(await page.textContent('.empty h2')).toBe('Noch keine gespeicherten Verbindungen')
    expect(await page.textContent('.toolbar .btn-primary')).toContain('Neue Verbindung')
    expect(await page.getAttribute('#quick-connect-input', 'placeholder')).toMatch(/^Verbinden mit/)
    await page.click('.toolbar .btn-primary')
    expect(await page.textContent('dialog')).toContain('Passwort in einer Datei auf diesem Computer merken')
    await screenshot(page, 'address-book-de-dialog')
  }, 60_000)
})

/**
 * A 400x300 desktop without security. 'whole' answers the first update request with one full
 * raw rect; 'half' announces two rects, sends the first (the top half) and then nothing more,
 * as a server stalled mid-update would.
 */
async function scriptedDesktop(kind: 'half' | 'whole'): Promise<{ port: number; sentHalf: boolean; close(): void }> {
  const W = 400
  const H = 300
  const sockets = new Set<Socket>()
  const state = { port: 0, sentHalf: false, close: () => {} }
  const server: Server = createServer((sock) => {
    sockets.add(sock)
    sock.on('error', () => {})
    let buf = Buffer.alloc(0)
    let bpp = 4
    let greeted = 0
    let answered = false
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d])
      // Version (12), security type (1), ClientInit (1).
      if (greeted < 14) {
        const take = Math.min(14 - greeted, buf.length)
        greeted += take
        buf = buf.subarray(take)
      }
      // RFC 6143 §7.5: SetPixelFormat (20), SetEncodings (4 + 4n), FramebufferUpdateRequest (10).
      while (!answered && buf.length > 0) {
        const type = buf[0]
        let size = 0
        if (type === 0) size = 20
        else if (type === 2) size = buf.length >= 4 ? 4 + 4 * buf.readUInt16BE(2) : Infinity
        else if (type === 3) size = 10
        else return // Anything else comes after the first request; it is not needed here.
        if (buf.length < size) return
        if (type === 0) bpp = buf[4] / 8
        buf = buf.subarray(size)
        if (type !== 3) continue
        answered = true
        const rows = kind === 'half' ? H / 2 : H
        const pixels = Buffer.alloc(W * rows * bpp, 0x7f)
        const head = new Bytes()
          .u8(0, 0)
          .u16(kind === 'half' ? 2 : 1)
          .u16(0, 0, W, rows)
          .s32(0)
          .build()
        sock.write(Buffer.concat([head, pixels]))
        if (kind === 'half') state.sentHalf = true
      }
    })
    sock.write(none38(W, H, `${kind} desktop`))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  state.port = (server.address() as { port: number }).port
  state.close = () => {
    for (const s of sockets) s.destroy()
    server.close()
  }
  return state
}
