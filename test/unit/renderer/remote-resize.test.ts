import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick, reactive, ref } from 'vue'
import { REMOTE_RESIZE_SETTLE_MS, useRemoteResize } from '../../../src/renderer/src/composables/remote-resize'
import type { MonitorEnv } from '../../../src/renderer/src/lib/local-monitors'
import type { ScalingMode } from '../../../src/shared/profile'
import { inScope } from './scope'

function setup(mode: ScalingMode = 'remote', answer: () => Promise<void> = () => Promise.resolve()) {
  const box = reactive({ width: 800, height: 600 })
  const fb = reactive({ width: 1024, height: 768 })
  const scaling = ref<ScalingMode>(mode)
  const asked: Array<[number, number]> = []
  const refusals: unknown[] = []
  const { value, stop } = inScope(() =>
    useRemoteResize({
      box,
      fb,
      scaling: () => scaling.value,
      request: (w, h) => {
        asked.push([w, h])
        return answer()
      },
      refused: (e) => refusals.push(e),
    }),
  )
  return { box, fb, scaling, asked, refusals, resize: value, stop }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('useRemoteResize', () => {
  it('asks once the viewport has kept its size for a moment, in whole pixels', async () => {
    const { box, asked } = setup()
    box.width = 700.6
    await nextTick()
    vi.advanceTimersByTime(REMOTE_RESIZE_SETTLE_MS / 2)
    box.height = 500.2
    await nextTick()
    vi.advanceTimersByTime(REMOTE_RESIZE_SETTLE_MS - 1)
    expect(asked).toEqual([])
    vi.advanceTimersByTime(1)
    expect(asked).toEqual([[700, 500]])
  })

  it('asks at once on request(0), and not when the desktop already has the viewport size', () => {
    const { fb, asked, resize } = setup()
    resize.request(0)
    vi.advanceTimersByTime(0)
    expect(asked).toEqual([[800, 600]])
    fb.width = 800
    fb.height = 600
    resize.request(0)
    vi.advanceTimersByTime(0)
    expect(asked).toHaveLength(1)
  })

  it('asks nothing outside the "remote" scaling mode, nor for an empty viewport', async () => {
    const { box, asked, resize } = setup('fit')
    box.width = 640
    await nextTick()
    resize.request(0)
    vi.advanceTimersByTime(REMOTE_RESIZE_SETTLE_MS)
    expect(asked).toEqual([])
    const other = setup()
    other.box.width = 0
    await nextTick()
    vi.advanceTimersByTime(REMOTE_RESIZE_SETTLE_MS)
    expect(other.asked).toEqual([])
    other.stop()
  })

  it('asks at once when the user switches to "remote"', async () => {
    const { scaling, asked } = setup('fit')
    scaling.value = 'remote'
    await nextTick()
    vi.advanceTimersByTime(0)
    expect(asked).toEqual([[800, 600]])
  })

  it('says a refusal once, however often the server refuses', async () => {
    const { box, refusals } = setup('remote', () => Promise.reject(new Error('SetDesktopSize not supported')))
    for (const width of [700, 600, 500]) {
      box.width = width
      await nextTick()
      await vi.advanceTimersByTimeAsync(REMOTE_RESIZE_SETTLE_MS)
    }
    expect(refusals).toEqual([new Error('SetDesktopSize not supported')])
  })

  it('"Match my monitors" asks for the monitors the window spans, in any scaling mode, and passes a refusal on', async () => {
    const calls: unknown[][] = []
    let answer: Promise<void> = Promise.resolve()
    const displays = [
      { id: 1, bounds: { x: 0, y: 0, width: 1280, height: 1024 }, workArea: { x: 0, y: 0, width: 1280, height: 1024 }, scaleFactor: 1, primary: true },
      { id: 2, bounds: { x: 1280, y: 0, width: 1280, height: 1024 }, workArea: { x: 1280, y: 0, width: 1280, height: 1024 }, scaleFactor: 1, primary: false },
    ]
    const env: MonitorEnv = {
      tesseraShell: { request: (async () => displays) as never },
      screen: { width: 1280, height: 1024 },
      screenX: 0,
      screenY: 0,
      outerWidth: 2560,
      outerHeight: 1024,
    }
    const { value: resize, stop } = inScope(() =>
      useRemoteResize({
        box: reactive({ width: 2560, height: 1024 }),
        fb: reactive({ width: 1024, height: 768 }),
        scaling: () => 'fit',
        request: (...args) => {
          calls.push(args)
          return answer
        },
        refused: () => {},
        env: () => env,
      }),
    )
    await resize.matchMonitors()
    expect(calls).toEqual([
      [
        2560,
        1024,
        [
          { x: 0, y: 0, width: 1280, height: 1024 },
          { x: 1280, y: 0, width: 1280, height: 1024 },
        ],
      ],
    ])
    answer = Promise.reject(new Error('the server refused the new desktop size'))
    await expect(resize.matchMonitors()).rejects.toThrow('the server refused the new desktop size')
    stop()
  })

  it('after spreading over every monitor, lays the remote out as them once the window keeps still, in "remote" scaling only', async () => {
    const env: MonitorEnv = { screen: { width: 1280, height: 1024 }, screenX: 0, screenY: 0, outerWidth: 2560, outerHeight: 1024 }
    env.getScreenDetails = async () => ({
      screens: [
        { left: 0, top: 0, width: 1280, height: 1024, isPrimary: true },
        { left: 1280, top: 0, width: 1280, height: 1024, isPrimary: false },
      ],
    })
    const calls: unknown[][] = []
    const box = reactive({ width: 800, height: 600 })
    const scaling = ref<ScalingMode>('fit')
    const { value: resize, stop } = inScope(() =>
      useRemoteResize({
        box,
        fb: reactive({ width: 800, height: 600 }),
        scaling: () => scaling.value,
        request: async (...args) => void calls.push(args),
        refused: () => {},
        env: () => env,
      }),
    )
    resize.matchMonitorsWhenSettled()
    await vi.advanceTimersByTimeAsync(REMOTE_RESIZE_SETTLE_MS)
    expect(calls).toEqual([])
    scaling.value = 'remote'
    await nextTick()
    await vi.advanceTimersByTimeAsync(0)
    calls.length = 0
    resize.matchMonitorsWhenSettled()
    box.width = 2560
    box.height = 1024
    await nextTick()
    await vi.advanceTimersByTimeAsync(REMOTE_RESIZE_SETTLE_MS)
    expect(calls).toEqual([
      [
        2560,
        1024,
        [
          { x: 0, y: 0, width: 1280, height: 1024 },
          { x: 1280, y: 0, width: 1280, height: 1024 },
        ],
      ],
    ])
    stop()
  })

  it('drops a pending request when its owner goes away', async () => {
    const { box, asked, stop } = setup()
    box.width = 640
    await nextTick()
    stop()
    vi.advanceTimersByTime(REMOTE_RESIZE_SETTLE_MS)
    expect(asked).toEqual([])
  })
})
