import { type Ref, type ShallowRef, onBeforeUnmount, onScopeDispose, readonly, ref } from 'vue'
import { useEventListener } from './event-listener'

/** How long the toolbar stays after it was shown, and after the pointer left it. */
export const TOOLBAR_HIDE_MS = 2000
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

// The Keyboard Lock API (Chromium only, not in TypeScript's DOM types yet).
type KeyboardLock = { lock?: (codes?: string[]) => Promise<void>; unlock?: () => void }

/** What full screen tells its owner. */
export interface FullscreenEvents {
  /** Full screen was entered or left (by Tessera, Esc or the browser); `fullscreen` is already updated. */
  changed(): void
  /** The toggle worked: the owner gives focus back where it belongs. */
  toggled(): void
  /** The browser refused full screen. */
  failed(error: unknown): void
}

/** Full screen of one element. */
export interface Fullscreen {
  /** Whether `root` is the full-screen element. */
  fullscreen: Readonly<Ref<boolean>>
  /** Enters full screen, or leaves it if any element is full screen. */
  toggle(): Promise<void>
  /** Leaves full screen, if any; never fails. */
  exit(): Promise<void>
}

/**
 * Full screen of `root` while the component is mounted, left on unmount. In full screen the
 * keyboard is locked, so keys the browser would keep (Ctrl+W, Esc...) go to the server.
 */
export function useFullscreen(root: Readonly<ShallowRef<HTMLElement | null>>, events: FullscreenEvents): Fullscreen {
  const fullscreen = ref(false)

  async function toggle(): Promise<void> {
    try {
      if (document.fullscreenElement) await document.exitFullscreen()
      else await root.value?.requestFullscreen({ navigationUI: 'hide' })
      events.toggled()
    } catch (e) {
      events.failed(e)
    }
  }

  async function exit(): Promise<void> {
    if (document.fullscreenElement) await document.exitFullscreen().catch(() => {})
  }

  useEventListener(document, 'fullscreenchange', () => {
    fullscreen.value = document.fullscreenElement === root.value
    const kb = (navigator as Navigator & { keyboard?: KeyboardLock }).keyboard
    // Alt+Tab stays the OS's whatever we do.
    if (fullscreen.value) kb?.lock?.().catch(() => {})
    else kb?.unlock?.()
    events.changed()
  })
  onBeforeUnmount(() => void exit())

  return { fullscreen: readonly(fullscreen), toggle, exit }
}
