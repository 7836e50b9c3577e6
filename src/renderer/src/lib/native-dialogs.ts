import type { ShellApi } from '@shared/contract'
import { localFolder } from '@shared/file-schemas'
import type { PlayerInfo } from '@shared/recording'

/** What the native dialogs read of the page: the Electron preload's `tesseraShell`, absent in browsers. */
export interface NativeDialogEnv {
  tesseraShell?: Partial<ShellApi>
}

/** The shell's request function, or null in browser mode. */
function shellRequest(env: NativeDialogEnv): ShellApi['request'] | null {
  const shell = env.tesseraShell
  return typeof shell?.request === 'function' ? (shell.request.bind(shell) as ShellApi['request']) : null
}

/**
 * The OS folder picker, shown by the Electron shell over this window: resolves to the folder the
 * user chose, or null when they cancelled. Null itself in browser mode, where no page can learn a
 * local path: there the typed field is all there is. The picker starts in `current` only when it
 * is a path the shell would take (a half-typed relative name just starts it where the OS likes).
 */
export function folderPicker(env: NativeDialogEnv = window as NativeDialogEnv): ((current: string) => Promise<string | null>) | null {
  const request = shellRequest(env)
  if (!request) return null
  return (current) => {
    const start = current.trim()
    let usable = false
    try {
      localFolder.parse(start)
      usable = true
    } catch {
      // Not an absolute path: no starting place.
    }
    return request('shell.chooseFolder', usable ? { current: start } : {})
  }
}

/**
 * The OS open dialog for a recording, shown by the Electron shell, which plays the file picked in a
 * player of this window: its PlayerInfo, or null when cancelled. Null itself in browser mode, where
 * a picked file is copied to the host instead (recordings.upload).
 */
export function recordingOpener(env: NativeDialogEnv = window as NativeDialogEnv): (() => Promise<PlayerInfo | null>) | null {
  const request = shellRequest(env)
  return request && (() => request('shell.openRecordingFile', undefined))
}
