import type { EventName, HostRequests, RequestName } from './contract'
import { FINE_QUALITY_MAX, SUBSAMPLINGS } from './encodings'
import { type ConnectionProfile, DEFAULT_SECURITY, SECURITY_CHOICES, SSH_AUTH_METHODS, type SshTunnel } from './profile'
import {
  type Schema, ValidationError, array, boolean, int, literal, none, nullable, object, optional, string, union, withDefault,
} from './validate'

/**
 * Runtime schemas for everything the renderer may send, checked by the host before use (the
 * type checker ties each one to the contract), and for profiles read back from disk.
 */

/** Ids double as file names (thumbnails): keep them to a safe alphabet. */
export const ID_PATTERN = /^[A-Za-z0-9_-]+$/
const id = string({ min: 1, max: 64, pattern: ID_PATTERN })
const sessionId = id
const timestamp = int(0, 8.64e15)
const HOST_PATTERN = /^[^\s/@]+$/

export const LIMITS = {
  name: 200, host: 255, username: 256, password: 1024, group: 500, notes: 10_000,
  /** Characters of clipboard text per request; far beyond any typed or copied text. */
  clipboard: 1 << 20,
  importText: 1 << 20, fileName: 255, exportIds: 10_000, address: 1024, path: 4096,
  /** An export passphrase guards every saved password: no shorter than this. */
  passphraseMin: 8, passphrase: 1024,
} as const

const level = nullable(int(0, 9))
const filePath = string({ min: 1, max: LIMITS.path, pattern: /^[^\0\n\r]+$/ })

/** An SSH tunnel; a key file is required exactly when the login uses a key. */
const sshTunnelObject = object({
  host: string({ min: 1, max: LIMITS.host, pattern: HOST_PATTERN }),
  port: int(1, 65535),
  username: string({ min: 1, max: LIMITS.username, pattern: /^[^\s@:]+$/ }),
  auth: literal(...SSH_AUTH_METHODS),
  keyFile: optional(filePath),
})
export const sshTunnelSchema: Schema<SshTunnel> = {
  parse(v, path = 'value') {
    const t = sshTunnelObject.parse(v, path)
    if (t.auth === 'key' && !t.keyFile) throw new ValidationError(`${path}.keyFile`, 'is required when the SSH login uses a key')
    if (t.auth !== 'key' && t.keyFile !== undefined) throw new ValidationError(`${path}.keyFile`, 'is only for a key login')
    return t
  },
}

export const profileSchema: Schema<ConnectionProfile> = object({
  id,
  name: string({ max: LIMITS.name }),
  host: string({ min: 1, max: LIMITS.host, pattern: HOST_PATTERN }),
  port: int(1, 65535),
  username: optional(string({ max: LIMITS.username })),
  group: string({ max: LIMITS.group }),
  notes: string({ max: LIMITS.notes }),
  savePassword: boolean(),
  viewOnly: boolean(),
  shared: boolean(),
  encodings: union(literal('auto'), array(string({ min: 1, max: 32, pattern: /^[a-z0-9]+$/i }), 16)),
  quality: level,
  // Absent before version 4, and whenever the server's default is wanted.
  fineQuality: optional(int(0, FINE_QUALITY_MAX)),
  subsampling: optional(literal(...SUBSAMPLINGS)),
  compression: level,
  colourDepth: literal('auto', 24, 16, 8),
  scaling: literal('fit', 'none', 'remote'),
  // Absent in version 1 files: those connections keep the old behaviour.
  security: withDefault(literal(...SECURITY_CHOICES), DEFAULT_SECURITY),
  caFile: optional(filePath),
  tls: optional(boolean()),
  // Absent before version 3: no tunnel.
  ssh: optional(sshTunnelSchema),
  createdAt: timestamp,
  lastUsedAt: timestamp,
})

/** `profiles.save` also takes a profile with an empty id: the host assigns one. */
const profileToSave: Schema<ConnectionProfile> = {
  parse(v, path = 'value') {
    if (v && typeof v === 'object' && (v as { id?: unknown }).id === '') {
      return { ...profileSchema.parse({ ...(v as object), id: 'new' }, path), id: '' }
    }
    return profileSchema.parse(v, path)
  },
}

type RequestSchemas = { [K in RequestName]: Schema<HostRequests[K][0]> }

export const requestSchemas: RequestSchemas = {
  'profiles.list': none(),
  'profiles.save': profileToSave,
  'profiles.delete': object({ id }),
  // Any non-empty passphrase may be tried on import: a wrong one is the host's to report.
  'profiles.import': object({
    fileName: string({ max: LIMITS.fileName }),
    text: string({ max: LIMITS.importText }),
    passphrase: optional(string({ min: 1, max: LIMITS.passphrase })),
  }),
  'profiles.export': union(
    object({ ids: array(id, LIMITS.exportIds) }),
    object({ ids: array(id, LIMITS.exportIds), includePasswords: literal(true), passphrase: string({ min: LIMITS.passphraseMin, max: LIMITS.passphrase }) }),
  ),
  'profiles.thumbnail': object({ id }),
  'secrets.status': none(),
  'secrets.forget': object({ profileId: id }),
  'secrets.allowPlainFile': object({ allow: boolean() }),
  'session.open': union(
    object({ profileId: id }),
    object({ address: string({ min: 1, max: LIMITS.address }), username: optional(string({ max: LIMITS.username })) }),
  ),
  'session.close': object({ sessionId }),
  'session.credentials': union(
    object({ sessionId, cancel: literal(true) }),
    object({
      sessionId,
      username: optional(string({ max: LIMITS.username })),
      password: string({ max: LIMITS.password }),
      save: boolean(),
    }),
  ),
  'session.ack': object({ sessionId, seq: int(0, Number.MAX_SAFE_INTEGER) }),
  'session.key': object({
    sessionId,
    keysym: int(0, 0xffffffff),
    down: boolean(),
    code: optional(string({ max: 32, pattern: /^[A-Za-z0-9]*$/ })),
  }),
  // Bits 0-7 are the RFB button mask; bits 7-8 back/forward go out with ExtendedMouseButtons.
  'session.pointer': object({ sessionId, buttons: int(0, 0x1ff), x: int(0, 65535), y: int(0, 65535) }),
  'session.clipboard': object({ sessionId, text: string({ max: LIMITS.clipboard }) }),
  'session.resize': object({ sessionId, width: int(1, 16384), height: int(1, 16384) }),
  'session.refresh': object({ sessionId }),
  'session.power': object({ sessionId, action: literal('shutdown', 'reboot', 'reset') }),
  'session.trust': object({ sessionId, decision: literal('once', 'always', 'reject') }),
  'session.hostKey': object({ sessionId, decision: literal('once', 'always', 'reject') }),
  // An interface address to bind: an IPv4/IPv6 literal or a name, never a path or URL.
  'listen.start': object({ port: optional(int(1, 65535)), host: optional(string({ min: 1, max: LIMITS.host, pattern: /^[A-Za-z0-9.:_%-]+$/ })) }),
  'listen.stop': none(),
  'listen.answer': object({ id, accept: boolean() }),
}

/** Every request name, for transports that register one handler per name. */
export const REQUEST_NAMES = Object.keys(requestSchemas) as RequestName[]

/** Every event name, for transports that subscribe per name. */
export const EVENT_NAMES = Object.keys({
  'session.state': 1, 'session.frame': 1, 'session.cursor': 1, 'session.credentials': 1, 'session.clipboard': 1,
  'session.bell': 1, 'session.leds': 1, 'session.powerFailed': 1, 'session.stats': 1, 'session.trust': 1, 'session.hostKey': 1, 'profiles.changed': 1,
  'listen.incoming': 1, 'listen.timedOut': 1,
} satisfies Record<EventName, 1>) as readonly EventName[]

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requestSchemas, name)
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name)
}
