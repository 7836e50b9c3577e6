import type { ErrorCode, ErrorKind } from './error-codes'
import type { AudioEvents, AudioRequests } from './audio'
import type { FilesEvents, FilesRequests } from './file-transfer'
import type { BenchRequests } from './frame-bench'
import type { CursorImage, FrameBatch } from './ops'
import type { Preferences } from './preferences'
import type { TypingLayout } from './keyboard-layouts'
import type { ConnectionProfile, ProtectionLevel } from './profile'
import type { PlayerInfo, RecordingEvents, RecordingRequests } from './recording'

/**
 * The one contract between the renderer and the host service. Electron carries it over IPC
 * (preload exposes it as `window.tessera`), browser mode over a WebSocket; both reach the same
 * host, which validates every request before acting on it.
 */

export type SessionState = 'connecting' | 'authenticating' | 'connected' | 'reconnecting' | 'closed'

/** A presentable error: `kind` decides what the UI offers (retry, new password, nothing). */
export interface SessionError {
  kind: ErrorKind
  /** One of the closed list in error-codes.ts; readSessionError maps anything else from a peer. */
  code: ErrorCode
  message: string
  /** Certificate errors (RFB_ERR_CERT_*): what the server presented and, if changed, what was remembered. */
  certificate?: { server: string; presentedSha256: string; expectedSha256?: string; subject: string }
}

/** A certificate nobody vouches for, as the trust prompt shows it. */
export interface TrustCertificate {
  /** SHA-256 of the DER, colon-separated upper-case hex. */
  fingerprintSha256: string
  subject: string
  issuer: string
  validFrom: string
  validTo: string
  /** Why it is not trusted, e.g. "self-signed certificate". */
  reason: string
  /** The host name or address the user connected to. */
  host: string
  /** The host names and addresses the certificate is issued for. */
  names: string[]
  /** Whether one of `names` is `host`; false is a warning: the certificate may belong to another server. */
  nameMatches: boolean
  /** Whether the certificate is within its validity period today; anything else is a warning. */
  validity: 'valid' | 'expired' | 'not-yet-valid'
}

export type TrustDecision = 'once' | 'always' | 'reject'

/** An SSH server's host key nobody vouches for, as the host key prompt shows it. */
export interface TrustHostKey {
  /** e.g. "ssh-ed25519". */
  algorithm: string
  /** "SHA256:base64", as `ssh-keygen -lf` prints it. */
  fingerprintSha256: string
  /**
   * Key types already known for this server when it presents another type: OpenSSH's "different
   * kind of key" warning, which may be an attack; only "once" is honoured then. Empty on first contact.
   */
  knownAlgorithms: string[]
  /**
   * Absent: the host key of the SSH server tunnelling the connection. 'rsa-aes': the VNC server's
   * own RSA key (security types RA2...), its fingerprint then colon hex like a certificate's,
   * with `shortFingerprint` the form TigerVNC's viewer shows.
   */
  of?: 'rsa-aes'
  shortFingerprint?: string
}

/**
 * What a `session.credentials` event asks for: the VNC password (and user name), or for an SSH
 * tunnel the SSH login password or the passphrase of its private key.
 */
export type CredentialRequestKind = 'password' | 'username-password' | 'ssh-password' | 'ssh-passphrase'

/**
 * How the link a VNC password would travel over is protected, as the password prompt shows it.
 * `verified` is true only for a certificate a CA vouches for or one remembered ("always"), or an
 * SSH host key known before; a certificate or key accepted for this session only is `acceptedOnce`.
 */
export interface LinkProtection {
  encrypted: boolean
  verified: boolean
  acceptedOnce: boolean
}

export interface SessionInfo {
  name: string
  width: number
  height: number
  serverVersion: string
  security: string
  /** True when the transport is encrypted (TLS, SSH). */
  encrypted: boolean
  /** True when the server's identity was verified (certificate or host key). */
  verified: boolean
  /**
   * True when the user accepted the server's identity for this session only ("Trust once"):
   * encrypted, but not verified, and shown as accepted by the user. Optional for older hosts.
   */
  acceptedOnce?: boolean
  /**
   * True when `session.power` may be asked: the server offers power actions (XVP) and the
   * connection is not view-only. Servers announce XVP after connecting, so it can turn true later.
   */
  power: boolean
  /**
   * True when the server takes QEMU Extended Key Events (scancodes): `session.typeText` can then
   * type in a remote layout the user names. Optional for older hosts.
   */
  scancodes?: boolean
  /** True when the server acknowledged QEMU audio: the sound controls show, even muted (no sound flows then). */
  audio?: boolean
  /** The file transfer the server offers (the Files panel then shows), absent when none. Optional for older hosts. */
  fileTransfer?: 'ultravnc' | 'tightvnc'
}

/** How far `session.typeText` got: `typing` while it goes, then once `done`, `cancelled` or `failed` (the session stopped being connected). */
export type TypingState = 'typing' | 'done' | 'cancelled' | 'failed'

/** What `session.power` asks the server to do to the computer it runs on (rfbproto XVP). */
export type PowerAction = 'shutdown' | 'reboot' | 'reset'

/** The lock-key LEDs of the remote keyboard (QEMU or VMware LED State pseudo-encoding). */
export interface LockLeds {
  capsLock: boolean
  numLock: boolean
  scrollLock: boolean
}

/**
 * What opens a session: a saved profile, or what the user typed in the quick-connect bar.
 * `watch`: a live-wall tile: view-only, a low update rate and cheap settings, no picture streamed
 * to the renderer (it asks for `sessions.preview`), and it never stops to ask the user anything.
 * `h264`: the renderer decodes Open H.264 (WebCodecs), so the host may announce it (never for a tile).
 */
export type OpenSessionRequest =
  { profileId: string; watch?: boolean; h264?: boolean } | { address: string; username?: string; watch?: boolean; h264?: boolean }

/** One monitor of a remote multi-screen layout, in remote desktop pixels (ExtendedDesktopSize). */
export interface ScreenRect {
  x: number
  y: number
  width: number
  height: number
}

/** One open session as every window sees it: the address book's Sessions list, the live wall. */
export interface SessionSummary {
  sessionId: string
  /** The saved connection it was opened from, if any. */
  profileId?: string
  /** The connection's name, or the address it was opened with. */
  name: string
  /** The remote desktop's name, once connected. */
  desktopName?: string
  state: SessionState
  width?: number
  height?: number
  viewOnly: boolean
  /** A live-wall tile (see OpenSessionRequest). */
  watch: boolean
  /** Why it closed, or what it waits for. */
  error?: SessionError
}

/** A small picture of a session drawn from the host's decoded frames: RGBA, `width * height * 4` bytes. */
export interface SessionPreview {
  width: number
  height: number
  rgba: Uint8Array
}

/** What went wrong with the address book (STORE_*) or the saved passwords file (SECRETS_*) when the host started. */
export type StoreProblemCode =
  'STORE_CORRUPT' | 'STORE_UNREADABLE' | 'STORE_NEWER_VERSION' | 'STORE_INVALID_ENTRIES' | 'STORE_RESTORED' | 'SECRETS_CORRUPT' | 'SECRETS_UNREADABLE'

/** Something the user should hear about those files; nothing was thrown away. */
export interface StoreProblem {
  code: StoreProblemCode
  /** The host's own account, in English (for Details and the terminal). */
  message: string
  /** The full path of the file kept aside, when one was moved or copied. */
  keptAt?: string
  /** How many connections or passwords it concerns (left out, or restored from the backup). */
  count?: number
}

/** Which connections to export (all when `ids` is empty), and whether their passwords go too. */
export type ExportRequest = { ids: string[] } | { ids: string[]; includePasswords: true; passphrase: string }

/** Requests: name → [argument, result] (sound, recordings and players, `files.*` and `bench.*` are in audio.ts, recording.ts, file-transfer.ts and frame-bench.ts). */
export interface HostRequests extends AudioRequests, RecordingRequests, FilesRequests, BenchRequests {
  'profiles.list': [void, ConnectionProfile[]]
  'profiles.save': [ConnectionProfile, ConnectionProfile]
  'profiles.delete': [{ id: string }, void]
  /**
   * Imports `.vnc` file contents or our JSON export; returns the profiles added. With
   * `passphrase`, an export's sealed passwords are restored too (a wrong one imports nothing);
   * without it they are left out.
   */
  'profiles.import': [{ fileName: string; text: string; passphrase?: string }, ConnectionProfile[]]
  /** Our JSON export; saved passwords only when asked, and then encrypted with `passphrase`. */
  'profiles.export': [ExportRequest, { fileName: string; text: string }]
  'profiles.thumbnail': [{ id: string }, { png: Uint8Array } | null]
  /** What went wrong reading the address book and passwords at start, and the folder they live in. */
  'profiles.problems': [void, { folder: string; problems: StoreProblem[] }]
  /**
   * Where saved passwords go: `protected` when a keychain encrypts them; otherwise they are
   * saved (in a file only the user can read) only once `plainFileAllowed` is true.
   */
  'secrets.status': [void, { available: boolean; protected: boolean; backend: string; plainFileAllowed: boolean }]
  /** The user's answer to saving passwords in a file without a keychain; no also forgets those saved there. */
  'secrets.allowPlainFile': [{ allow: boolean }, void]
  'secrets.forget': [{ profileId: string }, void]
  'session.open': [OpenSessionRequest, { sessionId: string }]
  /** Closes a session; any client may close any session (the address book closes what other windows show). */
  'session.close': [{ sessionId: string }, void]
  /**
   * The owner lets another window take the session over: returns a one-time `code` that
   * `session.adopt` needs, valid HAND_OFF_MS. Until then the session outlives its owner's window
   * (closed or reloaded meanwhile); unadopted by the deadline, such an orphan is closed. Refused
   * for wall tiles (HOST_HANDOFF_WATCH) and while the session asks the user something (HOST_HANDOFF_BUSY).
   */
  'session.handOff': [{ sessionId: string }, { code: string }]
  /**
   * Makes the asking client the session's owner (a tab moved to another window or browser tab)
   * with the `code` its owner's `session.handOff` returned, once: its events go there from now on,
   * with the state, cursor and a full picture sent again. The old owner gets a `session.state`
   * 'closed' with HOST_SESSION_MOVED. Any other code is refused as if the session did not exist.
   */
  'session.adopt': [{ sessionId: string; code: string }, SessionSummary]
  /** Every open session, for any client. */
  'sessions.list': [void, SessionSummary[]]
  /** A picture of the session fitting in `maxWidth` x `maxWidth` pixels (16-640), drawn from the host's copy; null before the first frame. */
  'sessions.preview': [{ sessionId: string; maxWidth: number }, SessionPreview | null]
  /** Answers a `session.credentials` event. */
  'session.credentials': [{ sessionId: string; username?: string; password: string; save: boolean } | { sessionId: string; cancel: true }, void]
  /** The renderer has painted batch `seq`: the host may ask the server for the next update. */
  'session.ack': [{ sessionId: string; seq: number }, void]
  /**
   * A small picture of what the window painted (RGBA, `width * height * 4` bytes, each side at
   * most 240), sent by the renderer of an H.264 session, whose video the host cannot decode. The
   * host saves it as the profile's thumbnail when its own copy of the screen is not whole. The
   * owner only; more than one a second per session is dropped.
   */
  'session.thumbnail': [{ sessionId: string; width: number; height: number; rgba: Uint8Array }, void]
  'session.key': [{ sessionId: string; keysym: number; down: boolean; code?: string }, void]
  'session.pointer': [{ sessionId: string; buttons: number; x: number; y: number }, void]
  'session.clipboard': [{ sessionId: string; text: string }, void]
  /**
   * Types `text` as key events, paced by the host (`delayMs` per character, default 10): newline
   * is Return, tab is Tab. With `layout`, a server that takes scancodes gets the keys of that
   * remote layout; otherwise keysyms. Refused when something cannot be typed (nothing is sent),
   * while the session types already, and for view-only sessions. Resolves at once with the
   * number of characters to type; `session.typing` events report progress.
   */
  'session.typeText': [{ sessionId: string; text: string; layout?: TypingLayout; delayMs?: number }, { total: number }]
  /** Stops `session.typeText`: no key after the current character; the last event says `cancelled`. */
  'session.typeCancel': [{ sessionId: string }, void]
  /** Asks the server for this desktop size; `screens` (ExtendedDesktopSize servers) lays it out as several monitors. */
  'session.resize': [{ sessionId: string; width: number; height: number; screens?: ScreenRect[] }, void]
  'session.refresh': [{ sessionId: string }, void]
  /** "Reconnect now": a session waiting to reconnect tries at once, and its back-off starts afresh; ignored in any other state. */
  'session.reconnect': [{ sessionId: string }, void]
  /**
   * Pauses a watch session (a wall tile) while nobody can see it: no updates are asked for until
   * it is resumed. Its owner only; refused for a session that is not a watch session.
   */
  'session.watchPaused': [{ sessionId: string; paused: boolean }, void]
  /**
   * Shuts down, reboots or resets the remote computer through XVP. Refused when the session is
   * not connected, is view-only, or the server offers no XVP (`info.power` false); a server that
   * then fails to do it says so with a `session.powerFailed` event.
   */
  'session.power': [{ sessionId: string; action: PowerAction }, void]
  /** Answers a `session.trust` event: "once" for this session, "always" remembers the certificate. */
  'session.trust': [{ sessionId: string; decision: TrustDecision }, void]
  /** Answers a `session.hostKey` event: "once" for this session, "always" remembers the SSH host key. */
  'session.hostKey': [{ sessionId: string; decision: TrustDecision }, void]
  /**
   * Answers a `session.downgrade` event: accept connects with the weaker protection and lowers
   * what the saved connection expects; refuse ends the session.
   */
  'session.downgrade': [{ sessionId: string; accept: boolean }, void]
  /**
   * Listens for reverse connections (servers that connect out to us, `x11vnc -connect host:5500`).
   * `port` (1-65535) defaults to 5500; `host` defaults to every interface ('0.0.0.0')
   * since the servers are elsewhere, '127.0.0.1' keeps it to this computer. One listener at a time;
   * the same client starting again replaces its own. Resolves with the port actually bound.
   */
  'listen.start': [{ port?: number; host?: string }, { port: number }]
  /** Stops listening; servers still waiting for an answer are turned away. */
  'listen.stop': [void, void]
  /** Answers a `listen.incoming` event: accept opens a session (ids in `session.state` events), reject closes the connection. */
  'listen.answer': [{ id: string; accept: boolean }, { sessionId: string } | null]
  /** The app-wide settings (preferences.json); defaults for any the file lacks or has wrong. */
  'prefs.get': [void, Preferences]
  /** Changes the settings given (the others stay); returns them all. Every window hears `prefs.changed`. */
  'prefs.set': [Partial<Preferences>, Preferences]
}

/** Events: name → payload (sound, recordings and players, and `files.*` are in audio.ts, recording.ts and file-transfer.ts). */
export interface HostEvents extends AudioEvents, RecordingEvents, FilesEvents {
  /**
   * `retryInMs`: when the host tries again by itself. `askReconnect`: the connection dropped and the
   * Preferences say to ask first; the host waits for `session.reconnect` or `session.close`.
   */
  'session.state': { sessionId: string; state: SessionState; info?: SessionInfo; error?: SessionError; retryInMs?: number; askReconnect?: boolean }
  'session.frame': FrameBatch
  'session.cursor': { sessionId: string; cursor: CursorImage | null }
  /**
   * `link`: how the VNC password would travel (absent for SSH secrets, which the SSH protocol
   * carries). `savedWithheld`: a saved password exists but was not sent, because this link is
   * less protected than the one it was saved on.
   */
  'session.credentials': {
    sessionId: string
    kind: CredentialRequestKind
    retry: boolean
    /** The server's own words on a refusal, verbatim. */ reason?: string
    link?: LinkProtection
    savedWithheld?: boolean
  }
  'session.clipboard': { sessionId: string; text: string }
  'session.bell': { sessionId: string }
  /** The server reported its lock-key LEDs: once on connecting, then whenever they change. */
  'session.leds': { sessionId: string } & LockLeds
  /** Progress of `session.typeText`: at most every 100 ms while typing, and once at the end. */
  'session.typing': { sessionId: string; typed: number; total: number; state: TypingState }
  /** The server could not carry out a power action (XVP_FAIL; it does not say which). */
  'session.powerFailed': { sessionId: string }
  'session.stats': { sessionId: string; fps: number; kbps: number; latencyMs: number; encodings: string[] }
  /** The server's certificate is unknown: the session waits for a `session.trust` request. */
  'session.trust': { sessionId: string; server: string; certificate: TrustCertificate }
  /** The SSH tunnel server's host key is unknown: the session waits for a `session.hostKey` request. */
  'session.hostKey': { sessionId: string; server: string; hostKey: TrustHostKey }
  /**
   * The server offers less protection than this connection reached before (`expected`), which
   * is what an attacker in the middle would do: nothing secret was sent, and the session waits
   * for a `session.downgrade` answer. `offered` is the best the server offers now.
   */
  'session.downgrade': { sessionId: string; server: string; expected: ProtectionLevel; offered: ProtectionLevel; offeredTypes: string }
  'profiles.changed': { profiles: ConnectionProfile[] }
  /** The open sessions changed (opened, closed, state, size, name): sent to every client. */
  'sessions.changed': { sessions: SessionSummary[] }
  /** A server connected to the listener: it waits (60 s) for a `listen.answer` from the client that started listening. */
  'listen.incoming': { id: string; remoteAddress: string; remotePort: number }
  /** Nobody answered that `listen.incoming` in time: the host closed the connection, and a `listen.answer` for it is refused. */
  'listen.timedOut': { id: string }
  /** The app-wide settings changed (from any window): sent to every client. */
  'prefs.changed': { prefs: Preferences }
}

export type RequestName = keyof HostRequests
export type EventName = keyof HostEvents

/** What the Electron menu asks the window to do; the renderer carries it out (it knows which session is in front). */
export type AppCommand = 'new-connection' | 'disconnect' | 'next-tab' | 'previous-tab' | 'preferences' | 'open-recording' | 'measure-performance'

/** Where a session opens: a window of its own (the default), or a tab of the session window in front. */
export type SessionPlacement = 'window' | 'tab'

/** How long a `session.handOff` code stays valid (and an orphaned session waits for its new window). */
export const HAND_OFF_MS = 30_000

/**
 * What to open in a session window or tab: a saved connection, a typed address, or an open
 * session moved there (with the code its old window's `session.handOff` returned).
 */
export type SessionTarget = { profileId: string } | { address: string } | { adoptSessionId: string; handOffCode: string }

/** How a session window fills the screens. */
export type FullscreenMode = 'off' | 'current' | 'display' | 'all'

/** A local monitor, in the desktop's coordinates (DIP). */
export interface DisplayInfo {
  id: number
  bounds: ScreenRect
  workArea: ScreenRect
  scaleFactor: number
  primary: boolean
}

/**
 * Requests a renderer makes of the Electron shell (windows and monitors): name → [argument,
 * result]. Browser mode has no shell: the renderer does the same with browser tabs.
 */
export interface ShellRequests {
  /** Opens a session in a new window (or focuses the window that already shows that connection), or as a tab. */
  'shell.openSession': [SessionTarget & { placement: SessionPlacement }, void]
  /** Opens the live wall of an address-book folder, or of the open sessions, in a window of its own (focused if open). */
  'shell.openWall': [{ folder: string } | { open: true }, void]
  /** Brings the window showing this session to the front; false when no window shows it. */
  'shell.focusSession': [{ sessionId: string }, boolean]
  /** The local monitors. */
  'shell.displays': [void, DisplayInfo[]]
  /** Fullscreen for the asking window: off, on its monitor, on `displayId`, or across all monitors. */
  'shell.fullscreen': [{ mode: FullscreenMode; displayId?: number }, void]
  /** Shows a file of the data folder (a plain name, e.g. a set-aside `connections.json.corrupt-…`) in the file manager; false if it is gone. */
  'shell.showDataFile': [{ name: string }, boolean]
  /**
   * Asks the user for a local folder in the OS folder picker, over the asking window, starting in
   * `current` (what the field holds) when given; the folder chosen, or null when cancelled.
   */
  'shell.chooseFolder': [{ current?: string }, string | null]
  /**
   * Asks the user for a recording file (*.fbs) in the OS open dialog over the asking window and
   * opens it in a player the window owns, as `player.open` does; null when cancelled. The window
   * names no path: main plays only what the dialog returned.
   */
  'shell.openRecordingFile': [void, PlayerInfo | null]
}

export type ShellRequestName = keyof ShellRequests

/** The shell's API as the Electron preload exposes it (`window.tesseraShell`); absent in browser mode. */
export interface ShellApi {
  request<K extends ShellRequestName>(name: K, arg: ShellRequests[K][0]): Promise<ShellRequests[K][1]>
}

/**
 * Events the Electron shell itself sends to its window, beside the host's: name → payload.
 * Browser mode has no shell, so they never arrive there.
 */
export interface ShellEvents {
  'app.command': { command: AppCommand }
  /** Open this as a tab of the receiving session window. */
  'app.openTab': SessionTarget
}

export type ShellEventName = keyof ShellEvents

/** Every shell event name, for transports that check what a renderer subscribes to. */
export const SHELL_EVENT_NAMES: readonly ShellEventName[] = ['app.command', 'app.openTab']

/** Whether `name` is one of the shell's events. */
export function isShellEventName(name: unknown): name is ShellEventName {
  return (SHELL_EVENT_NAMES as readonly unknown[]).includes(name)
}

/** Everything a renderer may receive: the host's events and the shell's. */
export type ClientEvents = HostEvents & ShellEvents
export type ClientEventName = keyof ClientEvents

/** The answer to one request as a value, so it crosses any transport intact: the result, or the error to show. */
export type HostReply = { ok: true; result: unknown } | { ok: false; error: SessionError }

/** The API the renderer sees, whichever transport is underneath. */
export interface HostApi {
  request<K extends RequestName>(name: K, arg: HostRequests[K][0]): Promise<HostRequests[K][1]>
  on<K extends ClientEventName>(name: K, listener: (payload: ClientEvents[K]) => void): () => void
}
