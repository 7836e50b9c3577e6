import { createHash, createHmac } from 'node:crypto'

/** One key line of an OpenSSH known_hosts file (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"). */
export interface KnownHostEntry {
  /** '@revoked' keys are refused wherever they appear; '@cert-authority' lines are kept but never match. */
  marker?: '@revoked' | '@cert-authority'
  /** The host field as written: comma-separated patterns, or one hashed name `|1|salt|hash`. */
  hosts: string
  /** e.g. "ssh-ed25519". */
  algorithm: string
  /** The public key blob (RFC 4253 §6.6 encoding). */
  key: Buffer
  /** 1-based, for messages. */
  line: number
}

/**
 * Reads known_hosts text. Lines that are blank, comments or not understood are skipped, as
 * OpenSSH does: one bad line must not hide the others.
 */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const fields = lines[i].trim().split(/\s+/)
    if (fields[0] === '' || fields[0].startsWith('#')) continue
    let marker: KnownHostEntry['marker']
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostEntry['marker']
    else if (fields[0].startsWith('@')) continue
    const [hosts, algorithm, b64] = fields
    if (!hosts || !algorithm || !b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) continue
    const key = Buffer.from(b64, 'base64')
    // The blob starts with its own algorithm name; a mismatch means a damaged line.
    if (keyAlgorithm(key) !== algorithm) continue
    out.push({ marker, hosts, algorithm, key, line: i + 1 })
  }
  return out
}

/** The algorithm name at the head of a public key blob, or null when the blob is malformed. */
export function keyAlgorithm(blob: Uint8Array): string | null {
  if (blob.length < 4) return null
  const len = ((blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3]) >>> 0
  if (len === 0 || len > 64 || 4 + len > blob.length) return null
  return Buffer.from(blob.subarray(4, 4 + len)).toString('latin1')
}

/** OpenSSH's fingerprint form: "SHA256:" and unpadded base64 of the blob's SHA-256, as `ssh-keygen -l` prints it. */
export function sshFingerprint(blob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`
}

/**
 * Reads a user-typed host key fingerprint: OpenSSH's "SHA256:base64" (prefix optional) or 64
 * hex digits (colons optional), into the OpenSSH form; null when it is neither.
 */
export function normaliseSshFingerprint(text: string): string | null {
  const t = text.trim().replace(/^sha-?256[:=]?/i, '')
  const hex = t.replace(/[\s:]/g, '')
  if (/^[0-9a-f]{64}$/i.test(hex)) return `SHA256:${Buffer.from(hex, 'hex').toString('base64').replace(/=+$/, '')}`
  if (/^[A-Za-z0-9+/]{43}=?$/.test(t)) return `SHA256:${t.replace(/=$/, '')}`
  return null
}

/** The name known_hosts files use for a server: "host" on port 22, else "[host]:port". */
export function knownHostName(host: string, port: number): string {
  const h = host.toLowerCase()
  return port === 22 ? h : `[${h}]:${port}`
}

function globMatch(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${re}$`).test(name)
}

/** Whether an entry's host field names `host:port` (hashed names, wildcards and `!` negation, as OpenSSH). */
export function entryMatches(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostName(host, port)
  if (entry.hosts.startsWith('|1|')) {
    const [, , salt, hash] = entry.hosts.split('|')
    if (!salt || !hash) return false
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash
  }
  let matched = false
  for (const raw of entry.hosts.toLowerCase().split(',')) {
    const negated = raw.startsWith('!')
    if (!globMatch(negated ? raw.slice(1) : raw, name)) continue
    // A negated match overrides every positive one on the line.
    if (negated) return false
    matched = true
  }
  return matched
}

/** What a known_hosts file says about the key a server presented. */
export type KnownHostsVerdict =
  | { status: 'match'; entry: KnownHostEntry }
  /** The file knows a different key of the same algorithm for this host: what an attacker looks like. */
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  /**
   * Keys for this host, but only of other algorithms: OpenSSH warns that the server "has a
   * different kind of key than before", which is what an attacker without the real key shows.
   */
  | { status: 'other-type'; entries: KnownHostEntry[] }
  /** Nothing for this host. */
  | { status: 'unknown' }

/** Looks the presented key up for `host:port`; a revoked key wins over everything. */
export function checkKnownHosts(entries: readonly KnownHostEntry[], host: string, port: number, key: Uint8Array): KnownHostsVerdict {
  const presented = Buffer.from(key)
  const algorithm = keyAlgorithm(presented)
  const revoked = entries.find((e) => e.marker === '@revoked' && e.key.equals(presented))
  if (revoked) return { status: 'revoked', entry: revoked }
  let changed: KnownHostEntry | undefined
  const others: KnownHostEntry[] = []
  for (const e of entries) {
    if (e.marker || !entryMatches(e, host, port)) continue
    if (e.key.equals(presented)) return { status: 'match', entry: e }
    if (e.algorithm === algorithm) changed ??= e
    else others.push(e)
  }
  if (changed) return { status: 'changed', entry: changed }
  return others.length > 0 ? { status: 'other-type', entries: others } : { status: 'unknown' }
}
