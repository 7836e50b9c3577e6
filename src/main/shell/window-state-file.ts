import { promises as fs } from 'node:fs'
import { ID_PATTERN } from '@shared/schemas'
import { writeFileAtomic } from '../host/atomic-file'
import { DEFAULT_WINDOW, type WindowState, parseWindowState, readWindowState } from './window-options'

/**
 * The windows' remembered places in one JSON file in userData: the address book's, and one per
 * saved connection for its session window. A file that is not JSON (or not an object) is moved
 * aside as `<file>.corrupt-<time>` before anything is written, and said so in the log: it is
 * never overwritten silently. If it cannot be moved, nothing is saved for the rest of the run.
 */

/** At most this many connections are remembered; the least recently saved go first. */
export const MAX_REMEMBERED_SESSIONS = 500

interface FileShape {
  version: 1
  addressBook: WindowState
  sessions: Record<string, WindowState>
}

/** Reads the file's content; an old file holding only the address book's state is read as that. */
export function parseWindowStates(v: unknown): { addressBook: WindowState; sessions: Map<string, WindowState> } {
  const o = v as Record<string, unknown>
  const sessions = new Map<string, WindowState>()
  if (!('version' in o)) return { addressBook: parseWindowState(o), sessions }
  const saved = o.sessions
  if (saved !== null && typeof saved === 'object' && !Array.isArray(saved)) {
    for (const [id, state] of Object.entries(saved as Record<string, unknown>)) {
      if (sessions.size >= MAX_REMEMBERED_SESSIONS) break
      const entry = ID_PATTERN.test(id) && id.length <= 64 ? readWindowState(state) : null
      if (entry) sessions.set(id, entry)
    }
  }
  return { addressBook: parseWindowState(o.addressBook), sessions }
}

/** The store of remembered window places; `load` it once, then read and `remember` freely. */
export class WindowStateFile {
  private addressBookState: WindowState = { ...DEFAULT_WINDOW }
  private readonly sessions = new Map<string, WindowState>()
  /** Why nothing is written (a damaged file could not be moved aside), or null. */
  private readOnly: string | null = null
  private writing: Promise<void> = Promise.resolve()

  private constructor(
    private readonly file: string,
    private readonly log: (message: string) => void,
  ) {}

  /** Reads `file`; a missing file is an empty store, a damaged one is kept aside (see above). */
  static async load(file: string, options: { log?: (message: string) => void; now?: () => number } = {}): Promise<WindowStateFile> {
    const log = options.log ?? ((m) => process.stderr.write(`tessera: ${m}\n`))
    const store = new WindowStateFile(file, log)
    let text: string
    try {
      text = await fs.readFile(file, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        store.readOnly = `cannot read ${file} (${(e as Error).message})`
        log(`${store.readOnly}; window places are not saved`)
      }
      return store
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object')
    } catch (e) {
      const keptAt = `${file}.corrupt-${(options.now ?? Date.now)()}`
      try {
        await fs.rename(file, keptAt)
        log(`the window places file was damaged (${(e as Error).message}); it was kept as ${keptAt}`)
      } catch (moveError) {
        store.readOnly = `the window places file is damaged and cannot be moved aside (${(moveError as Error).message})`
        log(`${store.readOnly}; window places are not saved`)
      }
      return store
    }
    const { addressBook, sessions } = parseWindowStates(parsed)
    store.addressBookState = addressBook
    for (const [id, state] of sessions) store.sessions.set(id, state)
    return store
  }

  /** The address book window's place (the default when none is remembered). */
  addressBook(): WindowState {
    return { ...this.addressBookState }
  }

  /** The place remembered for saved connection `profileId`'s session window, if any. */
  session(profileId: string): WindowState | undefined {
    const s = this.sessions.get(profileId)
    return s && { ...s }
  }

  /** Remembers the address book's place and saves. */
  rememberAddressBook(state: WindowState): Promise<void> {
    this.addressBookState = parseWindowState(state)
    return this.save()
  }

  /** Remembers a connection's session window place and saves; ids outside the profile alphabet are ignored. */
  rememberSession(profileId: string, state: WindowState): Promise<void> {
    if (!ID_PATTERN.test(profileId) || profileId.length > 64) return Promise.resolve()
    this.sessions.delete(profileId)
    this.sessions.set(profileId, parseWindowState(state))
    while (this.sessions.size > MAX_REMEMBERED_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string)
    return this.save()
  }

  /** Writes are queued, so the last one wins on disk as it did in memory. */
  private save(): Promise<void> {
    if (this.readOnly) return Promise.resolve()
    const content: FileShape = { version: 1, addressBook: this.addressBookState, sessions: Object.fromEntries(this.sessions) }
    const text = JSON.stringify(content)
    this.writing = this.writing.then(
      () => writeFileAtomic(this.file, text),
      () => writeFileAtomic(this.file, text),
    )
    return this.writing.catch((e: unknown) => this.log(`cannot save window places: ${(e as Error).message}`))
  }
}
