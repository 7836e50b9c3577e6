import { createHash } from 'node:crypto'
import { ServerKeyError } from './errors'
import { normaliseFingerprint } from './certificate'
import { type CertificateStore, serverKey } from './store'
import type { ServerVerification, TrustDecision } from './verify'

/** Where "always" decisions on RSA-AES server keys live, beside the certificates; same format. */
export const SERVER_KEYS_FILE_NAME = 'known-server-keys.json'

/** What the server key question shows. */
export interface ServerKeyPrompt {
  /** "host:port". */
  server: string
  host: string
  port: number
  /** e.g. "RSA 2048". */
  algorithm: string
  /** SHA-256 of the key as sent (bit length, modulus, exponent), colon hex like a certificate's. */
  fingerprintSha256: string
  /** The short form TigerVNC's and RealVNC's viewers show (first 8 bytes of the SHA-1, "xx-xx-..."). */
  shortFingerprint: string
}

/** How RSA-AES server keys are judged on one connection. */
export interface ServerKeyOptions {
  /** "Always" decisions per host:port (a FileTrustStore on SERVER_KEYS_FILE_NAME). Without one, "always" counts as "once". */
  store?: CertificateStore
  /** Fingerprints accepted in advance (CLI `--accept-fingerprint`); remembered when a store is given. */
  acceptFingerprints?: readonly string[]
  /** Asks the user about a key nobody vouches for; absent when nobody can be asked. */
  ask?: (prompt: ServerKeyPrompt) => Promise<TrustDecision>
}

/** The outcome: how the key was vouched for ('unverified' when nobody did and nothing required it). */
export interface ServerKeyVerdict {
  how: ServerVerification
  algorithm: string
  fingerprintSha256: string
  shortFingerprint: string
}

/** Both fingerprints of a key message (u32 bits, n, e). */
export function serverKeyFingerprints(keyMessage: Uint8Array): { sha256: string; short: string } {
  const sha256 = createHash('sha256').update(keyMessage).digest('hex').toUpperCase().match(/../g)!.join(':')
  const short = createHash('sha1').update(keyMessage).digest('hex').slice(0, 16).match(/../g)!.join('-')
  return { sha256, short }
}

/**
 * Decides whether the RSA key an RSA-AES server presented identifies `host:port`, as certificates
 * are judged (trust/verify.ts): a key remembered for this server must match, and a different one
 * is refused without asking (RFB_ERR_SERVER_KEY_CHANGED: what a man in the middle looks like;
 * TigerVNC asks every time, we remember); then a fingerprint accepted in advance; then the user,
 * whose "always" is remembered. With nobody to ask the key is 'unverified': the session is then
 * encrypted but the server unproven, refused when `required`.
 */
export async function verifyServerKey(
  keyMessage: Uint8Array,
  bits: number,
  host: string,
  port: number,
  opts: ServerKeyOptions,
  required: boolean,
): Promise<ServerKeyVerdict> {
  const server = serverKey(host, port)
  const algorithm = `RSA ${bits}`
  const { sha256, short } = serverKeyFingerprints(keyMessage)
  const verdict = (how: ServerVerification): ServerKeyVerdict => ({ how, algorithm, fingerprintSha256: sha256, shortFingerprint: short })
  const pinned = opts.store?.get(server)
  if (pinned) {
    if (pinned.sha256 === sha256) return verdict('pinned')
    throw new ServerKeyError(
      'RFB_ERR_SERVER_KEY_CHANGED',
      `the RSA-AES key of ${server} has CHANGED since you trusted it: remembered SHA-256 ${pinned.sha256}, now presented ${sha256} (${algorithm}). ` +
        `Someone may be intercepting the connection. If the server's key was replaced on purpose, remove ${server} from the trust store (${SERVER_KEYS_FILE_NAME}) and connect again.`,
      server,
      sha256,
      pinned.sha256,
    )
  }
  const remember = (): void => opts.store?.remember(server, { sha256, subject: algorithm })
  if ((opts.acceptFingerprints ?? []).some((f) => normaliseFingerprint(f) === sha256)) {
    remember()
    return verdict('accepted')
  }
  if (opts.ask) {
    const decision = await opts.ask({ server, host, port, algorithm, fingerprintSha256: sha256, shortFingerprint: short })
    if (decision === 'reject') {
      throw new ServerKeyError('RFB_ERR_SERVER_KEY_REJECTED', `you did not trust the RSA-AES key of ${server} (SHA-256 ${sha256})`, server, sha256)
    }
    if (decision === 'always' && opts.store) {
      remember()
      return verdict('accepted')
    }
    return verdict('once')
  }
  if (required) {
    throw new ServerKeyError(
      'RFB_ERR_SERVER_KEY_UNTRUSTED',
      `the RSA-AES key of ${server} is not known: ${algorithm}, SHA-256 ${sha256} (short form ${short}). ` +
        "Check it with the server's administrator and accept that fingerprint.",
      server,
      sha256,
    )
  }
  return verdict('unverified')
}
