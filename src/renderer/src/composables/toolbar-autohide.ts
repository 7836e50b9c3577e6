import { type Ref, onScopeDispose, readonly, ref } from 'vue'

/** How long the toolbar stays after it was shown. */
export const TOOLBAR_HIDE_MS = 2000
/** How long the toolbar stays after the pointer left it. */
export const TOOLBAR_HIDE_AFTER_LEAVE_MS = 800
/** The strip at the top of the screen that brings the toolbar back, in CSS pixels. */
export const TOOLBAR_EDGE_PX = 3

/** The toolbar's auto-hide in full screen. */
export interface ToolbarAutoHide {
  /** Whether the toolbar is shown (always, outside full screen). */
  shown: Readonly<Ref<boolean>>
  /** Shows the toolbar and starts the hide delay. */
  show(): void
  /** Hides the toolbar after `delay` ms, unless it is hovered or `busy()` then, or full screen has ended. */
  scheduleHide(delay?: number): void
  /** The pointer entered (true) or left (false) the toolbar. */
  hover(over: boolean): void
  /** The pointer moved to `clientY`: the top edge brings the hidden toolbar back. */
  pointerAt(clientY: number): void
  /** Full screen was entered (shows the toolbar and starts the delay) or left (shown for good). */
  fullscreenChanged(): void
}

/**
 * In full screen the toolbar floats over the picture and slides away after a while; it stays
 * while the pointer is over it or `busy()` says a menu or panel of it is open.
 */
export function useToolbarAutoHide(fullscreen: Readonly<Ref<boolean>>, busy: () => boolean): ToolbarAutoHide {
  const shown = ref(true)
  let hovered = false
  let timer: ReturnType<typeof setTimeout> | null = null

  function scheduleHide(delay = TOOLBAR_HIDE_MS): void {
    if (timer) clearTimeout(timer)
    timer = null
    if (!fullscreen.value) return
    timer = setTimeout(() => {
      if (fullscreen.value && !hovered && !busy()) shown.value = false
    }, delay)
  }

  function show(): void {
    shown.value = true
    scheduleHide()
  }

  function fullscreenChanged(): void {
    if (fullscreen.value) return show()
    shown.value = true
    if (timer) clearTimeout(timer)
  }

  onScopeDispose(() => {
    if (timer) clearTimeout(timer)
  })

  return {
    shown: readonly(shown),
    show,
    scheduleHide,
    hover(over) {
      hovered = over
      if (!over) scheduleHide(TOOLBAR_HIDE_AFTER_LEAVE_MS)
    },
    pointerAt(clientY) {
      if (fullscreen.value && !shown.value && clientY <= TOOLBAR_EDGE_PX) show()
    },
    fullscreenChanged,
  }
}
