import { type ShallowRef, nextTick } from 'vue'

/** The buttons that take focus when the remote screen cannot, best first: the status card's, then the toolbar's. */
const FALLBACK_TARGETS = ['.status .btn-primary', '.status .btn', '.toolbar .reconnect', '.toolbar .close', '.toolbar .disconnect']

/**
 * Where a session view puts keyboard focus, and only while its tab is `active`: `focusCanvas`
 * gives it to the remote screen (a panel or dialog closed). `focusForPhase`, after the session
 * changed state, sends it where it can act, never to the page: the remote screen while
 * `connected`, else the status card's main button (Reconnect once it ended, Cancel while
 * connecting), else the toolbar. Focus the user put elsewhere in the page stays.
 */
export function useSessionFocus(
  root: Readonly<ShallowRef<HTMLElement | null>>,
  canvas: Readonly<ShallowRef<HTMLCanvasElement | null>>,
  active: () => boolean,
  connected: () => boolean,
) {
  function focusCanvas(): void {
    if (!active()) return
    void nextTick(() => canvas.value?.focus({ preventScroll: true }))
  }

  function focusForPhase(): void {
    if (!active()) return
    void nextTick(() => {
      const el = root.value
      if (!el) return
      const at = document.activeElement
      if (at && at !== document.body && at !== canvas.value && document.contains(at) && !el.querySelector('.status')?.contains(at)) return
      if (connected()) return canvas.value?.focus({ preventScroll: true })
      for (const sel of FALLBACK_TARGETS) {
        const target = el.querySelector<HTMLElement>(sel)
        if (target) return target.focus({ preventScroll: true })
      }
    })
  }

  return { focusCanvas, focusForPhase }
}
