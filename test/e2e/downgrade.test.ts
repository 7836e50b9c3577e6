// A downgrade in browser mode: the real host and web server, the built renderer in Chromium, and a
// scripted server that first speaks VeNCrypt X509Vnc and then, like a man in the middle stripping
// TLS, offers only VNC authentication on the same port.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DowngradeServer } from '../helpers/downgrade-server'
import { opensslAvailable, testCerts } from '../unit/security/certs'
import { type BrowserModeApp, disconnect, e2eUnavailable, ensureRendererBuilt, launchChromium, openBrowserMode, screenshot, waitConnected } from './harness'

const PASSWORD = 'tessera-downgrade'
const skip = e2eUnavailable() ?? (opensslAvailable ? null : 'openssl not installed')

describe.skipIf(skip)('browser mode: a server that offers less security than before', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-downgrade-'))
  let browser: Browser
  let server: DowngradeServer
  let app: BrowserModeApp | undefined
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    ensureRendererBuilt()
    server = await new DowngradeServer(PASSWORD, testCerts().selfA, { width: 400, height: 300 }).start()
    browser = await launchChromium()
    app = await openBrowserMode(browser, work)
    ;({ page, errors } = app)
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await browser?.close()
    await server?.stop()
    rmSync(work, { recursive: true, force: true })
  })

  async function connect(): Promise<void> {
    await page.fill('#quick-connect-input', `127.0.0.1::${server.port}`)
    await page.press('#quick-connect-input', 'Enter')
  }

  async function typePassword(): Promise<void> {
    await page.fill('dialog input[type="password"]', PASSWORD)
    await page.click('dialog button[type="submit"]')
  }

  it('first connection: X509 with a certificate trusted once; the prompt says encrypted, not verified', async () => {
    await connect()
    const cert = page.locator('dialog[open]:has-text("Verify the server")')
    await cert.waitFor({ timeout: 20_000 })
    await cert.locator('button:has-text("Trust once")').click()
    const link = page.locator('dialog[open] [data-test="link-protection"]')
    await link.waitFor({ timeout: 20_000 })
    await expect(link.innerText()).resolves.toContain('accepted by you for this session only')
    await expect(link.innerText()).resolves.not.toContain('is verified')
    await screenshot(page, 'password-trusted-once')
    await typePassword()
    await waitConnected(page)
    // Trusted once: encrypted, never shown as verified.
    await expect(page.locator('.toolbar .security').getAttribute('title')).resolves.toMatch(/^Encrypted; identity accepted by you/)
    await disconnect(page)
  })

  it('the same server offering only VNC authentication is refused and explained; nothing secret was sent', async () => {
    server.offer = 'vnc-auth'
    const before = server.seen.length
    await connect()
    const dialog = page.locator('dialog[open] [data-test="downgrade"]')
    await dialog.waitFor({ timeout: 20_000 })
    const text = await dialog.innerText()
    expect(text).toContain('not encrypted')
    expect(text).toContain('encrypted, with the server proving who it is')
    expect(text).toContain('Tessera has not sent anything secret')
    expect(text).toContain('VNC Authentication')
    expect(await page.locator('dialog[open] input[type="password"]').count()).toBe(0)
    // The safe answer has the focus.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Cancel')
    await screenshot(page, 'downgrade-dialog')
    const attempt = server.seen[before]
    expect(attempt.clear.toString('latin1')).toBe('RFB 003.008\n')
    expect(server.allBytes().includes(Buffer.from(PASSWORD))).toBe(false)
    await page.click('dialog[open] button:has-text("Cancel")')
    await expect(page.locator('.toolbar .state').innerText()).resolves.toBe('Disconnected')
    await expect(page.locator('.session').innerText()).resolves.toContain('Someone may be intercepting the connection')
    await screenshot(page, 'downgrade-refused')
    await page.click('button:has-text("Back to connections")')
    await page.waitForSelector('.address-book')
  })

  it('accepting the change deliberately connects, with the password prompt saying the link is not encrypted', async () => {
    await connect()
    await page.locator('dialog[open] [data-test="downgrade"]').waitFor({ timeout: 20_000 })
    await page.click('dialog[open] [data-test="accept-downgrade"]')
    const link = page.locator('dialog[open] [data-test="link-protection"]')
    await link.waitFor({ timeout: 20_000 })
    await expect(link.innerText()).resolves.toMatch(/^Not encrypted/)
    await typePassword()
    await waitConnected(page)
    await disconnect(page)
    // The next connection is not asked about it again.
    await connect()
    await page.waitForSelector('dialog[open] input[type="password"]', { timeout: 20_000 })
    expect(await page.locator('dialog[open] [data-test="downgrade"]').count()).toBe(0)
    await page.click('dialog[open] button:has-text("Cancel")')
    expect(errors).toEqual([])
  })
})
