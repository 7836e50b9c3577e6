import type { ScreenRect } from '@shared/contract'
import type { ScalingMode } from '@shared/profile'
import { onScopeDispose, watch } from 'vue'
import { type MonitorEnv, monitorsLayout, windowEnv } from '../lib/local-monitors'
import type { Size } from './canvas-layout'
import { t } from '../lib/i18n'

/** How long the viewport must keep still before the server is asked to follow it. */
export const REMOTE_RESIZE_SETTLE_MS = 300

/** What the remote resize needs from the session. */
export interface RemoteResizeDeps {
  /** The viewport (CSS pixels) and the framebuffer: reactive, read when the delay ends. */
  box: Size
  fb: Size
  scaling(): ScalingMode
  /** Asks the server to resize its desktop (SetDesktopSize), as several monitors when `screens` is given. */
  request(width: number, height: number, screens?: ScreenRect[]): Promise<void>
  /** The server refused; called once per view, as the picture stays scaled to fit meanwhile. */
  refused(error: unknown): void
  /** Where the local monitors are found; `window` unless a test says otherwise. */
  env?: () => MonitorEnv
}

/**
 * In 'remote' scaling the server's desktop follows the viewport: a resize is asked once the
 * viewport has kept its size for a moment, and only when the sizes differ. Watches the viewport
 * and the scaling mode; `request(0)` asks at once (on connect). `matchMonitors()` ("Match my
 * monitors") asks for a desktop laid out as the local monitors the window covers, one remote
 * screen each (servers without ExtendedDesktopSize refuse; the picture is then scaled across);
 * it rejects with the reason it could not. `matchMonitorsWhenSettled()` does it once the
 * viewport keeps still (after the window spread over every monitor), in 'remote' scaling only,
 * instead of the plain resize; a refusal there leaves the picture scaled across.
 */
export function useRemoteResize(deps: RemoteResizeDeps): { request(delay?: number): void; matchMonitors(): Promise<void>; matchMonitorsWhenSettled(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null
  let refused = false
  let matchNext = false

  function request(delay = REMOTE_RESIZE_SETTLE_MS): void {
    if (timer) clearTimeout(timer)
    if (deps.scaling() !== 'remote') return
    timer = setTimeout(() => {
      if (matchNext) {
        matchNext = false
        void matchMonitors().catch(() => {})
        return
      }
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
  async function matchMonitors(): Promise<void> {
    // A plain resize still waiting would undo the layout.
    if (timer) clearTimeout(timer)
    const layout = await monitorsLayout((deps.env ?? windowEnv)())
    if (!layout) throw new Error(t('session.notice.noMonitors'))
    await deps.request(layout.width, layout.height, layout.screens)
  }

  function matchMonitorsWhenSettled(): void {
    if (deps.scaling() !== 'remote') return
    matchNext = true
    request()
  }

  return { request, matchMonitors, matchMonitorsWhenSettled }
}
