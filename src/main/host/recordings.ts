import { type Stats, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { MAX_UPLOAD_BYTES, RECORDING_NAME_PATTERN, type RecordingEntry } from '@shared/recording'
import { hostError } from './errors'

/** The largest recording a player opens (it is held in memory while open). */
export const MAX_PLAYABLE_BYTES = MAX_UPLOAD_BYTES

/** Recordings listed at most (newest first). */
const MAX_LISTED = 1000

/**
 * The Recordings folder in the data folder: where sessions are recorded, what a player may open
 * (by name only, so no window, local or remote, reads anything else), and where exports go.
 */
export class RecordingsFolder {
  constructor(readonly dir: string | null) {}

  /** The folder, made on first use. */
  folder(): string {
    if (!this.dir) throw hostError('refused', 'HOST_NO_RECORDINGS', 'this host keeps no recordings folder')
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    return this.dir
  }

  /** A path for a new recording of `label` made now: `label YYYY-MM-DD HH.MM.SS.fbs`, numbered if taken (the file is created exclusively). */
  newRecordingPath(label: string, now = new Date(), attempt = 0): string {
    const safe =
      label
        .replace(/[^A-Za-z0-9._@-]+/g, '_')
        .replace(/^[._]+/, '')
        .slice(0, 80) || 'session'
    const p = (n: number): string => String(n).padStart(2, '0')
    const stamp = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}.${p(now.getMinutes())}.${p(now.getSeconds())}`
    return join(this.folder(), `${safe} ${stamp}${attempt ? ` (${attempt + 1})` : ''}.fbs`)
  }

  list(): RecordingEntry[] {
    if (!this.dir) return []
    const dir = this.folder()
    const out: RecordingEntry[] = []
    for (const name of readdirSync(dir)) {
      if (!RECORDING_NAME_PATTERN.test(name)) continue
      try {
        // lstat: a link is not listed, since it could not be opened (pathOf).
        const st = lstatSync(join(dir, name))
        if (st.isFile()) out.push({ name, bytes: st.size, modifiedMs: Math.floor(st.mtimeMs) })
      } catch {
        // Removed while listing.
      }
    }
    return out.sort((a, b) => b.modifiedMs - a.modifiedMs).slice(0, MAX_LISTED)
  }

  /**
   * The path of recording `name`, which must be a file of this folder no larger than a player
   * takes. A symbolic link is refused: it would let a window read whatever it points to.
   */
  pathOf(name: string): string {
    if (!RECORDING_NAME_PATTERN.test(name) || basename(name) !== name) throw hostError('refused', 'HOST_BAD_RECORDING', 'not a recording name')
    const path = join(this.folder(), name)
    let st: Stats
    try {
      st = lstatSync(path)
    } catch {
      throw hostError('closed', 'HOST_NO_RECORDING', 'that recording no longer exists')
    }
    if (!st.isFile()) throw hostError('refused', 'HOST_BAD_RECORDING', 'that name is not a recording file of the Recordings folder (a link or a folder)')
    const size = st.size
    if (size > MAX_PLAYABLE_BYTES) throw hostError('refused', 'HOST_RECORDING_TOO_LARGE', `the recording is larger than ${MAX_PLAYABLE_BYTES} bytes`)
    return path
  }

  /**
   * `path` if it is a file a player takes: the one way to play a recording from outside this
   * folder, for a path the user picked in the desktop app's open dialog (never one a window
   * names). A link the user picked is theirs, so it is followed; a folder or a device is refused.
   */
  static playableFile(path: string): string {
    let st: Stats
    try {
      st = statSync(path)
    } catch {
      throw hostError('closed', 'HOST_NO_RECORDING', 'that recording no longer exists')
    }
    if (!st.isFile()) throw hostError('refused', 'HOST_BAD_RECORDING', 'that is not a recording file')
    if (st.size > MAX_PLAYABLE_BYTES) throw hostError('refused', 'HOST_RECORDING_TOO_LARGE', `the recording is larger than ${MAX_PLAYABLE_BYTES} bytes`)
    return path
  }

  /** The exports folder of recording `name` (made on demand). */
  exportsOf(name: string): string {
    // "..fbs" and "...fbs" are valid names whose stems would be Exports itself or the Recordings folder.
    const stem = name.replace(/\.fbs$/, '').replace(/^\.+$/, (dots) => '_'.repeat(dots.length))
    const dir = join(this.folder(), 'Exports', stem)
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    return dir
  }
}
