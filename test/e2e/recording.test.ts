import { readFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../src/main/rfb/images/node-image-decoder'
import { FBS_MAGIC, encodeFbsBlock, parseFbs } from '../../src/main/rfb/record/fbs'
import { replayRecording } from '../../src/main/rfb/record/replay'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import { e2eUnavailable, ensureRendererBuilt, launchChromium, screenshot, waitUntil } from './harness'
import { type WebSession, openWebSession } from './web-session'

const skip = e2eUnavailable() ?? (serverAvailable('tigervnc') ? null : 'Xtigervnc not installed')
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** What `tessera replay` shows of `file` after every block stamped at or before `t`. */
async function straightReplay(file: string, t: number): Promise<FramebufferSink> {
  const kept = parseFbs(readFileSync(file)).filter((b) => b.timestampMs <= t)
  const fb = new FramebufferSink(decodeImageNode)
  await replayRecording(Buffer.concat([Buffer.from(FBS_MAGIC, 'latin1'), ...kept.map((b) => encodeFbsBlock(b.data, b.timestampMs))]), fb, { allowCutEnd: true })
  return fb
}

/** The player canvas's RGBA pixels. */
async function playerPixels(page: Page): Promise<{ width: number; height: number; rgba: Buffer }> {
  const got = await page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('[data-player-canvas]')!
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    let s = ''
    for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000))
    return { width: c.width, height: c.height, b64: btoa(s) }
  })
  return { width: got.width, height: got.height, rgba: Buffer.from(got.b64, 'base64') }
}

/** Serious and critical axe findings on the page as it is. */
async function axeFindings(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  const r = (await page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<unknown> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    }),
  )) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

async function axeBothThemes(page: Page, name: string): Promise<string[]> {
  const out: string[] = []
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await screenshot(page, `recording-${name}-${scheme}`)
    for (const f of await axeFindings(page)) out.push(`${scheme}: ${f}`)
  }
  await page.emulateMedia({ colorScheme: 'light' })
  return out
}

describe.skipIf(skip)('recording a session and playing it in browser mode, against Xvnc (issue 18)', () => {
  let browser: Browser
  let tiger: RunningServer
  let app: WebSession | undefined
  let book: Page
  let session: Page
  let file = ''
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-data-'))
  const recordings = path.join(dataDir, 'Recordings')

  beforeAll(async () => {
    ensureRendererBuilt()
    ;[browser, tiger] = await Promise.all([launchChromium(), startServer('tigervnc', { width: 400, height: 300 })])
    app = await openWebSession(browser, { port: tiger.port, dataDir, viewport: { width: 1000, height: 720 } })
    book = app.book
    session = app.session
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await browser?.close()
    await tiger?.stop()
    rmSync(dataDir, { recursive: true, force: true })
    for (const e of app?.errors ?? []) expect(e).toEqual([])
  })

  async function setRoot(colour: string): Promise<void> {
    const p = tiger.spawnClient('xsetroot', ['-solid', colour])
    await new Promise((r) => p.once('exit', r))
  }

  it('records from the session menu with a REC indicator, while the screen changes, and the file replays', async () => {
    await setRoot('#204080')
    await session.keyboard.press('F8')
    expect(await axeBothThemes(session, 'menu')).toEqual([])
    await session.click('[role="menu"] [role="menuitem"]:has-text("Start recording")')
    await session.waitForSelector('.toolbar [data-rec]')
    expect(await session.textContent('.toolbar [data-rec]')).toMatch(/^REC 0:0\d$/)
    await waitUntil('REC in the title', () => session.title().then((t) => t.startsWith('REC 0:')))
    for (const colour of ['#c02020', '#20a040', '#e0c000']) {
      await new Promise((r) => setTimeout(r, 900))
      await setRoot(colour)
    }
    await new Promise((r) => setTimeout(r, 900))
    // The indicator counts.
    expect(await session.textContent('.toolbar [data-rec]')).toMatch(/^REC 0:0[2-9]$/)
    expect(await axeBothThemes(session, 'session')).toEqual([])
    await session.keyboard.press('F8')
    await session.click('[role="menu"] [role="menuitem"]:has-text("Stop recording")')
    await session.waitForSelector('.toolbar [data-rec]', { state: 'detached' })
    await session.waitForSelector('.notices :text("Recording saved as")')
    expect(await session.title()).not.toMatch(/^REC/)

    const names = readdirSync(recordings)
    expect(names).toHaveLength(1)
    file = path.join(recordings, names[0])
    // The whole file replays (what `tessera replay` does) to the last colour set.
    const end = await straightReplay(file, Infinity)
    expect([end.width, end.height]).toEqual([400, 300])
    expect(Array.from(end.data.subarray(0, 3))).toEqual([0xe0, 0xc0, 0x00])
  })

  it('opens the recording in the player, seeks back and forth to what a straight replay shows, plays, and exports a frame', async () => {
    expect(file).not.toBe('')
    await book.bringToFront()
    await book.click('[data-open-recording]')
    const dialog = 'dialog[open]:has-text("Play a recording")'
    await book.waitForSelector(`${dialog} li:has-text("${path.basename(file)}")`)
    expect(await axeBothThemes(book, 'list')).toEqual([])
    await book.click(`${dialog} li:has-text("${path.basename(file)}") button`)
    await book.waitForSelector('[data-player]')
    const duration = Number(await book.getAttribute('[data-timeline]', 'max'))
    expect(duration).toBeGreaterThan(2500)

    async function seekAndCompare(t: number): Promise<Buffer> {
      await book.$eval(
        '[data-timeline]',
        (el, v) => {
          const input = el as HTMLInputElement
          input.value = String(v)
          input.dispatchEvent(new Event('input'))
          input.dispatchEvent(new Event('change'))
        },
        t,
      )
      const want = await straightReplay(file, t)
      await waitUntil(`the picture at ${t} ms`, async () => {
        const got = await playerPixels(book)
        return got.width === want.width && got.rgba.equals(Buffer.from(want.data))
      })
      return Buffer.from(want.data)
    }
    // Forward, back, forward again: each picture is the straight replay's at that time.
    const late = await seekAndCompare(Math.round(duration * 0.9))
    const early = await seekAndCompare(Math.round(duration * 0.15))
    const middle = await seekAndCompare(Math.round(duration * 0.55))
    // The screen changed in between: the comparisons tell the times apart.
    expect(late.equals(early)).toBe(false)
    expect(new Set([late, early, middle].map((b) => b.toString('base64'))).size).toBeGreaterThan(1)
    expect(await axeBothThemes(book, 'player')).toEqual([])

    // Export the frame shown: the PNG is the canvas.
    await book.click('[data-export-frame]')
    const saved = await book.waitForSelector('[data-player-status]:has-text("Saved ")')
    const png = (await saved.textContent())!.replace(/^.*Saved /, '').trim()
    const decoded = decodeImageNode('png', readFileSync(png), 400, 300)
    expect(Buffer.from(decoded.rgba).equals((await playerPixels(book)).rgba)).toBe(true)

    // Home goes to the start; at 8x, play runs to the end, which is the last colour.
    await book.focus('[data-player]')
    await book.keyboard.press('Home')
    await waitUntil('the start', async () => (await book.textContent('[data-time]'))?.startsWith('0:00 of'))
    await book.selectOption('[data-speed]', '8')
    await book.keyboard.press('Space')
    await book.waitForSelector('[data-player] :text("End of the recording")', { timeout: 30_000 })
    const last = await playerPixels(book)
    expect(Array.from(last.rgba.subarray(0, 3))).toEqual([0xe0, 0xc0, 0x00])
    await book.click('[data-player] button:has-text("Close the player")')
    await book.waitForSelector('[data-player]', { state: 'detached' })
  })

  it('plays a recording picked from disk: it is copied into the Recordings folder, then the host plays it', async () => {
    const picked = path.join(import.meta.dirname, '../fixtures/recordings/qemu-tightpng.fbs')
    await book.click('[data-open-recording]')
    await book.setInputFiles('[data-recording-file]', picked)
    await book.waitForSelector('[data-player]')
    expect(await book.textContent('[data-player] h2')).toBe('qemu-tightpng.fbs')
    expect(readFileSync(path.join(recordings, 'qemu-tightpng.fbs')).equals(readFileSync(picked))).toBe(true)
    const want = await straightReplay(picked, 2000)
    await book.$eval('[data-timeline]', (el) => {
      const input = el as HTMLInputElement
      input.value = '2000'
      input.dispatchEvent(new Event('change'))
    })
    await waitUntil('the picture at 2 s', async () => {
      const got = await playerPixels(book)
      return got.width === 320 && got.rgba.equals(Buffer.from(want.data))
    })
    await book.keyboard.press('Escape')
    await book.waitForSelector('[data-player]', { state: 'detached' })
  })
})
