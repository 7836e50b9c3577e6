import type { LanguageSetting } from './i18n/locales'
import type { ScalingMode } from './profile'

/*
 * App-wide settings: one file beside the address book (the host stores it), the same for every
 * window. A connection's own settings (its profile) win over these where both exist; these are
 * the defaults new connections and quick connects start from.
 */

/** Light, dark, or whatever the system uses. */
export type ThemeSetting = 'system' | 'light' | 'dark'

/** What Tessera does when a session drops. */
export type ReconnectSetting = 'automatic' | 'ask' | 'never'

/** Which way clipboard text flows between this computer and remote ones. */
export type ClipboardSyncSetting = 'both' | 'to-remote' | 'from-remote' | 'off'

/** Whether a focused session takes system shortcuts (Alt+Tab, the Windows key) where the platform lets it. */
export type KeyboardGrabSetting = 'fullscreen' | 'always' | 'never'

/** Where a connection opens: a window of its own or a tab of the current window. */
export type OpenInSetting = 'window' | 'tab'

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
