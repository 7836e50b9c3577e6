import type { ScreenRect, ShellApi } from '@shared/contract'
import { type MonitorBounds, type RemoteLayout, monitorLayout } from '@shared/screen-layout'

/** A monitor as the Window Management API describes it (not in TypeScript's DOM types yet). */
interface ScreenDetailedLike {
  left: number
  top: number
  width: number
  height: number
  isPrimary: boolean
}

/**
 * What finding the local monitors reads of the page: `window` in the app and in browsers. The
 * Electron preload adds `tesseraShell`; Chromium has `getScreenDetails` (asks the user for the
 * window-management permission) and `screen.isExtended`.
 */
export interface MonitorEnv {
  tesseraShell?: Partial<ShellApi>
  getScreenDetails?: () => Promise<{ screens: readonly ScreenDetailedLike[] }>
  screen: { width: number; height: number; isExtended?: boolean }
  screenX: number
  screenY: number
  outerWidth: number
  outerHeight: number
}

/** `window` as a MonitorEnv. */
export function windowEnv(): MonitorEnv {
  return window as unknown as MonitorEnv
}

/**
 * Whether the window reaches over more than one monitor (e.g. full screen across all of them),
 * told without asking for anything: wider or taller than the screen it is on, with more than one
 * screen attached where the browser says so.
 */
export function spansMonitors(env: MonitorEnv): boolean {
  if (env.screen.isExtended === false) return false
  return env.outerWidth > env.screen.width || env.outerHeight > env.screen.height
}

/**
 * The local monitors in DIPs: the shell's list in the app; in a browser the Window Management
 * API's (the browser asks the user first); without either, or when the user says no, the one
 * screen the window is on.
 */
export async function localMonitors(env: MonitorEnv): Promise<MonitorBounds[]> {
  const shell = env.tesseraShell
  if (typeof shell?.request === 'function') return shell.request('shell.displays', undefined)
  if (typeof env.getScreenDetails === 'function') {
    try {
      const { screens } = await env.getScreenDetails()
      if (screens.length > 0) return screens.map((s) => ({ bounds: { x: s.left, y: s.top, width: s.width, height: s.height }, primary: s.isPrimary }))
    } catch {
      // Permission refused or the API switched off: the single screen below.
    }
  }
  return [{ bounds: { x: 0, y: 0, width: env.screen.width, height: env.screen.height }, primary: true }]
}

/**
 * The remote layout for "Match my monitors": the monitors the window covers at least half of
 * (full screen across all covers each whole; a window frame reaching a few pixels into the next
 * monitor does not count), else the one it overlaps most, else all of them (a window on a
 * monitor just unplugged); laid out by `monitorLayout`.
 */
export async function monitorsLayout(env: MonitorEnv): Promise<RemoteLayout | null> {
  const all = await localMonitors(env)
  const win: ScreenRect = { x: env.screenX, y: env.screenY, width: env.outerWidth, height: env.outerHeight }
  const shared = all.map((m) => ({ m, area: overlap(m.bounds, win) }))
  const covered = shared.filter(({ m, area }) => area * 2 >= m.bounds.width * m.bounds.height).map(({ m }) => m)
  const most = shared.reduce<{ m: MonitorBounds | null; area: number }>((best, o) => (o.area > best.area ? o : best), { m: null, area: 0 }).m
  return monitorLayout(covered.length > 0 ? covered : most ? [most] : all)
}

/** The area two rectangles share. */
function overlap(a: ScreenRect, b: ScreenRect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return w > 0 && h > 0 ? w * h : 0
}
