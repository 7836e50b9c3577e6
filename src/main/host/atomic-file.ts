import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/** Temp files are `<name>.tmp-<random>`; a crash can leave one behind, never a half-written `<name>`. */
export function isTempFileOf(file: string, candidate: string): boolean {
  return candidate.startsWith(`${basename(file)}.tmp-`)
}

export interface AtomicWriteOptions {
  /**
   * File mode of the new file (and its backup). Default 0o600: what the host writes (addresses,
   * passwords, thumbnails of remote screens) is the user's alone; pass 0o644 only for data
   * that is fine for every local user to read.
   */
  mode?: number
  /** Copy the current file to `<name>.bak` before replacing it. */
  backup?: boolean
}

/**
 * Replaces `file` with `data` so that a crash at any point leaves either the old or the new
 * content under `file`, never a mix: write a temp file beside it, fsync, rename over, fsync
 * the directory (where the platform allows).
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600
  const dir = dirname(file)
  await fs.mkdir(dir, { recursive: true, mode: 0o700 })
  const temp = join(dir, `${basename(file)}.tmp-${randomBytes(6).toString('hex')}`)
  const handle = await fs.open(temp, 'wx', mode)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    if (options.backup) {
      try {
        await fs.copyFile(file, `${file}.bak`)
        // A copy keeps the old file's mode, which may be looser than this write's.
        await fs.chmod(`${file}.bak`, mode)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      }
    }
    await fs.rename(temp, file)
  } catch (e) {
    await fs.rm(temp, { force: true })
    throw e
  }
  await syncDirectory(dir)
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename itself durable; Windows cannot open a directory, and there it is not needed.
  if (process.platform === 'win32') return
  let handle: fs.FileHandle | undefined
  try {
    handle = await fs.open(dir, 'r')
    await handle.sync()
  } catch {
    // Some file systems refuse fsync on directories; the data itself is already synced.
  } finally {
    await handle?.close()
  }
}

/** Removes temp files a crash left beside `file`; the file itself is always the last complete write. */
export async function removeStaleTempFiles(file: string): Promise<string[]> {
  const dir = dirname(file)
  let names: string[]
  try {
    names = await fs.readdir(dir)
  } catch {
    return []
  }
  const stale = names.filter((n) => isTempFileOf(file, n))
  await Promise.all(stale.map((n) => fs.rm(join(dir, n), { force: true })))
  return stale
}
