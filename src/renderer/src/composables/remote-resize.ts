import type { ScalingMode } from '@shared/profile'
import { onScopeDispose, watch } from 'vue'
import type { Size } from './canvas-layout'

/** How long the viewport must keep still before the server is asked to follow it. */
export const REMOTE_RESIZE_SETTLE_MS = 300

/** What the remote resize needs from the session. */
export interface RemoteResizeDeps {
  /** The viewport (CSS pixels) and the framebuffer: reactive, read when the delay ends. */
  box: Size
  fb: Size
  scaling(): ScalingMode
  /** Asks the server to resize its desktop (SetDesktopSize). */
  request(width: number, height: number): Promise<void>
  /** The server refused; called once per view, as the picture stays scaled to fit meanwhile. */
  refused(error: unknown): void
}

/**
 * In 'remote' scaling the server's desktop follows the viewport: a resize is asked once the
 * viewport has kept its size for a moment, and only when the sizes differ. Watches the viewport
 * and the scaling mode; `request(0)` asks at once (on connect).
 */
export function useRemoteResize(deps: RemoteResizeDeps): { request(delay?: number): void } {
  let timer: ReturnType<typeof setTimeout> | null = null
  let refused = false

  function request(delay = REMOTE_RESIZE_SETTLE_MS): void {
    if (timer) clearTimeout(timer)
    if (deps.scaling() !== 'remote') return
    timer = setTimeout(() => {
      const w = Math.floor(deps.box.width)
      const h = Math.floor(deps.box.height)
      if (w > 0 && h > 0 && (w !== deps.fb.width || h !== deps.fb.height)) {
        deps.request(w, h).catch((e: unknown) => {
          if (refused) return
          refused = true
          deps.refused(e)
        })
      }
    }, delay)
  }

  watch(
    () => [deps.box.width, deps.box.height],
    () => request(),
  )
  watch(deps.scaling, (m) => m === 'remote' && request(0))
  onScopeDispose(() => {
    if (timer) clearTimeout(timer)
  })
  return { request }
}
