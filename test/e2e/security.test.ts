// Certificates in browser mode: the real host and web server, the built renderer in Chromium,
// and TigerVNC offering only VeNCrypt X509None with self-signed certificates.
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, selfSignedCertificate, serverAvailable, startServer } from '../helpers/vnc-servers'
import { type BrowserModeApp, disconnect, e2eUnavailable, ensureRendererBuilt, launchChromium, openBrowserMode, screenshot, waitConnected } from './harness'

const skip = e2eUnavailable() ?? (serverAvailable('tigervnc') ? null : 'Xtigervnc not installed')

const fingerprint = (certFile: string): string => new X509Certificate(readFileSync(certFile)).fingerprint256

describe.skipIf(skip)('browser mode: server certificates', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-tls-'))
  const first = selfSignedCertificate(work, 'localhost', 'first')
  const second = selfSignedCertificate(work, 'localhost', 'second')
  const elsewhere = selfSignedCertificate(work, 'otherhost', 'elsewhere', 'DNS:otherhost')
  let browser: Browser
  let tiger: RunningServer
  let app: BrowserModeApp | undefined
  let page: Page
  let errors: string[]

  const startTiger = (tls: { cert: string; key: string }, port?: number): Promise<RunningServer> =>
    startServer('tigervnc', { content: 'static', tls, securityTypes: ['X509None'], ...(port ? { port } : {}) })

  beforeAll(async () => {
    ensureRendererBuilt()
    ;[browser, tiger] = await Promise.all([launchChromium(), startTiger(first)])
    app = await openBrowserMode(browser, work)
    ;({ page, errors } = app)
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await browser?.close()
    await tiger?.stop()
    rmSync(work, { recursive: true, force: true })
  })

  async function connect(): Promise<void> {
    await page.fill('#quick-connect-input', `127.0.0.1::${tiger.port}`)
    await page.press('#quick-connect-input', 'Enter')
  }

  it('asks about an unknown certificate, showing its SHA-256; "Always trust" connects encrypted and verified', async () => {
    await connect()
    const dialog = page.locator('dialog[open]:has-text("Verify the server")')
    await dialog.waitFor({ timeout: 20_000 })
    expect(await dialog.locator('.fingerprint').getAttribute('data-fingerprint')).toBe(fingerprint(first.cert))
    // Shown in groups of four bytes; the same bytes once the spacing is taken out.
    const shown = (await dialog.locator('.fingerprint').innerText()).replace(/\s+/g, ':')
    expect(shown).toBe(fingerprint(first.cert))
    await expect(dialog.locator('.subject').innerText()).resolves.toBe('CN=localhost')
    await expect(dialog.innerText()).resolves.toContain('self-signed certificate')
    // It names the address typed and is in date: said plainly, with no warning.
    await expect(dialog.locator('.names').innerText()).resolves.toBe('localhost, 127.0.0.1 – matches 127.0.0.1')
    expect(await dialog.locator('.warning').count()).toBe(0)
    expect(await dialog.innerText()).not.toMatch(/verified/i)
    // "Trust once" is the default: it commits to nothing beyond this session.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Trust once')
    await screenshot(page, 'certificate-dialog')
    await dialog.locator('button:has-text("Always trust")').click()
    await waitConnected(page)
    const lock = page.locator('.toolbar .security')
    await expect(lock.getAttribute('class')).resolves.toContain('secure')
    await expect(lock.getAttribute('title')).resolves.toMatch(/^Encrypted and verified \(VeNCrypt X509None|^Encrypted and verified/)
    const store = JSON.parse(readFileSync(path.join(work, 'known-certificates.json'), 'utf8'))
    expect(store.servers[`127.0.0.1:${tiger.port}`].sha256).toBe(fingerprint(first.cert))
    await screenshot(page, 'session-encrypted')
    await disconnect(page)
  })

  it('reconnects without asking again', async () => {
    await connect()
    await waitConnected(page)
    expect(await page.locator('dialog[open]').count()).toBe(0)
    await expect(page.locator('.toolbar .security').getAttribute('class')).resolves.toContain('secure')
    await disconnect(page)
  })

  it('refuses the server once it comes back with a different certificate, and shows both fingerprints', async () => {
    const port = tiger.port
    await tiger.stop()
    tiger = await startTiger(second, port)
    await connect()
    const card = page.locator('.cert-changed')
    await card.waitFor({ timeout: 20_000 })
    expect(await page.locator('dialog[open]').count()).toBe(0)
    const group = (fp: string): string =>
      fp
        .match(/(?:[0-9A-F]{2}:?){4}/g)!
        .map((g) => g.replace(/:$/, ''))
        .join(' ')
    await expect(card.locator('.fp-expected').innerText()).resolves.toBe(group(fingerprint(first.cert)))
    await expect(card.locator('.fp-presented').innerText()).resolves.toBe(group(fingerprint(second.cert)))
    await expect(card.innerText()).resolves.toContain('certificate has changed')
    await screenshot(page, 'error-certificate-changed')
    // Nothing retries on its own, and the trusted certificate is still the first one.
    await new Promise((r) => setTimeout(r, 1500))
    await expect(page.locator('.toolbar .state').innerText()).resolves.toBe('Disconnected')
    const store = JSON.parse(readFileSync(path.join(work, 'known-certificates.json'), 'utf8'))
    expect(store.servers[`127.0.0.1:${port}`].sha256).toBe(fingerprint(first.cert))
    await page.click('.cert-changed button:has-text("Back to connections")')
    await page.waitForSelector('.address-book')
    expect(errors).toEqual([])
  })

  it('warns when the certificate is issued for another host than the one typed; Cancel connects nothing', async () => {
    const other = await startTiger(elsewhere)
    try {
      await page.fill('#quick-connect-input', `127.0.0.1::${other.port}`)
      await page.press('#quick-connect-input', 'Enter')
      const dialog = page.locator('dialog[open]:has-text("Verify the server")')
      await dialog.waitFor({ timeout: 20_000 })
      const warning = dialog.locator('.warning')
      await expect(warning.innerText()).resolves.toBe(
        'Warning: this certificate is issued for otherhost, not for 127.0.0.1, the address you connected to. ' +
          'It may belong to another server, or someone may be pretending to be this one.',
      )
      await expect(dialog.locator('.names').innerText()).resolves.toBe('otherhost – not 127.0.0.1')
      expect(await dialog.innerText()).not.toMatch(/verified/i)
      await screenshot(page, 'certificate-dialog-name-mismatch')
      await dialog.locator('button:has-text("Cancel")').click()
      await page.locator('.toolbar .state:has-text("Disconnected")').waitFor({ timeout: 10_000 })
      const store = JSON.parse(readFileSync(path.join(work, 'known-certificates.json'), 'utf8'))
      expect(store.servers[`127.0.0.1:${other.port}`]).toBeUndefined()
    } finally {
      await other.stop()
    }
  })
})
