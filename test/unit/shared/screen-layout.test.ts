import { describe, expect, it } from 'vitest'
import { MAX_FRAMEBUFFER_PIXELS, MAX_FRAMEBUFFER_SIDE } from '../../../src/main/rfb/handshake'
import { MAX_REMOTE_PIXELS, MAX_REMOTE_SCREENS, MAX_REMOTE_SIDE, type MonitorBounds, displaysUnion, monitorLayout } from '../../../src/shared/screen-layout'

const monitor = (x: number, y: number, width: number, height: number, primary = false): MonitorBounds => ({ bounds: { x, y, width, height }, primary })

describe('displaysUnion', () => {
  it('covers every monitor, left of and above the origin too', () => {
    expect(displaysUnion([monitor(0, 0, 1920, 1080), monitor(-1280, -200, 1280, 1024)])).toEqual({ x: -1280, y: -200, width: 3200, height: 1280 })
  })

  it('is null without monitors', () => {
    expect(displaysUnion([])).toBeNull()
  })
})

describe('monitorLayout', () => {
  it('gives one monitor the usual single-screen layout', () => {
    expect(monitorLayout([monitor(100, 50, 1920, 1080, true)])).toEqual({ width: 1920, height: 1080, screens: [{ x: 0, y: 0, width: 1920, height: 1080 }] })
  })

  it('puts two monitors side by side, the union starting at (0,0)', () => {
    expect(monitorLayout([monitor(0, 0, 1280, 1024, true), monitor(1280, 0, 1280, 1024)])).toEqual({
      width: 2560,
      height: 1024,
      screens: [
        { x: 0, y: 0, width: 1280, height: 1024 },
        { x: 1280, y: 0, width: 1280, height: 1024 },
      ],
    })
  })

  it('moves a monitor left of the primary to x 0 and keeps the primary first', () => {
    const layout = monitorLayout([monitor(-1280, 200, 1280, 1024), monitor(0, 0, 1920, 1080, true)])
    expect(layout).toEqual({
      width: 3200,
      height: 1224,
      screens: [
        { x: 1280, y: 0, width: 1920, height: 1080 },
        { x: 0, y: 200, width: 1280, height: 1024 },
      ],
    })
  })

  it('orders the other monitors top to bottom, then left to right', () => {
    const layout = monitorLayout([monitor(800, 600, 800, 600), monitor(0, 600, 800, 600), monitor(800, 0, 800, 600), monitor(0, 0, 800, 600, true)])
    expect(layout?.screens.map((s) => [s.x, s.y])).toEqual([
      [0, 0],
      [800, 0],
      [0, 600],
      [800, 600],
    ])
  })

  it('counts mirrored monitors once and skips monitors without an area', () => {
    const layout = monitorLayout([monitor(0, 0, 1920, 1080, true), monitor(0, 0, 1920, 1080), monitor(1920, 0, 0, 1080)])
    expect(layout).toEqual({ width: 1920, height: 1080, screens: [{ x: 0, y: 0, width: 1920, height: 1080 }] })
  })

  it('is null without monitors', () => {
    expect(monitorLayout([])).toBeNull()
    expect(monitorLayout([monitor(0, 0, 0, 0)])).toBeNull()
  })

  it('multiplies by a scale factor, rounding edges so touching monitors still touch', () => {
    const layout = monitorLayout([monitor(0, 0, 1367, 768, true), monitor(1367, 0, 1367, 768)], 1.5)
    expect(layout).toEqual({
      width: 4101,
      height: 1152,
      screens: [
        { x: 0, y: 0, width: 2051, height: 1152 },
        { x: 2051, y: 0, width: 2050, height: 1152 },
      ],
    })
  })

  it('refuses a scale that is not a positive number', () => {
    for (const scale of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => monitorLayout([monitor(0, 0, 10, 10)], scale), String(scale)).toThrow(RangeError)
  })

  it('shrinks a union wider than the servers take, keeping the screens adjacent and in proportion', () => {
    const row = Array.from({ length: 5 }, (_, i) => monitor(i * 3840, 0, 3840, 2160, i === 0))
    const layout = monitorLayout(row)!
    expect(layout.width).toBeLessThanOrEqual(MAX_REMOTE_SIDE)
    expect(layout.width).toBeGreaterThan(MAX_REMOTE_SIDE - 5)
    expect(layout.height).toBe(Math.round((2160 * layout.width) / (5 * 3840)))
    for (let i = 1; i < 5; i++) expect(layout.screens[i].x, `screen ${i}`).toBe(layout.screens[i - 1].x + layout.screens[i - 1].width)
    expect(layout.screens[4].x + layout.screens[4].width).toBe(layout.width)
  })

  it('shrinks a union with too many pixels in all', () => {
    const grid = [monitor(0, 0, 8000, 8000, true), monitor(8000, 0, 8000, 8000), monitor(0, 8000, 8000, 8000), monitor(8000, 8000, 8000, 8000)]
    const layout = monitorLayout(grid)!
    expect(layout.width * layout.height).toBeLessThanOrEqual(MAX_REMOTE_PIXELS)
    expect(layout.width * layout.height).toBeGreaterThan(MAX_REMOTE_PIXELS * 0.99)
    expect(layout.screens).toHaveLength(4)
  })

  it(`keeps at most ${MAX_REMOTE_SCREENS} screens, every one inside the desktop`, () => {
    const many = Array.from({ length: 20 }, (_, i) => monitor((i % 5) * 1000, Math.floor(i / 5) * 700, 1000, 700, i === 7))
    const layout = monitorLayout(many)!
    expect(layout.screens).toHaveLength(MAX_REMOTE_SCREENS)
    expect(layout.screens[0]).toEqual({ x: 2000, y: 700, width: 1000, height: 700 })
    for (const s of layout.screens) {
      expect(s.x + s.width).toBeLessThanOrEqual(layout.width)
      expect(s.y + s.height).toBeLessThanOrEqual(layout.height)
    }
  })

  it('uses the same limits as the engine', () => {
    expect([MAX_REMOTE_SIDE, MAX_REMOTE_PIXELS]).toEqual([MAX_FRAMEBUFFER_SIDE, MAX_FRAMEBUFFER_PIXELS])
  })
})
