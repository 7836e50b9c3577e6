import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import { e2eUnavailable, ensureRendererBuilt, launchChromium, waitConnected } from './harness'
import { type WebSession, openWebSession } from './web-session'

const skip = e2eUnavailable() ?? (serverAvailable('qemu') ? null : 'qemu-system-x86_64 not installed')

// A typed address becomes a saved connection when it connects. Mute and volume set in that
// session used to stay with the typed address: the saved connection, opened from the book, had
// its sound on at full volume again.
describe.skipIf(skip)('sound settings of a session opened by a typed address, in browser mode', () => {
  let browser: Browser
  let qemu: RunningServer
  let app: WebSession | undefined
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-data-'))

  beforeAll(async () => {
    ensureRendererBuilt()
    // QEMU with an audio device offers sound: the session shows its mute button without a sound heard.
    ;[browser, qemu] = await Promise.all([launchChromium(), startServer('qemu', { audio: true })])
    app = await openWebSession(browser, { port: qemu.port, dataDir, viewport: { width: 1000, height: 720 } })
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await browser?.close()
    await qemu?.stop()
    rmSync(dataDir, { recursive: true, force: true })
    for (const e of app?.errors ?? []) expect(e).toEqual([])
  })

  const muteOf = (page: Page): Promise<string | null> => page.getAttribute('[data-testid="audio-mute"]', 'aria-pressed')
  const volumeOf = (page: Page): Promise<string> => page.locator('[data-testid="audio-volume"]').inputValue()

  it('keeps mute and volume set in the session when the saved connection is opened from the book', async () => {
    const { session, book, context } = app!
    const name = `127.0.0.1::${qemu.port}`
    // Connected: the address is a saved connection now, named as typed.
    await book.waitForSelector(`[aria-label^="${name},"] button.connect`, { timeout: 10_000 })
    await session.waitForSelector('[data-testid="audio-mute"]', { timeout: 30_000 })
    expect(await muteOf(session)).toBe('false')
    await session.locator('[data-testid="audio-volume"]').fill('30')
    await session.click('[data-testid="audio-mute"]')
    expect(await muteOf(session)).toBe('true')
    await session.close()

    const opened = context.waitForEvent('page')
    await book.bringToFront()
    await book.click(`[aria-label^="${name},"] button.connect`)
    const saved = await opened
    await waitConnected(saved)
    expect(saved.url(), 'opened as the saved connection, not the address').not.toContain(encodeURIComponent(name))
    await saved.waitForSelector('[data-testid="audio-mute"]', { timeout: 30_000 })
    expect(await muteOf(saved), 'muted, as set in the typed session').toBe('true')
    expect(await volumeOf(saved), 'the volume set in the typed session').toBe('30')
    await saved.close()
  })

  it('gives the address typed again the saved connection’s own setting, not the defaults', async () => {
    const { book, context } = app!
    const opened = context.waitForEvent('page')
    await book.bringToFront()
    await book.fill('#quick-connect-input', `127.0.0.1::${qemu.port}`)
    await book.press('#quick-connect-input', 'Enter')
    const typed = await opened
    await waitConnected(typed)
    await typed.waitForSelector('[data-testid="audio-mute"][aria-pressed="true"]', { timeout: 30_000 })
    expect(await volumeOf(typed)).toBe('30')
    await typed.close()
  })
})
