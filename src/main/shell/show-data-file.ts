import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'

/**
 * Shows one file of the data folder in the OS file manager (the set-aside copy of a damaged
 * address book, say). The window names the file, never a path: anything but a plain name is
 * refused, so a renderer cannot point the file manager anywhere else. False when the file is
 * gone; `reveal` is Electron's shell.showItemInFolder, passed in so this stays testable.
 */
export function showDataFile(dataDir: string, name: string, reveal: (path: string) => void, exists: (path: string) => boolean = existsSync): boolean {
  if (!name || name !== basename(name) || name.startsWith('.')) throw new Error('not a file name')
  const path = join(dataDir, name)
  if (!exists(path)) return false
  reveal(path)
  return true
}
