import type { PowerAction } from '@shared/contract'
import type { ScalingMode } from '@shared/profile'
import type { SPECIAL_COMBOS } from '../input/keysyms'
import type { FullscreenTarget } from '../lib/fullscreen-monitors'

/** What the session menu (F8) asks the session view to do. */
export type MenuAction =
  | { type: 'combo'; combo: keyof typeof SPECIAL_COMBOS }
  | { type: 'fkey'; n: number }
  | { type: 'viewOnly' }
  | { type: 'scaling'; mode: ScalingMode }
  | { type: 'matchMonitors' }
  | { type: 'sendClipboard' }
  /** Open "Type text": text sent as key presses. */
  | { type: 'typeText' }
  | { type: 'clipboardPanel' }
  /** The Files panel: browse, download, upload (servers that offer file transfer). */
  | { type: 'filesPanel' }
  | { type: 'screenshot' }
  /** Start or stop recording the session (stores/recordings). */
  | { type: 'record' }
  | { type: 'stats' }
  /** Mute or unmute the session's sound. */
  | { type: 'mute' }
  | { type: 'fullscreen' }
  /** Full screen on a chosen monitor, or across all of them. */
  | { type: 'fullscreenOn'; target: FullscreenTarget }
  /** Let the browser ask the user for the monitors' names, for "Full screen on". */
  | { type: 'askMonitors' }
  | { type: 'refresh' }
  | { type: 'power'; action: PowerAction }
  | { type: 'disconnect' }

/** What the session view does for each menu action; the type makes sure every action has one. */
export type MenuHandlers = { [K in MenuAction['type']]: (action: Extract<MenuAction, { type: K }>) => unknown }

/** The menu's `action` listener: runs the action's handler and waits for it where it is async. */
export function menuDispatcher(handlers: MenuHandlers): (action: MenuAction) => Promise<void> {
  return async (action) => {
    await (handlers[action.type] as (a: MenuAction) => unknown)(action)
  }
}
