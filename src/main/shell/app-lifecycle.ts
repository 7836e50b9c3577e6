import { type ShellText, englishText } from './shell-i18n'

/**
 * When the app quits, decided without Electron: the question asked before open sessions are
 * disconnected, and what happens when the last window closes on each platform.
 */

/** The words of a question to the user, as a message box shows them; each one a whole sentence, ready to translate. */
export interface Question {
  message: string
  detail: string
  /** The first button does it, the second cancels. */
  buttons: [string, string]
}

/** What to ask before quitting with `openSessions` sessions open, in the language of `t`; null when nothing would be lost. */
export function quitQuestion(openSessions: number, t: ShellText = englishText): Question | null {
  if (openSessions <= 0) return null
  return {
    message: t('shell.quit.message'),
    detail: t('shell.quit.detail', { n: openSessions }, openSessions),
    buttons: [t('shell.quit.confirm'), t('shell.quit.cancel')],
  }
}

/**
 * What to ask when a window is closing: the quit question when closing it quits the app (the
 * last window, not on macOS) with sessions open; null otherwise. Asked in the window's `close`
 * event because by `before-quit` the window is gone and its sessions are already ended.
 */
export function closeQuestion(platform: NodeJS.Platform, openWindows: number, openSessions: number, t: ShellText = englishText): Question | null {
  if (!quitsWithLastWindow(platform) || openWindows > 1) return null
  return quitQuestion(openSessions, t)
}

/** Whether the app quits with its last window: on Linux and Windows yes; on macOS it stays in the dock. */
export function quitsWithLastWindow(platform: NodeJS.Platform): boolean {
  return platform !== 'darwin'
}

/** Whether `activate` (a click on the dock icon) must open the address book: macOS, with no window open. */
export function reopensOnActivate(platform: NodeJS.Platform, openWindows: number): boolean {
  return platform === 'darwin' && openWindows === 0
}
