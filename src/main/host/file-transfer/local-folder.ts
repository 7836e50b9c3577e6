import { constants } from 'node:fs'
import { type FileHandle, lstat, mkdir, open, realpath, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { checkName } from './safe-name'

/** What is at a name in a local folder, seen without following a link. */
export type LocalProbe = { kind: 'none' } | { kind: 'file'; size: number } | { kind: 'folder' } | { kind: 'other' }

// Not defined on Windows, where links are not followed by these calls in the same way anyway.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0

/** A folder that is not a real folder (a link, a file) where a download wanted to go. */
export class LocalFolderError extends Error {
  override name = 'LocalFolderError'
}

/**
 * A folder a download may write into: the one the user chose, or one made below it for a remote
 * folder. Every step down takes one checked name and refuses a link, so nothing a server names
 * can lead outside the chosen folder.
 */
export class LocalFolder {
  private constructor(readonly path: string) {}

  /** The folder the user chose; it must exist. Links in the path the user typed are theirs, so they are resolved once here. */
  static async chosen(path: string): Promise<LocalFolder> {
    let real: string
    try {
      real = await realpath(path)
    } catch (e) {
      throw new LocalFolderError(
        `the folder ${path} cannot be used: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (e as Error).message}`,
      )
    }
    if (!(await stat(real)).isDirectory()) throw new LocalFolderError(`${path} is not a folder`)
    return new LocalFolder(real)
  }

  /** The full path of `name` here (checked). */
  pathOf(name: string): string {
    return join(this.path, checkName(name))
  }

  /** What is at `name`, without following a link. */
  async probe(name: string): Promise<LocalProbe> {
    try {
      const s = await lstat(this.pathOf(name))
      if (s.isSymbolicLink()) return { kind: 'other' }
      if (s.isFile()) return { kind: 'file', size: s.size }
      if (s.isDirectory()) return { kind: 'folder' }
      return { kind: 'other' }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' }
      throw e
    }
  }

  /** The folder `name` here, made if missing; a link or a file of that name is refused, never followed. */
  async child(name: string): Promise<LocalFolder> {
    const path = this.pathOf(name)
    try {
      await mkdir(path)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    const s = await lstat(path)
    if (s.isSymbolicLink()) throw new LocalFolderError(`${path} is a link: it is not followed`)
    if (!s.isDirectory()) throw new LocalFolderError(`${path} is in the way: it is not a folder`)
    return new LocalFolder(path)
  }

  /** Opens `name` for writing: a new file (refused if anything is there), or appended to (resume). Links are not followed. */
  async openForWrite(name: string, how: 'new' | 'append'): Promise<FileHandle> {
    const flags = constants.O_WRONLY | NO_FOLLOW | (how === 'new' ? constants.O_CREAT | constants.O_EXCL : constants.O_APPEND)
    return open(this.pathOf(name), flags, 0o644)
  }
}
