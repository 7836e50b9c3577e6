import { HostKeyError } from './errors'
import { type KnownHostEntry, checkKnownHosts, entryMatches, keyAlgorithm, normaliseSshFingerprint, sshFingerprint } from './known-hosts'
import { type CertificateStore, serverKey } from './store'
import type { TrustDecision } from './verify'

/** What the host key prompt shows. */
export interface HostKeyPrompt {
  host: string
  port: number
  /** e.g. "ssh-ed25519". */
  algorithm: string
  /** "SHA256:base64", as `ssh-keygen -lf` prints it. */
  fingerprintSha256: string
  /**
   * Set when the trust store or known_hosts knows keys of other types for this host (e.g.
   * "ssh-ed25519" while the server presents "ssh-rsa"): not a first contact but OpenSSH's
   * "different kind of key" warning. Then only "once" is honoured: "always" counts as "once",
   * so the key known before stays the one a later connection is checked against.
   */
  knownAlgorithms?: string[]
}

/** How SSH host keys are judged on one connection. */
export interface HostKeyOptions {
  /** Entries of an OpenSSH known_hosts file; read only, never written. */
  knownHosts?: readonly KnownHostEntry[]
  /** "Always" decisions per host:port (a FileTrustStore on SSH_HOSTS_FILE_NAME). Without one, "always" counts as "once". */
  store?: CertificateStore
  /** Fingerprints accepted in advance (CLI `--ssh-accept-fingerprint`); remembered when a store is given. */
  acceptFingerprints?: readonly string[]
  /** Asks the user about a key nobody vouches for; absent when nobody can be asked. */
  ask?: (prompt: HostKeyPrompt) => Promise<TrustDecision>
}

/** Who vouched for the host key: 'user' remembered it ("always"), 'user-once' for this session only. */
export type HostKeyVerification = 'store' | 'known-hosts' | 'fingerprint' | 'user' | 'user-once'

export interface HostKeyVerdict {
  how: HostKeyVerification
  algorithm: string
  fingerprintSha256: string
}

/**
 * Decides whether `key` (the blob the SSH server presented) identifies `host:port`, in the
 * order of trust/verify.ts: a key remembered in the store or listed in known_hosts must match,
 * and a different one of the same type is refused without asking (RFB_ERR_HOSTKEY_CHANGED: what
 * a man in the middle looks like); then a fingerprint accepted in advance; then the user. A key
 * of a type other than the known ones is asked about with OpenSSH's warning (`knownAlgorithms`),
 * for this session only, and refused when nobody can be asked (RFB_ERR_HOSTKEY_TYPE_CHANGED).
 * SSH has no "unverified" mode: a key nobody vouches for is refused (RFB_ERR_HOSTKEY_UNKNOWN).
 */
export async function verifyHostKey(key: Uint8Array, host: string, port: number, opts: HostKeyOptions): Promise<HostKeyVerdict> {
  const server = serverKey(host, port)
  const algorithm = keyAlgorithm(key) ?? 'unknown'
  const fingerprintSha256 = sshFingerprint(key)
  const verdict = (how: HostKeyVerification): HostKeyVerdict => ({ how, algorithm, fingerprintSha256 })
  const changed = (expected: string, where: string): HostKeyError =>
    new HostKeyError(
      'RFB_ERR_HOSTKEY_CHANGED',
      `the SSH host key of ${server} has CHANGED: ${where} has ${expected}, the server now presents ${algorithm} ${fingerprintSha256}. ` +
        `Someone may be intercepting the connection. If the key was replaced on purpose, remove ${server} from ${where} and connect again.`,
      server,
      algorithm,
      fingerprintSha256,
      expected,
    )

  // Key types known for this host other than the presented one, and where they are known.
  const otherTypes: { algorithm: string; where: string }[] = []
  const pinned = opts.store?.get(server)
  if (pinned) {
    if (pinned.sha256 === fingerprintSha256) return verdict('store')
    // The SSH store keeps the key's algorithm as its subject; the same kind of key, or one we cannot tell, changed.
    if (!pinned.subject || pinned.subject === algorithm) throw changed(pinned.sha256, 'the trust store')
    otherTypes.push({ algorithm: pinned.subject, where: 'the trust store' })
  }
  const known = checkKnownHosts(opts.knownHosts ?? [], host, port, key)
  if (known.status === 'match') return verdict('known-hosts')
  if (known.status === 'changed') throw changed(sshFingerprint(known.entry.key), `known_hosts (line ${known.entry.line})`)
  if (known.status === 'revoked') {
    throw new HostKeyError(
      'RFB_ERR_HOSTKEY_REVOKED',
      `the SSH host key of ${server} (${algorithm} ${fingerprintSha256}) is marked @revoked in known_hosts (line ${known.entry.line})`,
      server,
      algorithm,
      fingerprintSha256,
    )
  }
  if (known.status === 'other-type') otherTypes.push(...known.entries.map((e) => ({ algorithm: e.algorithm, where: `known_hosts (line ${e.line})` })))
  const knownAlgorithms = [...new Set(otherTypes.map((o) => o.algorithm))]

  // A key of another type never replaces the one known: that takes removing the old one first.
  const remember = (): void => {
    if (knownAlgorithms.length === 0) opts.store?.remember(server, { sha256: fingerprintSha256, subject: algorithm })
  }
  if ((opts.acceptFingerprints ?? []).map(normaliseSshFingerprint).includes(fingerprintSha256)) {
    remember()
    return verdict('fingerprint')
  }
  if (opts.ask) {
    const decision = await opts.ask({ host, port, algorithm, fingerprintSha256, ...(knownAlgorithms.length > 0 ? { knownAlgorithms } : {}) })
    if (decision === 'reject') {
      throw new HostKeyError(
        'RFB_ERR_HOSTKEY_REJECTED',
        `you did not trust the SSH host key of ${server} (${algorithm} ${fingerprintSha256})`,
        server,
        algorithm,
        fingerprintSha256,
      )
    }
    if (decision === 'always' && opts.store && knownAlgorithms.length === 0) {
      remember()
      return verdict('user')
    }
    return verdict('user-once')
  }
  if (otherTypes.length > 0) {
    const where = otherTypes.map((o) => `${o.algorithm} in ${o.where}`).join(', ')
    throw new HostKeyError(
      'RFB_ERR_HOSTKEY_TYPE_CHANGED',
      `the SSH server ${server} presented a ${algorithm} host key (${fingerprintSha256}), but a different kind of key is known for it (${where}). ` +
        'This could be an attack: someone may be intercepting the connection with a key of another type. ' +
        "If the server's keys were replaced on purpose, check this fingerprint with its administrator and accept it.",
      server,
      algorithm,
      fingerprintSha256,
    )
  }
  throw new HostKeyError(
    'RFB_ERR_HOSTKEY_UNKNOWN',
    `the SSH host key of ${server} is not known: ${algorithm} ${fingerprintSha256}. ` +
      "Check it with the server's administrator (ssh-keygen -lf on the host key) and accept that fingerprint, or add the key to known_hosts.",
    server,
    algorithm,
    fingerprintSha256,
  )
}

/**
 * Host key signature algorithms for each key type we may ask the server for: an RSA key signs
 * with SHA-2 (RFC 8332). Types missing here (security keys, DSA) are left in the library's order.
 */
const SIGNATURES_BY_KEY_TYPE: Record<string, readonly string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256'],
}

/**
 * The host key algorithms to ask the server for first: those of the keys already known for
 * `host:port` (trust store, then known_hosts), as OpenSSH orders them. A server holding keys of
 * several types then presents the one we know, so a key of another type really means the known
 * one is gone, and the "different kind of key" warning is rare enough to be heeded.
 */
export function preferredHostKeyAlgorithms(host: string, port: number, opts: HostKeyOptions): string[] {
  const types: string[] = []
  const pinned = opts.store?.get(serverKey(host, port))
  if (pinned?.subject) types.push(pinned.subject)
  for (const e of opts.knownHosts ?? []) if (!e.marker && entryMatches(e, host, port)) types.push(e.algorithm)
  return [...new Set(types.flatMap((t) => SIGNATURES_BY_KEY_TYPE[t] ?? []))]
}
