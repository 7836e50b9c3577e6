import type { EventName, HostEvents } from '@shared/contract'
import type { ReconnectSetting } from '@shared/preferences'
import type { ProtectionLevel } from '@shared/profile'
import type { Target } from '@shared/target'
import type { ImageDecoder } from '../rfb/framebuffer'
import type { AsyncImageDecoder } from './image-decode-pool'
import type { SecurityOptions } from '../rfb/security/policy'
import type { Credentials } from '../rfb/security/security-handler'
import type { SshOptions } from '../rfb/transport/ssh'
import type { Transport } from '../rfb/transport/transport'
import type { KnownHostEntry } from '../rfb/trust/known-hosts'
import type { CertificateStore } from '../rfb/trust/store'
import type { HostSession } from './host-session'
import type { SecretStore } from './secrets'

/** Reconnect timing: `baseMs * 2^n`, capped, for at most `attempts` tries in a row. */
export interface ReconnectPolicy {
  baseMs: number
  maxMs: number
  attempts: number
}

/** How long a session waits for each step, and how often it reports. */
export interface SessionTimings {
  connectTimeoutMs: number
  /** Includes the time the user takes to type a password (the engine's timer runs meanwhile). */
  handshakeTimeoutMs: number
  ackTimeoutMs: number
  statsIntervalMs: number
  /** A thumbnail is taken this long after connecting, and again when the session ends. */
  thumbnailDelayMs: number
  /** How often a watch session (live-wall tile) asks for an update. */
  watchIntervalMs: number
  reconnect: ReconnectPolicy
}

/** Credentials the user typed for the current attempt, and whether to keep them. */
export interface TypedCredentials {
  credentials: Credentials
  save: boolean
}

/** The SSH password or key passphrase the user typed, and whether to keep it. */
export interface TypedSshSecret {
  secret: string
  save: boolean
}

/** Where a profile's SSH password or key passphrase is kept in the secret store. */
export function sshSecretKey(profileId: string): string {
  return `ssh:${profileId}`
}

/** What a session needs from the host around it. */
export interface SessionHost {
  emit<K extends EventName>(name: K, payload: HostEvents[K]): void
  /** Connects (TLS and its certificate check first for `vncs://`); returns the handshake's security options. */
  openTransport(target: Target, timeoutMs: number, security: SecurityOptions, ssh?: SshOptions): Promise<{ transport: Transport; security: SecurityOptions }>
  secrets: SecretStore
  /** "Always trust" decisions (known-certificates.json). */
  trustStore: CertificateStore
  /** "Always trust" RSA-AES server keys (known-server-keys.json). */
  serverKeyStore: CertificateStore
  /** "Always trust" SSH host keys (known-ssh-hosts.json). */
  sshTrustStore: CertificateStore
  /** The ssh-agent socket, when one runs. */
  sshAgent: string | undefined
  /** OpenSSH's known hosts (read only), checked before the user is asked about a host key. */
  sshKnownHosts(): readonly KnownHostEntry[]
  decodeImage: ImageDecoder | AsyncImageDecoder | null
  timings: SessionTimings
  /** Where downloads go unless the user picks a folder; absent: the OS Downloads folder. */
  downloadsFolder?: () => string
  /** The user's reconnect preference, read when a session drops; absent: automatic. */
  reconnect?: () => ReconnectSetting
  /**
   * The session reached the server's desktop (`session.reached` says how well protected): update
   * the address book, the protection it remembers, and the saved password.
   */
  connected(session: HostSession, typed: TypedCredentials | null, sshTyped: TypedSshSecret | null): Promise<void>
  /** The user accepted weaker protection than the session's profile reached: the profile now expects `level`. */
  lowerProtection(session: HostSession, level: ProtectionLevel): Promise<void>
  saveThumbnail(profileId: string, png: Uint8Array): void
  /** The session is over for good; the host forgets it. */
  ended(session: HostSession): void
  log(message: string): void
}
