import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import { e2eUnavailable, ensureRendererBuilt, launchChromium, screenshot, waitUntil } from './harness'
import { type WebSession, openWebSession } from './web-session'

const skip = e2eUnavailable() ?? (serverAvailable('tigervnc') ? null : 'Xtigervnc not installed')

const DIALOG = 'dialog[open]:has([data-typing-text])'

describe.skipIf(skip)('"Type text" in browser mode, into a real xterm (issue 18)', () => {
  let browser: Browser
  let tiger: RunningServer
  let app: WebSession | undefined
  let session: Page
  let xterm: ChildProcess
  let out: string
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-data-'))
  const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-'))

  beforeAll(async () => {
    ensureRendererBuilt()
    ;[browser, tiger] = await Promise.all([launchChromium(), startServer('tigervnc', { width: 800, height: 600 })])
    app = await openWebSession(browser, { port: tiger.port, dataDir, viewport: { width: 1000, height: 720 } })
    session = app.session
    out = path.join(work, 'typed.txt')
    xterm = tiger.spawnClient('env', ['LC_ALL=C.UTF-8', 'xterm', '-u8', '-geometry', '60x6+20+20', '-e', 'sh', '-c', `stty -echo; cat > ${out}`])
    await waitUntil('xterm started', () => existsSync(out), 10_000)
    await new Promise((r) => setTimeout(r, 500))
    // No window manager: keyboard focus follows the pointer, so put it on the xterm.
    const at = await session.$eval('canvas.screen', (c) => {
      const b = c.getBoundingClientRect()
      return { x: b.left + 80 * (b.width / (c as HTMLCanvasElement).width), y: b.top + 40 * (b.height / (c as HTMLCanvasElement).height) }
    })
    await session.mouse.click(at.x, at.y)
  }, 120_000)

  afterAll(async () => {
    xterm?.kill()
    await app?.close()
    await browser?.close()
    await tiger?.stop()
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(work, { recursive: true, force: true })
    for (const e of app?.errors ?? []) expect(e).toEqual([])
  })

  async function openFromMenu(): Promise<void> {
    await session.keyboard.press('F8')
    await session.click('[role="menu"] [role="menuitem"]:has-text("Type text…")')
    await session.waitForSelector(DIALOG)
  }

  it('types the local clipboard, prefilled, into the xterm byte for byte', async () => {
    const text = 'Paste as keys: "Quotes", $HOME & (a|b) <c>; naïve café €5\nSecond LINE ~`^_{}[]\\@#%\n'
    await session.evaluate((t) => navigator.clipboard.writeText(t), text)
    await openFromMenu()
    await waitUntil('prefilled from the clipboard', () =>
      session.$eval(`${DIALOG} [data-typing-text]`, (t, want) => (t as HTMLTextAreaElement).value === want || null, text),
    )
    // TigerVNC takes scancodes (QEMU key events): the dialog asks for the remote layout, US by default.
    expect(await session.$eval(`${DIALOG} [data-typing-layout]`, (s) => (s as HTMLSelectElement).value)).toBe('us')
    // A US layout has no keys for ï, é or €: said before anything is typed, and Type waits.
    expect(await session.textContent(`${DIALOG} [data-typing-problem]`)).toBe('The English (US) layout has no key for: ï é €')
    expect(await session.isDisabled(`${DIALOG} [data-typing-start]`)).toBe(true)
    await screenshot(session, 'type-text-untypable')
    // Without those characters it goes.
    const ascii = text.replace('naïve café €5', 'naive cafe 5')
    await session.fill(`${DIALOG} [data-typing-text]`, ascii)
    expect(await session.$(`${DIALOG} [data-typing-problem]`)).toBeNull()
    await session.click(`${DIALOG} [data-typing-start]`)
    await session.waitForSelector(`${DIALOG} [data-typing-status]:has-text("Typed ${ascii.length} characters.")`, { timeout: 20_000 })
    await waitUntil('both lines', () => readFileSync(out, 'utf8').split('\n').length > 2, 10_000)
    expect(readFileSync(out, 'utf8')).toBe(ascii)
    await screenshot(session, 'type-text-done')
    await session.keyboard.press('Escape')
    await session.waitForSelector(DIALOG, { state: 'detached' })
  })

  it('opens from the clipboard panel with its text, asks before a long text, and stops on Stop', async () => {
    await session.keyboard.press('F8')
    await session.click('[role="menu"] [role="menuitem"]:has-text("Clipboard panel…")')
    const long = 'x'.repeat(2500)
    await session.fill('aside.clipboard textarea:not([readonly])', long)
    await session.click('aside.clipboard [data-type-clipboard]')
    await session.waitForSelector(DIALOG)
    expect(await session.$eval(`${DIALOG} [data-typing-text]`, (t) => (t as HTMLTextAreaElement).value.length)).toBe(2500)
    await session.click(`${DIALOG} [data-typing-start]`)
    // Above 2000 characters: a confirmation first.
    const confirm = 'dialog[open][role="alertdialog"]'
    await session.waitForSelector(`${confirm}:has-text("Type a long text?")`)
    await session.click(`${confirm} button:has-text("Type it")`)
    await session.waitForSelector(`${DIALOG} [data-typing-stop]`)
    await waitUntil('some progress', () => session.$eval(`${DIALOG} progress`, (p) => (p as HTMLProgressElement).value > 10 || null))
    await screenshot(session, 'type-text-progress')
    await session.click(`${DIALOG} [data-typing-stop]`)
    const status = await waitUntil('stopped', () => session.textContent(`${DIALOG} [data-typing-status]`).then((s) => (s?.startsWith('Stopped') ? s : null)))
    const typed = Number(/Stopped after (\d+) of 2500 characters\./.exec(status)?.[1])
    expect(typed).toBeGreaterThan(10)
    expect(typed).toBeLessThan(2500)
  })
})
