// The Preferences' reconnect setting as a user meets it (issue 14, round 2): "Ask me first" puts a
// question on the dropped session, "Do not reconnect" shows the plain ended state, and the ended
// session words its buttons once, the same on the toolbar and the status card, for where it lives.
// A typed address is saved under the name typed. The real host and `tessera web` in this process,
// the built renderer in Chromium, TigerVNC (Xvnc) on loopback.
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import { type WebServer, startWebServer } from '../../src/main/web/server'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import { RENDERER_DIR, e2eUnavailable, ensureRendererBuilt, launchChromium, newContext, screenshot, waitConnected, watchErrors } from './harness'

const skip = e2eUnavailable() ?? (serverAvailable('tigervnc') ? null : 'Xtigervnc not installed')

/** A free port from 5900 to 5999, which formatTarget would write as a display (`:99`): the saved name must keep `::port`. */
async function freeDisplayRangePort(): Promise<number> {
  for (let port = 5998; port >= 5900; port--) {
    const ok = await new Promise<boolean>((done) => {
      const s = net.createServer()
      s.once('error', () => done(false))
      s.listen(port, '127.0.0.1', () => s.close(() => done(true)))
    })
    if (ok) return port
  }
  throw new Error('no free port from 5900 to 5999')
}

/** The labels of the visible session toolbar's buttons, in order. */
function toolbarButtons(page: Page): Promise<string[]> {
  return page.$$eval('.session:visible .toolbar .controls button', (bs) => bs.map((b) => (b.textContent?.trim() || b.getAttribute('aria-label')) ?? ''))
}

/** The labels of the status card's buttons, in order. */
function cardButtons(page: Page): Promise<string[]> {
  return page.$$eval('.session:visible .status .card button', (bs) => bs.map((b) => b.textContent?.trim() ?? ''))
}

describe.skipIf(skip)('the reconnect preference and the ended session (issue 14)', () => {
  let browser: Browser
  let tiger: RunningServer
  let tigerPort: number
  let tigerUp = false
  let host: Host
  let web: WebServer
  let context: BrowserContext
  let book: Page
  const errors: string[][] = []
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-data-'))

  beforeAll(async () => {
    ensureRendererBuilt()
    tigerPort = await freeDisplayRangePort()
    ;[browser, tiger] = await Promise.all([launchChromium(), startServer('tigervnc', { port: tigerPort })])
    tigerUp = true
    ;({ host } = await createHost({
      dataDir,
      keychain: null,
      log: () => {},
      timings: { thumbnailDelayMs: 60_000, reconnect: { baseMs: 300, maxMs: 300, attempts: 2 } },
    }))
    web = await startWebServer({ host, rendererDir: RENDERER_DIR, port: 0, log: () => {} })
    await host.handle('prefs.set', { openIn: 'tab', reconnect: 'ask' })
    context = await newContext(browser, `http://127.0.0.1:${web.port}`, { width: 1000, height: 720 })
    context.on('page', (p) => errors.push(watchErrors(p)))
    book = await context.newPage()
    errors.push(watchErrors(book))
    await book.goto(web.launchUrl())
    await book.waitForSelector('#quick-connect-input')
  }, 120_000)

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await web?.close()
    await host?.shutdown()
    if (tigerUp) await tiger?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function stopTiger(): Promise<void> {
    tigerUp = false
    await tiger.stop()
  }

  async function startTiger(): Promise<void> {
    if (tigerUp) return
    tiger = await startServer('tigervnc', { port: tigerPort })
    tigerUp = true
  }

  it('saves a typed address under the name typed (not as a display number)', async () => {
    const address = `127.0.0.1::${tigerPort}`
    await book.fill('#quick-connect-input', address)
    await book.press('#quick-connect-input', 'Enter')
    await waitConnected(book)
    const profiles = (await host.handle('profiles.list', undefined)) as { name: string }[]
    expect(profiles.map((p) => p.name)).toEqual([address])
  })

  it('"Ask me first": a dropped session asks "Reconnect?" and does nothing until answered', async () => {
    await stopTiger()
    const card = await book.waitForSelector('.status [role="alertdialog"]', { timeout: 10_000 })
    expect((await card.textContent())?.trim()).toContain('The connection was lost. Reconnect?')
    expect(await cardButtons(book)).toEqual(['Reconnect', 'Back to connections'])
    // Nothing is being tried: the toolbar does not claim "Reconnecting…".
    expect(await book.textContent('.session:visible .toolbar .state')).toBe('Connection lost')
    // Reconnect is the default: it has the focus, so Enter answers.
    await book.waitForFunction(() => document.activeElement?.matches('.status .btn-primary.reconnect') === true, null, { timeout: 3_000 })
    await screenshot(book, 'session-ask-reconnect')
    await startTiger()
    // Automatic reconnecting would have tried (300 ms) by now; asking waits for the answer.
    await new Promise((r) => setTimeout(r, 1_500))
    expect(await book.$('.status [role="alertdialog"]')).not.toBeNull()
    expect(await book.$('.toolbar .state-connected')).toBeNull()
    await book.keyboard.press('Enter')
    await waitConnected(book)
  })

  it('"Do not reconnect": the plain ended state, worded as on the toolbar', async () => {
    await host.handle('prefs.set', { reconnect: 'never' })
    await stopTiger()
    await book.waitForSelector('.status [role="alert"]', { timeout: 10_000 })
    expect(await book.$('.status [role="alertdialog"]')).toBeNull()
    // One wording per action, on the card and the toolbar: in the address book's window, back to the connections.
    expect(await cardButtons(book)).toEqual(['Reconnect', 'Back to connections'])
    expect(await toolbarButtons(book)).toEqual(['Reconnect', 'Back to connections'])
    await screenshot(book, 'session-ended-never')
    await book.click('.toolbar button.close')
    await book.waitForSelector('.address-book')
  })

  it('in a window of its own, the close button says it closes the window, on both', async () => {
    await startTiger()
    await host.handle('prefs.set', { openIn: 'window' })
    const opened = context.waitForEvent('page')
    await book.click('.address-book button.connect')
    const session = await opened
    await waitConnected(session)
    await stopTiger()
    await session.waitForSelector('.status [role="alert"]', { timeout: 10_000 })
    expect(await cardButtons(session)).toEqual(['Reconnect', 'Close window'])
    expect(await toolbarButtons(session)).toEqual(['Reconnect', 'Close window'])
    await screenshot(session, 'session-ended-own-window')
    const closed = session.waitForEvent('close')
    await session.click('.status button:has-text("Close window")', { noWaitAfter: true }).catch(() => {})
    await closed
  })

  it('opens the Preferences over the live wall too (Ctrl+, where there is no app menu)', async () => {
    // The wall page gets this tab's credential the way the address book's wall button does it.
    const [wall] = await Promise.all([context.waitForEvent('page'), book.evaluate(() => void window.open('./?view=wall&folder=Lab', 'tessera-wall-test'))])
    await wall.waitForSelector('.wall-app')
    await wall.keyboard.press('Control+Comma')
    await wall.waitForSelector('.preferences [role="dialog"], [role="dialog"].preferences, .preferences', { timeout: 5_000 })
    await screenshot(wall, 'wall-preferences')
    await wall.keyboard.press('Escape')
    await wall.waitForSelector('.preferences', { state: 'detached' })
    await wall.close()
  })

  it('stayed free of page errors', () => {
    expect(errors.flat().filter((e) => !/Failed to load resource/.test(e))).toEqual([])
  })
})
