// The edges of a session in browser mode (issue 14): where keyboard focus goes after a disconnect,
// the F8 menu giving keys back to the remote screen, "Reconnect now", what an ended session still
// offers, titles as typed, and an old page after Tessera was restarted. The real host and
// `tessera web` in this process, the built renderer in Chromium, TigerVNC (Xvnc) on loopback.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import { type WebServer, startWebServer } from '../../src/main/web/server'
import { newProfile } from '../../src/shared/profile'
import { type RunningServer, freePort, serverAvailable, startServer } from '../helpers/vnc-servers'
import { RENDERER_DIR, e2eUnavailable, ensureRendererBuilt, launchChromium, newContext, screenshot, waitConnected, waitUntil, watchErrors } from './harness'

const skip = e2eUnavailable() ?? (serverAvailable('tigervnc') ? null : 'Xtigervnc not installed')

/** How long the host waits before its one reconnect attempt: long enough to tell "Reconnect now" from the timer. */
const RECONNECT_WAIT_MS = 8_000

/**
 * A free port from 5900 to 5999, where a port can also be written as a display number
 * (`host::5990` is `host:90`): the titles must keep the form the user typed.
 */
async function freeDisplayRangePort(): Promise<number> {
  for (let port = 5999; port >= 5900; port--) {
    const ok = await new Promise<boolean>((done) => {
      const s = net.createServer()
      s.once('error', () => done(false))
      s.listen(port, '127.0.0.1', () => s.close(() => done(true)))
    })
    if (ok) return port
  }
  throw new Error('no free port from 5900 to 5999')
}

/** What has keyboard focus in `page`: a short description, 'body' when nothing does. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return 'body'
    const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ')
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}${text ? ` "${text}"` : ''}`
  })
}

/** The labels of the session toolbar's buttons, in order. */
function toolbarButtons(page: Page): Promise<string[]> {
  return page.$$eval('.session:visible .toolbar .controls button', (bs) => bs.map((b) => (b.textContent?.trim() || b.getAttribute('aria-label')) ?? ''))
}

describe.skipIf(skip)('session edges in browser mode (issue 14)', () => {
  let browser: Browser
  let tiger: RunningServer
  let tigerPort: number
  let tigerUp = false
  let host: Host
  let web: WebServer
  let context: BrowserContext
  let book: Page
  let session: Page
  const errors: string[][] = []
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-data-'))
  const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-'))

  async function startHost(port = 0): Promise<void> {
    ;({ host } = await createHost({
      dataDir,
      keychain: null,
      log: () => {},
      timings: { thumbnailDelayMs: 60_000, reconnect: { baseMs: RECONNECT_WAIT_MS, maxMs: RECONNECT_WAIT_MS, attempts: 1 } },
    }))
    web = await startWebServer({ host, rendererDir: RENDERER_DIR, port, log: () => {} })
  }

  beforeAll(async () => {
    ensureRendererBuilt()
    tigerPort = await freeDisplayRangePort()
    ;[browser, tiger] = await Promise.all([launchChromium(), startServer('tigervnc', { port: tigerPort })])
    tigerUp = true
    await startHost()
    await host.handle('profiles.save', newProfile({ id: 'lab', name: 'Lab TigerVNC', host: '127.0.0.1', port: tigerPort }))
    context = await newContext(browser, `http://127.0.0.1:${web.port}`, { width: 1000, height: 720 })
    context.on('page', (p) => errors.push(watchErrors(p)))
    book = await context.newPage()
    errors.push(watchErrors(book))
    await book.goto(web.launchUrl())
    await book.waitForSelector('.address-book [aria-label^="Lab TigerVNC,"]')
  }, 120_000)

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await web?.close()
    await host?.shutdown()
    if (tigerUp) await tiger?.stop()
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(work, { recursive: true, force: true })
  })

  async function stopTiger(): Promise<void> {
    tigerUp = false
    await tiger.stop()
  }

  /** Starts TigerVNC again on its port (where sessions and the saved connection expect it), unless it runs. */
  async function startTiger(): Promise<void> {
    if (tigerUp) return
    tiger = await startServer('tigervnc', { port: tigerPort })
    tigerUp = true
  }

  it('titles a typed address as typed, with the desktop name once known', async () => {
    const opened = context.waitForEvent('page')
    await book.fill('#quick-connect-input', `127.0.0.1::${tigerPort}`)
    await book.press('#quick-connect-input', 'Enter')
    session = await opened
    await waitConnected(session)
    const desktop = (await session.textContent('.toolbar .desktop'))?.trim() ?? ''
    expect(desktop).toMatch(/\S/)
    // Not "127.0.0.1:99": the port stays a port, as typed.
    expect(await session.textContent('.toolbar .title')).toBe(`127.0.0.1::${tigerPort}`)
    expect(await session.title()).toBe(`127.0.0.1::${tigerPort} — ${desktop}`)
    await screenshot(session, 'session-title-typed-address')
  })

  it('closes the F8 menu after sending a function key, so typing reaches the remote xterm', async () => {
    const out = path.join(work, 'typed.txt')
    tiger.spawnClient('xterm', ['-geometry', '40x4+20+20', '-bg', '#ffffff', '-fg', '#000000', '-e', 'sh', '-c', `stty -echo; cat > ${out}`])
    await waitUntil('xterm started', () => existsSync(out), 10_000)
    await new Promise((r) => setTimeout(r, 500))
    // No window manager: keyboard focus follows the pointer, so put it on the xterm.
    const at = await session.$eval('canvas.screen', (c) => {
      const b = c.getBoundingClientRect()
      return { x: b.left + 60 * (b.width / (c as HTMLCanvasElement).width), y: b.top + 40 * (b.height / (c as HTMLCanvasElement).height) }
    })
    await session.mouse.click(at.x, at.y)
    await session.keyboard.press('F8')
    await session.waitForSelector('[role="menu"]')
    // As a keyboard user would: to F5, then Enter.
    await session.focus('[aria-label="Send F5"]')
    await session.keyboard.press('Enter')
    await session.waitForSelector('[role="menu"]', { state: 'detached', timeout: 2_000 })
    expect(await focused(session)).toMatch(/^canvas/)
    await session.keyboard.type('after F5')
    await session.keyboard.press('Enter')
    await waitUntil('the typed line', () => readFileSync(out, 'latin1').includes('\n'), 10_000)
    // F5 once (xterm's ESC [ 1 5 ~), then the typed text: nothing sent twice, nothing lost to the menu.
    expect(readFileSync(out, 'latin1')).toBe('\x1b[15~after F5\n')
  })

  it('offers "Reconnect now" while it waits, focused, and connects at once when the server is back', async () => {
    await stopTiger()
    await session.waitForSelector('.status button.reconnect-now', { timeout: 10_000 })
    const lostAt = Date.now()
    await expect(session.textContent('.status')).resolves.toMatch(/Reconnecting in [5-8] s/)
    expect(await focused(session)).toMatch(/^button.*Reconnect now/)
    await screenshot(session, 'session-reconnect-now')
    await startTiger()
    // The focused button, by keyboard.
    await session.keyboard.press('Enter')
    await waitConnected(session)
    // Well before the host's own attempt would have come.
    expect(Date.now() - lostAt).toBeLessThan(RECONNECT_WAIT_MS - 1_000)
    expect(await focused(session)).toMatch(/^canvas/)
  })

  it('keeps only Reconnect and Close window once the session has ended, with focus on Reconnect', async () => {
    await stopTiger()
    await session.waitForSelector('.status [role="alert"]', { timeout: RECONNECT_WAIT_MS + 10_000 })
    expect(await toolbarButtons(session)).toEqual(['Reconnect', 'Close window'])
    expect(await focused(session)).toMatch(/^button.*btn-primary/)
    // F8 opens no menu of actions that can no longer be done.
    await session.keyboard.press('F8')
    expect(await session.$('[role="menu"]')).toBeNull()
    await screenshot(session, 'session-ended-toolbar')
    await startTiger()
    await session.click('.toolbar button.reconnect')
    await waitConnected(session)
    expect(await toolbarButtons(session)).toEqual(['View only', 'Menu F8', 'Full screen', 'Disconnect'])
    const closed = session.waitForEvent('close')
    await session.click('.toolbar button.disconnect', { noWaitAfter: true }).catch(() => {})
    await closed
  })

  it('gives focus back to the connection that opened a session tab, and to quick connect', async () => {
    await startTiger()
    await book.bringToFront()
    await book.selectOption('#open-in-select', 'tab')
    await book.click('[aria-label^="Lab TigerVNC,"] button.connect')
    await waitConnected(book)
    await book.click('.toolbar button.disconnect')
    await book.waitForSelector('.address-book')
    await waitUntil('focus back on the connection', async () => /^button\.btn\.btn-primary\.connect/.test(await focused(book)), 3_000).catch(async () =>
      expect(await focused(book)).toMatch(/^button\.btn\.btn-primary\.connect/),
    )
    expect(await book.evaluate(() => document.activeElement?.closest('[data-profile-id]')?.getAttribute('data-profile-id'))).toBe('lab')

    // A server that is not there: the ended tab focuses its main button; closing it returns to quick connect.
    await book.fill('#quick-connect-input', `127.0.0.1::${await freePort()}`)
    await book.press('#quick-connect-input', 'Enter')
    await book.waitForSelector('.status [role="alert"]', { timeout: 20_000 })
    await waitUntil('focus on the ended session', async () => (await focused(book)) !== 'body', 3_000).catch(() => {})
    expect(await focused(book)).toMatch(/^button.*btn-primary/)
    await book.click('.toolbar button.close')
    await book.waitForSelector('.address-book')
    await waitUntil('focus back on quick connect', async () => (await focused(book)).startsWith('input#quick-connect-input'), 3_000).catch(() => {})
    expect(await focused(book)).toMatch(/^input#quick-connect-input/)
  })

  it('shows the session toolbar in German under a German locale', async () => {
    await startTiger()
    const de = await newContext(browser, `http://127.0.0.1:${web.port}`, { width: 1000, height: 720 }, 'de-DE')
    try {
      await de.addInitScript(() => localStorage.setItem('tessera.openConnectionsIn', '"tab"'))
      const page = await de.newPage()
      await page.goto(web.launchUrl())
      await page.click('[data-profile-id="lab"] button.connect')
      await page.waitForSelector('.toolbar .state-connected', { timeout: 20_000 })
      await expect(page.textContent('.toolbar .state')).resolves.toBe('Verbunden')
      expect(await toolbarButtons(page)).toEqual(['Nur ansehen', 'Menü F8', 'Vollbild', 'Trennen'])
      await screenshot(page, 'session-toolbar-de')
    } finally {
      await de.close()
    }
  })

  it('says plainly when Tessera was restarted, and fails new requests at once instead of spinning', async () => {
    const port = web.port
    await web.close()
    await host.shutdown()
    await startHost(port)
    await book.bringToFront()
    await book.waitForSelector('[data-test="link-banner"]:has-text("Tessera was restarted")', { timeout: 15_000 })
    // None of the old host's sessions are listed as if they were still there.
    expect(await book.$('.sessions-panel')).toBeNull()
    await screenshot(book, 'host-restarted')
    const asked = Date.now()
    await book.fill('#quick-connect-input', `127.0.0.1::${tigerPort}`)
    await book.press('#quick-connect-input', 'Enter')
    await book.waitForSelector('.status [role="alert"]:has-text("Tessera was restarted")', { timeout: 5_000 })
    expect(Date.now() - asked).toBeLessThan(3_000)
    expect(await book.$('.spinner:not(.small)')).toBeNull()
  })

  it('stayed free of page errors', () => {
    // The refused sockets of the old page after the restart are the browser's own messages.
    expect(errors.flat().filter((e) => !/Failed to load resource|WebSocket connection to .* failed/.test(e))).toEqual([])
  })
})
