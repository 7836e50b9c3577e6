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
