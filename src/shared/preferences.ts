import type { LanguageSetting } from './i18n/locales'
import type { ScalingMode } from './profile'

/*
 * App-wide settings: one file beside the address book (the host stores it), the same for every
 * window. A connection's own settings (its profile) win over these where both exist; these are
 * the defaults new connections and quick connects start from.
 */

/** Every theme choice, in the order a menu lists them. */
export const THEME_SETTINGS = ['system', 'light', 'dark'] as const
/** Light, dark, or whatever the system uses. */
export type ThemeSetting = (typeof THEME_SETTINGS)[number]

/** Every reconnect choice. */
export const RECONNECT_SETTINGS = ['automatic', 'ask', 'never'] as const
/** What Tessera does when a session drops. */
export type ReconnectSetting = (typeof RECONNECT_SETTINGS)[number]

/** Every clipboard choice. */
export const CLIPBOARD_SYNC_SETTINGS = ['both', 'to-remote', 'from-remote', 'off'] as const
/** Which way clipboard text flows between this computer and remote ones. */
export type ClipboardSyncSetting = (typeof CLIPBOARD_SYNC_SETTINGS)[number]

/** Every keyboard grab choice. */
export const KEYBOARD_GRAB_SETTINGS = ['fullscreen', 'always', 'never'] as const
/** Whether a focused session takes system shortcuts (Alt+Tab, the Windows key) where the platform lets it. */
export type KeyboardGrabSetting = (typeof KEYBOARD_GRAB_SETTINGS)[number]

/** Every placement choice. */
export const OPEN_IN_SETTINGS = ['window', 'tab'] as const
/** Where a connection opens: a window of its own or a tab of the current window. */
export type OpenInSetting = (typeof OPEN_IN_SETTINGS)[number]

export interface Preferences {
  theme: ThemeSetting
  language: LanguageSetting
  scaling: ScalingMode
  reconnect: ReconnectSetting
  clipboardSync: ClipboardSyncSetting
  keyboardGrab: KeyboardGrabSetting
  openIn: OpenInSetting
}

/** What a first start (or a missing/damaged preferences file) uses. */
export const DEFAULT_PREFERENCES: Readonly<Preferences> = Object.freeze({
  theme: 'system',
  language: 'system',
  scaling: 'fit',
  reconnect: 'automatic',
  clipboardSync: 'both',
  keyboardGrab: 'fullscreen',
  openIn: 'window',
})

/** Whether clipboard text copied here may go to the remote computer. */
export function clipboardToRemote(setting: ClipboardSyncSetting): boolean {
  return setting === 'both' || setting === 'to-remote'
}

/** Whether clipboard text copied on the remote computer may come here. */
export function clipboardFromRemote(setting: ClipboardSyncSetting): boolean {
  return setting === 'both' || setting === 'from-remote'
}

/** Whether a session grabs system shortcuts now, given whether its window is fullscreen. */
export function grabsKeyboard(setting: KeyboardGrabSetting, fullscreen: boolean): boolean {
  return setting === 'always' || (setting === 'fullscreen' && fullscreen)
}
