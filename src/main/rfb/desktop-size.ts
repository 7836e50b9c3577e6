/** Our SetDesktopSize (rfbproto §7.5.8): the screen layout that goes out, and the server's answers to it. */
import type { ScreenRect } from '@shared/contract'
import type { Screen } from './client-messages'
import { DesktopSizeError } from './errors'
import { MAX_FRAMEBUFFER_PIXELS, MAX_FRAMEBUFFER_SIDE } from './handshake'

/** The most screens one layout may carry (the message allows 255; nobody has more than a handful of monitors). */
export const MAX_LAYOUT_SCREENS = 16

/** ExtendedDesktopSize status codes for our own SetDesktopSize (rfbproto §7.8.2). */
export const DESKTOP_SIZE_ERRORS: Record<number, string> = {
  1: 'the server does not allow resizing',
  2: 'the server is out of resources',
  3: 'the screen layout is invalid',
  4: 'the request was forwarded and may take effect later',
}

/** How long an answer to SetDesktopSize is waited for before the request counts as sent and done. */
export const DESKTOP_SIZE_REPLY_MS = 10_000

/**
 * The screens to send for a `width`x`height` desktop laid out as `rects`. rfbproto asks clients to
 * reuse the ids the server sent and invent new ones only for new screens: a rect where a current
 * screen already is keeps that screen (id and flags); the other rects take the remaining current
 * screens in order (so a screen that moved or changed size stays the same remote monitor); any
 * left over get the smallest ids no current screen uses. Throws a DesktopSizeError
 * (RFB_ERR_RESIZE_LAYOUT) for a size over the limits, no screens or more than
 * {@link MAX_LAYOUT_SCREENS}, a screen without an area, or one reaching outside the desktop.
 */
export function layoutScreens(current: readonly Screen[], width: number, height: number, rects: readonly ScreenRect[]): Screen[] {
  checkLayout(width, height, rects)
  const free = [...current]
  const placed: (Screen | null)[] = rects.map((r) => {
    const i = free.findIndex((s) => s.x === r.x && s.y === r.y && s.width === r.width && s.height === r.height)
    return i < 0 ? null : free.splice(i, 1)[0]
  })
  const taken = new Set(current.map((s) => s.id >>> 0))
  let next = 0
  const newId = (): number => {
    while (taken.has(next)) next++
    taken.add(next)
    return next
  }
  return rects.map((r, i) => {
    const keep = placed[i] ?? free.shift()
    return { id: keep?.id ?? newId(), x: r.x, y: r.y, width: r.width, height: r.height, flags: keep?.flags ?? 0 }
  })
}

function checkLayout(width: number, height: number, rects: readonly ScreenRect[]): void {
  const bad = (why: string): DesktopSizeError => new DesktopSizeError('RFB_ERR_RESIZE_LAYOUT', `cannot ask for a ${width}x${height} desktop: ${why}`)
  const whole = (v: number): boolean => Number.isInteger(v) && v >= 0
  if (!whole(width) || !whole(height) || width < 1 || height < 1) throw bad('the size must be whole pixels, at least 1x1')
  if (width > MAX_FRAMEBUFFER_SIDE || height > MAX_FRAMEBUFFER_SIDE || width * height > MAX_FRAMEBUFFER_PIXELS) {
    throw bad(`it exceeds the limits (${MAX_FRAMEBUFFER_SIDE} on a side, ${MAX_FRAMEBUFFER_PIXELS / 2 ** 20} Mpixel in all)`)
  }
  if (rects.length === 0 || rects.length > MAX_LAYOUT_SCREENS) throw bad(`a layout has 1 to ${MAX_LAYOUT_SCREENS} screens, not ${rects.length}`)
  rects.forEach((r, i) => {
    const where = `screen ${i + 1} (${r.width}x${r.height} at ${r.x},${r.y})`
    if (![r.x, r.y, r.width, r.height].every(whole) || r.width < 1 || r.height < 1) throw bad(`${where} must have whole, positive sizes`)
    if (r.x + r.width > width || r.y + r.height > height) throw bad(`${where} reaches outside the desktop`)
  })
}

/**
 * Our SetDesktopSize requests waiting for the server's answer (an ExtendedDesktopSize rect with
 * reason 1), oldest first: a server answers each of them, in order. A request with no answer
 * within `replyMs` resolves anyway (the server may apply it later); its answer, if it comes,
 * still settles that request and not a newer one.
 */
export class DesktopSizeReplies {
  private readonly waiting: { resolve(): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> | null }[] = []

  constructor(private readonly replyMs = DESKTOP_SIZE_REPLY_MS) {}

  /** A request went out: resolves on success, rejects with a DesktopSizeError on a failure status. */
  sent(): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject, timer: null as ReturnType<typeof setTimeout> | null }
      entry.timer = setTimeout(() => {
        entry.timer = null
        resolve()
        // A server that never answers must not make the list grow without end.
        while (this.waiting.length > 64 && this.waiting[0].timer === null) this.waiting.shift()
      }, this.replyMs)
      this.waiting.push(entry)
    })
  }

  /**
   * The server's answer to the oldest request: status 0 (and 4, forwarded) is success. Returns
   * the reason for any other status, null for 0.
   */
  answer(status: number): string | null {
    const reason = status === 0 ? null : (DESKTOP_SIZE_ERRORS[status] ?? `error ${status}`)
    const entry = this.waiting.shift()
    if (entry?.timer) clearTimeout(entry.timer)
    if (status === 0 || status === 4) entry?.resolve()
    else entry?.reject(new DesktopSizeError('RFB_ERR_RESIZE_REFUSED', `the server refused the new desktop size: ${reason}`))
    return reason
  }

  /** The session ended: every waiting request fails with `error`. */
  abandon(error: Error): void {
    for (const entry of this.waiting.splice(0)) {
      if (entry.timer) clearTimeout(entry.timer)
      entry.reject(error)
    }
  }
}
