import { promises as fs } from 'node:fs'
import { writeFileAtomic } from './atomic-file'

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
 * says so; with an OS cipher only ciphertext touches the disk.
 */
export class FileSecretStore implements SecretStore {
  private cache: Map<string, string> | null = null
  private writes: Promise<void> = Promise.resolve()

  constructor(
    private readonly file: string,
    private readonly cipher: SecretCipher = PLAIN,
  ) {}

  available(): boolean {
    return this.cipher.available()
  }

  protected(): boolean {
    return this.cipher.available() && this.cipher.protected()
  }

  backend(): string {
    return this.cipher.backend()
  }

  async get(profileId: string): Promise<string | null> {
    const stored = (await this.load()).get(profileId)
    if (stored === undefined || !this.available()) return null
    try {
      return this.cipher.decrypt(stored)
    } catch {
      // Encrypted under another key (another machine or user): as good as absent.
      return null
    }
  }

  async set(profileId: string, password: string): Promise<void> {
    if (!this.available()) throw new Error('no secret storage is available')
    const map = await this.load()
    map.set(profileId, this.cipher.encrypt(password))
    await this.save()
  }

  async delete(profileId: string): Promise<void> {
    const map = await this.load()
    if (map.delete(profileId)) await this.save()
  }

  private async load(): Promise<Map<string, string>> {
    if (this.cache) return this.cache
    const map = new Map<string, string>()
    try {
      const data = JSON.parse(await fs.readFile(this.file, 'utf8')) as Partial<SecretsFile>
      for (const [k, v] of Object.entries(data.secrets ?? {})) if (typeof v === 'string') map.set(k, v)
    } catch (e) {
      // A missing file is an empty store; an unreadable one is kept aside rather than overwritten.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        await fs.rename(this.file, `${this.file}.corrupt-${Date.now()}`).catch(() => undefined)
      }
    }
    this.cache = map
    return map
  }

  private save(): Promise<void> {
    const snapshot: SecretsFile = { version: 1, secrets: Object.fromEntries(this.cache ?? []) }
    const write = this.writes.then(() => writeFileAtomic(this.file, JSON.stringify(snapshot), { mode: 0o600 }))
    this.writes = write.catch(() => undefined)
    return write
  }
}
