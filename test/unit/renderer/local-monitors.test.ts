import { describe, expect, it } from 'vitest'
import type { DisplayInfo } from '../../../src/shared/contract'
import { type MonitorEnv, localMonitors, monitorsLayout, spansMonitors } from '../../../src/renderer/src/lib/local-monitors'

const display = (id: number, x: number, y: number, width: number, height: number, primary = false): DisplayInfo => ({
  id,
  bounds: { x, y, width, height },
  workArea: { x, y, width, height: height - 40 },
  scaleFactor: 1,
  primary,
})

const LEFT = display(1, 0, 0, 1280, 1024, true)
const RIGHT = display(2, 1280, 0, 1280, 1024)

/** A page with the window at `win` on a 1280x1024 screen, and whatever APIs `extra` adds. */
function env(win: [number, number, number, number], extra: Partial<MonitorEnv> = {}): MonitorEnv {
  const [screenX, screenY, outerWidth, outerHeight] = win
  return { screen: { width: 1280, height: 1024 }, screenX, screenY, outerWidth, outerHeight, ...extra }
}

const shellWith = (displays: DisplayInfo[]): Pick<MonitorEnv, 'tesseraShell'> => {
  return {
    tesseraShell: {
      request: (async (name: string) => {
        if (name !== 'shell.displays') throw new Error(`unexpected ${name}`)
        return displays
      }) as never,
    },
  }
}

describe('spansMonitors', () => {
  it('is true for a window wider or taller than its screen, unless the browser says there is one screen', () => {
    expect(spansMonitors(env([0, 0, 2560, 1024]))).toBe(true)
    expect(spansMonitors(env([0, 0, 1280, 2048]))).toBe(true)
    expect(spansMonitors(env([0, 0, 1280, 1024]))).toBe(false)
    expect(spansMonitors(env([0, 0, 2560, 1024], { screen: { width: 1280, height: 1024, isExtended: false } }))).toBe(false)
  })
})

describe('localMonitors', () => {
  it('asks the Electron shell for its displays', async () => {
    expect(await localMonitors(env([0, 0, 100, 100], shellWith([LEFT, RIGHT])))).toEqual([LEFT, RIGHT])
  })

  it('uses the Window Management API in a browser', async () => {
    const getScreenDetails = async () => ({
      screens: [
        { left: 0, top: 0, width: 1920, height: 1080, isPrimary: false },
        { left: -1280, top: 0, width: 1280, height: 1024, isPrimary: true },
      ],
    })
    expect(await localMonitors(env([0, 0, 100, 100], { getScreenDetails }))).toEqual([
      { bounds: { x: 0, y: 0, width: 1920, height: 1080 }, primary: false },
      { bounds: { x: -1280, y: 0, width: 1280, height: 1024 }, primary: true },
    ])
  })

  it('falls back to the one screen when the user refuses the permission, or without the API', async () => {
    const refused = async (): Promise<never> => {
      throw new DOMException('Permission denied', 'NotAllowedError')
    }
    const one = [{ bounds: { x: 0, y: 0, width: 1280, height: 1024 }, primary: true }]
    expect(await localMonitors(env([0, 0, 100, 100], { getScreenDetails: refused }))).toEqual(one)
    expect(await localMonitors(env([0, 0, 100, 100]))).toEqual(one)
  })
})

describe('monitorsLayout', () => {
  it('lays out every monitor a window across all of them covers', async () => {
    expect(await monitorsLayout(env([0, 0, 2560, 1024], shellWith([LEFT, RIGHT])))).toEqual({
      width: 2560,
      height: 1024,
      screens: [
        { x: 0, y: 0, width: 1280, height: 1024 },
        { x: 1280, y: 0, width: 1280, height: 1024 },
      ],
    })
  })

  it('leaves out a monitor the window frame only reaches into', async () => {
    const third = display(3, 2560, 0, 1920, 1080)
    const layout = await monitorsLayout(env([1272, -8, 1296, 1040], shellWith([LEFT, RIGHT, third])))
    expect(layout).toEqual({ width: 1280, height: 1024, screens: [{ x: 0, y: 0, width: 1280, height: 1024 }] })
  })

  it('takes the monitor a small window overlaps most, and all of them for a window on none', async () => {
    const onRight = await monitorsLayout(env([1200, 100, 400, 300], shellWith([LEFT, display(2, 1280, 0, 1920, 1080)])))
    expect(onRight?.width).toBe(1920)
    const nowhere = await monitorsLayout(env([9000, 9000, 400, 300], shellWith([LEFT, RIGHT])))
    expect(nowhere?.screens).toHaveLength(2)
  })
})
