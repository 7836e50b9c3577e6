import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { ValidationError, checked, int, object, optional, string } from '@shared/validate'
import * as v from 'valibot'
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

/** A certificate's fingerprint as Node prints it (colon hex, upper case), or a host key's as OpenSSH does ("SHA256:" and unpadded base64). */
const FINGERPRINT_PATTERN = /^(?:[0-9A-F]{2}(?::[0-9A-F]{2}){31}|SHA256:[A-Za-z0-9+/]{43})$/

/** One remembered decision, exactly as {@link FileTrustStore.remember} writes it. */
const pinnedSchema = object({
  sha256: string({ max: 95, pattern: FINGERPRINT_PATTERN }),
  // A certificate's subject on one line, or an SSH key's algorithm name.
  subject: optional(string({ max: 16_384 })),
  addedAt: optional(string({ max: 64 })),
})

// "host:port" keys; far more servers than anyone trusts by hand, yet a bound on what one file may hold.
const SERVER_KEY_MAX = 300
const MAX_SERVERS = 100_000
const serverKeySchema = checked(v.pipe(v.string('must be a string'), v.maxLength(SERVER_KEY_MAX, `must be at most ${SERVER_KEY_MAX} characters`)))

/** The whole file; anything else in it means it is not ours (or not this version) and is refused. */
const storeFileSchema = object({
  version: int(FORMAT_VERSION, FORMAT_VERSION),
  servers: checked(
    v.pipe(
      v.record(serverKeySchema, pinnedSchema, 'must be an object'),
      v.check((o) => Object.keys(o).length <= MAX_SERVERS, `must have at most ${MAX_SERVERS} servers`),
    ),
  ),
})

type StoreFile = { version: number; servers: Record<string, PinnedCertificate> }

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
    try {
      return storeFileSchema.parse(data, 'file')
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      throw new TrustStoreError(`the trust store ${this.file} has an unknown format (expected version ${FORMAT_VERSION}; ${e.message}); fix or remove it`)
    }
  }

  get(server: string): PinnedCertificate | undefined {
    const servers = this.load().servers
    return Object.hasOwn(servers, server) ? servers[server] : undefined
  }

  remember(server: string, cert: PinnedCertificate): void {
    const data = this.load()
    // Never write what the next load would refuse: one bad entry would lock every later decision out.
    let entry: PinnedCertificate
    try {
      serverKeySchema.parse(server, 'server')
      entry = pinnedSchema.parse({ ...cert, addedAt: cert.addedAt ?? new Date().toISOString() }, server.slice(0, 40))
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      throw new TrustStoreError(`cannot remember ${e.message}`)
    }
    data.servers[server] = entry
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
