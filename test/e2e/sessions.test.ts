// Several sessions at once in browser mode (issue 13): the real host and `tessera web` in this
// process, the built renderer in Chromium, TigerVNC (Xvnc) and x11vnc on loopback. Each session
// opens from the address book in a browser tab of its own; input must reach only its server.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import { type WebServer, startWebServer } from '../../src/main/web/server'
import { newProfile } from '../../src/shared/profile'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import { RENDERER_DIR, canvasPixels, e2eUnavailable, ensureRendererBuilt, launchChromium, newContext, waitConnected, waitUntil } from './harness'

const skip = e2eUnavailable() ?? (serverAvailable('tigervnc') && serverAvailable('x11vnc') ? null : 'Xtigervnc or x11vnc not installed')
const SCREENS = '/work/screens'

/** RGB differences between a page's canvas and a Raw snapshot of the server on `port`; null when equal. */
async function rawDifference(page: Page, port: number, ignore?: { x: number; y: number; size: number }): Promise<string | null> {
  const [c, snap] = await Promise.all([canvasPixels(page), takeSnapshot({ host: '127.0.0.1', port }, { encodings: [0] })])
  const fb = snap.framebuffer
  if (c.width !== fb.width || c.height !== fb.height) return `canvas ${c.width}x${c.height}, server ${fb.width}x${fb.height}`
  let bad = 0
  let first = ''
  for (let i = 0; i < fb.width * fb.height * 4; i += 4) {
    if (c.rgba[i] === fb.data[i] && c.rgba[i + 1] === fb.data[i + 1] && c.rgba[i + 2] === fb.data[i + 2]) continue
    const x = (i / 4) % fb.width
    const y = Math.floor(i / 4 / fb.width)
    if (ignore && Math.abs(x - ignore.x) <= ignore.size && Math.abs(y - ignore.y) <= ignore.size) continue
    if (!bad++)
      first = ` first at (${(i / 4) % fb.width},${Math.floor(i / 4 / fb.width)}): canvas ${[...c.rgba.subarray(i, i + 3)]} server ${[...fb.data.subarray(i, i + 3)]}`
  }
  return bad ? `${bad} pixels differ,${first}` : null
}

async function expectEqualsRaw(page: Page, port: number, ignore?: { x: number; y: number; size: number }): Promise<void> {
  let diff: string | null = 'not compared'
  await waitUntil(`canvas equal to a Raw snapshot of :${port}`, async () => (diff = await rawDifference(page, port, ignore)) === null, 15_000, 250).catch(() =>
    expect(diff).toBeNull(),
  )
}

/** Framebuffer position → page position through the canvas's current scale. */
async function pagePoint(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const r = await page.$eval('canvas.screen:visible', (c) => {
    const b = c.getBoundingClientRect()
    return { left: b.left, top: b.top, sx: b.width / (c as HTMLCanvasElement).width, sy: b.height / (c as HTMLCanvasElement).height }
  })
  return { x: r.left + (x + 0.5) * r.sx, y: r.top + (y + 0.5) * r.sy }
}

/** Starts `cat > file` in an xterm on `server` (no echo), so typed lines land in the file. */
async function typingTarget(server: RunningServer, file: string, geometry: string): Promise<void> {
  server.spawnClient('xterm', ['-geometry', geometry, '-bg', '#ffffff', '-fg', '#000000', '-e', 'sh', '-c', `stty -echo; cat > ${file}`])
  await waitUntil(`xterm on :${server.display}`, () => existsSync(file), 10_000)
  await new Promise((r) => setTimeout(r, 500))
}

describe.skipIf(skip)('several sessions at once in browser mode', () => {
  let browser: Browser
  let tiger: RunningServer
  let x11: RunningServer
  let host: Host
  let web: WebServer
  let context: BrowserContext
  let book: Page
  let tigerPage: Page
  let x11Page: Page
  const errors: string[] = []
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-data-'))
  const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-'))

  beforeAll(async () => {
    ensureRendererBuilt()
    ;[browser, tiger, x11] = await Promise.all([launchChromium(), startServer('tigervnc', { content: 'static' }), startServer('x11vnc', { content: 'static' })])
    ;({ host } = await createHost({ dataDir, keychain: null, log: () => {}, timings: { thumbnailDelayMs: 60_000 } }))
    web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: () => {} })
    // Lossless encodings, so each picture can be compared pixel for pixel.
    for (const [id, name, port] of [
      ['tiger', 'Lab TigerVNC', tiger.port],
      ['x11', 'Lab x11vnc', x11.port],
    ] as const) {
      await host.handle('profiles.save', newProfile({ id, name, host: '127.0.0.1', port, encodings: ['zrle', 'hextile', 'raw'] }))
    }
    context = await newContext(browser, `http://127.0.0.1:${web.port}`, { width: 1000, height: 720 })
    context.on('page', (p) => {
      p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
      p.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`))
    })
    book = await context.newPage()
    await book.goto(web.launchUrl())
    await book.waitForSelector('.address-book [aria-label^="Lab x11vnc,"]')
  }, 120_000)

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await web?.close()
    await host?.shutdown()
    await Promise.all([tiger?.stop(), x11?.stop()])
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(work, { recursive: true, force: true })
  })

  /** Clicks Connect on a saved connection and returns the browser tab it opened in. */
  async function connectInNewTab(name: string): Promise<Page> {
    const opened = context.waitForEvent('page')
    await book.bringToFront()
    await book.click(`[aria-label^="${name},"] button.connect`)
    const page = await opened
    await waitConnected(page)
    return page
  }

  it('opens each connection in its own browser tab, which carries the credential over', async () => {
    tigerPage = await connectInNewTab('Lab TigerVNC')
    x11Page = await connectInNewTab('Lab x11vnc')
    for (const [page, id] of [
      [tigerPage, 'tiger'],
      [x11Page, 'x11'],
    ] as const) {
      // No launch code in its address: the credential came with the copied sessionStorage.
      expect(new URL(page.url()).search).toBe(`?view=session&profile=${id}`)
      expect(new URL(page.url()).hash).toBe('')
      expect(await page.evaluate(() => sessionStorage.getItem('tessera.credential'))).toMatch(/\S{16,}/)
    }
    // "connection name — desktop name"
    expect(await tigerPage.title()).toMatch(/^Lab TigerVNC — \S/)
    expect(await x11Page.title()).toMatch(/^Lab x11vnc — \S/)
    // The address book stays as it was, with no session of its own.
    expect(await book.$('.session')).toBeNull()
    await expectEqualsRaw(tigerPage, tiger.port)
    await expectEqualsRaw(x11Page, x11.port)
    await tigerPage.screenshot({ path: path.join(SCREENS, 'session-window-tigervnc.png') })
    await x11Page.screenshot({ path: path.join(SCREENS, 'session-window-x11vnc.png') })
  })

  it('brings the open tab to the front instead of connecting twice', async () => {
    const before = context.pages().length
    await book.bringToFront()
    await book.click('[aria-label^="Lab TigerVNC,"] button.connect')
    await book.waitForTimeout(1000)
    expect(context.pages()).toHaveLength(before)
    // Still the one session, never reloaded.
    expect(await tigerPage.$('.toolbar .state-connected')).not.toBeNull()
  })

  it('sends typing and clicks only to the session they were made in', async () => {
    const tigerOut = path.join(work, 'tiger.txt')
    const x11Out = path.join(work, 'x11.txt')
    await Promise.all([typingTarget(tiger, tigerOut, '40x4+300+330'), typingTarget(x11, x11Out, '40x4+300+330')])
    const tigerXev = tiger.spawnClient('xev', ['-geometry', '120x90+620+40', '-event', 'button'])
    const x11Xev = x11.spawnClient('xev', ['-geometry', '120x90+620+40', '-event', 'button'])
    let tigerLog = ''
    let x11Log = ''
    tigerXev.stdout!.on('data', (d: Buffer) => (tigerLog += d.toString()))
    x11Xev.stdout!.on('data', (d: Buffer) => (x11Log += d.toString()))
    await new Promise((r) => setTimeout(r, 1000))

    for (const [page, text] of [
      [tigerPage, 'typed into tigervnc'],
      [x11Page, 'typed into x11vnc'],
    ] as const) {
      await page.bringToFront()
      // No window manager: focus follows the pointer, so put it on the xterm.
      const p = await pagePoint(page, 420, 350)
      await page.mouse.click(p.x, p.y)
      await page.keyboard.type(text)
      await page.keyboard.press('Enter')
    }
    await waitUntil(
      'both lines typed',
      () => readFileSync(tigerOut, 'latin1').includes('tigervnc\n') && readFileSync(x11Out, 'latin1').includes('x11vnc\n'),
      10_000,
    )
    expect(readFileSync(tigerOut, 'latin1')).toBe('typed into tigervnc\n')
    expect(readFileSync(x11Out, 'latin1')).toBe('typed into x11vnc\n')

    await tigerPage.bringToFront()
    const q = await pagePoint(tigerPage, 680, 85)
    await tigerPage.mouse.click(q.x, q.y, { button: 'right' })
    await waitUntil('the right click on TigerVNC', () => /ButtonPress event[\s\S]*?button 3,/.test(tigerLog), 10_000)
    await new Promise((r) => setTimeout(r, 500))
    expect(x11Log).not.toMatch(/ButtonPress/)
    tigerXev.kill()
    x11Xev.kill()
    await new Promise((r) => setTimeout(r, 500))
  })

  it('lists both in the address book’s Sessions, with pictures', async () => {
    await book.bringToFront()
    await book.waitForSelector('.sessions-panel .session-card[aria-label^="Session Lab x11vnc, Connected"]', { timeout: 10_000 })
    await book.waitForSelector('.sessions-panel .session-card[aria-label^="Session Lab TigerVNC, Connected"]')
    // The previews are painted: not all one colour.
    await waitUntil('painted previews', () =>
      book.$$eval('.sessions-panel canvas', (cs) =>
        cs.every((c) => {
          const canvas = c as HTMLCanvasElement
          if (!canvas.width) return false
          const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
          return d.some((v, i) => i % 4 !== 3 && v !== d[i % 4])
        }),
      ),
    )
    await book.screenshot({ path: path.join(SCREENS, 'sessions-list.png') })
  })

  it('closing one session leaves the other connected and updating', async () => {
    await x11Page.bringToFront()
    const closed = x11Page.waitForEvent('close')
    // The page may close before the click reports back; `closed` is what must happen.
    await x11Page.click('.toolbar button.disconnect', { noWaitAfter: true }).catch(() => {})
    // A session window closes with its last session.
    await closed
    await tigerPage.bringToFront()
    expect(await tigerPage.$('.toolbar .state-connected')).not.toBeNull()
    await tigerPage.screenshot({ path: path.join(SCREENS, 'session-window-after-close.png') })
    // The picture still follows the server: a new window appears on the TigerVNC desktop.
    tiger.spawnClient('xterm', ['-geometry', '20x3+40+420', '-bg', '#00ff00', '-e', 'sh', '-c', 'sleep 60'])
    await new Promise((r) => setTimeout(r, 800))
    // The snapshot client takes no cursor pseudo-encoding, so Xvnc draws its cursor into that
    // picture where the pointer last was (the right click at 680,85): that box alone is left out.
    await expectEqualsRaw(tigerPage, tiger.port, { x: 680, y: 85, size: 24 })
    const px = await canvasPixels(tigerPage)
    const o = (430 * px.width + 60) * 4
    expect([...px.rgba.subarray(o, o + 3)]).toEqual([0, 255, 0])
  })

  it('holds two sessions as tabs of one window, switched from the tab strip and the keyboard', async () => {
    await book.bringToFront()
    await book.selectOption('#open-in-select', 'tab')
    for (const port of [tiger.port, x11.port]) {
      // The address book is the first tab of its own window.
      if (await book.$('.session-tabs')) await book.click('.session-tabs [data-key="home"]')
      await book.fill('#quick-connect-input', `127.0.0.1::${port}`)
      await book.press('#quick-connect-input', 'Enter')
      await book.waitForSelector('.session-window')
      await book.waitForSelector('.session:visible .toolbar .state-connected', { timeout: 20_000 })
    }
    const tabs = book.locator('.session-tabs [role="tab"]:not([data-key="home"])')
    await expect(tabs.count()).resolves.toBe(2)
    await expect(tabs.nth(1).getAttribute('aria-selected')).resolves.toBe('true')
    await book.screenshot({ path: path.join(SCREENS, 'session-tabs.png') })
    // Keys on the remote screen stay there; with the tab strip focused, Ctrl+Page Up switches.
    await book.focus('canvas.screen:visible')
    await book.keyboard.press('Control+PageUp')
    await expect(tabs.nth(1).getAttribute('aria-selected')).resolves.toBe('true')
    await tabs.nth(1).focus()
    await book.keyboard.press('Control+PageUp')
    await expect(tabs.nth(0).getAttribute('aria-selected')).resolves.toBe('true')
    await tabs.nth(1).click()
    await expect(tabs.nth(1).getAttribute('aria-selected')).resolves.toBe('true')
    await book.screenshot({ path: path.join(SCREENS, 'session-tabs-second.png') })
  })

  it('moves a tab to a new browser tab, which takes the session over', async () => {
    const opened = context.waitForEvent('page')
    await book.click('.session-tabs .tab.active button.move')
    const moved = await opened
    await moved.waitForURL(/[?&]adopt=/)
    expect(new URL(moved.url()).searchParams.get('adopt')).toMatch(/\S/)
    await waitConnected(moved)
    await expectEqualsRaw(moved, x11.port)
    // The first window keeps the other tab only (beside its address book tab), without closing the moved session.
    await waitUntil('one session tab left', async () => (await book.$$('.session-tabs [role="tab"]:not([data-key="home"])')).length === 1)
    expect(await book.$$('.session')).toHaveLength(1)
    await moved.screenshot({ path: path.join(SCREENS, 'session-window-moved.png') })
  })

  it('stayed free of page errors', () => {
    expect(errors).toEqual([])
  })
})
