import { sessionPageQuery } from '../../lib/page'
import type { ShellApi } from '@shared/contract'

declare global {
  interface Window {
    /** The Electron shell's window requests (preload); absent in a plain browser. */
    tesseraShell?: ShellApi
  }
}

/** What a click on a tile opens: the saved connection, and the session already showing it, if any. */
export interface FullSessionTarget {
  profileId?: string
  /** A session open in another window (open-sessions wall): that window is brought forward. */
  sessionId?: string
}

/**
 * Opens the full session behind a wall tile: in the app, the shell focuses the window already
 * showing it or opens a window for the connection; in browser mode, the browser tab named after
 * the connection (found again if it is open, otherwise opened on the session page). Resolves
 * false when nothing could be opened (a session opened by address in a browser tab it alone knows).
 */
export async function openFullSession(target: FullSessionTarget, win: Window = window): Promise<boolean> {
  const shell = win.tesseraShell
  if (shell) {
    if (target.sessionId && (await shell.request('shell.focusSession', { sessionId: target.sessionId }))) return true
    if (!target.profileId) return false
    await shell.request('shell.openSession', { profileId: target.profileId, placement: 'window' })
    return true
  }
  if (!target.profileId) return false
  const name = `tessera-session-${target.profileId}`
  // No noopener: the new tab gets a copy of this tab's sessionStorage, where the credential is.
  // An empty address first finds a tab already showing the connection without reloading it.
  const w = win.open('', name)
  if (!w) return false
  let blank = true
  try {
    blank = w.location.href === 'about:blank'
  } catch {
    blank = false
  }
  if (blank) w.location.href = `${win.location.origin}${win.location.pathname}${sessionPageQuery({ profileId: target.profileId })}`
  w.focus()
  return true
}
