import { afterEach, describe, expect, it, vi } from 'vitest'
import { shallowRef } from 'vue'
import { useFullscreen } from '../../../src/renderer/src/composables/fullscreen'
import type { FullscreenMonitorEnv } from '../../../src/renderer/src/lib/fullscreen-monitors'
import type { DisplayInfo } from '../../../src/shared/contract'
import { inScope } from './scope'

const display = (id: number, x: number, primary: boolean): DisplayInfo => ({
  id,
  bounds: { x, y: 0, width: 1280, height: 1024 },
  workArea: { x, y: 0, width: 1280, height: 990 },
  scaleFactor: 1,
  primary,
})

/** The app's side: a shell that lists two displays and records what fullscreen it is asked for. */
function inApp() {
  const asked: unknown[] = []
  const events = { changed: vi.fn(), toggled: vi.fn(), failed: vi.fn(), spanned: vi.fn() }
  const env: FullscreenMonitorEnv = {
    screen: {},
    tesseraShell: {
      request: (async (name: string, arg: unknown) => {
        if (name === 'shell.displays') return [display(7, 1280, false), display(3, 0, true)]
        asked.push(arg)
      }) as never,
    },
  }
  // The page as the composable reads it: no element in full screen, a window filling a 1280x1024 screen.
  vi.stubGlobal('document', { fullscreenElement: null, addEventListener() {}, removeEventListener() {} })
  vi.stubGlobal('window', { innerWidth: 1280, innerHeight: 1024, screen: { width: 1280, height: 1024 }, addEventListener() {}, removeEventListener() {} })
  // Outside a component Vue warns that the mount/unmount hooks (the page's listeners) have no owner: expected here.
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  const { value, stop } = inScope(() => useFullscreen(shallowRef(null), events, () => env))
  return { fs: value, asked, events, stop }
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('useFullscreen in the app', () => {
  it('asks the shell for the chosen display by its id, or for every monitor, and turns it off again', async () => {
    const { fs, asked, events, stop } = inApp()
    await fs.loadMonitors()
    expect(fs.choices.value.map((c) => c.label)).toEqual(['Monitor 1 (primary), 1280×1024', 'Monitor 2, 1280×1024', 'All monitors'])
    await fs.enterOn({ monitor: 1 })
    expect(asked).toEqual([{ mode: 'display', displayId: 7 }])
    expect(fs.fullscreen.value).toBe(true)
    expect(events.spanned).not.toHaveBeenCalled()
    await fs.toggle()
    expect(asked.at(-1)).toEqual({ mode: 'off' })
    expect(fs.fullscreen.value).toBe(false)
    await fs.enterOn({ all: true })
    expect(asked.at(-1)).toEqual({ mode: 'all' })
    expect(events.spanned).toHaveBeenCalledTimes(1)
    expect(fs.fullscreen.value).toBe(true)
    expect(events.failed).not.toHaveBeenCalled()
    stop()
  })
})
