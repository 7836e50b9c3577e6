import type { ShellApi } from '@shared/contract'
import { localFolder } from '@shared/file-schemas'

/** What choosing a folder reads of the page: the Electron preload's `tesseraShell`, absent in browsers. */
export interface FolderPickerEnv {
  tesseraShell?: Partial<ShellApi>
}

/**
 * The OS folder picker, shown by the Electron shell over this window: resolves to the folder the
 * user chose, or null when they cancelled. Null itself in browser mode, where no page can learn a
 * local path: there the typed field is all there is. The picker starts in `current` only when it
 * is a path the shell would take (a half-typed relative name just starts it where the OS likes).
 */
export function folderPicker(env: FolderPickerEnv = window as FolderPickerEnv): ((current: string) => Promise<string | null>) | null {
  const shell = env.tesseraShell
  if (typeof shell?.request !== 'function') return null
  const request = shell.request.bind(shell) as ShellApi['request']
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
