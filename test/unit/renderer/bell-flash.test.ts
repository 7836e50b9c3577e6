import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick, ref } from 'vue'
import { BELL_FLASH_MS, useBellFlash } from '../../../src/renderer/src/composables/bell-flash'
import { inScope } from './scope'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('useBellFlash', () => {
  it('flashes for a moment on each bell, a new bell restarting the flash', async () => {
    const bells = ref(0)
    const { value: flashing, stop } = inScope(() => useBellFlash(() => bells.value))
    expect(flashing.value).toBe(false)
    bells.value++
    await nextTick()
    expect(flashing.value).toBe(true)
    vi.advanceTimersByTime(BELL_FLASH_MS - 50)
    bells.value++
    await nextTick()
    vi.advanceTimersByTime(BELL_FLASH_MS - 1)
    expect(flashing.value).toBe(true)
    vi.advanceTimersByTime(1)
    expect(flashing.value).toBe(false)
    stop()
  })

  it('does not flash when the count is reset for a new session', async () => {
    const bells = ref(3)
    const { value: flashing, stop } = inScope(() => useBellFlash(() => bells.value))
    bells.value = 0
    await nextTick()
    expect(flashing.value).toBe(false)
    stop()
  })
})
