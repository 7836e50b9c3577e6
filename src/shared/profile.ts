import type { Subsampling } from './encodings'

/** A saved connection, as the address book stores it (no password: that lives in the keychain). */
export interface ConnectionProfile {
  id: string
  name: string
  host: string
  port: number
  username?: string
  /** Folder path, e.g. "Lab/Rack 2"; empty for the top level. */
  group: string
  notes: string
  /** True when a password is stored in the keychain for this profile. */
  savePassword: boolean
  viewOnly: boolean
  shared: boolean
  /** 'auto' or an explicit encoding preference (names as in the CLI). */
  encodings: 'auto' | string[]
  /** JPEG quality 0-9, or null for automatic. */
  quality: number | null
  /** JPEG quality 0-100: turns JPEG on and overrides `quality` (an automatic level too); absent: not sent. */
  fineQuality?: number
  /** JPEG chroma subsampling, used whenever JPEG is on; absent: the server's choice. */
  subsampling?: Subsampling
  /** zlib compression level 0-9, or null for the server default. */
  compression: number | null
  /** 'auto' lets the engine choose from measured throughput. */
  colourDepth: 'auto' | 24 | 16 | 8
  scaling: ScalingMode
  /** What the connection insists on; the engine's security policy names (security/policy.ts). */
  security: SecurityChoice
  /** PEM file of extra CA certificates trusted for this server's certificate. */
  caFile?: string
  /** `vncs://`: TLS from the first byte (x11vnc -ssl, stunnel). */
  tls?: boolean
  /** Reach the VNC server through this SSH server (its `host` is then resolved by the SSH server); absent: no tunnel. */
  ssh?: SshTunnel
  /**
   * Let the password cross the network unencrypted when the server offers nothing better
   * (VeNCrypt Plain without TLS); absent or false: such a server is refused.
   */
  allowPlainPassword?: boolean
  /**
   * The strongest protection a connection to this server has reached: a later connection that
   * offers less is refused as a possible attack until the user accepts it. Kept by the host
   * (the renderer cannot change it); absent: nothing recorded yet.
   */
  protection?: ProtectionLevel
  /** How well the connection was protected when the saved password was saved; it is not sent over less without asking. */
  passwordProtection?: ProtectionLevel
  createdAt: number
  /** Unix ms of the last successful connection; 0 if never. */
  lastUsedAt: number
}

/** How the SSH login is made: the running ssh-agent, a private key file, or a password. */
export type SshAuthMethod = 'agent' | 'key' | 'password'

export const SSH_AUTH_METHODS = ['agent', 'key', 'password'] as const satisfies readonly SshAuthMethod[]

/** An SSH tunnel in front of a connection; the password or key passphrase lives in the secret store. */
export interface SshTunnel {
  host: string
  port: number
  username: string
  auth: SshAuthMethod
  /** Private key file, for `auth: 'key'`. */
  keyFile?: string
}

export type ScalingMode = 'fit' | 'none' | 'remote'

/** Strongest the server offers, unencrypted allowed; encryption required; a verified server required. */
export type SecurityChoice = 'allow-unencrypted' | 'require-encryption' | 'require-server-auth'

export const SECURITY_CHOICES = ['allow-unencrypted', 'require-encryption', 'require-server-auth'] as const satisfies readonly SecurityChoice[]

export const DEFAULT_SECURITY: SecurityChoice = 'allow-unencrypted'

/**
 * How well a connection is protected, weakest first:
 * - 'none': clear text (None, VNC authentication, Plain, Tight without TLS);
 * - 'encrypted': TLS, but nobody identified the server (anonymous TLS, an unverified certificate);
 * - 'authenticated': encrypted, and the server identified: its certificate verified by a CA,
 *   remembered, or accepted by the user (even for one session), or an SSH tunnel whose host key
 *   was known or accepted (the tunnel encrypts and identifies its end, so it counts as TLS would).
 */
export type ProtectionLevel = 'none' | 'encrypted' | 'authenticated'

export const PROTECTION_LEVELS = ['none', 'encrypted', 'authenticated'] as const satisfies readonly ProtectionLevel[]

/** Orders protection levels: negative when `a` is weaker than `b`. */
export function compareProtection(a: ProtectionLevel, b: ProtectionLevel): number {
  return PROTECTION_LEVELS.indexOf(a) - PROTECTION_LEVELS.indexOf(b)
}

/**
 * Version of the connections file format; bump with a migration.
 * 2: `security`, `caFile`, `tls` (version 1 files read with `security` defaulted; older Tessera
 * then shows version 2 files read-only instead of dropping connections with unknown fields).
 * 3: `ssh` (absent in older files: no tunnel).
 * 4: `fineQuality`, `subsampling` (absent in older files: the server's defaults).
 * 5: `allowPlainPassword`, `protection`, `passwordProtection` (absent in older files: Plain
 *    refused, nothing recorded; the first connection records the level).
 */
export const PROFILE_SCHEMA_VERSION = 5

/** Defaults for a new connection: the fields a user need not think about. */
export function newProfile(fields: Partial<ConnectionProfile> & Pick<ConnectionProfile, 'id' | 'host'>): ConnectionProfile {
  return {
    name: fields.host, port: 5900, group: '', notes: '', savePassword: false, viewOnly: false, shared: true,
    encodings: 'auto', quality: null, compression: null, colourDepth: 'auto', scaling: 'fit', security: DEFAULT_SECURITY,
    createdAt: Date.now(), lastUsedAt: 0, ...fields,
  }
}
