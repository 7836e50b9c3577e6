// The whole product in browser mode: the real host and `tessera web` server in this process,
// the built renderer in Chromium, and real VNC servers (TigerVNC, x11vnc) on loopback.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { DATA_FILES, createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import type { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { type WebServer, startWebServer } from '../../src/main/web/server'
import { freePort, serverAvailable, startServer, type RunningServer } from '../helpers/vnc-servers'
import {
  RENDERER_DIR,
  canvasPixels,
  e2eUnavailable,
  ensureRendererBuilt,
  launchChromium,
  newContext,
  openSessionsInPage,
  screenshot,
  waitUntil,
  watchErrors,
  disconnect,
  waitConnected,
} from './harness'

const skip = e2eUnavailable() ?? (serverAvailable('tigervnc') ? null : 'Xtigervnc not installed')
const haveXclip = spawnSync('which', ['xclip']).status === 0
const haveVncconfig = spawnSync('which', ['vncconfig']).status === 0

/** Differences between the canvas and a framebuffer, RGB only (the canvas is opaque). */
function rgbDifference(c: { width: number; height: number; rgba: Uint8Array }, fb: FramebufferSink): string | null {
  if (c.width !== fb.width || c.height !== fb.height) return `canvas ${c.width}x${c.height}, server ${fb.width}x${fb.height}`
  let bad = 0
  let first = ''
  for (let i = 0; i < fb.width * fb.height; i++) {
    const o = i * 4
    if (c.rgba[o] !== fb.data[o] || c.rgba[o + 1] !== fb.data[o + 1] || c.rgba[o + 2] !== fb.data[o + 2]) {
      if (!bad) first = `(${i % fb.width},${Math.floor(i / fb.width)}) canvas ${[...c.rgba.subarray(o, o + 3)]} server ${[...fb.data.subarray(o, o + 3)]}`
      bad++
    }
  }
  return bad ? `${bad} pixels differ, first ${first}` : null
}

/** The browser-mode server over one data directory, as `tessera web --data-dir` runs it. */
/** Waits (up to 15 s) until the page's canvas equals a Raw snapshot of the server on `port`, pixel for pixel. */
async function expectCanvasEqualsRaw(page: Page, port: number): Promise<void> {
  const snap = await takeSnapshot({ host: '127.0.0.1', port }, { encodings: [0] })
  let diff: string | null = 'not compared'
  await waitUntil(
    'canvas equal to the Raw snapshot',
    async () => {
      diff = rgbDifference(await canvasPixels(page), snap.framebuffer)
      return diff === null
    },
    15_000,
    250,
  ).catch(() => expect(diff).toBeNull())
}

async function startBrowserMode(
  dataDir: string,
  options: { listenAnswerTimeoutMs?: number } = {},
): Promise<{ host: Host; web: WebServer; stop(): Promise<void> }> {
  // Pinned to "no keychain" (the 0600 file), whatever this machine has.
  const { host } = await createHost({ dataDir, keychain: null, log: () => {}, timings: { thumbnailDelayMs: 300 }, ...options })
  const web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: () => {} })
  return {
    host,
    web,
    async stop() {
      await web.close()
      await host.shutdown()
    },
  }
}

describe.skipIf(skip)('browser mode against real VNC servers', () => {
  let browser: Browser
  let tiger: RunningServer
  let dataDir: string
  let mode: Awaited<ReturnType<typeof startBrowserMode>>
  let context: BrowserContext
  let page: Page
  let errors: string[]
  const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-'))

  beforeAll(async () => {
    ensureRendererBuilt()
    ;[browser, tiger] = await Promise.all([launchChromium(), startServer('tigervnc', { content: 'static' })])
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-data-'))
    mode = await startBrowserMode(dataDir)
    context = await newContext(browser, `http://127.0.0.1:${mode.web.port}`, { width: 1000, height: 760 })
    await openSessionsInPage(context)
    page = await context.newPage()
    errors = watchErrors(page)
    await page.goto(mode.web.launchUrl())
    await page.waitForSelector('.address-book')
  }, 120_000)

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await mode?.stop()
    await tiger?.stop()
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(work, { recursive: true, force: true })
  })

  /** Framebuffer position → page position through the canvas's current scale. */
  async function pagePoint(x: number, y: number): Promise<{ x: number; y: number }> {
    const r = await page.$eval('canvas.screen', (c) => {
      const b = c.getBoundingClientRect()
      return { left: b.left, top: b.top, sx: b.width / (c as HTMLCanvasElement).width, sy: b.height / (c as HTMLCanvasElement).height }
    })
    return { x: r.left + (x + 0.5) * r.sx, y: r.top + (y + 0.5) * r.sy }
  }

  it('adds a bookmark, connects, and shows exactly the remote screen', async () => {
    await expect(page.textContent('.empty')).resolves.toContain('No saved connections yet')
    await page.click('.toolbar button:has-text("New connection")')
    await page.fill('dialog label:has-text("Name") input', 'Lab TigerVNC')
    await page.fill('dialog input[placeholder^="host"]', `127.0.0.1::${tiger.port}`)
    await page.locator('dialog input[placeholder^="host"]').blur()
    await page.fill('dialog label:has-text("Folder") input', 'Lab')
    // Lossless encodings, so the picture can be compared pixel for pixel.
    await page.click('dialog summary')
    await page.check('dialog input[type="radio"][value="custom"]')
    await page.fill('dialog input[aria-label="Encodings in order of preference"]', 'zrle, hextile, raw')
    await page.click('dialog button[type="submit"]')
    await page.waitForSelector('[aria-label^="Lab TigerVNC,"]')
    await page.focus('[aria-label^="Lab TigerVNC,"]')
    await page.keyboard.press('Enter')
    await waitConnected(page)
    // "connection name — desktop name"
    expect(await page.title()).toMatch(/^Lab TigerVNC — \S/)
    expect(await page.title()).not.toContain('Tessera')
    await expectCanvasEqualsRaw(page, tiger.port)
    await screenshot(page, 'session-tigervnc')
    expect(errors).toEqual([])
  })

  it('types into a remote xterm, including shifted and Latin-1 characters', async () => {
    const out = path.join(work, 'typed.txt')
    tiger.spawnClient('xterm', ['-geometry', '50x4+300+330', '-bg', '#ffffff', '-fg', '#000000', '-e', 'sh', '-c', `stty -echo; cat > ${out}`])
    await waitUntil('xterm started', () => existsSync(out), 10_000)
    await page.waitForTimeout(500)
    // No window manager: focus follows the pointer, so put it on the xterm.
    const p = await pagePoint(450, 360)
    await page.mouse.click(p.x, p.y)
    await page.keyboard.type('Hello, Tessera! [1+2=3] ~/path_ok')
    await page.keyboard.press('Enter')
    await waitUntil('typed line', () => readFileSync(out, 'latin1').includes('Hello, Tessera! [1+2=3] ~/path_ok\n'), 10_000)
    // Keys of other layouts, as Chromium reports them (a US keyboard cannot make these events):
    // French é on Digit2, German AltGr+Q = @, and a dead circumflex followed by e.
    await page.evaluate(() => {
      const c = document.querySelector('canvas.screen')!
      const key = (type: string, key: string, code: string, location = 0): void => {
        c.dispatchEvent(new KeyboardEvent(type, { key, code, location, bubbles: true, cancelable: true }))
      }
      key('keydown', 'é', 'Digit2')
      key('keyup', 'é', 'Digit2')
      key('keydown', 'AltGraph', 'AltRight', 2)
      key('keydown', '@', 'KeyQ')
      key('keyup', '@', 'KeyQ')
      key('keyup', 'AltGraph', 'AltRight', 2)
      key('keydown', 'Dead', 'BracketLeft')
      key('keyup', 'Dead', 'BracketLeft')
      key('keydown', 'ê', 'KeyE')
      key('keyup', 'e', 'KeyE')
      key('keydown', 'Enter', 'Enter')
      key('keyup', 'Enter', 'Enter')
    })
    await waitUntil('é, @ and ê typed', () => /(\u00e9|Ã©)@(\u00ea|Ãª)\n/.test(readFileSync(out, 'latin1')), 10_000)
    await screenshot(page, 'session-typing')
  })

  it('clicks and scrolls with the remote pointer (buttons 1, 3, 4, 5)', async () => {
    const xev = tiger.spawnClient('xev', ['-geometry', '160x120+600+40', '-event', 'button'])
    let log = ''
    xev.stdout!.on('data', (d: Buffer) => (log += d.toString()))
    await page.waitForTimeout(800)
    const p = await pagePoint(680, 100)
    await page.mouse.click(p.x, p.y)
    await page.mouse.click(p.x, p.y, { button: 'right' })
    await page.mouse.wheel(0, 120)
    await page.mouse.wheel(0, -120)
    await waitUntil('button events', () => [1, 3, 4, 5].every((b) => new RegExp(`ButtonPress event[\\s\\S]*?button ${b},`).test(log)), 10_000)
    xev.kill()
  })

  it.skipIf(!haveXclip)('moves clipboard text both ways', async () => {
    // Remote → local: an X client owns the clipboard; the text reaches the browser's clipboard.
    const owner = spawn('xclip', ['-selection', 'clipboard', '-i', '-loops', '5'], { env: tiger.env, stdio: ['pipe', 'ignore', 'ignore'] })
    owner.stdin.end('copied on the remote desktop')
    await waitUntil(
      'remote clipboard in the browser',
      async () => (await page.evaluate(() => navigator.clipboard.readText())) === 'copied on the remote desktop',
      10_000,
    )
    owner.kill()
    // Local → remote through the clipboard panel.
    await page.keyboard.press('F8')
    await page.click('[role="menuitem"]:has-text("Clipboard panel")')
    await page.fill('.clipboard textarea:not([readonly])', 'sent from Tessera ✓')
    await page.click('.clipboard button:has-text("Send")')
    await waitUntil(
      'text on the remote clipboard',
      () => {
        const r = spawnSync('xclip', ['-selection', 'clipboard', '-o'], { env: tiger.env, encoding: 'utf8', timeout: 3000 })
        return r.stdout === 'sent from Tessera ✓'
      },
      10_000,
      300,
    )
    await page.click('.clipboard button[aria-label^="Close"]')
  })

  it('scales to fit, shows 1:1 with scrollbars, and goes full screen', async () => {
    await page.setViewportSize({ width: 640, height: 480 })
    await waitUntil('fit', async () => {
      const w = await page.$eval('canvas.screen', (c) => c.getBoundingClientRect().width)
      return w < 640 && w > 400
    })
    await screenshot(page, 'session-fit-small-window')
    await page.keyboard.press('F8')
    await page.click('[role="menuitemradio"]:has-text("Actual size")')
    expect(await page.$eval('canvas.screen', (c) => c.getBoundingClientRect().width)).toBe(800)
    expect(await page.$eval('.viewport', (v) => v.scrollWidth > v.clientWidth)).toBe(true)
    await page.keyboard.press('F8')
    await page.click('[role="menuitemradio"]:has-text("Fit")')
    await page.setViewportSize({ width: 1000, height: 760 })
    await page.click('.toolbar button[aria-label="Full screen"]')
    await waitUntil('full screen', () => page.evaluate(() => document.fullscreenElement?.classList.contains('session')))
    await page.keyboard.press('F11')
    await waitUntil('windowed', () => page.evaluate(() => !document.fullscreenElement))
  })

  it('disconnects, keeps a thumbnail of the last screen, and reconnects', async () => {
    await disconnect(page)
    expect(await page.title()).toBe('Tessera')
    await waitUntil('thumbnail', () => page.$('[aria-label^="Lab TigerVNC,"] .thumb img'), 10_000)
    await expect(page.textContent('[aria-label^="Lab TigerVNC,"]')).resolves.toMatch(/just now/)
    await page.click('button[aria-label="Grid view"]')
    await screenshot(page, 'address-book-thumbnails')
    await page.click('button[aria-label="List view"]')
    await page.click('[aria-label="Connect to Lab TigerVNC"]')
    await waitConnected(page)
    await disconnect(page)
  })

  it('says when the server is down and offers Reconnect', async () => {
    const port = await freePort()
    await page.fill('#quick-connect-input', `127.0.0.1::${port}`)
    await page.press('#quick-connect-input', 'Enter')
    await page.waitForSelector('.status [role="alert"]', { timeout: 20_000 })
    await expect(page.textContent('.status')).resolves.toMatch(/refused|Cannot reach/i)
    expect(await page.$('.status button:has-text("Reconnect")')).not.toBeNull()
    await screenshot(page, 'error-server-down')
    await page.click('.status button:has-text("Back to connections")')
    await page.waitForSelector('.address-book')
  })

  it('asks for the password, says when it is wrong, and asks again', async () => {
    const secured = await startServer('tigervnc', { password: 'tessera1' })
    try {
      await page.fill('#quick-connect-input', `127.0.0.1::${secured.port}`)
      await page.press('#quick-connect-input', 'Enter')
      await page.waitForSelector('dialog[open] input[type="password"]', { timeout: 20_000 })
      // Without a keychain, saving means a plain file: offered unticked, with what it means.
      expect(await page.isChecked('dialog input[type="checkbox"]')).toBe(false)
      await expect(page.textContent('dialog')).resolves.toContain('This computer has no keychain Tessera can use.')
      await page.fill('dialog input[type="password"]', 'wrong-one')
      await page.click('dialog button[type="submit"]')
      await page.waitForSelector('dialog[open] .error-text', { timeout: 20_000 })
      await screenshot(page, 'password-wrong')
      await page.fill('dialog input[type="password"]', 'tessera1')
      await page.click('dialog button[type="submit"]')
      await waitConnected(page)
      await disconnect(page)
      // The typed address was added to the address book; no password was written anywhere.
      await page.waitForSelector(`[aria-label*="127.0.0.1::${secured.port}"]`)
      expect(existsSync(path.join(dataDir, DATA_FILES.secrets))).toBe(false)
    } finally {
      await secured.stop()
    }
  })

  it('edits and deletes bookmarks', async () => {
    const item = (name: string): string => `[aria-label^="${name},"]`
    await page.click('[aria-label="Edit Lab TigerVNC"]')
    await page.fill('dialog label:has-text("Name") input', 'Lab desktop')
    await page.fill('dialog textarea', 'the static test screen')
    await page.click('dialog button[type="submit"]')
    await page.waitForSelector(item('Lab desktop'))
    await page.click('[aria-label="Duplicate Lab desktop"]')
    await page.waitForSelector(item('Lab desktop (copy)'))
    await page.click('[aria-label="Delete Lab desktop (copy)"]')
    await page.click('dialog button:has-text("Delete")')
    await page.waitForSelector(item('Lab desktop (copy)'), { state: 'detached' })
    await page.fill('#search-input', 'static test')
    expect(await page.$$eval('.item', (els) => els.map((e) => e.getAttribute('aria-label')!.split(',')[0]))).toEqual(['Lab desktop'])
    await page.fill('#search-input', '')
  })

  it('imports .vnc files and exports the address book', async () => {
    await page.setInputFiles('input[type="file"]', [
      {
        name: 'build.vnc',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from('TigerVNC Configuration file Version 1.0\nServerName=build.example.com::5907\nShared=1\n'),
      },
      {
        name: 'reception.vnc',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from('[Connection]\nHost=reception.example.com:3\nUserName=front\n[Options]\nViewOnly=1\n'),
      },
    ])
    // Imported connections are named after their files.
    await page.waitForSelector('[aria-label^="build, build.example.com:7,"]')
    await page.waitForSelector('[aria-label^="reception, reception.example.com:3, "][aria-label*="view only"]')
    await expect(page.textContent('.notices')).resolves.toContain('Imported 2 connections.')
    // Export opens a dialog first (passwords may go along, sealed with a passphrase); plain export here.
    await page.click('.toolbar button:has-text("Export")')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('dialog[open] .btn-primary:has-text("Export")')])
    expect(download.suggestedFilename()).toBe('tessera-connections.json')
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as { profiles: Array<{ name: string; host: string; port: number }> }
    expect(exported.profiles.map((p) => p.host).sort()).toEqual(['127.0.0.1', '127.0.0.1', 'build.example.com', 'reception.example.com'])
    expect(exported.profiles.find((p) => p.host === 'reception.example.com')!.port).toBe(5903)
    await screenshot(page, 'address-book-imported')
  })

  it('keeps everything after the server process restarts with the same data directory', async () => {
    const before = await page.$$eval('.item', (els) => els.map((e) => e.getAttribute('aria-label')!.split(',')[0]).sort())
    await mode.stop()
    // The page notices that its host went away.
    await page.waitForSelector('.banner:has-text("Lost the connection to Tessera")', { timeout: 10_000 })
    await screenshot(page, 'host-lost')
    mode = await startBrowserMode(dataDir)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${mode.web.port}` })
    await page.goto(mode.web.launchUrl())
    await page.waitForSelector('.item')
    const after = await page.$$eval('.item', (els) => els.map((e) => e.getAttribute('aria-label')!.split(',')[0]).sort())
    expect(after).toEqual(before)
    await waitUntil('thumbnail after restart', () => page.$('[aria-label^="Lab desktop,"] .thumb img'), 10_000)
    await expect(page.textContent('[aria-label^="Lab desktop,"]')).resolves.toContain('127.0.0.1::')
    await screenshot(page, 'address-book-after-restart')
    await page.focus('[aria-label^="Lab desktop,"]')
    await page.keyboard.press('Enter')
    await waitConnected(page)
    await disconnect(page)
    // Only the refused reconnects to the stopped server may have logged errors.
    expect(errors.filter((e) => !/Failed to load resource|WebSocket connection to .* failed/.test(e))).toEqual([])
  })
})

describe.skipIf(e2eUnavailable() ?? (serverAvailable('x11vnc') ? null : 'x11vnc not installed'))('browser mode against x11vnc', () => {
  it('connects by quick connect and shows exactly the remote screen', async () => {
    ensureRendererBuilt()
    const [browser, server] = await Promise.all([launchChromium(), startServer('x11vnc', { content: 'static' })])
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-data-'))
    const mode = await startBrowserMode(dataDir)
    try {
      const context = await newContext(browser, `http://127.0.0.1:${mode.web.port}`, { width: 1000, height: 760 })
      await openSessionsInPage(context)
      const page = await context.newPage()
      await page.goto(mode.web.launchUrl())
      await page.fill('#quick-connect-input', `127.0.0.1::${server.port}`)
      await page.press('#quick-connect-input', 'Enter')
      await page.waitForSelector('.toolbar .state-connected', { timeout: 20_000 })
      // Automatic encodings may pick lossy Tight JPEG: switch this typed address to lossless ones, reconnect.
      const profile = (await mode.host.handle('profiles.list', undefined)) as Array<{ id: string }>
      expect(profile).toHaveLength(1)
      await page.click('.toolbar button.disconnect')
      await page.click('[aria-label^="127.0.0.1::"] button[aria-label^="Edit"]')
      await page.click('dialog summary')
      await page.check('dialog input[type="radio"][value="custom"]')
      await page.fill('dialog input[aria-label="Encodings in order of preference"]', 'zrle, raw')
      await page.click('dialog button[type="submit"]')
      await page.click('[aria-label^="Connect to 127.0.0.1::"]')
      await page.waitForSelector('.toolbar .state-connected', { timeout: 20_000 })
      await expectCanvasEqualsRaw(page, server.port)
      await screenshot(page, 'session-x11vnc')
      await context.close()
    } finally {
      await browser.close()
      await mode.stop()
      await server.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 90_000)
})

describe.skipIf(e2eUnavailable() ?? (serverAvailable('tigervnc') && haveVncconfig ? null : 'Xtigervnc or vncconfig not installed'))(
  'browser mode: listening for reverse connections',
  () => {
    it('shows a TigerVNC that connects in (vncconfig -connect) once accepted, and takes down a question nobody answered', async () => {
      ensureRendererBuilt()
      const [browser, server] = await Promise.all([launchChromium(), startServer('tigervnc', { content: 'static' })])
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-data-'))
      // Short enough to watch a question expire; Accept below comes well within it.
      const mode = await startBrowserMode(dataDir, { listenAnswerTimeoutMs: 4000 })
      // The renderer asks for the conventional port 5500 on every interface. The test keeps the
      // listener on a free loopback port instead: no clash with another run, nothing opened to the network.
      const port = await freePort()
      const asked: unknown[] = []
      const handle = mode.host.handle.bind(mode.host)
      mode.host.handle = (name, arg, owner) => {
        if (name !== 'listen.start') return handle(name, arg, owner)
        asked.push(arg)
        return handle(name, { port, host: '127.0.0.1' }, owner)
      }
      const dialIn = (): void => void server.spawnClient('vncconfig', ['-display', `:${server.display}`, '-connect', `127.0.0.1:${port}`])
      try {
        const context = await newContext(browser, `http://127.0.0.1:${mode.web.port}`, { width: 1000, height: 760 })
        const page = await context.newPage()
        const errors = watchErrors(page)
        await page.goto(mode.web.launchUrl())
        await page.click('button.listen-toggle')
        await page.waitForSelector(`button.listen-toggle[aria-pressed="true"]:has-text("Listening on ${port}")`)
        expect(asked).toEqual([{ port: 5500 }])
        const dialog = page.locator('dialog[open][role="alertdialog"]:has-text("Incoming connection")')
        // Nobody answers: the host closes the connection after its timeout, and the question goes.
        dialIn()
        await dialog.waitFor({ timeout: 20_000 })
        await expect(dialog.locator('.address').innerText()).resolves.toBe('127.0.0.1')
        await dialog.waitFor({ state: 'detached', timeout: 15_000 })
        await page.waitForSelector('.notice:has-text("The incoming connection from 127.0.0.1 was closed: nobody answered in time.")')
        expect(await page.$('.session')).toBeNull()
        // Accepted: the server's screen, as it is.
        dialIn()
        await dialog.waitFor({ timeout: 20_000 })
        await dialog.locator('button:has-text("Accept")').click()
        await page.waitForSelector('.toolbar .state-connected', { timeout: 20_000 })
        expect(await page.title()).toBe('tessera-test — Tessera')
        await expectCanvasEqualsRaw(page, server.port)
        await screenshot(page, 'session-reverse')
        expect(errors).toEqual([])
        await context.close()
      } finally {
        await browser.close()
        await mode.stop()
        await server.stop()
        rmSync(dataDir, { recursive: true, force: true })
      }
    }, 90_000)
  },
)
