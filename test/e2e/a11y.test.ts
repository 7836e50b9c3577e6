// Accessibility of every screen: axe-core (WCAG 2.1 A/AA rules) run in the real Chromium on the
// real browser-mode app, in both themes, with a screenshot of each screen per theme and language
// in .ci-out/screenshots (looked at by a person; listed in docs/testing.md).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import { type WebServer, startWebServer } from '../../src/main/web/server'
import { serverAvailable, startServer, type RunningServer } from '../helpers/vnc-servers'
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

/** The screen audited in the light and the dark theme; findings of both, each tagged with its theme. */
async function auditBothThemes(page: Page, name: string): Promise<(Finding & { theme: string })[]> {
  const out: (Finding & { theme: string })[] = []
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme })
    await page.waitForTimeout(50)
    for (const f of await audit(page, `a11y-${name}-${theme}`)) out.push({ ...f, theme })
  }
  await page.emulateMedia({ colorScheme: 'light' })
  return out
}

describe.skipIf(skip)('accessibility of every screen (axe-core, both themes)', () => {
  let browser: Browser
  let host: Host
  let web: WebServer
  let open: RunningServer
  let locked: RunningServer
  let dataDir: string

  beforeAll(async () => {
    ensureRendererBuilt()
    ;[browser, open, locked] = await Promise.all([
      launchChromium(),
      startServer('tigervnc', { content: 'static' }),
      startServer('tigervnc', { content: 'static', password: 'secret12' }),
    ])
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-a11y-'))
    ;({ host } = await createHost({ dataDir, keychain: null, log: () => {}, timings: { thumbnailDelayMs: 60_000 } }))
    web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: () => {} })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await web?.close()
    await host?.shutdown()
    await open?.stop()
    await locked?.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  async function newPage(locale: string): Promise<Page> {
    const context = await newContext(browser, `http://127.0.0.1:${web.port}`, { width: 1100, height: 760 }, locale)
    await openSessionsInPage(context)
    const page = await context.newPage()
    await page.goto(web.launchUrl())
    await page.waitForSelector('.address-book')
    return page
  }

  for (const locale of ['en-US', 'de-DE']) {
    const lang = locale.slice(0, 2)

    it(`${lang}: the address book (empty, list, grid) and the connection dialog`, async () => {
      const page = await newPage(locale)
      const found: unknown[] = []
      if (lang === 'en') found.push(...(await auditBothThemes(page, `${lang}-address-book-empty`)))
      await page.keyboard.press('Control+n')
      await page.waitForSelector('dialog[open]')
      found.push(...(await auditBothThemes(page, `${lang}-connection-dialog`)))
      if (lang === 'en') {
        // The bookmark the later screens show (the German run finds it in the same data folder).
        await page.fill('dialog label:has-text("Name") input', 'Lab')
        await page.fill('dialog input[placeholder^="host"]', `127.0.0.1::${open.port}`)
        await page.fill('dialog label:has-text("Folder") input', 'Office')
        await page.click('dialog button[type="submit"]')
        await page.waitForSelector('dialog[open]', { state: 'detached' })
      } else await page.keyboard.press('Escape')
      found.push(...(await auditBothThemes(page, `${lang}-address-book-list`)))
      await page.click('.address-book button[aria-pressed] >> nth=1')
      found.push(...(await auditBothThemes(page, `${lang}-address-book-grid`)))
      await page.context().close()
      expect(found).toEqual([])
    }, 120_000)

    it(`${lang}: a session, its menu and the password prompt`, async () => {
      const page = await newPage(locale)
      const found: unknown[] = []
      await page.fill('.quick-connect input', `127.0.0.1::${open.port}`)
      await page.keyboard.press('Enter')
      await waitConnected(page)
      found.push(...(await auditBothThemes(page, `${lang}-session`)))
      await page.keyboard.press('F8')
      await page.waitForSelector('.session-menu, [role="menu"]')
      found.push(...(await auditBothThemes(page, `${lang}-session-menu`)))
      await page.keyboard.press('Escape')
      await page.click('.toolbar button.disconnect')
      await page.waitForSelector('.address-book')
      await page.fill('.quick-connect input', `127.0.0.1::${locked.port}`)
      await page.keyboard.press('Enter')
      await page.waitForSelector('dialog[open] input[type="password"]')
      found.push(...(await auditBothThemes(page, `${lang}-password`)))
      await page.context().close()
      expect(found).toEqual([])
    }, 120_000)
  }
})
