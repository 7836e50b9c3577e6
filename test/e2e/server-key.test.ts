// The RSA-AES server key question in browser mode: the real host and web server, the built
// renderer in Chromium, and TigerVNC 1.15 (Debian 13 chroot) offering only RA2.
import { createHash, createPrivateKey } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TRIXIE_DIR, type TrixieXvnc, ensureTrixieChroot, isRoot, startTrixieXvnc, trixieKeyFile } from '../helpers/trixie-xvnc'
import { type BrowserModeApp, disconnect, e2eUnavailable, ensureRendererBuilt, launchChromium, openBrowserMode, screenshot, waitConnected } from './harness'

const skip = e2eUnavailable() ?? (isRoot ? null : 'the Debian 13 chroot needs root')
const PASSWORD = 'ra2-e2e1'

/**
 * The fingerprints of the key Xvnc was given, worked out from its PEM file rather than from what
 * the engine received: SHA-256 (and TigerVNC's short SHA-1 form) of RA2's key message, u32 bits
 * then the modulus and the public exponent, each as long as the modulus.
 */
function keyFingerprints(pemFile: string): { sha256: string; short: string } {
  const jwk = createPrivateKey(readFileSync(pemFile)).export({ format: 'jwk' })
  const n = Buffer.from(jwk.n!, 'base64url')
  const e = Buffer.from(jwk.e!, 'base64url')
  const message = Buffer.alloc(4 + 2 * n.length)
  message.writeUInt32BE(n.length * 8, 0)
  n.copy(message, 4)
  e.copy(message, 4 + 2 * n.length - e.length)
  const sha256 = createHash('sha256').update(message).digest('hex').toUpperCase().match(/../g)!.join(':')
  const short = createHash('sha1').update(message).digest('hex').slice(0, 16).match(/../g)!.join('-')
  return { sha256, short }
}

describe.skipIf(skip)('browser mode: an RSA-AES server key (TigerVNC 1.15, RA2)', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-ra2-'))
  let browser: Browser
  let server: TrixieXvnc
  let app: BrowserModeApp | undefined
  let page: Page
  let errors: string[]
  let expected: { sha256: string; short: string }

  beforeAll(async () => {
    ensureRendererBuilt()
    ensureTrixieChroot()
    ;[browser, server] = await Promise.all([launchChromium(), startTrixieXvnc({ securityTypes: ['RA2'], password: PASSWORD })])
    expected = keyFingerprints(path.join(TRIXIE_DIR, trixieKeyFile('default')))
    app = await openBrowserMode(browser, work)
    ;({ page, errors } = app)
  }, 600_000)

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

  /** The open question showing a fingerprint (whatever its wording). */
  const keyDialog = (): ReturnType<Page['locator']> => page.locator('dialog[open]:has(.fingerprint[data-fingerprint])')

  it("asks about the server's key before any password, showing its SHA-256 and short fingerprints; Trust once, the password, then connected", async () => {
    await connect()
    const dialog = keyDialog()
    await dialog.waitFor({ timeout: 30_000 })
    expect(await dialog.locator('.fingerprint[data-fingerprint]').getAttribute('data-fingerprint')).toBe(expected.sha256)
    const text = await dialog.innerText()
    expect(text).toContain(expected.sha256)
    expect(text).toContain(expected.short)
    expect(text).toContain('RSA 2048')
    expect(text).toContain(`127.0.0.1:${server.port}`)
    // Nothing is asked about the password until the key is answered.
    expect(await page.locator('dialog[open] input[type="password"]').count()).toBe(0)
    await screenshot(page, 'server-key-dialog')
    await dialog.locator('button:has-text("Trust once")').click()
    await page.waitForSelector('dialog[open] input[type="password"]', { timeout: 20_000 })
    await page.fill('dialog input[type="password"]', PASSWORD)
    await page.click('dialog button[type="submit"]')
    await waitConnected(page)
    // Encrypted; trusted once is never shown as verified, and nothing is remembered.
    const lock = page.locator('.toolbar .security')
    const title = await lock.getAttribute('title')
    expect(title).toMatch(/^Encrypted\b.*\(RA2\)$/)
    expect(title).not.toMatch(/and verified/i)
    await expect(lock.getAttribute('class')).resolves.not.toContain('secure')
    expect(existsSync(path.join(work, 'known-server-keys.json'))).toBe(false)
    await screenshot(page, 'session-ra2')
    await disconnect(page)
  }, 90_000)

  it('a new session asks again; Cancel ends it without asking for a password', async () => {
    await connect()
    const dialog = keyDialog()
    await dialog.waitFor({ timeout: 30_000 })
    expect(await dialog.locator('.fingerprint[data-fingerprint]').getAttribute('data-fingerprint')).toBe(expected.sha256)
    await dialog.locator('button:has-text("Cancel")').click()
    await page.locator('.toolbar .state:has-text("Disconnected")').waitFor({ timeout: 20_000 })
    expect(await page.locator('dialog[open] input[type="password"]').count()).toBe(0)
    expect(errors).toEqual([])
  }, 60_000)
})
