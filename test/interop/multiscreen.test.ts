import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import { connectRfb } from '../../src/main/rfb/connect'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import type { RfbClient } from '../../src/main/rfb/session'
import type { HostEvents, ScreenRect } from '../../src/shared/contract'
import { monitorLayout } from '../../src/shared/screen-layout'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import { xMonitors, xrandrAvailable } from '../helpers/x-monitors'

const byPosition = (a: ScreenRect, b: ScreenRect): number => a.y - b.y || a.x - b.x

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

// Two 1280x1024 monitors side by side, as the shell reports them (DIP bounds).
const TWO_MONITORS = monitorLayout([
  { bounds: { x: 0, y: 0, width: 1280, height: 1024 }, primary: true },
  { bounds: { x: 1280, y: 0, width: 1280, height: 1024 }, primary: false },
])!

describe.skipIf(!serverAvailable('tigervnc') || !xrandrAvailable)('multi-screen layouts sent to TigerVNC (Xvnc and xrandr)', () => {
  let server: RunningServer
  let client: RfbClient
  let fb: FramebufferSink

  beforeAll(async () => {
    server = await startServer('tigervnc', { width: 1024, height: 768 })
    fb = new FramebufferSink()
    client = (await connectRfb({ host: server.host, port: server.port }, { sink: fb })).client
    await until('ExtendedDesktopSize', () => client.features.extendedDesktopSize)
  })
  afterAll(async () => {
    client?.close()
    await server?.stop()
  })

  it('two local monitors become two Xvnc monitors, and the session follows the new size', async () => {
    expect(xMonitors(server)).toEqual([{ x: 0, y: 0, width: 1024, height: 768 }])
    expect(TWO_MONITORS).toEqual({
      width: 2560,
      height: 1024,
      screens: [
        { x: 0, y: 0, width: 1280, height: 1024 },
        { x: 1280, y: 0, width: 1280, height: 1024 },
      ],
    })
    const firstId = client.features.screens[0].id
    let pixelsAfter = 0
    await client.resizeDesktop(TWO_MONITORS.width, TWO_MONITORS.height, TWO_MONITORS.screens)
    client.on('update', (u) => (pixelsAfter += u.pixels))
    expect([client.width, client.height, fb.width, fb.height]).toEqual([2560, 1024, 2560, 1024])
    // The server's own layout, from its ExtendedDesktopSize answer: the first screen kept its id.
    expect(client.features.screens.map(({ x, y, width, height }) => ({ x, y, width, height })).sort(byPosition)).toEqual(TWO_MONITORS.screens)
    expect(client.features.screens.find((s) => s.x === 0)?.id).toBe(firstId)
    expect(xMonitors(server)).toEqual(TWO_MONITORS.screens)
    // After a resize the whole new picture is asked for and sent.
    await until('the whole resized picture', () => pixelsAfter >= 2560 * 1024)
  })

  it('a stacked layout with a smaller monitor, then back to one screen', async () => {
    const stacked = monitorLayout([
      { bounds: { x: 0, y: 0, width: 1920, height: 1080 }, primary: true },
      { bounds: { x: 320, y: 1080, width: 1280, height: 720 }, primary: false },
    ])!
    expect(stacked).toMatchObject({ width: 1920, height: 1800 })
    await client.resizeDesktop(stacked.width, stacked.height, stacked.screens)
    expect(xMonitors(server)).toEqual(stacked.screens)
    await client.resizeDesktop(1024, 768)
    expect([client.width, client.height]).toEqual([1024, 768])
    expect(xMonitors(server)).toEqual([{ x: 0, y: 0, width: 1024, height: 768 }])
  })
})

describe.skipIf(!serverAvailable('tigervnc') || !xrandrAvailable)('session.resize with screens through the host, against TigerVNC', () => {
  let dir: string
  let host: Host
  let server: RunningServer | undefined
  const states: HostEvents['session.state'][] = []

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-multiscreen-'))
    host = (await createHost({ dataDir: dir, log: () => {} })).host
    host.on('session.state', (p) => states.push(p))
  })
  afterEach(async () => {
    await host.shutdown()
    await server?.stop()
    server = undefined
    states.length = 0
    rmSync(dir, { recursive: true, force: true })
  })

  async function open(s: RunningServer): Promise<string> {
    // SetDesktopSize is offered once the server has shown ExtendedDesktopSize, in its first update.
    const framed = new Set<string>()
    host.on('session.frame', (b) => framed.add(b.sessionId))
    const { sessionId } = (await host.handle('session.open', { address: `${s.host}::${s.port}` })) as { sessionId: string }
    await until('the first picture', () => framed.has(sessionId))
    return sessionId
  }

  const refusal = (arg: unknown): Promise<unknown> =>
    host.handle('session.resize', arg).then(
      () => null,
      (e: unknown) => (e as { error?: unknown }).error ?? e,
    )

  it('lays the remote out as the monitors, reports the new size, and refuses a desktop too large', async () => {
    server = await startServer('tigervnc', { width: 800, height: 600 })
    const sessionId = await open(server)
    await host.handle('session.resize', { sessionId, ...TWO_MONITORS })
    expect(xMonitors(server)).toEqual(TWO_MONITORS.screens)
    await until('the new size in the session info', () => states.some((p) => p.sessionId === sessionId && p.info?.width === 2560 && p.info.height === 1024))
    // 16384x16384 passes the request schema but is over the engine's 64 Mpixel limit: refused before it goes out.
    const tooLarge = { sessionId, width: 16384, height: 16384, screens: [{ x: 0, y: 0, width: 16384, height: 16384 }] }
    expect(await refusal(tooLarge)).toMatchObject({
      kind: 'unsupported',
      code: 'RFB_ERR_RESIZE_LAYOUT',
      message: expect.stringContaining('exceeds the limits'),
    })
    const outside = { sessionId, width: 2000, height: 1024, screens: TWO_MONITORS.screens }
    expect(await refusal(outside)).toMatchObject({ code: 'RFB_ERR_RESIZE_LAYOUT', message: expect.stringContaining('reaches outside the desktop') })
    // Nothing was sent for either: the server still shows the two monitors, and the session goes on.
    expect(xMonitors(server)).toEqual(TWO_MONITORS.screens)
    expect(states.filter((p) => p.sessionId === sessionId).at(-1)?.state).toBe('connected')
  })

  it("reports the server's refusal in words, and the session goes on", async () => {
    server = await startServer('tigervnc', { width: 800, height: 600, extraArgs: ['-AcceptSetDesktopSize=0'] })
    const sessionId = await open(server)
    expect(await refusal({ sessionId, ...TWO_MONITORS })).toMatchObject({
      kind: 'refused',
      code: 'RFB_ERR_RESIZE_REFUSED',
      message: 'the server refused the new desktop size: the server does not allow resizing',
    })
    expect(xMonitors(server)).toEqual([{ x: 0, y: 0, width: 800, height: 600 }])
    await host.handle('session.refresh', { sessionId })
    expect(states.filter((p) => p.sessionId === sessionId).at(-1)?.state).toBe('connected')
  })
})
