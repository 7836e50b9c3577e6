import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import { TOOLBAR_EDGE_PX, TOOLBAR_HIDE_AFTER_LEAVE_MS, TOOLBAR_HIDE_MS, useToolbarAutoHide } from '../../../src/renderer/src/composables/toolbar-autohide'
import { inScope } from './scope'

function setup() {
  const fullscreen = ref(false)
  const busy = ref(false)
  const { value: toolbar, stop } = inScope(() => useToolbarAutoHide(fullscreen, () => busy.value))
  const enter = (): void => {
    fullscreen.value = true
    toolbar.fullscreenChanged()
  }
  return { fullscreen, busy, toolbar, stop, enter }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('useToolbarAutoHide', () => {
  it('never hides the toolbar outside full screen', () => {
    const { toolbar } = setup()
    toolbar.show()
    toolbar.scheduleHide(0)
    toolbar.hover(false)
    vi.advanceTimersByTime(10 * TOOLBAR_HIDE_MS)
    expect(toolbar.shown.value).toBe(true)
  })

  it('hides it a while after full screen starts', () => {
    const { toolbar, enter } = setup()
    enter()
    vi.advanceTimersByTime(TOOLBAR_HIDE_MS - 1)
    expect(toolbar.shown.value).toBe(true)
    vi.advanceTimersByTime(1)
    expect(toolbar.shown.value).toBe(false)
  })

  it('keeps it while hovered, and hides it soon after the pointer leaves', () => {
    const { toolbar, enter } = setup()
    enter()
    toolbar.hover(true)
    vi.advanceTimersByTime(3 * TOOLBAR_HIDE_MS)
    expect(toolbar.shown.value).toBe(true)
    toolbar.hover(false)
    vi.advanceTimersByTime(TOOLBAR_HIDE_AFTER_LEAVE_MS)
    expect(toolbar.shown.value).toBe(false)
  })

  it('keeps it while its menu or panel is open', () => {
    const { toolbar, busy, enter } = setup()
    enter()
    busy.value = true
    vi.advanceTimersByTime(TOOLBAR_HIDE_MS)
    expect(toolbar.shown.value).toBe(true)
    busy.value = false
    toolbar.scheduleHide()
    vi.advanceTimersByTime(TOOLBAR_HIDE_MS)
    expect(toolbar.shown.value).toBe(false)
  })

  it('brings it back when the pointer reaches the top edge, and only there', () => {
    const { toolbar, enter } = setup()
    enter()
    vi.advanceTimersByTime(TOOLBAR_HIDE_MS)
    toolbar.pointerAt(TOOLBAR_EDGE_PX + 1)
    expect(toolbar.shown.value).toBe(false)
    toolbar.pointerAt(TOOLBAR_EDGE_PX)
    expect(toolbar.shown.value).toBe(true)
    // And hides it again after the usual delay.
    vi.advanceTimersByTime(TOOLBAR_HIDE_MS)
    expect(toolbar.shown.value).toBe(false)
  })

  it('restarts the delay each time it is shown', () => {
    const { toolbar, enter } = setup()
    enter()
    vi.advanceTimersByTime(TOOLBAR_HIDE_MS - 100)
    toolbar.show()
    vi.advanceTimersByTime(TOOLBAR_HIDE_MS - 100)
    expect(toolbar.shown.value).toBe(true)
    vi.advanceTimersByTime(100)
    expect(toolbar.shown.value).toBe(false)
  })

  it('shows it for good when full screen ends, even with a hide pending', () => {
    const { toolbar, fullscreen, enter } = setup()
    enter()
    vi.advanceTimersByTime(TOOLBAR_HIDE_MS)
    expect(toolbar.shown.value).toBe(false)
    fullscreen.value = false
    toolbar.fullscreenChanged()
    expect(toolbar.shown.value).toBe(true)
    enter()
    fullscreen.value = false
    toolbar.fullscreenChanged()
    vi.advanceTimersByTime(TOOLBAR_HIDE_MS)
    expect(toolbar.shown.value).toBe(true)
  })

  it('drops its timer when its owner goes away', () => {
    const { toolbar, enter, stop } = setup()
    enter()
    stop()
    vi.advanceTimersByTime(TOOLBAR_HIDE_MS)
    expect(toolbar.shown.value).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })
})
