import { type ShallowRef, onBeforeUnmount, onMounted, watch } from 'vue'
import { KeyboardInput, detectPlatform } from '../input/keyboard'
import type { ComboKey } from '../input/keysyms'
import { PointerInput, toFramebuffer } from '../input/pointer'
import type { SessionStore } from '../stores/session'
import { useEventListener } from './event-listener'

/** Tessera's own keys in a session, which never go to the server. */
export type LocalShortcut = 'menu' | 'fullscreen'

/** F8 (the session menu) and F11 (full screen), without modifiers; null for every other key. */
export function localShortcut(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey' | 'shiftKey'>): LocalShortcut | null {
  if (e.ctrlKey || e.altKey || e.metaKey || e.shiftKey) return null
  if (e.key === 'F8') return 'menu'
  if (e.key === 'F11') return 'fullscreen'
  return null
}

/**
 * F8 and F11 belong to Tessera wherever focus is in the session (window level, capture phase),
 * except while a dialog is open; auto-repeat is swallowed. With several tabs, only the one in
 * front (`active`) takes them.
 */
export function useLocalShortcuts(actions: Record<LocalShortcut, () => void>, active: () => boolean = () => true): void {
  useEventListener(
    window,
    'keydown',
    (e) => {
      const s = localShortcut(e)
      if (!s || !active() || document.querySelector('dialog[open]')) return
      e.preventDefault()
      e.stopPropagation()
      if (!e.repeat) actions[s]()
    },
    true,
  )
}

/** The canvas's keyboard and pointer handlers, and what the menu does with keys. */
export interface SessionInput {
  onKeydown(e: KeyboardEvent): void
  onKeyup(e: KeyboardEvent): void
  /** pointerdown, pointermove, pointerup and pointercancel. */
  onPointer(e: PointerEvent): void
  onWheel(e: WheelEvent): void
  onMouseUp(e: MouseEvent): void
  /** Releases every key and button the server believes held. */
  releaseAll(): void
  /** Presses and releases a key combination (Ctrl+Alt+Del, a function key). */
  sendCombo(keys: readonly ComboKey[]): void
}

/**
 * Keyboard and pointer on the canvas, sent to the session while input is allowed and its tab is
 * in front (`active`). Held keys and buttons are released whenever they could get stuck on the
 * server: the window loses focus or is hidden, the tab goes to the back, the session goes
 * view-only or leaves 'connected', the view unmounts.
 * `pointerDown` runs on every press (the view focuses the canvas and closes its menu).
 */
export function useSessionInput(
  canvas: Readonly<ShallowRef<HTMLCanvasElement | null>>,
  store: SessionStore,
  active: () => boolean,
  pointerDown: () => void,
): SessionInput {
  // Plain objects, not reactive: they hold per-event state.
  let keyboard: KeyboardInput | null = null
  let pointer: PointerInput | null = null

  function releaseAll(): void {
    keyboard?.releaseAll()
    pointer?.releaseAll()
  }

  function fbPosition(e: MouseEvent): { x: number; y: number } {
    const c = canvas.value!
    const r = c.getBoundingClientRect()
    return toFramebuffer(e.clientX, e.clientY, { left: r.left, top: r.top, width: r.width, height: r.height, fbWidth: c.width, fbHeight: c.height })
  }

  onMounted(() => {
    keyboard = new KeyboardInput((keysym, down, code) => (down ? store.sendKey(keysym, down, code) : store.sendKeyRelease(keysym, code)), detectPlatform())
    pointer = new PointerInput((buttons, x, y) => store.sendPointer(buttons, x, y, buttons === 0))
  })
  onBeforeUnmount(releaseAll)
  useEventListener(window, 'blur', releaseAll)
  useEventListener(document, 'visibilitychange', () => {
    if (document.visibilityState === 'hidden') releaseAll()
  })
  watch(
    () => store.viewOnly,
    (v) => v && releaseAll(),
  )
  watch(active, (a) => !a && releaseAll())
  const allowed = (): boolean => active() && store.inputAllowed()
  watch(
    () => store.phase,
    (phase, before) => {
      if (before === 'connected' && phase !== 'connected') releaseAll()
    },
  )
  // Each report of the server's lock LEDs, so Caps Lock and Num Lock can follow the local keyboard.
  watch(
    () => store.leds,
    (leds) => keyboard?.setServerLocks(leds),
  )

  return {
    onKeydown(e) {
      if (!keyboard || !allowed() || e.isComposing) return
      if (keyboard.keydown(e)) e.preventDefault()
    },
    onKeyup(e) {
      if (keyboard?.keyup(e)) e.preventDefault()
    },
    onPointer(e) {
      if (e.type === 'pointerdown') {
        pointerDown()
        if (allowed()) canvas.value?.setPointerCapture(e.pointerId)
      }
      if (!pointer || !allowed()) return
      const { x, y } = fbPosition(e)
      pointer.update(x, y, e.buttons)
      if (e.type !== 'pointermove') e.preventDefault()
    },
    onWheel(e) {
      if (!pointer || !allowed()) return
      e.preventDefault()
      const { x, y } = fbPosition(e)
      pointer.wheel(x, y, e.deltaX, e.deltaY, e.deltaMode)
    },
    onMouseUp(e) {
      // Back/forward buttons would navigate the page away.
      if (e.button === 3 || e.button === 4) e.preventDefault()
    },
    releaseAll,
    sendCombo: (keys) => keyboard?.sendCombo(keys),
  }
}
