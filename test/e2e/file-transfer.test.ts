import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import { e2eUnavailable, ensureRendererBuilt, launchChromium, screenshot, waitUntil } from './harness'
import { type WebSession, openWebSession } from './web-session'

const skip = e2eUnavailable() ?? (serverAvailable('x11vnc') ? null : 'x11vnc not installed')

/** x11vnc's UltraVNC file transfer shows the file system as drive C: with '\' between names. */
const remote = (local: string): string => `C:${local.split('/').join('\\')}`
const QUESTION = 'dialog[open]:has([data-answer])'

describe.skipIf(skip)('file transfer in browser mode against x11vnc -ultrafilexfer (issue 18)', () => {
  let browser: Browser
  let server: RunningServer
  let app: WebSession | undefined
  let session: Page
  const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-ft-'))
  const dataDir = path.join(work, 'data')
  const served = path.join(work, 'served')
  const downloads = path.join(work, 'downloads')
  const hello = Buffer.from('Hello from the server, byte for byte: äöü €\n')
  const big = randomBytes(96 * 1024 * 1024)

  beforeAll(async () => {
    ensureRendererBuilt()
    mkdirSync(served)
    mkdirSync(downloads)
    writeFileSync(path.join(served, 'hello.txt'), hello)
    writeFileSync(path.join(served, 'big.bin'), big)
    ;[browser, server] = await Promise.all([launchChromium(), startServer('x11vnc', { width: 640, height: 480, extraArgs: ['-ultrafilexfer'] })])
    app = await openWebSession(browser, { port: server.port, dataDir, viewport: { width: 1100, height: 760 }, hostOptions: { downloadsFolder: downloads } })
    session = app.session
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await browser?.close()
    await server?.stop()
    rmSync(work, { recursive: true, force: true })
    for (const e of app?.errors ?? []) expect(e).toEqual([])
  })

  const row = (name: string): string => `[data-files-panel] tr[data-entry="${name}"]`
  const transfer = (state: string): string => `[data-files-panel] li.transfer[data-state="${state}"]`

  it('opens Files from the toolbar, browses to a folder and downloads a file byte for byte', async () => {
    await session.click('[data-files-toggle]')
    await session.waitForSelector('[data-files-panel]')
    await session.fill('[data-remote-path]', remote(served))
    await session.press('[data-remote-path]', 'Enter')
    await session.waitForSelector(row('hello.txt'))
    expect(await session.$eval(row('big.bin'), (r) => r.textContent)).toMatch(/100\.7 MB/)
    expect(await session.inputValue('[data-local-folder]')).toBe(downloads)
    // A browser page has no native folder picker: the typed field is all it offers.
    expect(await session.locator('[data-choose-local-folder]').count()).toBe(0)
    await session.check(`${row('hello.txt')} input[type=checkbox]`)
    await session.click('[data-download]')
    await session.waitForSelector(transfer('done'))
    expect(readFileSync(path.join(downloads, 'hello.txt'))).toEqual(hello)
    await screenshot(session, 'file-transfer-panel')
  }, 60_000)

  it('asks before overwriting, and keeps both when told', async () => {
    await session.click('[data-download]')
    await session.waitForSelector(QUESTION)
    expect(await session.$eval(QUESTION, (d) => d.textContent)).toContain('“hello.txt” already exists')
    await screenshot(session, 'file-transfer-question')
    await session.click(`${QUESTION} [data-answer="keep-both"]`)
    await waitUntil('the second copy', () => existsSync(path.join(downloads, 'hello (2).txt')))
    expect(readFileSync(path.join(downloads, 'hello (2).txt'))).toEqual(hello)
    expect(readFileSync(path.join(downloads, 'hello.txt'))).toEqual(hello)
    expect(await session.$(QUESTION)).toBeNull()
  }, 60_000)

  it('uploads a file dropped from the desktop onto the session into the folder shown', async () => {
    const text = 'dropped from the desktop ✓\n'
    const dataTransfer = await session.evaluateHandle((body) => {
      const dt = new DataTransfer()
      dt.items.add(new File([body], 'dropped.txt', { type: 'text/plain' }))
      return dt
    }, text)
    await session.dispatchEvent('.viewport', 'dragenter', { dataTransfer })
    await session.dispatchEvent('.viewport', 'dragover', { dataTransfer })
    expect(await session.textContent('[data-drop-zone]')).toContain(remote(served))
    await session.dispatchEvent('.viewport', 'drop', { dataTransfer })
    await waitUntil(
      'the dropped file on the server',
      () => existsSync(path.join(served, 'dropped.txt')) && readFileSync(path.join(served, 'dropped.txt'), 'utf8') === text,
    )
    expect(await session.$('[data-drop-zone]')).toBeNull()
  }, 60_000)

  it('cancels a big download and leaves no partial file (this server cannot resume)', async () => {
    await session.uncheck(`${row('hello.txt')} input[type=checkbox]`)
    await session.check(`${row('big.bin')} input[type=checkbox]`)
    await session.click('[data-download]')
    const running = '[data-files-panel] li.transfer[data-state="running"]'
    await session.waitForSelector(running)
    await waitUntil('bytes moving', () => session.$eval(`${running} progress`, (p) => (p as HTMLProgressElement).value > 0 || null))
    await session.click(`${running} button:has-text("Cancel")`)
    await session.waitForSelector(transfer('cancelled'))
    await waitUntil('partial file removed', () => !readdirSync(downloads).some((n) => n.startsWith('big.bin')))
    expect(readdirSync(downloads).sort()).toEqual(['hello (2).txt', 'hello.txt'])
  }, 60_000)
})
