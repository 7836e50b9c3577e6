import type { SecretStore } from './secrets'

/**
 * One OS keychain, reduced to what Tessera needs: a password per account name under one
 * service. Implementations reject when the keychain cannot be reached (locked, denied, gone).
 */
export interface Keychain {
  /** A short name for the UI, e.g. "secret-service", "keychain", "credential-manager". */
  readonly backend: string
  get(account: string): Promise<string | null>
  set(account: string, password: string): Promise<void>
  delete(account: string): Promise<void>
}

/** The service name entries are filed under; the account is the profile's key. */
export const KEYCHAIN_SERVICE = 'Tessera'

/**
 * How long one keychain call may take. A locked Secret Service collection may show an unlock
 * prompt, so this is long enough for a person to type a password, yet a keychain that never
 * answers cannot hold a connection forever.
 */
export const KEYCHAIN_TIMEOUT_MS = 60_000

/** How long the start-up probe waits: no person is asked anything, so a healthy keychain answers at once. */
const PROBE_TIMEOUT_MS = 5_000

function backendName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'keychain'
  if (platform === 'win32') return 'credential-manager'
  return 'secret-service'
}

/**
 * The OS keychain through @napi-rs/keyring (an N-API module: one prebuilt binary serves Node and
 * Electron alike): macOS Keychain, Windows Credential Manager, the freedesktop Secret Service.
 * Null when the module or the keychain cannot be used here, e.g. Linux without a session bus or
 * without a Secret Service. The probe only looks an entry up, so it never prompts anyone.
 */
export async function openOsKeychain(service = KEYCHAIN_SERVICE, platform: NodeJS.Platform = process.platform): Promise<Keychain | null> {
  let keyring: typeof import('@napi-rs/keyring')
  try {
    keyring = await import('@napi-rs/keyring')
  } catch {
    return null // No prebuilt binary for this OS or CPU: no keychain.
  }
  // On Linux the library would otherwise fall back to the kernel keyring, which forgets
  // everything at logout: not a place to keep passwords.
  const options = platform === 'linux' ? { linux: { store: 'secret-service' as const } } : undefined
  const entry = (account: string): InstanceType<typeof keyring.AsyncEntry> => new keyring.AsyncEntry(service, account, options)
  const keychain: Keychain = {
    backend: backendName(platform),
    get: async (account) => (await entry(account).getPassword(AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS))) ?? null,
    set: async (account, password) => entry(account).setPassword(password, AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS)),
    delete: async (account) => {
      await entry(account).deleteCredential(AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS))
    },
  }
  try {
    // Constructing an entry throws at once without a session bus; the lookup fails without a Secret Service.
    await entry('probe').getPassword(AbortSignal.timeout(PROBE_TIMEOUT_MS))
    return keychain
  } catch {
    return null
  }
}

/**
 * Saved passwords in the OS keychain: always `protected()`. Passwords an older Tessera left in
 * the plain file (`legacy`) are moved into the keychain the first time they are read, and
 * deleting a password deletes it from both.
 */
export class KeychainSecretStore implements SecretStore {
  constructor(
    private readonly keychain: Keychain,
    private readonly legacy: SecretStore | null = null,
  ) {}

  available(): boolean {
    return true
  }

  protected(): boolean {
    return true
  }

  backend(): string {
    return this.keychain.backend
  }

  async get(profileId: string): Promise<string | null> {
    const saved = await this.keychain.get(profileId)
    if (saved !== null || !this.legacy) return saved
    const old = await this.legacy.get(profileId)
    if (old === null) return null
    await this.keychain.set(profileId, old)
    await this.legacy.delete(profileId)
    return old
  }

  async set(profileId: string, password: string): Promise<void> {
    await this.keychain.set(profileId, password)
    // A newer password must not leave an older copy behind in clear text.
    await this.legacy?.delete(profileId)
  }

  async delete(profileId: string): Promise<void> {
    await this.keychain.delete(profileId)
    await this.legacy?.delete(profileId)
  }
}
