import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { EventName, HostEvents, HostRequests, RequestName, SessionError } from '@shared/contract'
import { profileTarget } from '@shared/profile'
import type { PlayerInfo } from '@shared/recording'
import { isRequestName, requestSchemas } from '@shared/schemas'
import { type Target, parseTarget, sameServer, typedAddressLabel } from '@shared/target'
import type { ImageDecoder } from '../rfb/framebuffer'
import { decodeImageNode } from '../rfb/images/node-image-decoder'
import { type AsyncImageDecoder, type ImageDecodePool, bundledDecodePool } from './image-decode-pool'
import { openTransport } from '../rfb/connect'
import type { SshConnectOptions, SshSessionInfo } from '../rfb/transport/ssh'
import type { Transport } from '../rfb/transport/transport'
import { type CertificateStore, MemoryTrustStore } from '../rfb/trust/store'
import { AddressBook } from './address-book'
import type { DataDirLock } from './data-dir-lock'
import type { ConnectionStore } from './connection-store'
import { PreferencesStore } from './preferences-store'
import { Players } from './players'
import { RecordingsFolder } from './recordings'
import { RecordingUploads } from './recording-uploads'
import { benchFrames } from './frame-copy-bench'
import { FrameBenchRuns } from './frame-bench-runs'
import { type ClientLink, type HostClient, HostEndpoint } from './endpoint'
import { hostError, toSessionError } from './errors'
import { HostSession, type SessionHost, type SessionTimings } from './host-session'
import { readKnownHosts } from './connection-options'
import { LISTEN_ANSWER_TIMEOUT_MS, ReverseListener } from './reverse-listener'
import { GuardedSecretStore, PlainFileConsent } from './secret-consent'
import { checkSessionRoom } from './session-budget'
import { HandOffs } from './session-handoff'
import { sessionStateEvent } from './session-events'
import { SessionRegistry } from './session-registry'
import { TextTypists, type TypingTarget } from './text-typist'
import { WATCH_INTERVAL_MS } from './watch-mode'
import type { SecretStore } from './secrets'

export const DEFAULT_TIMINGS: SessionTimings = {
  connectTimeoutMs: 15_000,
  handshakeTimeoutMs: 180_000,
  ackTimeoutMs: 5_000,
  statsIntervalMs: 1_000,
  thumbnailDelayMs: 5_000,
  watchIntervalMs: WATCH_INTERVAL_MS,
  // Waits stop growing at 10 s (a server back sooner is met by "Reconnect now"); 12 tries span about 1.5 minutes.
  reconnect: { baseMs: 1_000, maxMs: 10_000, attempts: 12 },
}

export { MAX_SESSIONS, MAX_WATCH_SESSIONS } from './session-budget'

export interface HostOptions {
  store: ConnectionStore
  secrets: SecretStore
  /** The app-wide settings; default in memory (createHost keeps preferences.json). */
  preferences?: PreferencesStore
  /**
   * Whether the user allowed saving passwords in a store that does not protect them; default
   * no, in memory (createHost keeps the answer in the data directory).
   */
  plainFileConsent?: PlainFileConsent
  /** Per-profile thumbnails `<id>.png` live here. */
  thumbnailDir: string
  /** Session recordings are written, listed and played from here (createHost: `Recordings` in the data folder); none refuses them. */
  recordingsDir?: string
  /** Opens plain TCP connections (tests inject fakes); `vncs://` always uses real TLS. */
  openTransport?: (target: Target, timeoutMs: number) => Promise<Transport>
  /** "Always trust" certificate decisions; default in memory (createHost keeps known-certificates.json). */
  trustStore?: CertificateStore
  /** "Always trust" RSA-AES server keys; default in memory (createHost keeps known-server-keys.json). */
  serverKeyStore?: CertificateStore
  /** "Always trust" SSH host keys; default in memory (createHost keeps known-ssh-hosts.json). */
  sshTrustStore?: CertificateStore
  /** Opens SSH tunnels (tests inject fakes); default the real connectSsh. */
  connectSsh?: (options: SshConnectOptions) => Promise<Transport & { info: SshSessionInfo }>
  /** The ssh-agent socket for profiles that log in with the agent; default $SSH_AUTH_SOCK. */
  sshAgent?: string
  /**
   * An OpenSSH known_hosts file consulted (read only, afresh for each tunnel) before asking about
   * an SSH host key, so hosts OpenSSH already knows are not asked about again and a key that
   * differs from it is refused. Default none here; createHost passes ~/.ssh/known_hosts.
   */
  sshKnownHostsFile?: string
  /**
   * Decodes JPEG/PNG rects for thumbnails; null skips them. Default: a worker thread when the
   * host runs built (bundledDecodePool), in-thread decoding when it runs from source (tests).
   */
  decodeImage?: ImageDecoder | AsyncImageDecoder | null
  timings?: Partial<SessionTimings>
  /** How long a server that connected to the listener waits for the user's answer; default 60 s. */
  listenAnswerTimeoutMs?: number
  /** How long a `session.handOff` code is valid and an orphaned session waits for its new window; default HAND_OFF_MS. */
  handOffMs?: number
  /** Where downloads go unless the user picks a folder; default the OS Downloads folder. */
  downloadsFolder?: string
  /** Where unexpected errors are reported (never with passwords); default stderr. */
  log?: (message: string) => void
  /** The data directory's lock (createHost takes it); released by `shutdown` after the last write. */
  dataDirLock?: DataDirLock
}

type HostEventMap = { [K in EventName]: [HostEvents[K]] }
type Owner = HostClient | undefined
type Handlers = { [K in RequestName]: (arg: HostRequests[K][0], owner: Owner) => Promise<HostRequests[K][1]> | HostRequests[K][1] }

/**
 * The host service: what the renderer may ask for, behind one `handle(name, arg)` entry that
 * validates every argument before use, and one event stream. The Electron shell and browser
 * mode both reach it through `attach`, which routes each event to its client. Each session
 * belongs to the client (`owner`) that opened or adopted it: input, answers and acks from anyone
 * else are refused; any client may list, preview or close any session, and adopt one only with
 * the code its owner handed off (see HandOffs).
 */
export class Host extends EventEmitter<HostEventMap> {
  /** The open sessions; every window hears when they change. */
  private readonly sessions = new SessionRegistry((sessions) => this.emitEvent('sessions.changed', { sessions }))
  /** App-wide settings (preferences.json): `prefs.*` requests; reconnect behaviour and a typed address's default scaling come from here. */
  private readonly preferences: PreferencesStore
  /** Every write goes through the guard: the renderer cannot save a password the user did not allow to be stored unprotected. */
  private readonly secrets: GuardedSecretStore
  /** Saved connections, their passwords and thumbnails (the `profiles.*` and `secrets.*` requests). */
  private readonly book: AddressBook
  private readonly sessionHost: SessionHost
  private readonly log: (message: string) => void
  /** The thumbnails' worker, when this host made one. */
  private decodePool: ImageDecodePool | null = null
  private readonly handlers: Handlers
  /** Listening mode: servers that connect to us and wait on the user. */
  private readonly listener: ReverseListener
  private readonly endpoint: HostEndpoint
  private readonly dataDirLock: DataDirLock | undefined
  /** Sessions on their way to another window. */
  private readonly handOffs: HandOffs
  /** Text being typed into sessions (`session.typeText`), paced here rather than in the page. */
  private readonly typists = new TextTypists((payload) => this.emitEvent('session.typing', payload))
  /** Where recordings are made and opened from. */
  private readonly recordings: RecordingsFolder
  /** Recordings open in a window. */
  private readonly players: Players
  /** Recordings a window is copying into the folder. */
  private readonly uploads: RecordingUploads
  /** "Measure performance…": frames timed to a window and back (one run at a time). */
  private readonly benchRuns: FrameBenchRuns

  constructor(options: HostOptions) {
    super()
    this.dataDirLock = options.dataDirLock
    this.preferences = options.preferences ?? PreferencesStore.inMemory()
    this.handOffs = new HandOffs((old, s) => this.endpoint.tell(old, 'session.state', movedState(s)), options.handOffMs)
    this.secrets = new GuardedSecretStore(options.secrets, options.plainFileConsent ?? PlainFileConsent.inMemory())
    this.log = options.log ?? ((m) => process.stderr.write(`tessera host: ${m}\n`))
    this.book = new AddressBook({
      store: options.store,
      secrets: this.secrets,
      sessions: this.sessions,
      thumbnailDir: options.thumbnailDir,
      defaultScaling: () => this.preferences.get().scaling,
      changed: () => this.emitEvent('profiles.changed', { profiles: options.store.list() }),
      log: this.log,
    })
    this.sessionHost = {
      emit: (name, payload) => {
        this.emitEvent(name, payload)
        // States carry every change a summary shows: connecting, size, desktop name, errors.
        if (name === 'session.state') this.sessions.changed()
      },
      openTransport: (t, ms, security, ssh) => {
        const tcp = options.openTransport
        return openTransport(t, security, {
          timeoutMs: ms,
          ...(tcp ? { tcp: (tt, tms) => tcp(tt, tms ?? ms) } : {}),
          ...(ssh ? { ssh } : {}),
          ...(options.connectSsh ? { connectSsh: options.connectSsh } : {}),
        })
      },
      secrets: this.secrets,
      trustStore: options.trustStore ?? new MemoryTrustStore(),
      sshTrustStore: options.sshTrustStore ?? new MemoryTrustStore(),
      serverKeyStore: options.serverKeyStore ?? new MemoryTrustStore(),
      sshAgent: 'sshAgent' in options ? options.sshAgent : process.env.SSH_AUTH_SOCK,
      sshKnownHosts: () => readKnownHosts(options.sshKnownHostsFile, this.log),
      decodeImage: options.decodeImage === undefined ? this.defaultDecoder() : options.decodeImage,
      timings: { ...DEFAULT_TIMINGS, ...options.timings },
      connected: (s, typed, sshTyped) => this.book.recordConnection(s, typed, sshTyped),
      lowerProtection: (s, level) => this.book.lowerProtection(s, level),
      saveThumbnail: (id, png) => this.book.saveThumbnail(id, png),
      reconnect: () => this.preferences.get().reconnect,
      ...(options.downloadsFolder ? { downloadsFolder: () => options.downloadsFolder! } : {}),
      ended: (s) => {
        this.handOffs.drop(s.id)
        this.sessions.remove(s)
      },
      log: this.log,
    }
    this.recordings = new RecordingsFolder(options.recordingsDir ?? null)
    this.uploads = new RecordingUploads(this.recordings)
    this.players = new Players(this.recordings, {
      emit: (name, payload) => this.emitEvent(name, payload),
      decodeImage: decodeImageNode,
      ackTimeoutMs: this.sessionHost.timings.ackTimeoutMs,
    })
    this.benchRuns = new FrameBenchRuns({
      send: (batch) => this.emitEvent('session.frame', batch),
      copies: async (w, h, passes, signal) => (await benchFrames(w, h, passes, signal)).steps,
      // An 8 MB frame to a busy page (a loaded machine, a slow GC) may take longer than a session's ack.
      ackTimeoutMs: this.sessionHost.timings.ackTimeoutMs * 6,
      // A page that has been quick and then goes silent is given up on as soon as a session's would be.
      stallMs: this.sessionHost.timings.ackTimeoutMs,
    })
    this.handlers = this.createHandlers()
    this.listener = new ReverseListener({
      answerTimeoutMs: options.listenAnswerTimeoutMs ?? LISTEN_ANSWER_TIMEOUT_MS,
      emit: (name, payload) => this.emitEvent(name, payload),
    })
    this.endpoint = new HostEndpoint(this, this.log)
  }

  /**
   * Connects a client (a window, a socket) to the host: the one way in for every transport.
   * It receives its events through `client.deliver` and asks through the link returned;
   * detaching ends the sessions and the listener it started.
   */
  attach(client: HostClient): ClientLink {
    return this.endpoint.attach(client)
  }

  private emitEvent<K extends EventName>(name: K, payload: HostEvents[K]): void {
    ;(this.emit as (n: K, p: HostEvents[K]) => boolean)(name, payload)
  }

  /**
   * Runs one request on behalf of `owner`. Resolves with the result, or rejects with a HostError
   * whose `error` is the SessionError to show. Transports reach it through `attach`, whose link
   * turns that into a reply; the shell's launch targets and tests call it directly.
   */
  async handle(name: string, arg: unknown, owner?: HostClient): Promise<unknown> {
    try {
      if (!isRequestName(name)) throw hostError('protocol', 'HOST_UNKNOWN_REQUEST', 'unknown request')
      const parsed = requestSchemas[name].parse(arg, 'argument')
      const handler = this.handlers[name] as (a: unknown, o: Owner) => unknown
      return await handler(parsed, owner)
    } catch (e) {
      const { error, unexpected } = toSessionError(e)
      if (unexpected) this.log(`request ${String(name).slice(0, 40)} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
      throw hostErrorFrom(error)
    }
  }

  /**
   * Plays a recording file from anywhere on disk for `owner`. Not a request: no window can name a
   * path. Only the Electron shell calls it, with the path its open dialog returned to the user.
   */
  async openRecordingFile(path: string, owner: HostClient): Promise<PlayerInfo> {
    try {
      return await this.players.openFile(path, owner)
    } catch (e) {
      const { error, unexpected } = toSessionError(e)
      if (unexpected) this.log(`opening a recording file failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
      throw hostErrorFrom(error)
    }
  }

  /** Who opened a session (for event routing), or undefined when there is no such session. */
  ownerOf(sessionId: string): HostClient | undefined {
    return this.sessions.get(sessionId)?.owner ?? this.players.ownerOf(sessionId) ?? this.benchRuns.ownerOf(sessionId)
  }

  /** Ids of the sessions that are open. */
  sessionIds(): string[] {
    return this.sessions.ids()
  }

  /** Who started the reverse-connection listener (its `listen.incoming` and `listen.timedOut` events go to them), or undefined. */
  listenOwner(): HostClient | undefined {
    return this.listener.owner()
  }

  /** Closes the sessions a departed client owned, except those it was handing off (they wait for their new window), and its listener. */
  closeOwnedBy(owner: HostClient): void {
    if (this.listener.ownedBy(owner)) this.listener.stop()
    this.players.closeOwnedBy(owner)
    this.uploads.abort(owner)
    this.benchRuns.cancel(owner)
    for (const s of this.sessions.all()) if (s.owner === owner && !this.handOffs.keep(s)) s.close()
  }

  // Thumbnails decode off the event loop when the worker is there (see bundledDecodePool).
  private defaultDecoder(): ImageDecoder | AsyncImageDecoder {
    this.decodePool = bundledDecodePool()
    return this.decodePool?.decode ?? decodeImageNode
  }

  /** Closes the listener and every session and waits for pending thumbnail writes. */
  async shutdown(): Promise<void> {
    this.listener.stop()
    this.typists.cancelAll()
    this.players.closeAll()
    this.uploads.abortAll()
    this.benchRuns.cancelAll()
    for (const s of this.sessions.all()) s.close()
    // Closing sessions starts last thumbnails and profile saves: drain until nothing new starts.
    await this.book.settled()
    await this.preferences.idle()
    this.sessions.dispose()
    this.handOffs.dispose()
    this.decodePool?.close()
    await this.dataDirLock?.release()
  }

  private createHandlers(): Handlers {
    return {
      'profiles.list': () => this.book.list(),
      'profiles.save': (p) => this.book.save(p),
      'profiles.delete': ({ id }) => this.book.delete(id),
      'profiles.import': (req) => this.book.importProfiles(req),
      'profiles.export': (req) => this.book.exportProfiles(req),
      'profiles.thumbnail': ({ id }) => this.book.thumbnail(id),
      'profiles.problems': () => this.book.problems(),
      'secrets.status': () => this.book.secretsStatus(),
      'secrets.allowPlainFile': ({ allow }) => this.book.allowPlainFile(allow),
      'secrets.forget': ({ profileId }) => this.book.forgetSecrets(profileId),
      'session.open': (req, owner) => this.open(req, owner),
      // What every window may do with any session: the address book closes and previews what other windows show.
      'session.close': ({ sessionId }) => this.sessions.existing(sessionId).close(),
      'session.handOff': ({ sessionId }, owner) => ({ code: this.handOffs.start(this.sessions.owned(sessionId, owner)) }),
      'session.adopt': ({ sessionId, code }, owner) => this.handOffs.adopt(sessionId, code, owner).summary(),
      'sessions.list': () => this.sessions.list(),
      'sessions.preview': ({ sessionId, maxWidth }) => this.sessions.existing(sessionId).picture.preview(maxWidth),
      'session.credentials': (arg, owner) => this.answerCredentials(arg, owner),
      'session.ack': ({ sessionId, seq }, owner) => this.sessions.owned(sessionId, owner).ack(seq),
      'session.thumbnail': ({ sessionId, width, height, rgba }, owner) => this.sessions.owned(sessionId, owner).picture.takePainted(width, height, rgba),
      'session.audioAck': ({ sessionId, seq }, owner) => this.sessions.owned(sessionId, owner).audio.ack(seq),
      'session.audioMute': ({ sessionId, muted }, owner) => this.sessions.owned(sessionId, owner).audio.setMuted(muted),
      'session.key': ({ sessionId, keysym, down, code }, owner) => this.sessions.owned(sessionId, owner).input.key(keysym, down, code),
      'session.pointer': ({ sessionId, buttons, x, y }, owner) => this.sessions.owned(sessionId, owner).input.pointer(buttons, x, y),
      'session.clipboard': ({ sessionId, text }, owner) => this.sessions.owned(sessionId, owner).input.clipboard(text),
      'session.typeText': ({ sessionId, text, layout, delayMs }, owner) =>
        this.typists.start(typingTarget(this.sessions.owned(sessionId, owner)), text, layout, delayMs),
      'session.typeCancel': ({ sessionId }, owner) => this.typists.cancel(this.sessions.owned(sessionId, owner).id),
      'session.resize': ({ sessionId, width, height, screens }, owner) => this.sessions.owned(sessionId, owner).input.resize(width, height, screens),
      'session.refresh': ({ sessionId }, owner) => this.sessions.owned(sessionId, owner).refresh(),
      'session.reconnect': ({ sessionId }, owner) => this.sessions.owned(sessionId, owner).reconnectNow(),
      'session.watchPaused': ({ sessionId, paused }, owner) => this.sessions.owned(sessionId, owner).picture.pauseWatch(paused),
      'session.power': ({ sessionId, action }, owner) => this.sessions.owned(sessionId, owner).input.power(action),
      'session.trust': ({ sessionId, decision }, owner) => this.sessions.owned(sessionId, owner).questions.certificate.answer(decision),
      'session.hostKey': ({ sessionId, decision }, owner) => this.sessions.owned(sessionId, owner).questions.answerHostKey(decision),
      'session.downgrade': ({ sessionId, accept }, owner) => this.sessions.owned(sessionId, owner).questions.downgrade.answer(accept),
      'listen.start': (req, owner) => this.listener.start(req, owner),
      'listen.stop': (_, owner) => this.listener.stopFor(owner),
      'listen.answer': ({ id, accept }, owner) => this.answerIncoming(id, accept, owner),
      'prefs.get': () => this.preferences.get(),
      // Every window follows a change at once, even one the disk refused (the error still reaches the asker).
      'prefs.set': (patch) => this.preferences.set(patch).finally(() => this.emitEvent('prefs.changed', { prefs: this.preferences.get() })),
      'session.record': ({ sessionId, on }, owner) => this.sessions.owned(sessionId, owner).record(on ? this.recordings : null),
      'recordings.list': () => this.recordings.list(),
      'recordings.upload': (req, owner) => this.uploads.chunk(owner, req),
      'player.open': ({ name }, owner) => this.players.open(name, owner),
      'player.close': ({ playerId }, owner) => this.players.close(playerId, owner),
      'player.control': ({ playerId, playing, speed }, owner) => this.players.owned(playerId, owner).control(playing, speed),
      'player.seek': ({ playerId, timeMs }, owner) => this.players.owned(playerId, owner).seek(timeMs),
      'player.ack': ({ playerId, seq }, owner) => this.players.owned(playerId, owner).ack(seq),
      'player.exportFrame': ({ playerId }, owner) => this.players.owned(playerId, owner).exportFrame(),
      'player.exportClip': ({ playerId, fromMs, toMs, fps }, owner) => this.players.owned(playerId, owner).exportClip(fromMs, toMs, fps),
      // File transfer: the session's owner only (its files, its local folder, its questions).
      'files.open': ({ sessionId }, owner) => this.sessions.owned(sessionId, owner).files.info(),
      'files.list': ({ sessionId, path }, owner) => this.sessions.owned(sessionId, owner).files.list(path),
      'files.download': ({ sessionId, folder, names, localFolder }, owner) => this.sessions.owned(sessionId, owner).files.download(folder, names, localFolder),
      'files.upload': ({ sessionId, folder, files }, owner) => this.sessions.owned(sessionId, owner).files.upload(folder, files),
      'files.data': ({ sessionId, transferId, file, offset, data }, owner) => this.sessions.owned(sessionId, owner).files.data(transferId, file, offset, data),
      'files.cancel': ({ sessionId, transferId }, owner) => this.sessions.owned(sessionId, owner).files.cancel(transferId),
      'files.answer': ({ sessionId, questionId, answer, all }, owner) => this.sessions.owned(sessionId, owner).files.answer(questionId, answer, all === true),
      'files.mkdir': ({ sessionId, path }, owner) => this.sessions.owned(sessionId, owner).files.createFolder(path),
      'files.delete': ({ sessionId, path }, owner) => this.sessions.owned(sessionId, owner).files.delete(path),
      'files.rename': ({ sessionId, from, to }, owner) => this.sessions.owned(sessionId, owner).files.rename(from, to),
      'bench.run': ({ passes }, owner) => this.benchRuns.measure(passes, owner),
      'bench.ack': ({ runId, seq }, owner) => this.benchRuns.ack(runId, seq, owner),
      'bench.cancel': (_, owner) => this.benchRuns.cancel(owner),
    }
  }

  /** The renderer's answer to a password question of `owner`'s session. */
  private answerCredentials(arg: HostRequests['session.credentials'][0], owner: Owner): void {
    const { sessionId, ...answer } = arg
    const session = this.sessions.owned(sessionId, owner)
    // Refused before the answer is used: the prompt stays open, and nothing is written.
    if ('save' in answer && answer.save) this.secrets.checkWrite()
    session.answerCredentials(answer)
  }

  /** Accept: the waiting connection becomes a session of `owner`'s. Reject: it is closed at once. */
  private answerIncoming(id: string, accept: boolean, owner: Owner): { sessionId: string } | null {
    const i = this.listener.take(id, owner)
    if (!accept) {
      i.transport.close()
      return null
    }
    try {
      checkSessionRoom(this.sessions.all(), false)
    } catch (e) {
      i.transport.close()
      throw e
    }
    const sessionId = randomUUID()
    // The server's port is ephemeral: trust decisions are kept per host (port 0), as the CLI does.
    const session = new HostSession(sessionId, owner, { host: i.remoteAddress, port: 0 }, null, null, this.sessionHost, i.transport)
    this.sessions.add(session)
    setImmediate(() => {
      if (session.alive) session.start()
    })
    return { sessionId }
  }

  private open(req: HostRequests['session.open'][0], owner: Owner): { sessionId: string } {
    checkSessionRoom(this.sessions.all(), req.watch === true)
    let target: Target
    let profile = null
    if ('profileId' in req) {
      profile = this.book.get(req.profileId) ?? null
      if (!profile) throw hostError('closed', 'HOST_UNKNOWN_PROFILE', 'that saved connection no longer exists')
      target = profileTarget(profile)
    } else {
      try {
        target = parseTarget(req.address)
      } catch (e) {
        throw hostError('refused', 'HOST_BAD_ADDRESS', (e as Error).message)
      }
      if (req.username) target.username = req.username
      // A typed address that matches a saved connection is that connection (its options, its password).
      profile = this.book.list().find((p) => sameServer(profileTarget(p), target) && (p.username ?? '') === (target.username ?? '')) ?? null
    }
    const sessionId = randomUUID()
    const session = new HostSession(sessionId, owner, target, profile?.id ?? null, profile, this.sessionHost, null, req.watch === true)
    // Only a renderer that decodes it gets H.264; a tile's picture is decoded here, which cannot.
    session.h264 = req.h264 === true && req.watch !== true
    if ('address' in req) session.typedLabel = typedAddressLabel(req.address)
    this.sessions.add(session)
    // Start after the response is on its way, so the renderer knows the id before the first event.
    setImmediate(() => {
      if (session.alive) session.start()
    })
    return { sessionId }
  }
}

/** What the window a session left is told: it ended there, because it moved (HOST_SESSION_MOVED). */
function movedState(s: HostSession): HostEvents['session.state'] {
  return sessionStateEvent(s.id, 'closed', s.info, { kind: 'closed', code: 'HOST_SESSION_MOVED', message: 'the session moved to another window' })
}

/** A session as its typist sees it; view-only sessions take no typing at all. */
function typingTarget(s: HostSession): TypingTarget {
  if (s.viewOnly) throw hostError('refused', 'HOST_VIEW_ONLY', 'this connection is view-only: no text is typed')
  return {
    id: s.id,
    canType: () => s.alive && s.state === 'connected',
    takesScancodes: () => s.info?.scancodes === true,
    key: (keysym, down, code) => s.input.key(keysym, down, code),
  }
}

function hostErrorFrom(error: SessionError): Error {
  return hostError(error.kind, error.code, error.message)
}
