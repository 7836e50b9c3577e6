import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_PREFERENCES, type Preferences } from '@shared/preferences'
import { preferenceFields } from '@shared/schemas'
import { removeStaleTempFiles, writeFileAtomic } from './atomic-file'
import { StoreError, type StoreProblem } from './connection-store'

export const PREFERENCES_FILE = 'preferences.json'

/** The format written; a file from a newer Tessera is read as far as its known fields go, and never written. */
export const PREFERENCES_SCHEMA_VERSION = 1

const KEYS = Object.keys(DEFAULT_PREFERENCES) as (keyof Preferences)[]

/**
 * The app-wide settings: `preferences.json` beside the address book, `{ schemaVersion, ...settings }`.
 * Like the address book, writes are atomic (temp file, fsync, rename) and nothing the user had is
 * overwritten silently: a file that is not JSON is moved aside as `preferences.json.corrupt-<time>`
 * and defaults are used; a setting with a value this version does not know falls back to its
 * default alone, with a copy of the file kept as `preferences.json.invalid-<time>` before the next
 * write; fields this version does not know (a newer Tessera's) are kept as they were. Problems are
 * collected in `problems` for the UI.
 */
export class PreferencesStore {
  /** Null for a store kept in memory only (tests, hosts without a data directory). */
  readonly file: string | null
  readonly problems: StoreProblem[] = []
  private prefs: Preferences = { ...DEFAULT_PREFERENCES }
  /** Fields of the file this version does not know: written back unchanged. */
  private unknown: Record<string, unknown> = {}
  /** Why the store refuses writes, or null. */
  private readOnly: string | null = null
  private writes: Promise<void> = Promise.resolve()

  private constructor(
    dir: string | null,
    private readonly now: () => number,
  ) {
    this.file = dir === null ? null : join(dir, PREFERENCES_FILE)
  }

  /** Settings that start at the defaults and are never saved. */
  static inMemory(): PreferencesStore {
    return new PreferencesStore(null, Date.now)
  }

  static async open(dir: string, now: () => number = Date.now): Promise<PreferencesStore> {
    const store = new PreferencesStore(dir, now)
    await store.load()
    return store
  }

  /** A copy of the current settings. */
  get(): Preferences {
    return { ...this.prefs }
  }

  /**
   * Changes the given settings (already validated by the caller's schema) and saves them; returns
   * all settings. The new values apply even when saving fails, which then throws STORE_WRITE_FAILED.
   */
  async set(patch: Partial<Preferences>): Promise<Preferences> {
    const next: Preferences = { ...this.prefs }
    for (const key of KEYS) if (patch[key] !== undefined) setField(next, key, patch[key])
    this.prefs = next
    await this.persist()
    return this.get()
  }

  /** Resolves once every write started so far has finished (shutdown waits for this). */
  async idle(): Promise<void> {
    await this.writes
  }

  private async persist(): Promise<void> {
    if (this.readOnly) throw new StoreError('STORE_READ_ONLY', this.readOnly)
    const file = this.file
    if (file === null) return
    const text = `${JSON.stringify({ ...this.unknown, schemaVersion: PREFERENCES_SCHEMA_VERSION, ...this.prefs }, null, 2)}\n`
    const write = this.writes.then(() => writeFileAtomic(file, text, { mode: 0o600 }))
    this.writes = write.catch(() => undefined)
    try {
      await write
    } catch (e) {
      throw new StoreError('STORE_WRITE_FAILED', `cannot save preferences to ${file}: ${(e as Error).message}`)
    }
  }

  private async load(): Promise<void> {
    const file = this.file
    if (file === null) return
    await removeStaleTempFiles(file)
    let text: string
    try {
      text = await fs.readFile(file, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
      this.readOnly = `the preferences file cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); defaults are used and changes are not saved`
      this.problems.push({ code: 'STORE_UNREADABLE', message: this.readOnly })
      return
    }
    let data: Record<string, unknown>
    try {
      data = parseObject(text)
    } catch (e) {
      await this.setAside(file, `.corrupt-${this.now()}`, 'rename', `the preferences file is damaged (${(e as Error).message})`)
      return
    }
    const { schemaVersion, ...fields } = data
    const invalid: string[] = []
    for (const [key, value] of Object.entries(fields)) {
      if (!Object.hasOwn(DEFAULT_PREFERENCES, key)) {
        this.unknown[key] = value
        continue
      }
      const k = key as keyof Preferences
      try {
        setField(this.prefs, k, preferenceFields[k].parse(value, k) as Preferences[typeof k])
      } catch (e) {
        invalid.push((e as Error).message)
      }
    }
    if (typeof schemaVersion === 'number' && schemaVersion > PREFERENCES_SCHEMA_VERSION) {
      this.readOnly = `the preferences file was written by a newer Tessera (format ${schemaVersion}); changes are not saved`
      this.problems.push({ code: 'STORE_NEWER_VERSION', message: this.readOnly })
      return
    }
    if (invalid.length)
      await this.setAside(
        file,
        `.invalid-${this.now()}`,
        'copy',
        `${invalid.length} setting(s) could not be read and use their defaults (${invalid.slice(0, 3).join('; ')})`,
      )
  }

  /** Keeps the file as it is under `file + suffix` before anything replaces it; if that fails, the store stays read-only. */
  private async setAside(file: string, suffix: string, how: 'rename' | 'copy', why: string): Promise<void> {
    const keptAt = `${file}${suffix}`
    const code = how === 'rename' ? 'STORE_CORRUPT' : 'STORE_INVALID_ENTRIES'
    try {
      await (how === 'rename' ? fs.rename(file, keptAt) : fs.copyFile(file, keptAt))
    } catch {
      this.readOnly = `${why}, and it cannot be set aside; changes are not saved`
      this.problems.push({ code, message: this.readOnly })
      return
    }
    this.problems.push({ code, message: `${why}; it was kept as ${keptAt}`, keptAt })
  }
}

/** The file's top-level object; throws on anything else. */
function parseObject(text: string): Record<string, unknown> {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new Error('not valid JSON')
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('not a preferences file')
  return data as Record<string, unknown>
}

function setField<K extends keyof Preferences>(prefs: Preferences, key: K, value: Preferences[K]): void {
  prefs[key] = value
}
