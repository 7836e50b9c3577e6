import { HostKeyError } from './errors'
import { type KnownHostEntry, checkKnownHosts, keyAlgorithm, normaliseSshFingerprint, sshFingerprint } from './known-hosts'
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
 * and a different one is refused without asking (RFB_ERR_HOSTKEY_CHANGED: what a man in the
 * middle looks like); then a fingerprint accepted in advance; then the user. SSH has no
 * "unverified" mode: a key nobody vouches for is refused (RFB_ERR_HOSTKEY_UNKNOWN).
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
      server, algorithm, fingerprintSha256, expected,
    )

  const pinned = opts.store?.get(server)
  if (pinned) {
    if (pinned.sha256 === fingerprintSha256) return verdict('store')
    throw changed(pinned.sha256, 'the trust store')
  }
  const known = checkKnownHosts(opts.knownHosts ?? [], host, port, key)
  if (known.status === 'match') return verdict('known-hosts')
  if (known.status === 'changed') throw changed(sshFingerprint(known.entry.key), `known_hosts (line ${known.entry.line})`)
  if (known.status === 'revoked') {
    throw new HostKeyError('RFB_ERR_HOSTKEY_REVOKED', `the SSH host key of ${server} (${algorithm} ${fingerprintSha256}) is marked @revoked in known_hosts (line ${known.entry.line})`,
      server, algorithm, fingerprintSha256)
  }

  const remember = (): void => opts.store?.remember(server, { sha256: fingerprintSha256, subject: algorithm })
  if ((opts.acceptFingerprints ?? []).map(normaliseSshFingerprint).includes(fingerprintSha256)) {
    remember()
    return verdict('fingerprint')
  }
  if (opts.ask) {
    const decision = await opts.ask({ host, port, algorithm, fingerprintSha256 })
    if (decision === 'reject') {
      throw new HostKeyError('RFB_ERR_HOSTKEY_REJECTED', `you did not trust the SSH host key of ${server} (${algorithm} ${fingerprintSha256})`,
        server, algorithm, fingerprintSha256)
    }
    if (decision === 'always' && opts.store) {
      remember()
      return verdict('user')
    }
    return verdict('user-once')
  }
  throw new HostKeyError(
    'RFB_ERR_HOSTKEY_UNKNOWN',
    `the SSH host key of ${server} is not known: ${algorithm} ${fingerprintSha256}. ` +
      'Check it with the server\'s administrator (ssh-keygen -lf on the host key) and accept that fingerprint, or add the key to known_hosts.',
    server, algorithm, fingerprintSha256,
  )
}
