import type { ShellApi } from '@shared/contract'
import { t } from './i18n'

/**
 * A local monitor full screen can go to: its place and size (DIPs), and how to name it to the
 * shell (`displayId`, Electron) or to the browser (`screen`, a Window Management API object).
 */
export interface FullscreenMonitor {
  x: number
  y: number
  width: number
  height: number
  primary: boolean
  displayId?: number
  screen?: unknown
}

/** Where "Full screen on" goes: one monitor (its index in the sorted list) or across all of them. */
export type FullscreenTarget = { monitor: number } | { all: true }

/** One item of the "Full screen on" menu. */
export interface FullscreenChoice {
  label: string
  target: FullscreenTarget
}

/**
 * The monitors ordered as people number them: left to right, then top to bottom, so "Monitor 1"
 * is the leftmost whatever order the OS lists them in.
 */
export function sortMonitors<M extends FullscreenMonitor>(monitors: readonly M[]): M[] {
  return [...monitors].sort((a, b) => a.x - b.x || a.y - b.y)
}

/**
 * The "Full screen on" items for `monitors` (already sorted): one per monitor, named plainly
 * ("Monitor 1 (primary), 1920×1080"), then "All monitors" where the window can span them
 * (`canSpanAll`: the app, not a browser). None with a single monitor: plain full screen covers it.
 */
export function fullscreenChoices(monitors: readonly FullscreenMonitor[], canSpanAll: boolean): FullscreenChoice[] {
  if (monitors.length < 2) return []
  const choices: FullscreenChoice[] = monitors.map((m, i) => ({
    label: t(m.primary ? 'app.monitor.primary' : 'app.monitor.plain', { n: i + 1, size: `${m.width}×${m.height}` }),
    target: { monitor: i },
  }))
  if (canSpanAll) choices.push({ label: t('app.monitor.all'), target: { all: true } })
  return choices
}

/** A monitor as the Window Management API describes it (not in TypeScript's DOM types yet). */
interface ScreenDetailedLike {
  left: number
  top: number
  width: number
  height: number
  isPrimary: boolean
}

/** What listing the monitors reads of the page: `window` in the app and in browsers. */
export interface FullscreenMonitorEnv {
  tesseraShell?: Partial<ShellApi>
  getScreenDetails?: () => Promise<{ screens: readonly ScreenDetailedLike[] }>
  screen: { isExtended?: boolean }
  /** The window-management permission's state; absent where the browser cannot tell. */
  permission?: () => Promise<PermissionState>
}

/** `window` as a FullscreenMonitorEnv. */
export function fullscreenMonitorEnv(): FullscreenMonitorEnv {
  const env = window as unknown as FullscreenMonitorEnv
  return {
    tesseraShell: env.tesseraShell,
    getScreenDetails: typeof env.getScreenDetails === 'function' ? () => env.getScreenDetails!() : undefined,
    screen: window.screen as FullscreenMonitorEnv['screen'],
    permission: navigator.permissions ? async () => (await navigator.permissions.query({ name: 'window-management' as PermissionName })).state : undefined,
  }
}

/**
 * The monitors as listed for the menu. `mustAsk`: the browser needs the user's leave
 * (the window-management permission) before it names them, and `ask` was false; the menu then
 * offers to ask, so opening it never pops up a permission question by itself. A browser that
 * says it has one screen, refuses, or lacks the API lists none.
 */
export async function listFullscreenMonitors(env: FullscreenMonitorEnv, ask: boolean): Promise<{ monitors: FullscreenMonitor[]; mustAsk: boolean }> {
  const shell = env.tesseraShell
  if (typeof shell?.request === 'function') {
    const displays = await shell.request('shell.displays', undefined)
    return { monitors: sortMonitors(displays.map((d) => ({ ...d.bounds, primary: d.primary, displayId: d.id }))), mustAsk: false }
  }
  const none = { monitors: [], mustAsk: false }
  if (typeof env.getScreenDetails !== 'function' || env.screen.isExtended !== true) return none
  if (!ask) {
    const state = await env.permission?.().catch(() => undefined)
    if (state === 'denied') return none
    if (state !== 'granted') return { monitors: [], mustAsk: true }
  }
  try {
    const { screens } = await env.getScreenDetails()
    return {
      monitors: sortMonitors(screens.map((s) => ({ x: s.left, y: s.top, width: s.width, height: s.height, primary: s.isPrimary, screen: s }))),
      mustAsk: false,
    }
  } catch {
    return none // Refused, or switched off by policy.
  }
}
