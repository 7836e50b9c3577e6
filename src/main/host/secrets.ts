import { promises as fs } from 'node:fs'
import { removeStaleTempFiles, writeFileAtomic } from './atomic-file'
import type { StoreProblem } from './connection-store'

/**
 * Where saved passwords live, apart from the connections file. The host sees only this
 * interface: the Electron shell provides one backed by the OS keychain (`safeStorage`), browser
 * mode and tests a plain file. Implementations never log or echo a password.
 */
export interface SecretStore {
  /** Passwords can be saved at all. */
  available(): boolean
  /** Saved passwords are encrypted by the OS (keychain, DPAPI, libsecret), not just on disk. */
  protected(): boolean
  /** A short name for the UI, e.g. "file", "gnome_libsecret", "keychain". */
  backend(): string
  get(profileId: string): Promise<string | null>
  set(profileId: string, password: string): Promise<void>
  delete(profileId: string): Promise<void>
}

/** Turns a password into stored text and back; the keychain-backed store passes `safeStorage` here. */
export interface SecretCipher {
  available(): boolean
  protected(): boolean
  backend(): string
  encrypt(plain: string): string
  decrypt(stored: string): string
}

const PLAIN: SecretCipher = {
  available: () => true,
  protected: () => false,
  backend: () => 'file',
  encrypt: (s) => s,
  decrypt: (s) => s,
}

interface SecretsFile {
  version: 1
  secrets: Record<string, string>
}

/**
 * Secrets in one JSON file readable only by the user (mode 0600), written atomically. With the
 * default cipher the passwords are plain text in that file, so `protected()` is false and the UI
 * says so; with an OS cipher only ciphertext touches the disk. A damaged file is never silently
 * overwritten: it is moved aside as `<file>.corrupt-<time>` (or, when that fails or the file
 * cannot be read at all, nothing is saved) and `problems` says so, for the user to hear.
 */
export class FileSecretStore implements SecretStore {
  /** What the user should be told about the file; filled when it is first read (`open`). */
  readonly problems: StoreProblem[] = []
  private loading: Promise<Map<string, string>> | null = null
  /** Why nothing may be written, or null. */
  private readOnly: string | null = null
  private writes: Promise<void> = Promise.resolve()

  constructor(
    private readonly file: string,
    private readonly cipher: SecretCipher = PLAIN,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the file now rather than at the first password, so a damaged one is reported at start. */
  async open(): Promise<readonly StoreProblem[]> {
    await this.load()
    return this.problems
  }

  available(): boolean {
    return this.cipher.available() && this.readOnly === null
  }

  protected(): boolean {
    return this.cipher.available() && this.cipher.protected()
  }

  backend(): string {
    return this.cipher.backend()
  }

  async get(profileId: string): Promise<string | null> {
    const stored = (await this.load()).get(profileId)
    if (stored === undefined || !this.cipher.available()) return null
    try {
      return this.cipher.decrypt(stored)
    } catch {
      // Encrypted under another key (another machine or user): as good as absent.
      return null
    }
  }

  async set(profileId: string, password: string): Promise<void> {
    const map = await this.load()
    if (this.readOnly !== null) throw new Error(this.readOnly)
    if (!this.available()) throw new Error('no secret storage is available')
    map.set(profileId, this.cipher.encrypt(password))
    await this.save()
  }

  async delete(profileId: string): Promise<void> {
    const map = await this.load()
    if (map.delete(profileId)) await this.save()
  }

  private load(): Promise<Map<string, string>> {
    // One read for every caller: two first uses at once must not both move the file aside.
    this.loading ??= this.read()
    return this.loading
  }

  private async read(): Promise<Map<string, string>> {
    // A crash between writing a temp file and renaming it leaves one behind, passwords and all.
    await removeStaleTempFiles(this.file)
    let text: string
    try {
      text = await fs.readFile(this.file, 'utf8')
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return new Map()
      // Perhaps only for now (permissions, a locked file): keep it, and save nothing over it.
      this.readOnly = `the saved passwords file ${this.file} cannot be read (${code ?? 'error'}); no password is saved until it is fixed`
      this.problems.push({ code: 'SECRETS_UNREADABLE', message: this.readOnly })
      return new Map()
    }
    let parsed: { secrets: Map<string, string>; skipped: number }
    try {
      parsed = parseSecretsFile(text)
    } catch (e) {
      await this.setAside(`the saved passwords file is damaged (${(e as Error).message})`)
      return new Map()
    }
    if (parsed.skipped > 0) {
      // The readable passwords are kept; a copy keeps the rest from being lost at the next save.
      const keptAt = `${this.file}.invalid-${this.now()}`
      try {
        await fs.copyFile(this.file, keptAt)
      } catch {
        this.readOnly = `${parsed.skipped} saved password(s) could not be read and the file cannot be copied aside; no password is saved until it is fixed`
        this.problems.push({ code: 'SECRETS_CORRUPT', message: this.readOnly })
        return parsed.secrets
      }
      this.problems.push({
        code: 'SECRETS_CORRUPT',
        message: `${parsed.skipped} saved password(s) could not be read and will be asked for again; the file was copied to ${keptAt}`,
        keptAt,
        count: parsed.skipped,
      })
    }
    return parsed.secrets
  }

  /** Moves a damaged file out of the way, or, if it cannot be moved, refuses to write over it. */
  private async setAside(why: string): Promise<void> {
    const keptAt = `${this.file}.corrupt-${this.now()}`
    try {
      await fs.rename(this.file, keptAt)
    } catch {
      this.readOnly = `${why} and cannot be moved aside; no password is saved until it is fixed`
      this.problems.push({ code: 'SECRETS_CORRUPT', message: this.readOnly })
      return
    }
    this.problems.push({ code: 'SECRETS_CORRUPT', message: `${why}; it was kept as ${keptAt}, and saved passwords will be asked for again`, keptAt })
  }

  private async save(): Promise<void> {
    const map = await this.load()
    const snapshot: SecretsFile = { version: 1, secrets: Object.fromEntries(map) }
    const write = this.writes.then(() => writeFileAtomic(this.file, JSON.stringify(snapshot), { mode: 0o600 }))
    this.writes = write.catch(() => undefined)
    return write
  }
}

/** The passwords in a secrets file, and how many entries were not ours; throws if the file is not one. */
function parseSecretsFile(text: string): { secrets: Map<string, string>; skipped: number } {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new Error('not valid JSON')
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('not a secrets file')
  const { secrets } = data as { secrets?: unknown }
  if (secrets === undefined) return { secrets: new Map(), skipped: 0 }
  if (!secrets || typeof secrets !== 'object' || Array.isArray(secrets)) throw new Error('no list of passwords')
  const out = new Map<string, string>()
  let skipped = 0
  for (const [k, v] of Object.entries(secrets)) {
    if (typeof v === 'string') out.set(k, v)
    else skipped++
  }
  return { secrets: out, skipped }
}
