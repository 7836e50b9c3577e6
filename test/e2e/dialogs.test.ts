// Dialogs and error words in browser mode: the real host and web server, the built renderer in
// Chromium, TigerVNC with a password and TigerVNC with a self-signed certificate (VeNCrypt X509None).
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, ConsoleMessage, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHost } from '../../src/main/host/create-host'
import { startWebServer } from '../../src/main/web/server'
import { type RunningServer, freePort, selfSignedCertificate, serverAvailable, startServer } from '../helpers/vnc-servers'
import {
  type BrowserModeApp,
  RENDERER_DIR,
  e2eUnavailable,
  ensureRendererBuilt,
  launchChromium,
  newContext,
  openBrowserMode,
  openSessionsInPage,
  screenshot,
  waitConnected,
  waitUntil,
} from './harness'

const skip = e2eUnavailable() ?? (serverAvailable('tigervnc') ? null : 'Xtigervnc not installed')

/** What has the keyboard focus, as a short description ("BUTTON New connection", "BODY"). */
async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const a = document.activeElement
    return a ? `${a.tagName} ${(a.textContent ?? '').trim()}`.trim() : 'none'
  })
}

describe.skipIf(skip)('browser mode: dialogs, error words and trust wording', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-dialogs-'))
  const cert = selfSignedCertificate(work, 'localhost', 'dialogs')
  let browser: Browser
  let locked: RunningServer
  let tls: RunningServer
  let app: BrowserModeApp | undefined
  let page: Page
  /** Console warnings and errors since the last reset. */
  let warnings: string[] = []

  beforeAll(async () => {
    ensureRendererBuilt()
    ;[browser, locked, tls] = await Promise.all([
      launchChromium(),
      startServer('tigervnc', { password: 'tessera1' }),
      startServer('tigervnc', { content: 'static', tls: cert, securityTypes: ['X509None'] }),
    ])
    app = await openBrowserMode(browser, work)
    page = app.page
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'warning' || m.type() === 'error') warnings.push(`${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => warnings.push(`pageerror: ${e.message}`))
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await browser?.close()
    await locked?.stop()
    await tls?.stop()
    rmSync(work, { recursive: true, force: true })
  })

  async function quickConnect(address: string): Promise<void> {
    await page.fill('#quick-connect-input', address)
    await page.press('#quick-connect-input', 'Enter')
  }

  async function backToConnections(): Promise<void> {
    await page.click('.status button:has-text("Back to connections")')
    await page.waitForSelector('.address-book')
  }

  it('gives the focus back to the button that opened a dialog after Escape', async () => {
    const opener = page.locator('button[title^="New connection"]')
    await opener.focus()
    await page.keyboard.press('Enter')
    await page.waitForSelector('dialog[open]')
    expect(await focused(page)).not.toMatch(/^BUTTON New connection/)
    await page.keyboard.press('Escape')
    await waitUntil('dialog closed', async () => (await page.locator('dialog[open]').count()) === 0)
    await waitUntil('focus back on "New connection"', async () => /^BUTTON New connection/.test(await focused(page)), 3000).catch(async () =>
      expect(await focused(page)).toMatch(/^BUTTON New connection/),
    )
  })

  it('ends quietly with "Cancelled" when the password prompt is cancelled, with the focus on the page, not lost', async () => {
    await quickConnect(`127.0.0.1::${locked.port}`)
    await page.waitForSelector('dialog[open] input[type="password"]', { timeout: 20_000 })
    warnings = []
    await page.keyboard.press('Escape')
    const card = page.locator('.status .card')
    await waitUntil('"Cancelled"', async () => /Cancelled/.test(await card.innerText()), 10_000).catch(async () =>
      expect(await card.innerText()).toMatch(/Cancelled/),
    )
    // Nothing about it is an error: no alert, no error notice, no console warning.
    expect(await page.locator('.status [role="alert"]').count()).toBe(0)
    expect(await page.locator('.notice.error').count()).toBe(0)
    await new Promise((r) => setTimeout(r, 500))
    expect(warnings).toEqual([])
    expect(await focused(page)).not.toMatch(/^(BODY|none)/)
    await screenshot(page, 'password-cancelled')
    await page.click('.status button:has-text("Back to connections")')
    await page.waitForSelector('.address-book')
  })

  it('says what a refused connection means and what to try; the code only under "Details"', async () => {
    await quickConnect(`127.0.0.1::${await freePort()}`)
    const card = page.locator('.status [role="alert"]')
    await card.waitFor({ timeout: 20_000 })
    const shown = await card.innerText()
    expect(shown).toMatch(/server is running/i)
    expect(shown).toMatch(/display :1 is port 5901/)
    expect(shown).toMatch(/firewall/i)
    expect(shown).not.toContain('RFB_ERR')
    const details = card.locator('details')
    expect(await details.getAttribute('open')).toBeNull()
    await details.locator('summary').click()
    await expect(details.innerText()).resolves.toContain('RFB_ERR_CONNECTION_REFUSED')
    await expect(details.innerText()).resolves.toMatch(/connection refused by 127\.0\.0\.1/)
    await screenshot(page, 'error-refused-details')
    await backToConnections()
  })

  it('says a wrong password plainly, quoting the server’s own words, without a duplicated prefix', async () => {
    await quickConnect(`127.0.0.1::${locked.port}`)
    await page.waitForSelector('dialog[open] input[type="password"]', { timeout: 20_000 })
    await page.fill('dialog input[type="password"]', 'wrong-one')
    await page.click('dialog button[type="submit"]')
    const reason = page.locator('dialog[open] .error-text')
    await reason.waitFor({ timeout: 20_000 })
    const text = await reason.innerText()
    expect(text).toMatch(/did not accept that password/)
    expect(text).toMatch(/The server said: “Authentication failure”/)
    expect(text).not.toMatch(/authentication failed/i)
    await page.click('dialog button:has-text("Cancel")')
    await page.click('.status button:has-text("Back to connections")')
    await page.waitForSelector('.address-book')
  })

  it('makes "Trust once" the default, and then says the identity was accepted by you, not verified', async () => {
    await quickConnect(`127.0.0.1::${tls.port}`)
    const dialog = page.locator('dialog[open]:has-text("Verify the server")')
    await dialog.waitFor({ timeout: 20_000 })
    expect(await focused(page)).toBe('BUTTON Trust once')
    await expect(dialog.locator('button.btn-primary').innerText()).resolves.toBe('Trust once')
    await page.keyboard.press('Enter')
    await waitConnected(page)
    const lock = page.locator('.toolbar .security')
    await expect(lock.getAttribute('title')).resolves.toMatch(/^Encrypted; identity accepted by you/)
    expect(await lock.getAttribute('title')).not.toMatch(/verified/)
    await page.click('.toolbar button.disconnect')
    await page.waitForSelector('.address-book')
  })

  it('shows errors in German when the browser asks for German', async () => {
    const { host } = await createHost({ dataDir: mkdtempSync(path.join(work, 'de-')), log: () => {} })
    const web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: () => {} })
    const context = await newContext(browser, `http://127.0.0.1:${web.port}`, { width: 1000, height: 760 }, 'de-DE')
    try {
      await openSessionsInPage(context)
      const de = await context.newPage()
      await de.goto(web.launchUrl())
      await de.waitForSelector('.address-book')
      await de.fill('#quick-connect-input', `127.0.0.1::${await freePort()}`)
      await de.press('#quick-connect-input', 'Enter')
      const card = de.locator('.status [role="alert"]')
      await card.waitFor({ timeout: 20_000 })
      const shown = await card.innerText()
      expect(shown).toMatch(/Verbindung wurde abgelehnt/)
      expect(shown).toMatch(/Firewall/)
      expect(shown).toMatch(/Details/)
      await screenshot(de, 'error-refused-de')
    } finally {
      await context.close()
      await web.close()
      await host.shutdown()
    }
  })
})
