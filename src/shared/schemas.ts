import * as v from 'valibot'
import type { EventName, HostRequests, RequestName } from './contract'
import { fileRequestSchemas } from './file-schemas'
import { benchRequestSchemas } from './frame-bench'
import { FINE_QUALITY_MAX, SUBSAMPLINGS } from './encodings'
import { TYPING_LAYOUTS } from './keyboard-layouts'
import { MAX_TYPED_TEXT } from './type-text'
import { MAX_UPLOAD_BYTES, PLAYBACK_SPEEDS, RECORDING_NAME_PATTERN, UPLOAD_CHUNK_BYTES } from './recording'
import { MAX_UNIX_PATH } from './target'
import { SUPPORTED_LOCALES } from './i18n/locales'
import { CLIPBOARD_SYNC_SETTINGS, KEYBOARD_GRAB_SETTINGS, OPEN_IN_SETTINGS, RECONNECT_SETTINGS, THEME_SETTINGS } from './preferences'
import { COLOUR_DEPTHS, DEFAULT_SECURITY, PROTECTION_LEVELS, SCALING_MODES, SECURITY_CHOICES, SSH_AUTH_METHODS } from './profile'
import { type Infer, type Schema, array, boolean, bytes, checked, int, literal, none, nullable, object, optional, string, union, withDefault } from './validate'

/**
 * Runtime schemas for everything the renderer may send, checked by the host before use (the
 * type checker ties each one to the contract), for profiles read back from disk or imported, and
 * for the profile form. `ConnectionProfile` and `SshTunnel` are the types these schemas produce.
 */

/** Ids double as file names (thumbnails): keep them to a safe alphabet. */
export const ID_PATTERN = /^[A-Za-z0-9_-]+$/
const id = string({ min: 1, max: 64, pattern: ID_PATTERN })
const sessionId = id
/** A `session.handOff` code: random bytes in base64url (the host makes 32 characters). */
export const handOffCode = string({ min: 16, max: 128, pattern: /^[A-Za-z0-9_-]+$/ })
const timestamp = int(0, 8.64e15)
/** A host name or address, for the VNC server and the SSH server alike. */
export const HOST_PATTERN = /^[^\s/@]+$/
/** An SSH login name: no spaces, and nothing `user@host:port` would split on. */
export const SSH_USER_PATTERN = /^[^\s@:]+$/

export const LIMITS = {
  name: 200,
  host: 255,
  username: 256,
  password: 1024,
  group: 500,
  notes: 10_000,
  /** Characters of clipboard text per request; far beyond any typed or copied text. */
  clipboard: 1 << 20,
  importText: 1 << 20,
  fileName: 255,
  exportIds: 10_000,
  address: 1024,
  path: 4096,
  /** An export passphrase guards every saved password: no shorter than this. */
  passphraseMin: 8,
  passphrase: 1024,
  /** Longest side of a thumbnail the renderer sends (`session.thumbnail`): the saved thumbnail's size. */
  thumbnailSide: 240,
} as const

const level = nullable(int(0, 9))
const filePath = string({ min: 1, max: LIMITS.path, pattern: /^[^\0\n\r]+$/ })
const port = int(1, 65535)
const recordingName = string({ min: 5, max: 204, pattern: RECORDING_NAME_PATTERN })
const host = string({ min: 1, max: LIMITS.host, pattern: HOST_PATTERN })

/** The fields of an SSH tunnel, each checkable on its own (the profile form does). */
export const sshTunnelFields = {
  host,
  port,
  username: string({ min: 1, max: LIMITS.username, pattern: SSH_USER_PATTERN }),
  /** How the SSH login is made: the running ssh-agent, a private key file, or a password. */
  auth: literal(...SSH_AUTH_METHODS),
  /** Private key file, for `auth: 'key'`. */
  keyFile: optional(filePath),
}

/** An SSH tunnel; a key file is required exactly when the login uses a key. */
export const sshTunnelSchema = checked(
  v.pipe(
    object(sshTunnelFields),
    v.forward(
      v.check((t) => t.auth !== 'key' || !!t.keyFile, 'is required when the SSH login uses a key'),
      ['keyFile'],
    ),
    v.forward(
      v.check((t) => t.auth === 'key' || t.keyFile === undefined, 'is only for a key login'),
      ['keyFile'],
    ),
  ),
)

/** The fields of a saved connection, each checkable on its own (the profile form does). */
export const profileFields = {
  id,
  name: string({ max: LIMITS.name }),
  host,
  port,
  /** For servers that ask for a user name. */
  username: optional(string({ max: LIMITS.username })),
  /** Folder path, e.g. "Lab/Rack 2"; empty for the top level. */
  group: string({ max: LIMITS.group }),
  notes: string({ max: LIMITS.notes }),
  /** True when a password is stored in the keychain for this profile. */
  savePassword: boolean(),
  viewOnly: boolean(),
  shared: boolean(),
  /** 'auto' or an explicit encoding preference (names as in the CLI). */
  encodings: union(literal('auto'), array(string({ min: 1, max: 32, pattern: /^[a-z0-9]+$/i }), 16)),
  /** JPEG quality 0-9, or null for automatic. */
  quality: level,
  /**
   * JPEG quality 0-100: turns JPEG on and overrides `quality` (an automatic level too); absent:
   * not sent (and in files before version 4).
   */
  fineQuality: optional(int(0, FINE_QUALITY_MAX)),
  /** JPEG chroma subsampling, used whenever JPEG is on; absent: the server's choice. */
  subsampling: optional(literal(...SUBSAMPLINGS)),
  /** zlib compression level 0-9, or null for the server default. */
  compression: level,
  /** 'auto' lets the engine choose from measured throughput. */
  colourDepth: literal(...COLOUR_DEPTHS),
  scaling: literal(...SCALING_MODES),
  /** What the connection insists on (the engine's security policy names); absent in version 1 files. */
  security: withDefault(literal(...SECURITY_CHOICES), DEFAULT_SECURITY),
  /** PEM file of extra CA certificates trusted for this server's certificate. */
  caFile: optional(filePath),
  /** `vncs://`: TLS from the first byte (x11vnc -ssl, stunnel). */
  tls: optional(boolean()),
  /** Reach the VNC server through this SSH server (its `host` is then resolved by the SSH server); absent: no tunnel. */
  ssh: optional(sshTunnelSchema),
  /**
   * Reach the server through this UltraVNC repeater: `host:port` is then the server as the
   * repeater reaches it (mode I), or `host` is `ID:1234` (mode II, `port` unused). Absent: direct.
   */
  repeater: optional(object({ host, port })),
  /** Connect to this Unix domain socket (on the SSH server's machine with `ssh`); `host` and `port` are then unused. */
  unixPath: optional(string({ min: 2, max: MAX_UNIX_PATH, pattern: /^\/[^\0\n\r]*$/ })),
  /**
   * Let the password cross the network unencrypted when the server offers nothing better
   * (VeNCrypt Plain without TLS); absent (and before version 5) or false: such a server is refused.
   */
  allowPlainPassword: optional(boolean()),
  /**
   * The strongest protection a connection to this server has reached: a later connection that
   * offers less is refused as a possible attack until the user accepts it. Kept by the host (the
   * renderer cannot change it); absent: nothing recorded yet.
   */
  protection: optional(literal(...PROTECTION_LEVELS)),
  /** How well the connection was protected when the saved password was saved; it is not sent over less without asking. */
  passwordProtection: optional(literal(...PROTECTION_LEVELS)),
  /** Play the server's sound (QEMU audio); absent (and before version 7): yes. */
  audio: optional(boolean()),
  createdAt: timestamp,
  /** Unix ms of the last successful connection; 0 if never. */
  lastUsedAt: timestamp,
}

/** A saved connection, as the address book stores it (no password: that lives in the keychain). */
export const profileSchema = object(profileFields)

/** `profiles.save` also takes a profile with an empty id: the host assigns one. */
const profileToSave = object({ ...profileFields, id: union(literal(''), id) })

/** Each app-wide setting, checkable on its own: the preferences file falls back field by field. */
export const preferenceFields = {
  theme: literal(...THEME_SETTINGS),
  language: literal('system', ...SUPPORTED_LOCALES),
  scaling: literal(...SCALING_MODES),
  reconnect: literal(...RECONNECT_SETTINGS),
  clipboardSync: literal(...CLIPBOARD_SYNC_SETTINGS),
  keyboardGrab: literal(...KEYBOARD_GRAB_SETTINGS),
  openIn: literal(...OPEN_IN_SETTINGS),
}

/** `prefs.set`: any of the settings, each optional; an unknown field or value is refused. */
const preferencesPatch = object({
  theme: optional(preferenceFields.theme),
  language: optional(preferenceFields.language),
  scaling: optional(preferenceFields.scaling),
  reconnect: optional(preferenceFields.reconnect),
  clipboardSync: optional(preferenceFields.clipboardSync),
  keyboardGrab: optional(preferenceFields.keyboardGrab),
  openIn: optional(preferenceFields.openIn),
})

type RequestSchemas = { [K in RequestName]: Schema<HostRequests[K][0]> }

const schemaOf = {
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
  'profiles.problems': none(),
  'secrets.status': none(),
  'secrets.forget': object({ profileId: id }),
  'secrets.allowPlainFile': object({ allow: boolean() }),
  'session.open': union(
    object({ profileId: id, watch: optional(boolean()), h264: optional(boolean()) }),
    object({
      address: string({ min: 1, max: LIMITS.address }),
      username: optional(string({ max: LIMITS.username })),
      watch: optional(boolean()),
      h264: optional(boolean()),
    }),
  ),
  'session.close': object({ sessionId }),
  'session.handOff': object({ sessionId }),
  'session.adopt': object({ sessionId, code: handOffCode }),
  'sessions.list': none(),
  'sessions.preview': object({ sessionId, maxWidth: int(16, 640) }),
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
  // Exactly width x height opaque RGBA pixels: the host encodes the PNG itself, and parses no image format from a renderer.
  'session.thumbnail': checked(
    v.pipe(
      object({
        sessionId,
        width: int(1, LIMITS.thumbnailSide),
        height: int(1, LIMITS.thumbnailSide),
        rgba: bytes(LIMITS.thumbnailSide * LIMITS.thumbnailSide * 4),
      }),
      v.check((t) => t.rgba.byteLength === t.width * t.height * 4, 'rgba must hold exactly width x height x 4 bytes'),
    ),
  ),
  'session.audioAck': object({ sessionId, seq: int(0, Number.MAX_SAFE_INTEGER) }),
  'session.audioMute': object({ sessionId, muted: boolean() }),
  'session.key': object({
    sessionId,
    keysym: int(0, 0xffffffff),
    down: boolean(),
    code: optional(string({ max: 32, pattern: /^[A-Za-z0-9]*$/ })),
  }),
  // Bits 0-7 are the RFB button mask; bits 7-8 back/forward go out with ExtendedMouseButtons.
  'session.pointer': object({ sessionId, buttons: int(0, 0x1ff), x: int(0, 65535), y: int(0, 65535) }),
  'session.clipboard': object({ sessionId, text: string({ max: LIMITS.clipboard }) }),
  'session.typeText': object({
    sessionId,
    text: string({ min: 1, max: MAX_TYPED_TEXT }),
    layout: optional(literal(...TYPING_LAYOUTS)),
    // Up to a second per key: some BIOS consoles drop keys that come faster than every few tens of ms.
    delayMs: optional(int(0, 1000)),
  }),
  'session.typeCancel': object({ sessionId }),
  'session.resize': object({
    sessionId,
    width: int(1, 16384),
    height: int(1, 16384),
    // ExtendedDesktopSize carries at most 255 screens; nobody has more than a handful of monitors.
    screens: optional(array(object({ x: int(0, 16383), y: int(0, 16383), width: int(1, 16384), height: int(1, 16384) }), 16)),
  }),
  'session.refresh': object({ sessionId }),
  'session.reconnect': object({ sessionId }),
  'session.watchPaused': object({ sessionId, paused: boolean() }),
  'session.power': object({ sessionId, action: literal('shutdown', 'reboot', 'reset') }),
  'session.trust': object({ sessionId, decision: literal('once', 'always', 'reject') }),
  'session.hostKey': object({ sessionId, decision: literal('once', 'always', 'reject') }),
  'session.downgrade': object({ sessionId, accept: boolean() }),
  // An interface address to bind: an IPv4/IPv6 literal or a name, never a path or URL.
  'listen.start': object({ port: optional(int(1, 65535)), host: optional(string({ min: 1, max: LIMITS.host, pattern: /^[A-Za-z0-9.:_%-]+$/ })) }),
  'listen.stop': none(),
  'listen.answer': object({ id, accept: boolean() }),
  'prefs.get': none(),
  'prefs.set': preferencesPatch,
  'session.record': object({ sessionId, on: boolean() }),
  'recordings.list': none(),
  'recordings.upload': object({ name: recordingName, offset: int(0, MAX_UPLOAD_BYTES), data: bytes(UPLOAD_CHUNK_BYTES), done: boolean() }),
  'player.open': object({ name: recordingName }),
  'player.close': object({ playerId: id }),
  'player.control': object({ playerId: id, playing: optional(boolean()), speed: optional(literal(...PLAYBACK_SPEEDS)) }),
  'player.seek': object({ playerId: id, timeMs: int(0, 0xffffffff) }),
  'player.ack': object({ playerId: id, seq: int(0, Number.MAX_SAFE_INTEGER) }),
  'player.exportFrame': object({ playerId: id }),
  'player.exportClip': object({ playerId: id, fromMs: int(0, 0xffffffff), toMs: int(0, 0xffffffff), fps: int(1, 30) }),
  ...fileRequestSchemas,
  ...benchRequestSchemas,
} satisfies RequestSchemas

/** Every key of every member of a union. */
type Keys<T> = T extends unknown ? keyof T : never
/** True when A and B are the same type: each assignable to the other, with the same keys (optional ones too). */
type Same<A, B> = [A, Keys<A>] extends [B, Keys<B>] ? ([B, Keys<B>] extends [A, Keys<A>] ? true : false) : false

/** Compiles only when every entry is `true`; an error points at the request that disagrees. */
type AllTrue<T extends { [K in RequestName]: true }> = T

// The contract declares each request's argument and its schema produces one: they must agree both
// ways, so neither can gain or lose a field alone. Types only: nothing of this reaches a bundle.
export type ContractAgrees = AllTrue<{ [K in RequestName]: Same<Infer<(typeof schemaOf)[K]>, HostRequests[K][0]> }>

/** The schema of each request's argument, checked by the host before the request is acted on. */
export const requestSchemas: RequestSchemas = schemaOf

/** Every request name, for transports that register one handler per name. */
export const REQUEST_NAMES = Object.keys(requestSchemas) as RequestName[]

/** Every event name, for transports that subscribe per name. */
export const EVENT_NAMES = Object.keys({
  'session.state': 1,
  'session.frame': 1,
  'session.cursor': 1,
  'session.recording': 1,
  'player.state': 1,
  'session.credentials': 1,
  'session.clipboard': 1,
  'session.bell': 1,
  'session.leds': 1,
  'session.powerFailed': 1,
  'session.typing': 1,
  'session.stats': 1,
  'session.audio': 1,
  'session.trust': 1,
  'session.hostKey': 1,
  'session.downgrade': 1,
  'profiles.changed': 1,
  'sessions.changed': 1,
  'listen.incoming': 1,
  'listen.timedOut': 1,
  'prefs.changed': 1,
  'files.transfer': 1,
  'files.question': 1,
  'files.need': 1,
} satisfies Record<EventName, 1>) as readonly EventName[]

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requestSchemas, name)
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name)
}
