import { describe, expect, it } from 'vitest'
import type { DisplayInfo } from '../../../src/shared/contract'
import {
  type FullscreenMonitor,
  type FullscreenMonitorEnv,
  fullscreenChoices,
  listFullscreenMonitors,
  sortMonitors,
} from '../../../src/renderer/src/lib/fullscreen-monitors'

const left: FullscreenMonitor = { x: -1920, y: 0, width: 1920, height: 1080, primary: false }
const main: FullscreenMonitor = { x: 0, y: 0, width: 2560, height: 1440, primary: true }

describe('fullscreenChoices', () => {
  it('names each monitor plainly, in order, then "All monitors" where the window can span them', () => {
    expect(fullscreenChoices([left, main], true)).toEqual([
      { label: 'Monitor 1, 1920×1080', target: { monitor: 0 } },
      { label: 'Monitor 2 (primary), 2560×1440', target: { monitor: 1 } },
      { label: 'All monitors', target: { all: true } },
    ])
  })

  it('leaves "All monitors" out in a browser, which cannot span them', () => {
    expect(fullscreenChoices([left, main], false).map((c) => c.label)).toEqual(['Monitor 1, 1920×1080', 'Monitor 2 (primary), 2560×1440'])
  })

  it('offers nothing with one monitor or none: plain full screen covers it', () => {
    expect(fullscreenChoices([main], true)).toEqual([])
    expect(fullscreenChoices([], true)).toEqual([])
  })
})

describe('sortMonitors', () => {
  it('numbers left to right, then top to bottom, whatever order the OS lists them in', () => {
    const below = { ...main, y: 1440, primary: false }
    expect(sortMonitors([below, main, left])).toEqual([left, main, below])
  })
})

describe('listFullscreenMonitors', () => {
  const display = (id: number, x: number, primary: boolean): DisplayInfo => ({
    id,
    bounds: { x, y: 0, width: 1280, height: 1024 },
    workArea: { x, y: 0, width: 1280, height: 990 },
    scaleFactor: 1,
    primary,
  })

  it("lists the shell's displays in the app, sorted, each with the id the shell knows it by", async () => {
    const env: FullscreenMonitorEnv = { tesseraShell: { request: (async () => [display(7, 1280, false), display(3, 0, true)]) as never }, screen: {} }
    expect(await listFullscreenMonitors(env, false)).toEqual({
      monitors: [
        { x: 0, y: 0, width: 1280, height: 1024, primary: true, displayId: 3 },
        { x: 1280, y: 0, width: 1280, height: 1024, primary: false, displayId: 7 },
      ],
      mustAsk: false,
    })
  })

  const screens = [
    { left: 1280, top: 0, width: 1280, height: 1024, isPrimary: false },
    { left: 0, top: 0, width: 1280, height: 1024, isPrimary: true },
  ]
  const browser = (state: PermissionState | 'broken', isExtended = true): FullscreenMonitorEnv & { asked: number } => {
    const env = {
      asked: 0,
      screen: { isExtended },
      permission: async () => {
        if (state === 'broken') throw new Error('unknown permission')
        return state
      },
      getScreenDetails: async () => {
        env.asked++
        if (state === 'denied') throw new DOMException('Permission denied', 'NotAllowedError')
        return { screens }
      },
    }
    return env
  }

  it('in a browser, lists the screens with the objects full screen is asked for, once the permission is granted', async () => {
    const env = browser('granted')
    const { monitors, mustAsk } = await listFullscreenMonitors(env, false)
    expect(mustAsk).toBe(false)
    expect(monitors.map((m) => [m.x, m.primary, m.screen])).toEqual([
      [0, true, screens[1]],
      [1280, false, screens[0]],
    ])
  })

  it('does not make the browser ask the user by itself: it says the menu must offer to, and asks when told to', async () => {
    for (const state of ['prompt', 'broken'] as const) {
      const env = browser(state)
      expect(await listFullscreenMonitors(env, false)).toEqual({ monitors: [], mustAsk: true })
      expect(env.asked).toBe(0)
    }
    const env = browser('prompt')
    expect((await listFullscreenMonitors(env, true)).monitors).toHaveLength(2)
  })

  it('lists none when the permission is refused, with one screen, or without the API', async () => {
    expect(await listFullscreenMonitors(browser('denied'), false)).toEqual({ monitors: [], mustAsk: false })
    expect(await listFullscreenMonitors(browser('denied'), true)).toEqual({ monitors: [], mustAsk: false })
    const single = browser('granted', false)
    expect(await listFullscreenMonitors(single, false)).toEqual({ monitors: [], mustAsk: false })
    expect(single.asked).toBe(0)
    expect(await listFullscreenMonitors({ screen: { isExtended: true } }, true)).toEqual({ monitors: [], mustAsk: false })
  })
})
