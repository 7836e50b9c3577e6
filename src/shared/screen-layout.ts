import type { DisplayInfo, ScreenRect } from './contract'

/*
 * "Resize the remote to match my monitors": the local monitors become the remote's screens
 * (ExtendedDesktopSize), placed as they are on the desk.
 *
 * Units: DIPs (CSS pixels), the units the monitors' bounds come in (Electron's screen module,
 * the Window Management API) and the units the session window and the single-screen "resize
 * remote" already use. A window spanning every monitor is then exactly the remote desktop, drawn
 * at one remote pixel per CSS pixel, and each remote screen's edges fall on a monitor's edges
 * even when the monitors have different scale factors. TigerVNC's viewer sends device pixels
 * instead; `scale` (e.g. the window's devicePixelRatio) gives that when the monitors share one
 * scale factor.
 */

/** The largest desktop side we ask for: TigerVNC's and our framebuffer limit (src/main/rfb/handshake.ts). */
export const MAX_REMOTE_SIDE = 16384

/** The most pixels we ask for in all: our framebuffer limit (src/main/rfb/handshake.ts). */
export const MAX_REMOTE_PIXELS = 1 << 26

/** The most screens one layout carries (the `session.resize` schema's limit). */
export const MAX_REMOTE_SCREENS = 16

/** A remote desktop size and its screens, as `session.resize` takes them; screens lie inside the size. */
export interface RemoteLayout {
  width: number
  height: number
  screens: ScreenRect[]
}

/** What the layout reads of a monitor: where it is (DIP) and whether it is the primary one. */
export type MonitorBounds = Pick<DisplayInfo, 'bounds' | 'primary'>

/**
 * The smallest rectangle holding every monitor, in the desktop's coordinates (DIP; it may start
 * left of or above 0 when a monitor sits there): what a window spanning all monitors covers.
 * Null for no monitors.
 */
export function displaysUnion(displays: readonly Pick<DisplayInfo, 'bounds'>[]): ScreenRect | null {
  if (displays.length === 0) return null
  let left = Infinity
  let top = Infinity
  let right = -Infinity
  let bottom = -Infinity
  for (const { bounds: b } of displays) {
    left = Math.min(left, b.x)
    top = Math.min(top, b.y)
    right = Math.max(right, b.x + b.width)
    bottom = Math.max(bottom, b.y + b.height)
  }
  return { x: left, y: top, width: right - left, height: bottom - top }
}

/**
 * The remote layout matching `displays`: one screen per monitor, the union's top-left at (0,0),
 * in DIPs times `scale` (see above). The primary monitor comes first (a remote usually puts its
 * panels on its first screen), then the others top to bottom, left to right; monitors showing the
 * same area (mirrored) count once; at most {@link MAX_REMOTE_SCREENS} are kept. A union larger
 * than the limits is scaled down whole, so the screens keep their shape and stay adjacent. One
 * monitor gives the usual single-screen layout. Null for no monitors (or none with an area);
 * a RangeError for a `scale` that is not a positive number.
 */
export function monitorLayout(displays: readonly MonitorBounds[], scale = 1): RemoteLayout | null {
  if (!(scale > 0 && Number.isFinite(scale))) throw new RangeError(`scale must be a positive number, not ${scale}`)
  const usable = displays.filter((d) => d.bounds.width > 0 && d.bounds.height > 0)
  const ordered = [...usable].sort((a, b) => Number(b.primary) - Number(a.primary) || a.bounds.y - b.bounds.y || a.bounds.x - b.bounds.x)
  const kept = dedupe(ordered).slice(0, MAX_REMOTE_SCREENS)
  const union = displaysUnion(kept)
  if (!union) return null
  let s = fitScale(union.width * scale, union.height * scale) * scale
  let layout = place(kept, union, s)
  // Rounding can push a side that was shrunk to fit just past the limit: shrink a little more.
  while (layout.width > MAX_REMOTE_SIDE || layout.height > MAX_REMOTE_SIDE || layout.width * layout.height > MAX_REMOTE_PIXELS) {
    s *= 0.999
    layout = place(kept, union, s)
  }
  return layout
}

/** The monitors as screens of a desktop with `union`'s top-left at (0,0), scaled by `s`. */
function place(kept: readonly MonitorBounds[], union: ScreenRect, s: number): RemoteLayout {
  // Edges are rounded, not sizes, so monitors that touch still touch after scaling.
  const edge = (v: number, origin: number): number => Math.round((v - origin) * s)
  const width = Math.max(1, edge(union.x + union.width, union.x))
  const height = Math.max(1, edge(union.y + union.height, union.y))
  const screens = kept.map(({ bounds: b }) => {
    const x = Math.min(width - 1, edge(b.x, union.x))
    const y = Math.min(height - 1, edge(b.y, union.y))
    return {
      x,
      y,
      width: Math.max(1, Math.min(width, edge(b.x + b.width, union.x)) - x),
      height: Math.max(1, Math.min(height, edge(b.y + b.height, union.y)) - y),
    }
  })
  // Monitors too small to tell apart once shrunk would be the same screen twice.
  return { width, height, screens: dedupe(screens.map((bounds) => ({ bounds }))).map((d) => d.bounds) }
}

/** How much a `width`x`height` desktop must shrink to fit the limits (1 when it fits). */
function fitScale(width: number, height: number): number {
  return Math.min(1, MAX_REMOTE_SIDE / width, MAX_REMOTE_SIDE / height, Math.sqrt(MAX_REMOTE_PIXELS / (width * height)))
}

function dedupe<T extends { bounds: ScreenRect }>(list: readonly T[]): T[] {
  const seen = new Set<string>()
  return list.filter(({ bounds: b }) => {
    const key = `${b.x},${b.y},${b.width},${b.height}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
