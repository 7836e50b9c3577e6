import { afterEach, describe, expect, it, vi } from 'vitest'
import { trailingThrottle } from '../../../src/main/shell/trailing-throttle'

afterEach(() => {
  vi.useRealTimers()
})

describe('trailingThrottle (the application menu rebuilt on sessions.changed)', () => {
  it('runs at most once a second however often it is asked, and always once after the last ask', async () => {
    vi.useFakeTimers()
    let runs = 0
    const rebuild = trailingThrottle(() => runs++, 1_000)
    rebuild()
    expect(runs).toBe(1)
    // A server renaming its desktop every 150 ms for ten seconds (one coalesced sessions.changed each).
    for (let t = 0; t < 10_000; t += 150) {
      rebuild()
      await vi.advanceTimersByTimeAsync(150)
    }
    expect(runs).toBeGreaterThanOrEqual(10)
    expect(runs).toBeLessThanOrEqual(12)
    const before = runs
    rebuild()
    await vi.advanceTimersByTimeAsync(999)
    // The trailing run still comes: the menu ends up showing the last state.
    await vi.advanceTimersByTimeAsync(1_000)
    expect(runs).toBe(before + 1)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(runs).toBe(before + 1)
  })

  it('runs at once when the last run was long enough ago', async () => {
    vi.useFakeTimers()
    let runs = 0
    const rebuild = trailingThrottle(() => runs++, 1_000)
    rebuild()
    await vi.advanceTimersByTimeAsync(1_500)
    rebuild()
    expect(runs).toBe(2)
  })
})
