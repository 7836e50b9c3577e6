import { promises as fs } from 'node:fs'
import { writeFileAtomic } from './atomic-file'
import { hostError } from './errors'
import type { SecretStore } from './secrets'

/**
 * The user's answer to "save passwords in a file only you can read?", asked only where no
 * keychain protects them. Kept in its own small file in the data directory, so it survives
 * restarts and is never inferred from anything else.
 */
export class PlainFileConsent {
  private constructor(
    private readonly file: string | null,
    private allowed: boolean,
  ) {}

  /** The consent saved in `file`; anything but a clear yes (missing, unreadable, other) is no. */
  static async open(file: string): Promise<PlainFileConsent> {
    let allowed = false
    try {
      const data = JSON.parse(await fs.readFile(file, 'utf8')) as { plainFileSecrets?: unknown }
      allowed = data.plainFileSecrets === true
    } catch {
      // No answer yet, or one that cannot be read: the safe default is no.
    }
    return new PlainFileConsent(file, allowed)
  }

  /** A consent kept only in memory (tests, hosts without a data directory). */
  static inMemory(allowed = false): PlainFileConsent {
    return new PlainFileConsent(null, allowed)
  }

  /** True once the user said yes. */
  get granted(): boolean {
    return this.allowed
  }

  /** Records the answer (to disk first: a yes that was not saved must not take effect). */
  async set(allowed: boolean): Promise<void> {
    if (this.file) await writeFileAtomic(this.file, JSON.stringify({ version: 1, plainFileSecrets: allowed }), { mode: 0o600 })
    this.allowed = allowed
  }
}

/**
 * The host's rule for writing secrets, in front of the real store: a store that does not protect
 * passwords (a plain file, or safeStorage without a keyring) is written only after the user
 * consented; otherwise `set` is refused with SECRETS_NOT_PROTECTED, whatever the renderer asked.
 * Reading and deleting pass through, so passwords saved earlier stay usable and can be forgotten.
 */
export class GuardedSecretStore implements SecretStore {
  constructor(
    private readonly inner: SecretStore,
    readonly consent: PlainFileConsent,
  ) {}

  available(): boolean {
    return this.inner.available()
  }

  protected(): boolean {
    return this.inner.protected()
  }

  backend(): string {
    return this.inner.backend()
  }

  /** Whether `set` would be accepted now. */
  mayWrite(): boolean {
    return this.inner.available() && (this.inner.protected() || this.consent.granted)
  }

  /** Throws the refusal `set` would give, so a request can be turned down before anything happens. */
  checkWrite(): void {
    if (!this.inner.available()) throw hostError('refused', 'SECRETS_UNAVAILABLE', 'passwords cannot be saved on this computer')
    if (!this.mayWrite()) {
      throw hostError(
        'refused',
        'SECRETS_NOT_PROTECTED',
        `no keychain protects saved passwords here (${this.inner.backend()}), and saving them in a file was not allowed`,
      )
    }
  }

  get(profileId: string): Promise<string | null> {
    return this.inner.get(profileId)
  }

  async set(profileId: string, password: string): Promise<void> {
    this.checkWrite()
    await this.inner.set(profileId, password)
  }

  delete(profileId: string): Promise<void> {
    return this.inner.delete(profileId)
  }
}
