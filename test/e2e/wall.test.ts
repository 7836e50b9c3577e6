// The live wall in browser mode: the real host and `tessera web` server in this process, the
// built renderer in Chromium, and four real VNC servers (two TigerVNC, two x11vnc) on loopback.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import { type WebServer, startWebServer } from '../../src/main/web/server'
import { newProfile } from '../../src/shared/profile'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import type { SessionSummary } from '../../src/shared/contract'
import {
  RENDERER_DIR,
  canvasPixels,
  e2eUnavailable,
  ensureRendererBuilt,
  launchChromium,
  newContext,
  screenshot,
  waitConnected,
  waitUntil,
  watchErrors,
} from './harness'

const skip = e2eUnavailable() ?? (serverAvailable('tigervnc') && serverAvailable('x11vnc') ? null : 'Xtigervnc or x11vnc not installed')
const SERVERS = [
  { id: 'tiger-1', name: 'Build server', kind: 'tigervnc' },
  { id: 'tiger-2', name: 'Kiosk lobby', kind: 'tigervnc' },
  { id: 'x11-1', name: 'Lab PC 1', kind: 'x11vnc' },
  { id: 'x11-2', name: 'Lab PC 2', kind: 'x11vnc' },
] as const

/** Distinct colours in a tile's canvas: a painted desktop has many, an unpainted canvas one. */
async function tileColours(page: Page, profileId: string): Promise<number> {
  return page.evaluate((id) => {
    const c = document.querySelector<HTMLCanvasElement>(`.wall-tile[data-profile-id="${id}"] canvas`)
    if (!c || c.width < 32) return 0
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    const seen = new Set<number>()
    for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2])
    return seen.size
  }, profileId)
}

/** Distinct colours in a session page's canvas. */
async function canvasColours(page: Page): Promise<number> {
  const { rgba } = await canvasPixels(page)
  const seen = new Set<number>()
  for (let i = 0; i < rgba.length; i += 4) seen.add((rgba[i] << 16) | (rgba[i + 1] << 8) | rgba[i + 2])
  return seen.size
}

const stateOf = (page: Page, profileId: string): Promise<string> => page.locator(`.wall-tile[data-profile-id="${profileId}"] .state`).innerText()

describe.skipIf(skip)('live wall (browser mode)', () => {
  let browser: Browser
  let context: BrowserContext
  let host: Host
  let web: WebServer
  let dataDir: string
  const servers = new Map<string, RunningServer>()

  beforeAll(async () => {
    ensureRendererBuilt()
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-wall-e2e-'))
    for (const s of SERVERS) servers.set(s.id, await startServer(s.kind, { width: 800, height: 500, content: 'static' }))
    const created = await createHost({ dataDir, log: () => {}, timings: { thumbnailDelayMs: 60_000 } })
    host = created.host
    for (const s of SERVERS) await created.store.save(newProfile({ id: s.id, name: s.name, host: '127.0.0.1', port: servers.get(s.id)!.port, group: 'Lab' }))
    await created.store.save(newProfile({ id: 'elsewhere', name: 'Not in the folder', host: '127.0.0.1', port: 1, group: 'Office' }))
    web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: () => {} })
    browser = await launchChromium()
    context = await newContext(browser, `http://127.0.0.1:${web.port}`, { width: 1200, height: 800 })
  }, 120_000)

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await web?.close()
    await host?.shutdown()
    for (const s of servers.values()) await s.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('watches a folder: live pictures, a stopped server says so in its tile, a click opens the full session', async () => {
    const book = await context.newPage()
    const errors = watchErrors(book)
    await book.goto(web.launchUrl())
    await book.waitForSelector('.address-book')
    await screenshot(book, 'wall-address-book-folder')

    // The folder's button opens the wall in a tab of its own (which gets the credential from this one).
    const [wall] = await Promise.all([
      context.waitForEvent('page'),
      book.locator('h3', { hasText: 'Lab' }).getByRole('button', { name: 'Watch all in a live wall' }).click(),
    ])
    errors.push(...watchErrors(wall))
    await wall.waitForSelector('.wall-grid')
    expect(new URL(wall.url()).search).toBe('?view=wall&folder=Lab')
    await expect.poll(() => wall.locator('.wall-tile .name').allInnerTexts()).toEqual(['Build server', 'Kiosk lobby', 'Lab PC 1', 'Lab PC 2'])

    // Every tile live, and painted from the host's copy of the picture.
    for (const s of SERVERS) {
      await waitUntil(`${s.name} live`, async () => (await stateOf(wall, s.id)) === 'Live', 30_000)
      await waitUntil(`${s.name} painted`, async () => (await tileColours(wall, s.id)) > 8, 15_000)
    }
    await screenshot(wall, 'wall-live')

    // A server goes down: its tile says so, the others stay live.
    await servers.get('x11-2')!.stop()
    await waitUntil('the stopped server’s tile to say so', async () => /Not reachable|retrying/.test(await stateOf(wall, 'x11-2')), 30_000)
    for (const s of SERVERS.slice(0, 3)) expect(await stateOf(wall, s.id)).toBe('Live')
    await screenshot(wall, 'wall-server-down')

    // A click opens the full session in the connection's own tab: connected, its picture painted,
    // and listed as an open session (not a wall tile) by the host and the address book.
    const [full] = await Promise.all([context.waitForEvent('page'), wall.locator('.wall-tile[data-profile-id="tiger-1"] button').click()])
    errors.push(...watchErrors(full))
    await waitUntil('the session page', () => new URL(full.url()).search === '?view=session&profile=tiger-1', 15_000)
    await waitConnected(full)
    await waitUntil('the full session painted', async () => (await canvasColours(full)) > 8, 15_000)
    const listed = (await host.handle('sessions.list', undefined)) as SessionSummary[]
    expect(listed.filter((s) => s.profileId === 'tiger-1' && !s.watch).map((s) => s.state)).toEqual(['connected'])
    await book.waitForSelector('.sessions-panel .session-card[aria-label^="Session Build server, Connected"]', { timeout: 10_000 })
    await full.close()
    expect(errors).toEqual([])
    await wall.close()
    // The wall's watch sessions end with its page.
    await waitUntil('the watch sessions to close', () => host.sessionIds().length === 0, 15_000)
  })
})
