// The Preferences in browser mode: the real host (preferences.json in its data folder) and web
// server, the built renderer in Chromium, and a real TigerVNC server for "where connections open".
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import { PREFERENCES_FILE } from '../../src/main/host/preferences-store'
import { type WebServer, startWebServer } from '../../src/main/web/server'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import { RENDERER_DIR, e2eUnavailable, ensureRendererBuilt, launchChromium, newContext, screenshot, waitConnected, waitUntil, watchErrors } from './harness'

const skip = e2eUnavailable() ?? (serverAvailable('tigervnc') ? null : 'Xtigervnc not installed')

describe.skipIf(skip)('Preferences (browser mode)', () => {
  let browser: Browser
  let tiger: RunningServer
  let host: Host
  let web: WebServer
  let context: BrowserContext
  let page: Page
  let errors: string[]
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-prefs-'))
  const origin = (): string => `http://127.0.0.1:${web.port}`

  beforeAll(async () => {
    ensureRendererBuilt()
    ;[browser, tiger] = await Promise.all([launchChromium(), startServer('tigervnc', { content: 'static' })])
    host = (await createHost({ dataDir, keychain: null, log: () => {}, timings: { thumbnailDelayMs: 60_000 } })).host
    web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: () => {} })
    context = await newContext(browser, origin(), { width: 1000, height: 760 })
    page = await context.newPage()
    errors = watchErrors(page)
    // The system says light: only the setting can make the page dark.
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(web.launchUrl())
    await page.waitForSelector('.address-book')
  }, 120_000)

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await web?.close()
    await host?.shutdown()
    await tiger?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const dialog = (): ReturnType<Page['locator']> => page.locator('dialog[open].preferences')
  const background = (): Promise<string> => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
  const onDisk = (): Record<string, unknown> => JSON.parse(readFileSync(path.join(dataDir, PREFERENCES_FILE), 'utf8'))

  /** Opens the Preferences with Ctrl+, from wherever the focus is on the address book. */
  async function openByKeyboard(): Promise<void> {
    await page.locator('.address-book').press('Control+,')
    await dialog().waitFor()
  }

  it('opens from the keyboard, with the first setting focused, and from the address book’s button by keyboard', async () => {
    await page.locator('#quick-connect-input').focus()
    await openByKeyboard()
    await expect(dialog().locator('h2').innerText()).resolves.toBe('Preferences')
    await expect(page.evaluate(() => (document.activeElement as HTMLSelectElement | null)?.name)).resolves.toBe('theme')
    // Every setting is labelled and explained.
    await expect(dialog().getByLabel('Appearance').getAttribute('aria-describedby')).resolves.toBeTruthy()
    expect(await dialog().locator('select').count()).toBe(7)
    await page.keyboard.press('Escape')
    await dialog().waitFor({ state: 'detached' })
    // The button: reached with Tab from the quick-connect bar's neighbourhood and pressed with Enter.
    const button = page.locator('button.open-preferences')
    await button.focus()
    await page.keyboard.press('Enter')
    await dialog().waitFor()
    await page.keyboard.press('Escape')
    await dialog().waitFor({ state: 'detached' })
  })

  it('switches the theme: dark and light override the system, and every window hears it', async () => {
    const light = await background()
    await openByKeyboard()
    await dialog().getByLabel('Appearance').selectOption('dark')
    await waitUntil('a dark page', async () => (await background()) !== light)
    const dark = await background()
    expect(dark).toBe('rgb(21, 23, 27)')
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark')
    await screenshot(page, 'preferences-dark')
    await waitUntil('the setting saved', () => onDisk().theme === 'dark')
    // Another window of the same host follows at once.
    const other = await context.newPage()
    await other.emulateMedia({ colorScheme: 'light' })
    await other.goto(web.launchUrl())
    await other.waitForSelector('.address-book')
    await expect(other.evaluate(() => getComputedStyle(document.body).backgroundColor)).resolves.toBe(dark)
    await dialog().getByLabel('Appearance').selectOption('system')
    await waitUntil('the other window back to light', async () => (await other.evaluate(() => getComputedStyle(document.body).backgroundColor)) === light)
    await other.close()
    expect(await background()).toBe(light)
    await page.keyboard.press('Escape')
  })

  it('switches the language to Deutsch at once, and keeps it after a reload', async () => {
    await openByKeyboard()
    await dialog().getByLabel('Language').selectOption('de')
    await expect(dialog().locator('h2').innerText()).resolves.toBe('Einstellungen')
    await screenshot(page, 'preferences-de')
    await page.keyboard.press('Escape')
    await dialog().waitFor({ state: 'detached' })
    await expect(page.locator('button.open-preferences').innerText()).resolves.toBe('Einstellungen')
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('de')
    await waitUntil('the setting saved', () => onDisk().language === 'de')
    await page.reload()
    await page.waitForSelector('.address-book')
    await expect(page.locator('button.open-preferences').innerText()).resolves.toBe('Einstellungen')
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('de')
    await openByKeyboard()
    await dialog().getByLabel('Sprache').selectOption('system')
    await expect(dialog().locator('h2').innerText()).resolves.toBe('Preferences')
    await page.keyboard.press('Escape')
  })

  it('follows the system language when set to it: German for a German browser', async () => {
    const german = await newContext(browser, origin(), { width: 1000, height: 760 }, 'de-DE')
    try {
      const p = await german.newPage()
      await p.goto(web.launchUrl())
      await p.waitForSelector('.address-book')
      await expect(p.locator('button.open-preferences').innerText()).resolves.toBe('Einstellungen')
      await p.locator('.address-book').press('Control+,')
      const d = p.locator('dialog[open].preferences')
      await d.waitFor()
      await expect(d.getByLabel('Sprache').locator('option[value="system"]').innerText()).resolves.toBe('Wie im System (Deutsch)')
    } finally {
      await german.close()
    }
  })

  it('opens connections where the preference says: a browser tab of their own, or a tab of this page', async () => {
    const address = `127.0.0.1::${tiger.port}`
    // The default: a window (here a browser tab) of its own.
    const opened = context.waitForEvent('page')
    await page.fill('#quick-connect-input', address)
    await page.press('#quick-connect-input', 'Enter')
    const own = await opened
    await waitConnected(own)
    expect(await page.$('.session-window')).toBeNull()
    await own.close()
    await waitUntil('the session closed', async () => ((await host.handle('sessions.list', undefined)) as unknown[]).length === 0)

    await openByKeyboard()
    await dialog().getByLabel('Open connections').selectOption('tab')
    await page.keyboard.press('Escape')
    // The address book's own "Open connections in" menu shows the same setting.
    await expect(page.locator('#open-in-select').inputValue()).resolves.toBe('tab')
    await waitUntil('the setting saved', () => onDisk().openIn === 'tab')
    let newPages = 0
    context.on('page', () => newPages++)
    await page.fill('#quick-connect-input', address)
    await page.press('#quick-connect-input', 'Enter')
    await page.waitForSelector('.session-window')
    await waitConnected(page)
    expect(newPages).toBe(0)
    expect(errors).toEqual([])
  })
})
