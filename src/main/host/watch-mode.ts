import { RfbError } from '../rfb/errors'
import type { DrawSink } from '../rfb/sink'
import type { PictureOptions } from './picture-options'
import type { DecodeLimits, ThumbnailSink } from './thumbnail'

/** How often a watch session (a live-wall tile) asks the server for what changed. */
export const WATCH_INTERVAL_MS = 1_000

/**
 * A watch session's picture settings, whatever its profile says: JPEG at a low level (Tight
 * servers; cheap to send and the tile is small) in full colour, which JPEG needs. A server that
 * answers without Tight is switched to 16-bit colour instead (see {@link watchWantsLowerDepth}).
 */
export const WATCH_PICTURE: PictureOptions = { autoSelect: false, quality: 2, pixelFormat: 'rgb888' }

/**
 * A watch session's mirror is its only picture: its images are all decoded (at about one update
 * a second, a busy 1080p desktop is tens of JPEG rects), not skipped as beside a session window.
 */
export const WATCH_DECODE_LIMITS: DecodeLimits = { budgetMs: 250, maxWaiting: 64 }

/** Tight (7), the one encoding that carries JPEG; CopyRect (1) says nothing about the server. */
const TIGHT = 7
const COPY_RECT = 1

/**
 * Whether a watch session should drop to 16-bit colour after an update that used `encodings`:
 * the server drew pixels without Tight, so JPEG will not come and fewer bytes per pixel is the
 * cheap setting left. Undefined: this update says nothing yet (only pseudo-rects or CopyRect).
 */
export function watchWantsLowerDepth(encodings: readonly number[]): boolean | undefined {
  const drawn = encodings.filter((e) => e >= 0 && e !== COPY_RECT)
  if (drawn.length === 0) return undefined
  return !drawn.includes(TIGHT)
}

/** A sink that feeds only a mirror and paces the session's update requests. */
export interface WatchSink extends DrawSink {
  /**
   * Paused: the end of the next update is held until resumed, so the engine asks for nothing
   * (the wall's page is hidden and nobody sees the tile). Resuming lets a held engine ask at once.
   */
  pause(paused: boolean): void
  /** Lets a waiting engine go at once and stops the timer (the session is ending). */
  dispose(): void
}

/**
 * The sink of a watch session: every draw op goes to the mirror only (no frame batch is built,
 * nothing is streamed to a renderer), and the end of each update is held until `intervalMs`
 * after the previous request, so the engine asks for the next incremental update about once a
 * `intervalMs` (RfbClient requests the next update when the sink's endUpdate settles). Meant
 * for an engine with continuous updates off: the server then sends nothing it was not asked for.
 */
export function watchSink(mirror: ThumbnailSink, intervalMs: number, now: () => number = () => performance.now()): WatchSink {
  let requestedAt = now()
  // timer null: held while paused, with nothing scheduled.
  let pending: { timer: NodeJS.Timeout | null; resolve: () => void } | null = null
  let disposed = false
  let paused = false
  const release = (): void => {
    const p = pending
    pending = null
    if (!p) return
    if (p.timer) clearTimeout(p.timer)
    requestedAt = now()
    p.resolve()
  }
  return {
    resize: (w, h) => mirror.resize(w, h),
    fill: (x, y, w, h, c) => mirror.fill(x, y, w, h, c),
    copy: (sx, sy, x, y, w, h) => mirror.copy(sx, sy, x, y, w, h),
    pixels: (x, y, w, h, rgba) => mirror.pixels(x, y, w, h, rgba),
    image: (x, y, w, h, kind, data) => mirror.image(x, y, w, h, kind, data),
    cursor: () => undefined,
    endUpdate: () => {
      mirror.endUpdate()
      const wait = requestedAt + intervalMs - now()
      if (disposed) return
      if (paused) return new Promise<void>((resolve) => void (pending = { timer: null, resolve }))
      if (wait <= 0) {
        requestedAt = now()
        return
      }
      return new Promise<void>((resolve) => {
        pending = { timer: setTimeout(release, wait), resolve }
      })
    },
    pause: (on) => {
      if (paused === on) return
      paused = on
      if (on && pending?.timer) {
        clearTimeout(pending.timer)
        pending.timer = null
      }
      if (!on) release()
    },
    dispose: () => {
      disposed = true
      release()
    },
  }
}

/**
 * Why a watch session ended instead of asking the user something: it never prompts (a wall of
 * tiles cannot), so a password that is not saved or not accepted, or a certificate, host key or
 * weaker-security answer, ends it; the user opens the connection itself to give the answer.
 */
export function watchNeedsUser(what: 'sign-in' | 'answer', detail?: string): RfbError {
  if (what === 'sign-in')
    return new RfbError('auth', 'HOST_WATCH_SIGN_IN', `this connection needs a password to be typed${detail ? ` (${detail})` : ''}; open it to sign in`)
  return new RfbError(
    'refused',
    'HOST_WATCH_NEEDS_ANSWER',
    `this connection needs an answer about its security${detail ? ` (${detail})` : ''}; open it to answer`,
  )
}
