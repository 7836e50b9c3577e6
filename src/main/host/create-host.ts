import { homedir } from 'node:os'
import { join } from 'node:path'
import { ConnectionStore } from './connection-store'
import { lockDataDir } from './data-dir-lock'
import { FileTrustStore, SSH_HOSTS_FILE_NAME } from '../rfb/trust/store'
import { Host, type HostOptions } from './host'
import { FileSecretStore, type SecretCipher } from './secrets'

/** File names inside a data directory. */
export const DATA_FILES = { secrets: 'secrets.json', thumbnails: 'thumbnails' } as const

export interface CreateHostOptions extends Partial<Omit<HostOptions, 'store' | 'secrets' | 'thumbnailDir' | 'dataDirLock'>> {
  dataDir: string
  /** Encrypts saved passwords (the shell passes safeStorage); default plain text in a 0600 file. */
  cipher?: SecretCipher
}

/**
 * A host over one data directory: connections.json, secrets.json, known-certificates.json,
 * known-ssh-hosts.json and thumbnails/ inside it. The directory is locked until the host's
 * shutdown; if another host holds it, this throws DataDirLockedError (code DATA_DIR_LOCKED),
 * whose message tells the user what to do. `store.problems` lists what the user should hear
 * about both the address book and the saved passwords file (the shell and `tessera web` show it).
 */
export async function createHost(options: CreateHostOptions): Promise<{ host: Host; store: ConnectionStore }> {
  const { dataDir, cipher, ...rest } = options
  const dataDirLock = await lockDataDir(dataDir)
  try {
    const store = await ConnectionStore.open(dataDir)
    const secrets = new FileSecretStore(join(dataDir, DATA_FILES.secrets), cipher)
    store.problems.push(...(await secrets.open()))
    const host = new Host({
      trustStore: new FileTrustStore(dataDir), sshTrustStore: new FileTrustStore(dataDir, SSH_HOSTS_FILE_NAME),
      sshKnownHostsFile: join(homedir(), '.ssh', 'known_hosts'),
      ...rest, store, secrets, thumbnailDir: join(dataDir, DATA_FILES.thumbnails), dataDirLock,
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
  const base = platform === 'win32'
    ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
    : platform === 'darwin'
      ? join(home, 'Library', 'Application Support')
      : (env.XDG_CONFIG_HOME || join(home, '.config'))
  // Beside the desktop app's own folder, not in it: two writers must not share one connections file.
  return join(base, 'Tessera', 'browser-mode')
}
