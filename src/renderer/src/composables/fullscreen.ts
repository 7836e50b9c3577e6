import { type Ref, type ShallowRef, onBeforeUnmount, readonly, ref } from 'vue'
import { useEventListener } from './event-listener'

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
