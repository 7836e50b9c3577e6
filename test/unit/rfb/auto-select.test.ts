import { describe, expect, it } from 'vitest'
import { AutoSelect } from '../../../src/main/rfb/auto-select'

/** Feeds `n` one-second samples at `bps`; returns the last choice. */
function run(a: AutoSelect, bps: number, n = 50, latencyMs = 5) {
  for (let i = 0; i < n; i++) a.sample({ bytes: Math.round(bps / 8), transferMs: 1000, latencyMs })
  return a.current
}

describe('AutoSelect', () => {
  it('starts at quality 8 in full colour, like TigerVNC', () => {
    expect(new AutoSelect().current).toEqual({ quality: 8, pixelFormat: 'rgb888' })
  })

  it('steps quality with throughput', () => {
    expect(run(new AutoSelect(), 100e6).quality).toBeNull()
    expect(run(new AutoSelect(), 30e6).quality).toBe(8)
    expect(run(new AutoSelect(), 10e6).quality).toBe(7)
    expect(run(new AutoSelect(), 3e6).quality).toBe(5)
    expect(run(new AutoSelect(), 500e3).quality).toBe(3)
  })

  it('drops to 16 then 8 bpp on slow links and comes back with margin', () => {
    const a = new AutoSelect()
    expect(run(a, 150e3).pixelFormat).toBe('rgb565')
    expect(run(a, 50e3).pixelFormat).toBe('bgr233')
    // Just over the 16 bpp boundary is not enough to switch back.
    expect(run(a, 100e3).pixelFormat).toBe('bgr233')
    expect(run(a, 2e6).pixelFormat).toBe('rgb888')
  })

  it('lowers quality one step on long round trips', () => {
    expect(run(new AutoSelect(), 10e6, 50, 300).quality).toBe(6)
    // A fast link far away still uses JPEG: every update pays the round trip, so keep them small.
    expect(run(new AutoSelect(), 100e6, 50, 300).quality).toBe(7)
  })

  it('ignores tiny updates when estimating bandwidth', () => {
    const a = new AutoSelect()
    for (let i = 0; i < 50; i++) a.sample({ bytes: 100, transferMs: 1000, latencyMs: 5 })
    expect(a.bitsPerSecond).toBe(20e6)
  })

  it('reports a change once, not on every sample', () => {
    const a = new AutoSelect()
    let changes = 0
    for (let i = 0; i < 60; i++) if (a.sample({ bytes: 6000, transferMs: 1000, latencyMs: 5 })) changes++
    expect(changes).toBeLessThanOrEqual(8)
    expect(a.current.pixelFormat).toBe('bgr233')
  })
})
