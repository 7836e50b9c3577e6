import type { DisplayInfo, ScreenRect } from '@shared/contract'
import { MIN_SIZE } from './window-options'

/**
 * Geometry of monitors and windows, free of Electron so it can be tested: the union of the
 * displays (fullscreen across all of them), the display a window is on, and the size a session
 * window takes for a remote desktop.
 */

/** The part of Electron's `Display` the shell reads. */
export interface DisplayLike {
  id: number
  bounds: ScreenRect
  workArea: ScreenRect
  scaleFactor: number
}

/** The contract's view of the displays; `primaryId` is the one the OS calls primary. */
export function toDisplayInfos(displays: readonly DisplayLike[], primaryId: number | undefined): DisplayInfo[] {
  return displays.map((d) => ({
    id: d.id,
    bounds: { ...d.bounds },
    workArea: { ...d.workArea },
    scaleFactor: d.scaleFactor,
    primary: d.id === primaryId,
  }))
}

/** Area shared by two rectangles (0 when they do not overlap). */
function overlap(a: ScreenRect, b: ScreenRect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return w > 0 && h > 0 ? w * h : 0
}

/** The display showing most of `bounds` (the first display when it is on none): where "this monitor" is. */
export function displayOf<D extends { bounds: ScreenRect }>(bounds: ScreenRect, displays: readonly D[]): D | undefined {
  let best: D | undefined
  let bestArea = -1
  for (const d of displays) {
    const area = overlap(bounds, d.bounds)
    if (area > bestArea) {
      best = d
      bestArea = area
    }
  }
  return best
}

/**
 * Room the session window's own controls take around the picture (the 44 px toolbar and its
 * border above it): the picture shows at 1:1 when the content is this much larger than the desktop.
 */
export const SESSION_CHROME = { width: 0, height: 45 } as const

/**
 * The content bounds of a session window showing a `desktop`-sized remote screen: the desktop
 * at 1:1 plus `chrome` when that fits in the work area (less the window `frame`), otherwise the
 * largest size of the same shape that fits; never smaller than a window may be (MIN_SIZE);
 * centred on the work area.
 */
export function fitSessionWindow(
  desktop: { width: number; height: number },
  workArea: ScreenRect,
  frame: { width: number; height: number } = { width: 0, height: 0 },
  chrome: { width: number; height: number } = SESSION_CHROME,
): ScreenRect {
  const roomW = Math.max(1, workArea.width - frame.width - chrome.width)
  const roomH = Math.max(1, workArea.height - frame.height - chrome.height)
  const scale = Math.min(1, roomW / desktop.width, roomH / desktop.height)
  // A tiny desktop still gets a window its toolbar fits in (the picture is centred in it).
  const width = Math.min(Math.max(MIN_SIZE.width, Math.floor(desktop.width * scale) + chrome.width), Math.max(MIN_SIZE.width, roomW + chrome.width))
  const height = Math.min(Math.max(MIN_SIZE.height, Math.floor(desktop.height * scale) + chrome.height), Math.max(MIN_SIZE.height, roomH + chrome.height))
  // The frame's share is split evenly, which is close enough for a title bar to land on screen.
  const x = workArea.x + Math.floor((workArea.width - width - frame.width) / 2) + Math.floor(frame.width / 2)
  const y = workArea.y + Math.floor((workArea.height - height - frame.height) / 2) + frame.height
  return { x, y, width, height }
}
