import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { RfbError } from '../errors'

/** A certificate the user chose to trust "always" for one server. */
export interface PinnedCertificate {
  /** Canonical SHA-256 fingerprint (colon hex, upper case). */
  sha256: string
  /** For people reading the file: whom the certificate named when it was accepted. */
  subject?: string
  addedAt?: string
}

/** Where "always" decisions live; keyed by {@link serverKey}. */
export interface CertificateStore {
  get(server: string): PinnedCertificate | undefined
  remember(server: string, cert: PinnedCertificate): void
}

/** "host:port", lower-case, IPv6 in brackets: one server, whatever way the user typed it. */
export function serverKey(host: string, port: number): string {
  const h = host.toLowerCase()
  return `${h.includes(':') ? `[${h}]` : h}:${port}`
}

const FILE_NAME = 'known-certificates.json'
const FORMAT_VERSION = 1

interface StoreFile {
  version: number
  servers: Record<string, PinnedCertificate>
}

/** The trust store could not be read or written; nothing was overwritten. */
export class TrustStoreError extends RfbError {
  constructor(message: string) {
    super('unsupported', 'RFB_ERR_TRUST_STORE', message)
  }
}

/** Where accepted SSH host keys live beside the certificates; same format, `sha256` in OpenSSH form. */
export const SSH_HOSTS_FILE_NAME = 'known-ssh-hosts.json'

/**
 * Pinned certificates in `DIR/known-certificates.json` (or SSH host keys, with
 * {@link SSH_HOSTS_FILE_NAME}). Every write re-reads the file and replaces it atomically
 * (temp file, fsync, rename), so a crash never leaves half a file and a second viewer's
 * decisions are kept. An unreadable file is reported, never silently replaced.
 */
export class FileTrustStore implements CertificateStore {
  readonly file: string

  constructor(
    readonly dir: string,
    fileName = FILE_NAME,
  ) {
    this.file = join(dir, fileName)
  }

  private load(): StoreFile {
    let text: string
    try {
      text = readFileSync(this.file, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: FORMAT_VERSION, servers: {} }
      throw new TrustStoreError(`cannot read the trust store ${this.file}: ${(e as Error).message}`)
    }
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (e) {
      throw new TrustStoreError(`the trust store ${this.file} is not valid JSON (${(e as Error).message}); fix or remove it`)
    }
    const f = data as Partial<StoreFile>
    if (typeof f !== 'object' || f === null || f.version !== FORMAT_VERSION || typeof f.servers !== 'object' || f.servers === null) {
      throw new TrustStoreError(`the trust store ${this.file} has an unknown format (expected version ${FORMAT_VERSION})`)
    }
    return f as StoreFile
  }

  get(server: string): PinnedCertificate | undefined {
    const entry = this.load().servers[server]
    return entry && typeof entry.sha256 === 'string' ? entry : undefined
  }

  remember(server: string, cert: PinnedCertificate): void {
    const data = this.load()
    data.servers[server] = { ...cert, addedAt: cert.addedAt ?? new Date().toISOString() }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`
    try {
      const fd = openSync(tmp, 'w', 0o600)
      try {
        writeSync(fd, `${JSON.stringify(data, null, 2)}\n`)
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
      renameSync(tmp, this.file)
    } catch (e) {
      rmSync(tmp, { force: true })
      throw new TrustStoreError(`cannot write the trust store ${this.file}: ${(e as Error).message}`)
    }
    // The rename is only durable once the directory entry is; not every platform can fsync one.
    try {
      const dfd = openSync(this.dir, 'r')
      try {
        fsyncSync(dfd)
      } finally {
        closeSync(dfd)
      }
    } catch {
      // best effort
    }
  }
}

/** A store that lives as long as the process: tests, and sessions without a trust directory. */
export class MemoryTrustStore implements CertificateStore {
  private readonly entries = new Map<string, PinnedCertificate>()

  get(server: string): PinnedCertificate | undefined {
    return this.entries.get(server)
  }

  remember(server: string, cert: PinnedCertificate): void {
    this.entries.set(server, { ...cert })
  }
}
