import { homedir } from 'node:os'
import { join } from 'node:path'
import { ConnectionStore } from './connection-store'
import { PreferencesStore } from './preferences-store'
import { lockDataDir } from './data-dir-lock'
import { SERVER_KEYS_FILE_NAME } from '../rfb/trust/server-key'
import { FileTrustStore, SSH_HOSTS_FILE_NAME } from '../rfb/trust/store'
import { Host, type HostOptions } from './host'
import { type Keychain, KeychainSecretStore, openOsKeychain } from './keychain-secrets'
import { PlainFileConsent } from './secret-consent'
import { FileSecretStore, type SecretCipher, type SecretStore } from './secrets'

/** File names inside a data directory. */
export const DATA_FILES = { secrets: 'secrets.json', plainFileConsent: 'secrets-consent.json', thumbnails: 'thumbnails', recordings: 'Recordings' } as const

export interface CreateHostOptions extends Partial<Omit<HostOptions, 'store' | 'secrets' | 'thumbnailDir' | 'dataDirLock' | 'plainFileConsent'>> {
  dataDir: string
  /** Encrypts saved passwords (the shell passes safeStorage); without it passwords go to the OS keychain. */
  cipher?: SecretCipher
  /**
   * The keychain used when no cipher is given: default the OS keychain if it works here; null
   * means none. Without one, passwords are saved only in a 0600 file and only after the user allowed it.
   */
  keychain?: Keychain | null
}

/**
 * A host over one data directory: connections.json, preferences.json, secrets.json, secrets-consent.json,
 * known-certificates.json, known-ssh-hosts.json and thumbnails/ inside it. Saved passwords go
 * to the cipher's store (the app), else to the OS keychain, else to secrets.json if allowed.
 * The directory is locked until the host's shutdown; if another host holds it, this throws
 * DataDirLockedError (code DATA_DIR_LOCKED), whose message tells the user what to do.
 * `store.problems` lists what the user should hear about both the address book and the saved
 * passwords file (the shell and `tessera web` show it).
 */
export async function createHost(options: CreateHostOptions): Promise<{ host: Host; store: ConnectionStore }> {
  const { dataDir, cipher, keychain, ...rest } = options
  const dataDirLock = await lockDataDir(dataDir)
  try {
    const store = await ConnectionStore.open(dataDir)
    const file = new FileSecretStore(join(dataDir, DATA_FILES.secrets), cipher)
    store.problems.push(...(await file.open()))
    const preferences = await PreferencesStore.open(dataDir)
    store.problems.push(...preferences.problems)
    let secrets: SecretStore = file
    if (!cipher) {
      const chain = keychain === undefined ? await openOsKeychain() : keychain
      // Passwords an older version kept in the file move into the keychain as they are used.
      if (chain) secrets = new KeychainSecretStore(chain, file)
    }
    const plainFileConsent = await PlainFileConsent.open(join(dataDir, DATA_FILES.plainFileConsent))
    const host = new Host({
      plainFileConsent,
      trustStore: new FileTrustStore(dataDir),
      sshTrustStore: new FileTrustStore(dataDir, SSH_HOSTS_FILE_NAME),
      serverKeyStore: new FileTrustStore(dataDir, SERVER_KEYS_FILE_NAME),
      sshKnownHostsFile: join(homedir(), '.ssh', 'known_hosts'),
      ...rest,
      store,
      preferences,
      secrets,
      thumbnailDir: join(dataDir, DATA_FILES.thumbnails),
      recordingsDir: join(dataDir, DATA_FILES.recordings),
      dataDirLock,
    })
    return { host, store }
  } catch (e) {
    await dataDirLock.release()
    throw e
  }
}

/** Where browser mode keeps its data by default, after each OS's convention for per-user app data. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = homedir()
  const base =
    platform === 'win32'
      ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : env.XDG_CONFIG_HOME || join(home, '.config')
  // Beside the desktop app's own folder, not in it: two writers must not share one connections file.
  return join(base, 'Tessera', 'browser-mode')
}
