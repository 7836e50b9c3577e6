// "Measure performance…" in browser mode: the real host and web server, the built renderer in
// Chromium. The command is opened from the Preferences (browser mode has no app menu), run over
// the page's own WebSocket, and its figures are read from the dialog and from "Copy results".
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserModeApp, e2eUnavailable, ensureRendererBuilt, launchChromium, openBrowserMode, screenshot } from './harness'

const skip = e2eUnavailable()

describe.skipIf(skip)('Measure performance (browser mode)', () => {
  let browser: Browser
  let app: BrowserModeApp
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-measure-'))

  beforeAll(async () => {
    ensureRendererBuilt()
    browser = await launchChromium()
    app = await openBrowserMode(browser, dataDir)
  }, 180_000)

  afterAll(async () => {
    await app?.close()
    await browser?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('opens from the Preferences, measures full frames over the WebSocket, shows positive figures and copies them', async () => {
    const { page } = app
    await page.click('button.open-preferences')
    await page.locator('dialog[open].preferences button.measure-performance').click()
    const dialog = page.locator('dialog[open].measure')
    await dialog.waitFor()
    await expect(dialog.locator('h2').innerText()).resolves.toBe('Measure performance')
    await expect(dialog.locator('.transport').innerText()).resolves.toContain('browser (WebSocket)')
    await dialog.locator('button.start-measure').click()
    // 42 frames of 8 MB and the copy figures: seconds, more on a busy machine.
    await dialog.locator('table.figures').waitFor({ timeout: 150_000 })

    const numbers = async (row: string): Promise<number[]> => (await dialog.locator(`tr.${row} td`).allInnerTexts()).map((s) => Number(s.trim()))
    const shown: Record<string, number[]> = {}
    for (const row of ['figure-received', 'figure-painted', 'copy-reuse', 'copy-wsEncode']) {
      const [median, fastest, rate] = await numbers(row)
      shown[row] = [median, fastest, rate]
      for (const n of [median, fastest, rate]) {
        expect(Number.isFinite(n)).toBe(true)
        expect(n).toBeGreaterThan(0)
      }
      expect(fastest).toBeLessThanOrEqual(median)
    }
    expect(await dialog.locator('tbody tr[class^="copy-"]').count()).toBe(9)
    await screenshot(page, 'measure-performance')

    await dialog.locator('button.copy-results').click()
    await expect(dialog.locator('.status').innerText()).resolves.toContain('Results copied')
    const text = await page.evaluate(() => navigator.clipboard.readText())
    const [median, fastest, rate] = shown['figure-received']
    expect(text).toContain('Link: browser (WebSocket)')
    expect(text).toContain(`Picture reaches this window: typical ${median.toFixed(2)} ms, fastest ${fastest.toFixed(2)} ms, ${rate} MB/s`)
    expect(text).toContain('Picture: 1920 × 1080, 8.3 MB, timed 20 times')
    // The figures for docs/performance.md, with the machine's load.
    console.log(
      `${text}\nload average: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    )

    await dialog.locator('button:has-text("Close")').last().click()
    await dialog.waitFor({ state: 'detached' })
    expect(app.errors).toEqual([])
  }, 240_000)
})
