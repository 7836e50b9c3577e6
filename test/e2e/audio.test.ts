import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { beepFloppy } from '../helpers/qemu-beep'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import { e2eUnavailable, ensureRendererBuilt, launchChromium, waitConnected, waitUntil } from './harness'
import { type WebSession, openWebSession } from './web-session'

const skip = e2eUnavailable() ?? (serverAvailable('qemu') ? null : 'qemu-system-x86_64 not installed')

/** What the stats overlay says of the sound: seconds handed to Web Audio and the output level (percent). */
async function sound(page: Page): Promise<{ played: number; level: number; dropped: number; aheadMs: number; text: string } | null> {
  const el = await page.$('[data-testid="audio-stats"]')
  if (!el) return null
  return el.evaluate((d) => ({
    played: Number(d.getAttribute('data-played')),
    level: Number(d.getAttribute('data-level')),
    dropped: Number(d.getAttribute('data-dropped')),
    aheadMs: Number(d.getAttribute('data-ahead')),
    text: d.textContent ?? '',
  }))
}

describe.skipIf(skip)('the server’s sound in browser mode, from a QEMU whose PC speaker beeps (issue 18)', () => {
  let browser: Browser
  let qemu: RunningServer
  let app: WebSession | undefined
  let session: Page
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-data-'))
  const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-'))

  beforeAll(async () => {
    ensureRendererBuilt()
    const floppy = path.join(work, 'beep.img')
    beepFloppy(floppy, 1000)
    // No autoplay switch: the page must wait for a click, as a browser would make it.
    ;[browser, qemu] = await Promise.all([
      launchChromium(),
      startServer('qemu', { audio: true, extraArgs: ['-drive', `file=${floppy},format=raw,if=floppy`, '-boot', 'a'] }),
    ])
    app = await openWebSession(browser, { port: qemu.port, dataDir, viewport: { width: 1000, height: 720 } })
    session = app.session
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await browser?.close()
    await qemu?.stop()
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(work, { recursive: true, force: true })
    for (const e of app?.errors ?? []) expect(e).toEqual([])
  })

  it('shows the sound controls once sound arrives, and plays it after the first click', async () => {
    await session.waitForSelector('[data-testid="audio-mute"]', { timeout: 30_000 })
    await session.keyboard.press('F8')
    await session.click('[role="menu"] [role="menuitemcheckbox"]:has-text("Statistics")')
    await waitUntil('the sound line in the stats', () => sound(session), 10_000)
    await session.click('canvas.screen')
    const first = await waitUntil('sound playing', async () => ((await sound(session))?.played ?? 0) > 0.5 || null, 20_000)
    expect(first).toBe(true)
    const s = (await sound(session))!
    expect(s.text).toMatch(/48000 Hz stereo/)
    // The square wave QEMU's speaker makes peaks at 24831/32768: about 76 % leaves the graph at full volume.
    const loud = await waitUntil('the tone at the output', async () => {
      const l = (await sound(session))?.level ?? 0
      return l > 50 ? l : null
    })
    expect(loud).toBeGreaterThan(50)
  })

  it('mutes and unmutes (toolbar and F8 menu; mute stops the server sending), and the volume scales the output', async () => {
    await session.click('[data-testid="audio-mute"]')
    expect(await session.getAttribute('[data-testid="audio-mute"]', 'aria-pressed')).toBe('true')
    await waitUntil('silence at the output', async () => ((await sound(session))?.level ?? 1) === 0 || null)
    // Muted, the server is asked to stop (QEMU audio disable): what was on its way arrives, then nothing.
    await new Promise((r) => setTimeout(r, 700))
    const played = (await sound(session))!.played
    await new Promise((r) => setTimeout(r, 1500))
    expect((await sound(session))!.played - played, 'seconds of sound that reached the page while muted').toBeLessThan(0.05)

    await session.keyboard.press('F8')
    const item = session.locator('[data-testid="menu-mute"]')
    expect(await item.getAttribute('aria-checked')).toBe('true')
    await item.click()
    expect(await session.getAttribute('[data-testid="audio-mute"]', 'aria-pressed')).toBe('false')
    const full = await waitUntil('the tone back', async () => {
      const l = (await sound(session))?.level ?? 0
      return l > 50 ? l : null
    })

    await session.locator('[data-testid="audio-volume"]').fill('50')
    const half = await waitUntil('the tone at half volume', async () => {
      const l = (await sound(session))?.level ?? 0
      return l > 0 && l < full * 0.7 ? l : null
    })
    expect(half / full).toBeGreaterThan(0.35)
    expect(half / full).toBeLessThan(0.65)
  })

  it('keeps latency bounded: sound stays within 200 ms of the clock even with a busy page', async () => {
    // Block the page's main thread for 1.5 s: audio arriving meanwhile must be dropped, not queued up.
    const before = (await sound(session))!
    await session.evaluate(() => {
      const end = Date.now() + 1500
      while (Date.now() < end) {
        /* busy */
      }
    })
    // What the page could not take is dropped (by the host, then by the player), not played late.
    const after = await waitUntil('the drops counted', async () => {
      const s = await sound(session)
      return s && s.played > before.played && s.dropped >= before.dropped + 900 ? s : null
    })
    expect(after.aheadMs).toBeLessThanOrEqual(200)
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 300))
      expect((await sound(session))!.aheadMs).toBeLessThanOrEqual(200)
    }
  })

  it('opens a connection remembered as muted without sound from the server, with the button to unmute it', async () => {
    // The same address again, in a new window (the open one closed first: the book would show it again).
    await session.close()
    const reopen = async (): Promise<Page> => {
      const opened = app!.context.waitForEvent('page')
      await app!.book.fill('#quick-connect-input', `127.0.0.1::${qemu.port}`)
      await app!.book.press('#quick-connect-input', 'Enter')
      const page = await opened
      await waitConnected(page)
      return page
    }
    const second = await reopen()
    // Now a recent connection (remembered by its id): mute it there, close the window, open it again.
    await second.click('[data-testid="audio-mute"]', { timeout: 30_000 })
    expect(await second.getAttribute('[data-testid="audio-mute"]', 'aria-pressed')).toBe('true')
    const url = second.url()
    await second.close()
    const again = await reopen()
    expect(again.url(), 'the same saved connection').toBe(url)
    // The button shows although nothing was heard (the server offered sound), pressed.
    await again.waitForSelector('[data-testid="audio-mute"]', { timeout: 30_000 })
    expect(await again.getAttribute('[data-testid="audio-mute"]', 'aria-pressed')).toBe('true')
    await again.keyboard.press('F8')
    await again.click('[role="menu"] [role="menuitemcheckbox"]:has-text("Statistics")')
    await again.click('canvas.screen')
    await new Promise((r) => setTimeout(r, 2000))
    expect((await sound(again))?.played ?? 0, 'seconds of sound that reached the muted window').toBeLessThan(0.05)
    await again.click('[data-testid="audio-mute"]')
    const played = await waitUntil('sound after unmuting', async () => {
      const p = (await sound(again))?.played ?? 0
      return p > 0.3 ? p : null
    })
    expect(played).toBeGreaterThan(0.3)
    await again.close()
  })
})
