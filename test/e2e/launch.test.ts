// Browser mode's way in, in Chromium: the launch file the opener is given, a one-time address,
// a reload, and a second use of the same address. No VNC server needed.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openInBrowser } from '../../src/main/cli/open-browser'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import { type WebServer, startWebServer } from '../../src/main/web/server'
import { RENDERER_DIR, e2eUnavailable, ensureRendererBuilt, launchChromium, newContext, watchErrors } from './harness'

describe.skipIf(e2eUnavailable())('browser mode: launch addresses', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-launch-'))
  let browser: Browser
  let host: Host
  let web: WebServer
  let context: BrowserContext

  beforeAll(async () => {
    ensureRendererBuilt()
    browser = await launchChromium()
    ;({ host } = await createHost({ dataDir: path.join(work, 'data'), log: () => {} }))
    web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: () => {} })
    context = await newContext(browser, `http://127.0.0.1:${web.port}`)
  }, 120_000)

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await web?.close()
    await host?.shutdown()
    rmSync(work, { recursive: true, force: true })
  })

  it('opens from the launch file, drops the code from the address, survives a reload, and sets no cookie', async () => {
    const file = await openInBrowser(web.launchUrl(), { spawn: () => {}, platform: 'linux', tempDir: work })
    const page = await context.newPage()
    const errors = watchErrors(page)
    await page.goto(pathToFileURL(file.path).href)
    await page.waitForURL(`http://127.0.0.1:${web.port}/`)
    await page.waitForSelector('.address-book')
    expect(page.url()).toBe(`http://127.0.0.1:${web.port}/`)
    await page.reload()
    await page.waitForSelector('.address-book')
    expect(await page.$('.banner')).toBeNull()
    expect(await context.cookies()).toEqual([])
    expect(errors).toEqual([])
    await page.close()
    await file.remove()
  })

  it('explains, in plain words, that a used address cannot open Tessera again; a new one pasted in the same tab works', async () => {
    const address = web.launchUrl()
    const first = await context.newPage()
    await first.goto(address)
    await first.waitForSelector('.address-book')
    const second = await context.newPage()
    await second.goto(address)
    await second.waitForSelector('main.launch-problem')
    await expect(second.textContent('h1')).resolves.toBe('This Tessera address has already been used or has expired')
    await expect(second.textContent('main.launch-problem p')).resolves.toContain('press Enter in the terminal')
    expect(await second.$('.address-book')).toBeNull()
    // Same page, new fragment: no navigation by itself, so the page reloads to redeem it.
    await second.goto(web.launchUrl())
    await second.waitForSelector('.address-book')
    // Without an address at all.
    const bare = await context.newPage()
    await bare.goto(web.url)
    await bare.waitForSelector('main.launch-problem')
    await expect(bare.textContent('h1')).resolves.toBe('Open Tessera from the address that tessera web printed')
    await Promise.all([first.close(), second.close(), bare.close()])
  })
})
