// "Match my monitors" in browser mode: Chromium with two emulated monitors and a window across
// both, the Window Management API, and a real Xvnc that then shows two RandR monitors.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import { type WebServer, startWebServer } from '../../src/main/web/server'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import { xMonitors, xrandrAvailable } from '../helpers/x-monitors'
import {
  RENDERER_DIR,
  e2eUnavailable,
  ensureRendererBuilt,
  launchChromium,
  openSessionsInPage,
  screenshot,
  waitConnected,
  waitUntil,
  watchErrors,
} from './harness'

const skip = e2eUnavailable() ?? (serverAvailable('tigervnc') && xrandrAvailable ? null : 'Xtigervnc or xrandr (x11-xserver-utils) not installed')

describe.skipIf(skip)('browser mode: Match my monitors against TigerVNC', () => {
  let browser: Browser
  let server: RunningServer
  let host: Host
  let web: WebServer
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-multiscreen-'))

  beforeAll(async () => {
    ensureRendererBuilt()
    // Two 1280x1024 monitors side by side, and a browser window across both.
    const monitors = ['--screen-info={0,0 1280x1024}{1280,0 1280x1024}', '--window-position=0,0', '--window-size=2560,1024']
    ;[browser, server] = await Promise.all([launchChromium(monitors), startServer('tigervnc', { width: 1024, height: 768, content: 'static' })])
    host = (await createHost({ dataDir, keychain: null, log: () => {} })).host
    web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: () => {} })
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await web?.close()
    await host?.shutdown()
    await server?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  /** A page of its own (no emulated viewport: the real window across the monitors), connected to the server. */
  async function connectedPage(allowWindowManagement: boolean): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
    const origin = `http://127.0.0.1:${web.port}`
    const context = await browser.newContext({ viewport: null, locale: 'en-US' })
    // The session in this page (a tab of it), not in a browser tab of its own: the window spanning the monitors is this one.
    await openSessionsInPage(context)
    const page = await context.newPage()
    if (allowWindowManagement) {
      // Playwright has no name for this permission yet: grant it through the DevTools protocol.
      const { targetInfo } = await (await context.newCDPSession(page)).send('Target.getTargetInfo')
      const cdp = await browser.newBrowserCDPSession()
      await cdp.send('Browser.grantPermissions', { origin, browserContextId: targetInfo.browserContextId, permissions: ['windowManagement'] })
    }
    const errors = watchErrors(page)
    await page.goto(web.launchUrl())
    await page.fill('#quick-connect-input', `127.0.0.1::${server.port}`)
    await page.press('#quick-connect-input', 'Enter')
    await waitConnected(page)
    return { page, errors, close: () => context.close() }
  }

  async function matchMonitors(page: Page): Promise<void> {
    await page.keyboard.press('F8')
    await page.click('[role="menuitem"]:has-text("Match my monitors")')
  }

  const canvasSize = (page: Page): Promise<[number, number]> =>
    page.$eval('canvas.screen', (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height])

  it('lays the remote desktop out as the two monitors the window spans', async () => {
    expect(xMonitors(server)).toEqual([{ x: 0, y: 0, width: 1024, height: 768 }])
    const { page, errors, close } = await connectedPage(true)
    try {
      await matchMonitors(page)
      await waitUntil('two monitors on the server', () => xMonitors(server).length === 2)
      expect(xMonitors(server)).toEqual([
        { x: 0, y: 0, width: 1280, height: 1024 },
        { x: 1280, y: 0, width: 1280, height: 1024 },
      ])
      await waitUntil('the picture at the new size', async () => (await canvasSize(page)).join('x') === '2560x1024')
      await screenshot(page, 'session-match-monitors')
      expect(errors).toEqual([])
    } finally {
      await close()
    }
  }, 60_000)

  it('without the window-management permission, matches the one screen the browser tells of', async () => {
    const { page, errors, close } = await connectedPage(false)
    try {
      await matchMonitors(page)
      await waitUntil('one monitor on the server', () => xMonitors(server).length === 1)
      expect(xMonitors(server)).toEqual([{ x: 0, y: 0, width: 1280, height: 1024 }])
      await waitUntil('the picture at the new size', async () => (await canvasSize(page)).join('x') === '1280x1024')
      expect(errors).toEqual([])
    } finally {
      await close()
    }
  }, 60_000)

  it('goes full screen on the monitor chosen in the menu (no "All monitors" in a browser)', async () => {
    const { page, errors, close } = await connectedPage(true)
    try {
      // A window on monitor 1, which full screen then takes to monitor 2.
      const cdp = await page.context().newCDPSession(page)
      const { windowId } = await cdp.send('Browser.getWindowForTarget')
      await cdp.send('Browser.setWindowBounds', { windowId, bounds: { left: 100, top: 100, width: 1000, height: 700 } })
      await waitUntil('a window on monitor 1', () => page.evaluate(() => window.outerWidth <= screen.width))
      await page.keyboard.press('F8')
      const menuItems = page.locator('[role="menu"] [role="menuitem"]')
      await page.waitForSelector('[role="menuitem"]:has-text("Monitor 2, 1280×1024")')
      expect(await menuItems.filter({ hasText: /^Monitor|^All monitors/ }).allInnerTexts()).toEqual(['Monitor 1 (primary), 1280×1024', 'Monitor 2, 1280×1024'])
      await page.locator('[role="menu"] .section-label:has-text("Full screen on")').scrollIntoViewIfNeeded()
      await screenshot(page, 'session-menu-fullscreen-on')
      // Headless Chromium grants an element full screen but never moves or resizes its window for
      // it (its bounds stay, window state "normal"), so screenX cannot show the monitor: what the
      // page asked the browser for can. The recorder passes every call on unchanged.
      await page.evaluate(() => {
        const w = window as unknown as { fullscreenScreens: Array<[number, number] | null> }
        w.fullscreenScreens = []
        const request = Element.prototype.requestFullscreen
        Element.prototype.requestFullscreen = function (options?: FullscreenOptions & { screen?: { left: number; top: number } }) {
          w.fullscreenScreens.push(options?.screen ? [options.screen.left, options.screen.top] : null)
          return request.call(this, options)
        }
      })
      await page.click('[role="menuitem"]:has-text("Monitor 2, 1280×1024")')
      await waitUntil('the session full screen', () => page.evaluate(() => document.fullscreenElement?.classList.contains('session') === true))
      expect(await page.evaluate(() => (window as unknown as { fullscreenScreens: unknown }).fullscreenScreens)).toEqual([[1280, 0]])
      // Full screen on the other monitor, then back to the window.
      await page.keyboard.press('F8')
      await page.click('[role="menuitem"]:has-text("Monitor 1 (primary), 1280×1024")')
      await waitUntil('full screen on monitor 1', () =>
        page.evaluate(() => (window as unknown as { fullscreenScreens: unknown[] }).fullscreenScreens.length === 2),
      )
      expect(await page.evaluate(() => (window as unknown as { fullscreenScreens: unknown }).fullscreenScreens)).toEqual([
        [1280, 0],
        [0, 0],
      ])
      expect(await page.evaluate(() => document.fullscreenElement?.classList.contains('session'))).toBe(true)
      await page.keyboard.press('F11')
      await waitUntil('full screen left', () => page.evaluate(() => document.fullscreenElement === null))
      expect(errors).toEqual([])
    } finally {
      await close()
    }
  }, 60_000)

  it('offers no "Match my monitors" in a window on one monitor', async () => {
    const { page, close } = await connectedPage(true)
    try {
      const cdp = await page.context().newCDPSession(page)
      const { windowId } = await cdp.send('Browser.getWindowForTarget')
      await cdp.send('Browser.setWindowBounds', { windowId, bounds: { left: 100, top: 100, width: 1000, height: 700 } })
      await waitUntil('a window on one monitor', () => page.evaluate(() => window.outerWidth <= screen.width))
      await page.keyboard.press('F8')
      await page.waitForSelector('[role="menu"]')
      expect(await page.locator('[role="menuitem"]:has-text("Match my monitors")').count()).toBe(0)
    } finally {
      await close()
    }
  }, 60_000)
})
