import { randomUUID } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import type { StoreProblem } from '@shared/contract'
import type { ErrorCode } from '@shared/error-codes'
import { type ConnectionProfile, PROFILE_SCHEMA_VERSION, newProfile } from '@shared/profile'
import { profileSchema } from '@shared/schemas'
import { ValidationError } from '@shared/validate'
import { removeStaleTempFiles, writeFileAtomic } from './atomic-file'
import { parseVncFile } from './vnc-file'

export const CONNECTIONS_FILE = 'connections.json'

export type { StoreProblem }

/** A store operation that cannot be done; `message` is presentable. */
export class StoreError extends Error {
  override name = 'StoreError'
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}

const EXPORT_FORMAT = 'tessera-connections'
const MAX_IMPORT = 10_000

interface ParsedFile {
  profiles: ConnectionProfile[]
  invalid: string[]
  version: number
}

/**
 * The address book: one JSON file `{ schemaVersion, profiles }` in the data directory.
 * Writes are atomic (temp file, fsync, rename) and keep the previous version as `.bak`. A file
 * that cannot be read is moved aside as `connections.json.corrupt-<time>` (the backup is used
 * if it is good), a file from a newer Tessera makes the store read-only, and entries that fail
 * validation are skipped with a copy of the file kept aside: the store never silently
 * overwrites anything the user had. Problems are collected in `problems` for the UI.
 */
export class ConnectionStore {
  readonly file: string
  readonly problems: StoreProblem[] = []
  private profiles: ConnectionProfile[] = []
  /** Why the store refuses writes, or null. */
  private readOnly: string | null = null
  private writes: Promise<void> = Promise.resolve()

  private constructor(
    dir: string,
    private readonly now: () => number,
  ) {
    this.file = join(dir, CONNECTIONS_FILE)
  }

  static async open(dir: string, now: () => number = Date.now): Promise<ConnectionStore> {
    const store = new ConnectionStore(dir, now)
    await store.load()
    return store
  }

  /** Copies, most recently used first, then by name. */
  list(): ConnectionProfile[] {
    return this.profiles.map((p) => structuredClone(p)).sort((a, b) => b.lastUsedAt - a.lastUsedAt || a.name.localeCompare(b.name))
  }

  get(id: string): ConnectionProfile | undefined {
    const p = this.profiles.find((x) => x.id === id)
    return p && structuredClone(p)
  }

  /** Adds (empty id: one is assigned) or replaces a profile; returns what was stored. */
  async save(profile: ConnectionProfile): Promise<ConnectionProfile> {
    this.assertWritable()
    const p = structuredClone(profileSchema.parse({ ...profile, id: profile.id || 'new' }))
    const existing = profile.id ? this.profiles.findIndex((x) => x.id === profile.id) : -1
    if (existing >= 0) {
      // The renderer's copy may be older than the last connection's timestamp.
      p.lastUsedAt = Math.max(p.lastUsedAt, this.profiles[existing].lastUsedAt)
      this.profiles[existing] = p
    } else {
      if (!profile.id) p.id = randomUUID()
      if (!p.createdAt) p.createdAt = this.now()
      this.profiles.push(p)
    }
    await this.persist()
    return structuredClone(p)
  }

  async delete(id: string): Promise<boolean> {
    this.assertWritable()
    const before = this.profiles.length
    this.profiles = this.profiles.filter((p) => p.id !== id)
    if (this.profiles.length === before) return false
    await this.persist()
    return true
  }

  /** Records a successful connection. */
  async touch(id: string, at = this.now()): Promise<void> {
    const p = this.profiles.find((x) => x.id === id)
    // A read-only store still lets the user connect; it just cannot remember when.
    if (!p || this.readOnly) return
    p.lastUsedAt = at
    await this.persist()
  }

  /**
   * Adds the connections in a `.vnc` file or one of our JSON exports; returns the profiles
   * added (entries identical to existing ones are skipped). Imported entries get new ids and no
   * saved password.
   */
  async import(fileName: string, text: string): Promise<ConnectionProfile[]> {
    return (await this.importWithSources(fileName, text)).map((a) => a.profile)
  }

  /** `import`, also telling which id each added profile had in the file (to pair it with exported passwords). */
  async importWithSources(fileName: string, text: string): Promise<{ profile: ConnectionProfile; sourceId: string }[]> {
    this.assertWritable()
    // JSON is an object or a list of objects; `[Connection]` opens an ini-style .vnc file.
    const candidates = /^\s*(\{|\[\s*[{\]])/.test(text) ? this.parseExport(text) : [this.fromVncFile(fileName, text)]
    const added: { profile: ConnectionProfile; sourceId: string }[] = []
    for (const c of candidates) {
      const same = (p: ConnectionProfile): boolean => p.host === c.host && p.port === c.port && (p.username ?? '') === (c.username ?? '') && p.name === c.name
      if (this.profiles.some(same) || added.some((a) => same(a.profile))) continue
      added.push({ profile: { ...c, id: randomUUID(), savePassword: false, createdAt: this.now(), lastUsedAt: 0 }, sourceId: c.id })
    }
    if (added.length === 0) return []
    this.profiles.push(...added.map((a) => a.profile))
    await this.persist()
    return added.map((a) => ({ profile: structuredClone(a.profile), sourceId: a.sourceId }))
  }

  /** The profiles an export of `ids` covers (all when `ids` is empty). */
  exportable(ids: readonly string[]): ConnectionProfile[] {
    return (ids.length ? this.profiles.filter((p) => ids.includes(p.id)) : this.profiles).map((p) => structuredClone(p))
  }

  /**
   * Our JSON export of the given profiles (all when `ids` is empty). The store holds no
   * passwords; the host adds them only as a sealed `extra.passwords` block.
   */
  export(ids: readonly string[], extra: Record<string, unknown> = {}): { fileName: string; text: string } {
    const profiles = this.exportable(ids).map((p) => ({ ...p, savePassword: false }))
    const text = JSON.stringify({ format: EXPORT_FORMAT, schemaVersion: PROFILE_SCHEMA_VERSION, exportedAt: this.now(), profiles, ...extra }, null, 2)
    return { fileName: 'tessera-connections.json', text: `${text}\n` }
  }

  private fromVncFile(fileName: string, text: string): ConnectionProfile {
    try {
      return newProfile({ id: 'import', ...parseVncFile(fileName, text) })
    } catch (e) {
      throw new StoreError('IMPORT_UNRECOGNISED', e instanceof Error ? e.message : String(e))
    }
  }

  private parseExport(text: string): ConnectionProfile[] {
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch {
      throw new StoreError('IMPORT_UNRECOGNISED', 'the file is neither a .vnc file nor valid JSON')
    }
    const list = Array.isArray(data) ? data : (data as { profiles?: unknown } | null)?.profiles
    if (!Array.isArray(list)) throw new StoreError('IMPORT_UNRECOGNISED', 'the JSON file holds no connection list')
    if (list.length > MAX_IMPORT) throw new StoreError('IMPORT_TOO_LARGE', `at most ${MAX_IMPORT} connections can be imported at once`)
    const out: ConnectionProfile[] = []
    for (const entry of list) {
      try {
        out.push(profileSchema.parse(entry, 'connection'))
      } catch {
        // One bad entry does not spoil the rest of an import.
      }
    }
    if (out.length === 0 && list.length > 0) throw new StoreError('IMPORT_INVALID', 'none of the connections in the file are valid')
    return out
  }

  private assertWritable(): void {
    if (this.readOnly) throw new StoreError('STORE_READ_ONLY', this.readOnly)
  }

  /** Resolves once every write started so far has finished (shutdown waits for this). */
  async idle(): Promise<void> {
    await this.writes
  }

  private async persist(): Promise<void> {
    this.assertWritable()
    const text = `${JSON.stringify({ schemaVersion: PROFILE_SCHEMA_VERSION, profiles: this.profiles }, null, 2)}\n`
    const write = this.writes.then(() => writeFileAtomic(this.file, text, { backup: true, mode: 0o600 }))
    this.writes = write.catch(() => undefined)
    try {
      await write
    } catch (e) {
      throw new StoreError('STORE_WRITE_FAILED', `cannot save connections to ${this.file}: ${(e as Error).message}`)
    }
  }

  private async load(): Promise<void> {
    // A crash between writing the temp file and renaming it leaves the old file intact.
    await removeStaleTempFiles(this.file)
    let text: string
    try {
      text = await fs.readFile(this.file, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        await this.restoreBackup('connections.json was missing')
        return
      }
      this.readOnly = `the connections file cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); changes are not saved until it is fixed`
      this.problems.push({ code: 'STORE_UNREADABLE', message: this.readOnly })
      return
    }
    let parsed: ParsedFile
    try {
      parsed = parseStoreFile(text)
    } catch (e) {
      const keptAt = `${this.file}.corrupt-${this.now()}`
      try {
        await fs.rename(this.file, keptAt)
      } catch {
        this.readOnly = `the connections file is damaged (${(e as Error).message}) and cannot be moved aside; changes are not saved`
        this.problems.push({ code: 'STORE_CORRUPT', message: this.readOnly })
        return
      }
      this.problems.push({ code: 'STORE_CORRUPT', message: `the connections file is damaged (${(e as Error).message}); it was kept as ${keptAt}`, keptAt })
      await this.restoreBackup('the connections file was damaged')
      return
    }
    if (parsed.version > PROFILE_SCHEMA_VERSION) {
      this.readOnly = `the connections file was written by a newer Tessera (format ${parsed.version}); it is shown read-only`
      this.problems.push({ code: 'STORE_NEWER_VERSION', message: this.readOnly })
    }
    this.profiles = parsed.profiles
    if (parsed.invalid.length) {
      const keptAt = `${this.file}.invalid-${this.now()}`
      await fs.copyFile(this.file, keptAt)
      this.problems.push({
        code: 'STORE_INVALID_ENTRIES',
        message: `${parsed.invalid.length} saved connection(s) could not be read and were left out (${parsed.invalid.slice(0, 3).join('; ')}); the file was copied to ${keptAt}`,
        keptAt,
        count: parsed.invalid.length,
      })
    }
  }

  private async restoreBackup(why: string): Promise<void> {
    const bak = `${this.file}.bak`
    let text: string
    try {
      text = await fs.readFile(bak, 'utf8')
    } catch {
      return
    }
    try {
      const parsed = parseStoreFile(text)
      if (parsed.version > PROFILE_SCHEMA_VERSION) throw new Error('newer format')
      this.profiles = parsed.profiles
      this.problems.push({
        code: 'STORE_RESTORED',
        message: `${why}; ${parsed.profiles.length} connection(s) were restored from the backup`,
        count: parsed.profiles.length,
      })
    } catch {
      const keptAt = `${bak}.corrupt-${this.now()}`
      await fs.rename(bak, keptAt).catch(() => undefined)
      this.problems.push({ code: 'STORE_CORRUPT', message: `${why} and its backup is damaged too; it was kept as ${keptAt}`, keptAt })
    }
  }
}

/** Parses and validates the connections file; throws on anything that is not our format. */
function parseStoreFile(text: string): ParsedFile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new Error('not valid JSON')
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('not a connections file')
  const { schemaVersion, profiles } = data as { schemaVersion?: unknown; profiles?: unknown }
  if (typeof schemaVersion !== 'number' || !Number.isInteger(schemaVersion) || schemaVersion < 1) throw new Error('no schema version')
  if (!Array.isArray(profiles)) throw new Error('no connection list')
  const out: ConnectionProfile[] = []
  const invalid: string[] = []
  const ids = new Set<string>()
  profiles.forEach((entry, i) => {
    try {
      const p = profileSchema.parse(entry, `connection ${i + 1}`)
      if (ids.has(p.id)) throw new ValidationError(`connection ${i + 1}`, 'repeats an id')
      ids.add(p.id)
      out.push(p)
    } catch (e) {
      invalid.push(e instanceof Error ? e.message : String(e))
    }
  })
  return { profiles: out, invalid, version: schemaVersion }
}
