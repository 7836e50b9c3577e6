// Accessibility of every screen: axe-core (WCAG 2.1 A/AA rules) run in the real Chromium on the
// real browser-mode app, in both themes, with a screenshot of each screen per theme and language
// in .ci-out/screenshots (looked at by a person; listed in docs/testing.md).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import { type WebServer, startWebServer } from '../../src/main/web/server'
import { freePort, selfSignedCertificate, serverAvailable, startServer, type RunningServer } from '../helpers/vnc-servers'
import { RENDERER_DIR, e2eUnavailable, ensureRendererBuilt, launchChromium, newContext, openSessionsInPage, screenshot, waitConnected } from './harness'

const skip = e2eUnavailable() ?? (serverAvailable('tigervnc') ? null : 'Xtigervnc not installed')
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface Finding {
  id: string
  impact: string
  help: string
  targets: string[]
}

/**
 * Runs axe on the page as it is now and returns the serious and critical findings (the bar the
 * issue sets), after taking the screen's screenshot. axe is evaluated through the DevTools
 * protocol, which the page's strict CSP does not apply to.
 */
async function audit(page: Page, name: string): Promise<Finding[]> {
  await screenshot(page, name)
  const hasAxe = await page.evaluate(() => 'axe' in window)
  if (!hasAxe) await page.evaluate(AXE_SOURCE)
  const result = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<unknown> } }).axe
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] })
  })) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }))
}

/**
 * The ways a page gets its theme: the system's colour scheme (prefers-color-scheme), and the
 * Preferences' choice (<html data-theme>) set against the system's, so both paths of theme.css
 * are checked.
 */
const THEME_WAYS = [
  { name: 'light', scheme: 'light' },
  { name: 'dark', scheme: 'dark' },
  { name: 'set-light', scheme: 'dark', dataTheme: 'light' },
  { name: 'set-dark', scheme: 'light', dataTheme: 'dark' },
] as const

/**
 * The screen audited in every theme way (the German runs: the two system themes); findings of
 * all, each tagged with its theme. The page is left in the light system theme.
 */
async function auditThemes(page: Page, name: string, lang: string): Promise<(Finding & { theme: string })[]> {
  const out: (Finding & { theme: string })[] = []
  for (const way of lang === 'en' ? THEME_WAYS : THEME_WAYS.slice(0, 2)) {
    await page.emulateMedia({ colorScheme: way.scheme })
    await page.evaluate(
      (t) => (t ? (document.documentElement.dataset.theme = t) : delete document.documentElement.dataset.theme),
      'dataTheme' in way ? way.dataTheme : null,
    )
    await page.waitForTimeout(50)
    for (const f of await audit(page, `a11y-${lang}-${name}-${way.name}`)) out.push({ ...f, theme: way.name })
  }
  await page.evaluate(() => delete document.documentElement.dataset.theme)
  await page.emulateMedia({ colorScheme: 'light' })
  return out
}

/**
 * Presses Tab up to `presses` times from where the focus is and returns the names of the buttons,
 * inputs and selects inside `container` that it never reached (every action there must be
 * reachable by keyboard), and of those it reached that showed no focus ring (an outline of at
 * least 2 px, or a box shadow). Elements hidden from everyone (display: none, aria-hidden pointer
 * shortcuts with tabindex -1) are not actions to reach.
 */
async function tabThrough(page: Page, container: string, presses: number): Promise<{ unreached: string[]; noRing: string[] }> {
  const count = await page.evaluate((sel) => {
    const root = document.querySelector(sel)
    if (!root) throw new Error(`no ${sel}`)
    const all = [...root.querySelectorAll<HTMLElement>('button, input:not([type="file"]), select, a[href]')].filter(
      (el) =>
        el.getClientRects().length > 0 &&
        !(el as HTMLButtonElement).disabled &&
        !el.closest('[aria-hidden="true"]') &&
        !el.classList.contains('visually-hidden'),
    )
    all.forEach((el, i) => (el.dataset.tabProbe = String(i)))
    return all.length
  }, container)
  const reached = new Set<string>()
  const noRing: string[] = []
  for (let i = 0; i < presses && reached.size < count; i++) {
    await page.keyboard.press('Tab')
    const at = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      if (!el?.dataset.tabProbe) return null
      const cs = getComputedStyle(el)
      const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none'
      return { probe: el.dataset.tabProbe, ring, name: el.getAttribute('aria-label') || el.textContent?.trim() || el.tagName }
    })
    if (!at) continue
    reached.add(at.probe)
    if (!at.ring) noRing.push(at.name)
  }
  const unreached = await page.evaluate(
    ({ sel, got }) =>
      [...document.querySelectorAll<HTMLElement>(`${sel} [data-tab-probe]`)]
        .filter((el) => !got.includes(el.dataset.tabProbe!))
        .map((el) => el.getAttribute('aria-label') || el.textContent?.trim() || el.outerHTML.slice(0, 80)),
    { sel: container, got: [...reached] },
  )
  return { unreached, noRing }
}

/** What the page's one live region for connection changes says now (trimmed). */
async function liveText(page: Page): Promise<string> {
  return ((await page.locator('.live-announcer').textContent()) ?? '').trim()
}

describe.skipIf(skip)('accessibility of every screen (axe-core, both themes)', () => {
  let browser: Browser
  let host: Host
  let web: WebServer
  let open: RunningServer
  let locked: RunningServer
  let tls: RunningServer
  let dataDir: string

  beforeAll(async () => {
    ensureRendererBuilt()
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-a11y-'))
    const cert = selfSignedCertificate(dataDir, 'localhost', 'a11y')
    ;[browser, open, locked, tls] = await Promise.all([
      launchChromium(),
      startServer('tigervnc', { content: 'static' }),
      startServer('tigervnc', { content: 'static', password: 'secret12' }),
      startServer('tigervnc', { content: 'static', tls: cert, securityTypes: ['X509None'] }),
    ])
    ;({ host } = await createHost({ dataDir, keychain: null, log: () => {}, timings: { thumbnailDelayMs: 60_000 } }))
    web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: () => {} })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await web?.close()
    await host?.shutdown()
    await open?.stop()
    await locked?.stop()
    await tls?.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  async function newPage(locale: string, server: WebServer = web): Promise<Page> {
    const context = await newContext(browser, `http://127.0.0.1:${server.port}`, { width: 1100, height: 760 }, locale)
    await openSessionsInPage(context)
    const page = await context.newPage()
    await page.goto(server.launchUrl())
    await page.waitForSelector('.address-book')
    return page
  }

  async function quickConnect(page: Page, address: string): Promise<void> {
    await page.fill('.quick-connect input', address)
    await page.keyboard.press('Enter')
  }

  for (const locale of ['en-US', 'de-DE']) {
    const lang = locale.slice(0, 2)

    it(`${lang}: the address book (empty, list, grid), the connection dialog and the Preferences`, async () => {
      const page = await newPage(locale)
      const found: unknown[] = []
      if (lang === 'en') found.push(...(await auditThemes(page, 'address-book-empty', lang)))
      await page.keyboard.press('Control+n')
      await page.waitForSelector('dialog[open]')
      found.push(...(await auditThemes(page, 'connection-dialog', lang)))
      if (lang === 'en') {
        // The bookmark the later screens show (the German run finds it in the same data folder).
        await page.fill('dialog label:has-text("Name") input', 'Lab')
        await page.fill('dialog input[placeholder^="host"]', `127.0.0.1::${open.port}`)
        await page.fill('dialog label:has-text("Folder") input', 'Office')
        await page.click('dialog button[type="submit"]')
        await page.waitForSelector('dialog[open]', { state: 'detached' })
      } else await page.keyboard.press('Escape')
      found.push(...(await auditThemes(page, 'address-book-list', lang)))
      await page.click('.address-book button[aria-pressed] >> nth=1')
      found.push(...(await auditThemes(page, 'address-book-grid', lang)))
      await page.click('.address-book button[aria-pressed] >> nth=0')
      await page.click('button.open-preferences')
      await page.waitForSelector('dialog[open].preferences')
      found.push(...(await auditThemes(page, 'preferences', lang)))
      await page.keyboard.press('Escape')
      await page.waitForSelector('dialog[open]', { state: 'detached' })
      await page.context().close()
      expect(found).toEqual([])
    }, 180_000)

    it(`${lang}: a session, its menu, the password and certificate prompts, an ended session's error card`, async () => {
      const page = await newPage(locale)
      const found: unknown[] = []
      await quickConnect(page, `127.0.0.1::${open.port}`)
      await waitConnected(page)
      found.push(...(await auditThemes(page, 'session', lang)))
      await page.keyboard.press('F8')
      await page.waitForSelector('.session-menu, [role="menu"]')
      found.push(...(await auditThemes(page, 'session-menu', lang)))
      await page.keyboard.press('Escape')
      await page.click('.toolbar button.disconnect')
      await page.waitForSelector('.address-book')
      await quickConnect(page, `127.0.0.1::${locked.port}`)
      await page.waitForSelector('dialog[open] input[type="password"]')
      found.push(...(await auditThemes(page, 'password', lang)))
      await page.keyboard.press('Escape')
      await page.click('.toolbar button.close')
      await page.waitForSelector('.address-book')
      await quickConnect(page, `127.0.0.1::${tls.port}`)
      await page.waitForSelector('dialog[open] button.btn-primary', { timeout: 20_000 })
      found.push(...(await auditThemes(page, 'certificate', lang)))
      await page.keyboard.press('Escape')
      await page.click('.toolbar button.close')
      await page.waitForSelector('.address-book')
      // Nothing listens on a fresh free port: the session ends with its error card.
      await quickConnect(page, `127.0.0.1::${await freePort()}`)
      await page.waitForSelector('.status .card.error', { timeout: 20_000 })
      found.push(...(await auditThemes(page, 'session-error', lang)))
      await page.context().close()
      expect(found).toEqual([])
    }, 180_000)

    it(`${lang}: the live wall`, async () => {
      const page = await newPage(locale)
      const url = new URL(web.launchUrl())
      await page.goto(`${url.origin}${url.pathname}?view=wall&folder=Office`)
      await page.waitForSelector('.wall-tile[data-state="connected"]', { timeout: 30_000 })
      const found = await auditThemes(page, 'wall', lang)
      await page.context().close()
      expect(found).toEqual([])
    }, 120_000)

    it(`${lang}: the damaged address book's problems panel`, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-a11y-damaged-'))
      writeFileSync(path.join(dir, 'connections.json'), '{"schemaVersion": 1, "profiles": [ {broken')
      writeFileSync(path.join(dir, 'connections.json.bak'), 'not json either')
      const { host: damagedHost } = await createHost({ dataDir: dir, keychain: null, log: () => {}, timings: { thumbnailDelayMs: 60_000 } })
      const damagedWeb = await startWebServer({ host: damagedHost, rendererDir: RENDERER_DIR, log: () => {} })
      try {
        const page = await newPage(locale, damagedWeb)
        await page.waitForSelector('.problems')
        const found = await auditThemes(page, 'address-book-problems', lang)
        await page.context().close()
        expect(found).toEqual([])
      } finally {
        await damagedWeb.close()
        await damagedHost.shutdown()
        rmSync(dir, { recursive: true, force: true })
      }
    }, 120_000)

    it(`${lang}: connection changes are said once, by one polite live region`, async () => {
      const doomed = await startServer('tigervnc', { content: 'static' })
      const page = await newPage(locale)
      try {
        const words =
          lang === 'en'
            ? { connected: /^Connected to 127\.0\.0\.1/, lost: /^Connection to 127\.0\.0\.1.* lost, reconnecting$/, ended: /^Disconnected from 127\.0\.0\.1/ }
            : { connected: /^Verbunden mit 127\.0\.0\.1/, lost: /^Verbindung zu 127\.0\.0\.1.* unterbrochen/, ended: /^Verbindung zu 127\.0\.0\.1.* getrennt$/ }
        expect(await page.locator('.live-announcer[role="status"][aria-live="polite"]').count()).toBe(1)
        await quickConnect(page, `127.0.0.1::${doomed.port}`)
        await waitConnected(page)
        await expect.poll(() => liveText(page)).toMatch(words.connected)
        await doomed.stop()
        await expect.poll(() => liveText(page), { timeout: 20_000 }).toMatch(words.lost)
        // No other live region repeats it (the toolbar and the status card show it without speaking).
        const speaking = await page.$$eval(
          '[aria-live], [role="status"], [role="alert"], [role="log"]',
          (els) => els.filter((el) => el.getAttribute('aria-live') !== 'off' && /reconnect|unterbrochen|neuer Versuch/i.test(el.textContent ?? '')).length,
        )
        expect(speaking).toBe(1)
        await page.click('.status .card button:not(.reconnect-now)')
        await expect.poll(() => liveText(page)).toMatch(words.ended)
      } finally {
        await page.context().close()
        await doomed.stop()
      }
    }, 120_000)
  }

  it('every action of the address book toolbar, a connection card and the session toolbar is reachable with Tab, with a visible focus ring', async () => {
    const page = await newPage('en-US')
    await page.focus('.quick-connect input')
    expect(await tabThrough(page, '.address-book .toolbar', 30)).toEqual({ unreached: [], noRing: [] })
    await page.focus('.quick-connect input')
    expect(await tabThrough(page, '.address-book .item', 60)).toEqual({ unreached: [], noRing: [] })
    await quickConnect(page, `127.0.0.1::${open.port}`)
    await waitConnected(page)
    await page.focus('.session-tabs [role="tab"][aria-selected="true"]')
    expect(await tabThrough(page, '.toolbar[role="toolbar"]', 30)).toEqual({ unreached: [], noRing: [] })
    // The F8 menu's items show where the focus is too.
    await page.keyboard.press('F8')
    await page.waitForSelector('[role="menu"]')
    const menuRing = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)
    expect(menuRing).toBe('solid')
    await page.keyboard.press('Escape')
    // A focused tab closes with Delete (its close button is a pointer shortcut).
    await page.focus('.session-tabs [role="tab"][aria-selected="true"]:not([data-key="home"])')
    await page.keyboard.press('Delete')
    await page.waitForSelector('.session-tabs', { state: 'detached' })
    await page.context().close()
  }, 120_000)
})
