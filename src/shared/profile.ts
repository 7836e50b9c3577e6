import type { profileSchema, sshTunnelSchema } from './schemas'
import { DEFAULT_VNC_PORT, type Target, isRepeaterId } from './target'
import type { Infer } from './validate'

/** A saved connection, as the address book stores it; its fields are documented in `schemas.ts`. */
export type ConnectionProfile = Infer<typeof profileSchema>

/** How the SSH login is made: the running ssh-agent, a private key file, or a password. */
export type SshAuthMethod = 'agent' | 'key' | 'password'

export const SSH_AUTH_METHODS = ['agent', 'key', 'password'] as const satisfies readonly SshAuthMethod[]

/** An SSH tunnel in front of a connection; the password or key passphrase lives in the secret store. */
export type SshTunnel = Infer<typeof sshTunnelSchema>

/** How the picture fits the window: scaled to fit, 1:1 with scrolling, or the remote desktop resized. */
export const SCALING_MODES = ['fit', 'none', 'remote'] as const

export type ScalingMode = (typeof SCALING_MODES)[number]

/** Colour depths a connection may ask for; 'auto' lets the engine choose from measured throughput. */
export const COLOUR_DEPTHS = ['auto', 24, 16, 8] as const

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
 * 6: `repeater`, `unixPath` (absent in older files: a direct TCP connection).
 * 7: `audio` (absent in older files: the server's sound is played).
 */
export const PROFILE_SCHEMA_VERSION = 7

/** Defaults for a new connection: the fields a user need not think about. */
export function newProfile(fields: Partial<ConnectionProfile> & Pick<ConnectionProfile, 'id' | 'host'>): ConnectionProfile {
  return {
    name: fields.host,
    port: 5900,
    group: '',
    notes: '',
    savePassword: false,
    viewOnly: false,
    shared: true,
    encodings: 'auto',
    quality: null,
    compression: null,
    colourDepth: 'auto',
    scaling: 'fit',
    security: DEFAULT_SECURITY,
    createdAt: Date.now(),
    lastUsedAt: 0,
    ...fields,
  }
}

/** The server a saved connection names, as the engine connects to it. */
export function profileTarget(p: ConnectionProfile): Target {
  const t: Target = { host: p.host, port: p.port }
  if (p.username) t.username = p.username
  if (p.tls) t.tls = true
  if (p.unixPath !== undefined) return { ...t, host: 'localhost', port: 0, unixPath: p.unixPath }
  if (p.repeater) {
    t.repeater = { host: p.repeater.host, port: p.repeater.port }
    if (isRepeaterId(p.host)) t.port = 0
  }
  return t
}

/** The profile fields naming `t`, for a typed address the address book remembers ({@link profileTarget} reads them back). */
export function targetFields(
  t: Target,
): Pick<ConnectionProfile, 'host' | 'port'> & Partial<Pick<ConnectionProfile, 'username' | 'tls' | 'repeater' | 'unixPath'>> {
  // A profile always has a port; where the target has none (socket, repeater ID) it is unused.
  const fields: ReturnType<typeof targetFields> = { host: t.host, port: t.port || DEFAULT_VNC_PORT }
  if (t.username) fields.username = t.username
  if (t.tls) fields.tls = true
  if (t.repeater) fields.repeater = { host: t.repeater.host, port: t.repeater.port }
  if (t.unixPath !== undefined) fields.unixPath = t.unixPath
  return fields
}
