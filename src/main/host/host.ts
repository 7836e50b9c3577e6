import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import type { EventName, ExportRequest, HostEvents, HostRequests, RequestName, SessionError } from '@shared/contract'
import { type ConnectionProfile, type ProtectionLevel, newProfile, profileTarget, targetFields } from '@shared/profile'
import { isRequestName, requestSchemas } from '@shared/schemas'
import { type Target, formatTarget, parseTarget, sameServer } from '@shared/target'
import type { ImageDecoder } from '../rfb/framebuffer'
import { decodeImageNode } from '../rfb/images/node-image-decoder'
import { type AsyncImageDecoder, type ImageDecodePool, bundledDecodePool } from './image-decode-pool'
import { openTransport } from '../rfb/connect'
import type { SshConnectOptions, SshSessionInfo } from '../rfb/transport/ssh'
import type { Transport } from '../rfb/transport/transport'
import { type CertificateStore, MemoryTrustStore } from '../rfb/trust/store'
import { writeFileAtomic } from './atomic-file'
import type { DataDirLock } from './data-dir-lock'
import type { ConnectionStore } from './connection-store'
import { PreferencesStore } from './preferences-store'
import { type ClientLink, type HostClient, HostEndpoint } from './endpoint'
import { hostError, toSessionError } from './errors'
import { type SealedEntry, openPasswords, sealPasswords, sealedBlockOf } from './export-crypto'
import { HostSession, type SessionHost, type SessionTimings, type TypedCredentials, type TypedSshSecret, sshSecretKey } from './host-session'
import { readKnownHosts } from './connection-options'
import { protectionAfterConnect, withHostFields } from './protection'
import { LISTEN_ANSWER_TIMEOUT_MS, ReverseListener } from './reverse-listener'
import { GuardedSecretStore, PlainFileConsent } from './secret-consent'
import { checkSessionRoom } from './session-budget'
import { HandOffs } from './session-handoff'
import { sessionStateEvent } from './session-events'
import { SessionRegistry } from './session-registry'
import { WATCH_INTERVAL_MS } from './watch-mode'
import type { SecretStore } from './secrets'

export const DEFAULT_TIMINGS: SessionTimings = {
  connectTimeoutMs: 15_000,
  handshakeTimeoutMs: 180_000,
  ackTimeoutMs: 5_000,
  statsIntervalMs: 1_000,
  thumbnailDelayMs: 5_000,
  watchIntervalMs: WATCH_INTERVAL_MS,
  reconnect: { baseMs: 1_000, maxMs: 30_000, attempts: 8 },
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
  private readonly store: ConnectionStore
  private readonly preferences: PreferencesStore
  /** Every write goes through the guard: the renderer cannot save a password the user did not allow to be stored unprotected. */
  private readonly secrets: GuardedSecretStore
  private readonly sessionHost: SessionHost
  private readonly thumbnailDir: string
  private readonly log: (message: string) => void
  private readonly thumbnailWrites = new Set<Promise<void>>()
  /** The thumbnails' worker, when this host made one. */
  private decodePool: ImageDecodePool | null = null
  private readonly handlers: Handlers
  /** Listening mode: servers that connect to us and wait on the user. */
  private readonly listener: ReverseListener
  private readonly endpoint: HostEndpoint
  private readonly dataDirLock: DataDirLock | undefined
  /** Sessions on their way to another window. */
  private readonly handOffs: HandOffs

  constructor(options: HostOptions) {
    super()
    this.dataDirLock = options.dataDirLock
    this.store = options.store
    this.preferences = options.preferences ?? PreferencesStore.inMemory()
    this.handOffs = new HandOffs((old, s) => this.endpoint.tell(old, 'session.state', movedState(s)), options.handOffMs)
    this.secrets = new GuardedSecretStore(options.secrets, options.plainFileConsent ?? PlainFileConsent.inMemory())
    this.thumbnailDir = options.thumbnailDir
    this.log = options.log ?? ((m) => process.stderr.write(`tessera host: ${m}\n`))
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
      reconnect: () => this.preferences.get().reconnect,
      connected: (s, typed, sshTyped) => this.recordConnection(s, typed, sshTyped),
      lowerProtection: (s, level) => this.lowerProtection(s, level),
      saveThumbnail: (id, png) => this.saveThumbnail(id, png),
      ended: (s) => {
        this.handOffs.drop(s.id)
        this.sessions.remove(s)
      },
      log: this.log,
    }
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

  /** Who opened a session (for event routing), or undefined when there is no such session. */
  ownerOf(sessionId: string): HostClient | undefined {
    return this.sessions.get(sessionId)?.owner
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
    for (const s of this.sessions.all()) s.close()
    // Closing sessions starts last thumbnails and profile saves: drain until nothing new starts.
    do {
      await new Promise((r) => setImmediate(r))
      await Promise.all([...this.thumbnailWrites, this.store.idle(), this.preferences.idle()])
    } while (this.thumbnailWrites.size > 0)
    this.sessions.dispose()
    this.handOffs.dispose()
    this.decodePool?.close()
    await this.dataDirLock?.release()
  }

  private changed(): void {
    this.emitEvent('profiles.changed', { profiles: this.store.list() })
  }

  private createHandlers(): Handlers {
    return {
      'profiles.list': () => this.store.list(),
      'profiles.save': async (p) => {
        const before = p.id ? this.store.get(p.id) : undefined
        const saved = await this.store.save(withHostFields(p, before))
        // Unticking "save password" forgets it.
        if (before?.savePassword && !saved.savePassword) await this.secrets.delete(saved.id)
        for (const s of this.sessions.all()) if (s.profileId === saved.id) s.updateProfile(saved)
        this.changed()
        // A renamed connection is renamed in every Sessions list.
        this.sessions.changed()
        return saved
      },
      'profiles.delete': async ({ id }) => {
        if (await this.store.delete(id)) {
          await this.secrets.delete(id)
          await this.secrets.delete(sshSecretKey(id))
          await fs.rm(this.thumbnailPath(id), { force: true })
          this.changed()
        }
      },
      'profiles.import': (req) => this.importProfiles(req),
      'profiles.export': (req) => this.exportProfiles(req),
      'profiles.thumbnail': async ({ id }) => {
        try {
          return { png: new Uint8Array(await fs.readFile(this.thumbnailPath(id))) }
        } catch {
          return null
        }
      },
      'secrets.status': () => ({
        available: this.secrets.available(),
        protected: this.secrets.protected(),
        backend: this.secrets.backend(),
        plainFileAllowed: this.secrets.consent.granted,
      }),
      'secrets.allowPlainFile': ({ allow }) => this.allowPlainFile(allow),
      'secrets.forget': async ({ profileId }) => {
        await this.secrets.delete(profileId)
        await this.secrets.delete(sshSecretKey(profileId))
        const p = this.store.get(profileId)
        if (p?.savePassword) {
          const { passwordProtection: _, ...rest } = p
          await this.store.save({ ...rest, savePassword: false })
          this.changed()
        }
      },
      'session.open': (req, owner) => this.open(req, owner),
      // What every window may do with any session: the address book closes and previews what other windows show.
      'session.close': ({ sessionId }) => this.sessions.existing(sessionId).close(),
      'session.handOff': ({ sessionId }, owner) => ({ code: this.handOffs.start(this.sessions.owned(sessionId, owner)) }),
      'session.adopt': ({ sessionId, code }, owner) => this.handOffs.adopt(sessionId, code, owner).summary(),
      'sessions.list': () => this.sessions.list(),
      'sessions.preview': ({ sessionId, maxWidth }) => this.sessions.existing(sessionId).picture.preview(maxWidth),
      'session.credentials': (arg, owner) => {
        const { sessionId, ...answer } = arg
        const session = this.sessions.owned(sessionId, owner)
        // Refused before the answer is used: the prompt stays open, and nothing is written.
        if ('save' in answer && answer.save) this.secrets.checkWrite()
        session.answerCredentials(answer)
      },
      'session.ack': ({ sessionId, seq }, owner) => this.sessions.owned(sessionId, owner).ack(seq),
      'session.key': ({ sessionId, keysym, down, code }, owner) => this.sessions.owned(sessionId, owner).key(keysym, down, code),
      'session.pointer': ({ sessionId, buttons, x, y }, owner) => this.sessions.owned(sessionId, owner).pointer(buttons, x, y),
      'session.clipboard': ({ sessionId, text }, owner) => this.sessions.owned(sessionId, owner).clipboard(text),
      'session.resize': ({ sessionId, width, height, screens }, owner) => this.sessions.owned(sessionId, owner).resize(width, height, screens),
      'session.refresh': ({ sessionId }, owner) => this.sessions.owned(sessionId, owner).refresh(),
      'session.watchPaused': ({ sessionId, paused }, owner) => this.sessions.owned(sessionId, owner).picture.pauseWatch(paused),
      'session.power': ({ sessionId, action }, owner) => this.sessions.owned(sessionId, owner).power(action),
      'session.trust': ({ sessionId, decision }, owner) => this.sessions.owned(sessionId, owner).answerTrust(decision),
      'session.hostKey': ({ sessionId, decision }, owner) => this.sessions.owned(sessionId, owner).answerHostKey(decision),
      'session.downgrade': ({ sessionId, accept }, owner) => this.sessions.owned(sessionId, owner).answerDowngrade(accept),
      'listen.start': (req, owner) => this.listener.start(req, owner),
      'listen.stop': (_, owner) => this.listener.stopFor(owner),
      'listen.answer': ({ id, accept }, owner) => this.answerIncoming(id, accept, owner),
      'prefs.get': () => this.preferences.get(),
      // Every window follows a change at once, even one the disk refused (the error still reaches the asker).
      'prefs.set': (patch) => this.preferences.set(patch).finally(() => this.emitEvent('prefs.changed', { prefs: this.preferences.get() })),
    }
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
      profile = this.store.get(req.profileId) ?? null
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
      profile = this.store.list().find((p) => sameServer(profileTarget(p), target) && (p.username ?? '') === (target.username ?? '')) ?? null
    }
    const sessionId = randomUUID()
    const session = new HostSession(sessionId, owner, target, profile?.id ?? null, profile, this.sessionHost, null, req.watch === true)
    this.sessions.add(session)
    // Start after the response is on its way, so the renderer knows the id before the first event.
    setImmediate(() => {
      if (session.alive) session.start()
    })
    return { sessionId }
  }

  /** The address book remembers every server reached; a typed password is saved if asked. */
  private async recordConnection(session: HostSession, typed: TypedCredentials | null, sshTyped: TypedSshSecret | null = null): Promise<void> {
    // A server that connected to us has no address to connect back to: nothing to remember.
    if (session.reverse) return
    let profile = session.profileId ? this.store.get(session.profileId) : undefined
    if (!profile) {
      const t = session.target
      // A typed address becomes a saved connection with the Preferences' default scaling.
      profile = await this.store.save(newProfile({ id: '', ...targetFields(t), name: formatTarget(t), scaling: this.preferences.get().scaling }))
      session.updateProfile(profile)
    }
    // The wall watching a folder does not make its connections the most recently used.
    if (!session.watch) await this.store.touch(profile.id)
    profile = this.store.get(profile.id) ?? profile
    let savedNow = false
    if (typed) {
      if (typed.save && this.secrets.mayWrite()) {
        await this.secrets.set(profile.id, typed.credentials.password)
        savedNow = true
        if (!profile.savePassword) profile = await this.store.save({ ...profile, savePassword: true })
      } else if (!typed.save && profile.savePassword) {
        await this.secrets.delete(profile.id)
        const { passwordProtection: _, ...rest } = profile
        profile = await this.store.save({ ...rest, savePassword: false })
      }
    }
    // Remember how well protected this server's connections are, and what a saved password went over.
    const change = protectionAfterConnect(profile, session.reached ?? 'none', savedNow)
    if (change) profile = await this.store.save({ ...profile, ...change })
    session.updateProfile(profile)
    // The SSH password or key passphrase: saved when asked to, forgotten when the user said not to.
    if (sshTyped) {
      if (sshTyped.save && this.secrets.mayWrite()) await this.secrets.set(sshSecretKey(profile.id), sshTyped.secret)
      else if (!sshTyped.save) await this.secrets.delete(sshSecretKey(profile.id))
    }
    this.changed()
    // A typed address has become a saved connection: summaries name its profile now.
    this.sessions.changed()
  }

  /**
   * Records the user's answer about saving passwords without a keychain. Taking it back also
   * forgets every password saved that way, since the user no longer wants them in the file.
   */
  private async allowPlainFile(allow: boolean): Promise<void> {
    await this.secrets.consent.set(allow)
    if (allow || this.secrets.protected()) return
    let changed = false
    for (const p of this.store.list()) {
      await this.secrets.delete(p.id)
      await this.secrets.delete(sshSecretKey(p.id))
      if (p.savePassword) {
        await this.store.save({ ...p, savePassword: false })
        changed = true
      }
    }
    if (changed) this.changed()
  }

  /** The user accepted weaker protection for the session's profile: later connections expect only `level`. */
  private async lowerProtection(session: HostSession, level: ProtectionLevel): Promise<void> {
    const profile = session.profileId ? this.store.get(session.profileId) : undefined
    if (!profile) return
    session.updateProfile(await this.store.save({ ...profile, protection: level }))
    this.changed()
  }

  /** The export, with the saved passwords of the chosen profiles sealed under the passphrase if asked. */
  private async exportProfiles(req: ExportRequest): Promise<{ fileName: string; text: string }> {
    if (!('includePasswords' in req)) return this.store.export(req.ids)
    const entries: Record<string, SealedEntry> = {}
    for (const p of this.store.exportable(req.ids)) {
      const password = p.savePassword ? await this.secrets.get(p.id) : null
      if (password !== null) entries[p.id] = { host: p.host, port: p.port, password, ...(p.username ? { username: p.username } : {}) }
    }
    return this.store.export(req.ids, { passwords: await sealPasswords(entries, req.passphrase) })
  }

  /**
   * Imports a file; with a passphrase, also the passwords an export sealed. They are opened
   * before anything is added, so a wrong passphrase imports nothing, and each is restored only
   * to a profile with the address it was saved for.
   */
  private async importProfiles({ fileName, text, passphrase }: HostRequests['profiles.import'][0]): Promise<ConnectionProfile[]> {
    const block = passphrase === undefined ? undefined : sealedBlockOf(text)
    if (passphrase !== undefined && block === undefined)
      throw hostError('refused', 'IMPORT_NO_PASSWORDS', 'this file holds no saved passwords; import it without a passphrase')
    if (block !== undefined && !this.secrets.available())
      throw hostError('refused', 'IMPORT_NO_SECRET_STORE', 'passwords cannot be saved on this computer; import the file without a passphrase')
    if (block !== undefined) this.secrets.checkWrite()
    const sealed = block === undefined ? {} : await openPasswords(block, passphrase ?? '')
    const added = await this.store.importWithSources(fileName, text)
    const out: ConnectionProfile[] = []
    for (const { profile, sourceId } of added) {
      const e = Object.hasOwn(sealed, sourceId) ? sealed[sourceId] : undefined
      if (e && e.host === profile.host && e.port === profile.port && (e.username ?? '') === (profile.username ?? '')) {
        await this.secrets.set(profile.id, e.password)
        out.push(await this.store.save({ ...profile, savePassword: true }))
      } else {
        out.push(profile)
      }
    }
    if (out.length) this.changed()
    return out
  }

  private thumbnailPath(profileId: string): string {
    // Profile ids are validated against ID_PATTERN before they reach here: no path separators.
    return join(this.thumbnailDir, `${profileId}.png`)
  }

  private saveThumbnail(profileId: string, png: Uint8Array): void {
    const write = writeFileAtomic(this.thumbnailPath(profileId), png)
      .catch((e: unknown) => this.log(`cannot save a thumbnail: ${(e as Error).message}`))
      .finally(() => this.thumbnailWrites.delete(write))
    this.thumbnailWrites.add(write)
  }
}

/** What the window a session left is told: it ended there, because it moved (HOST_SESSION_MOVED). */
function movedState(s: HostSession): HostEvents['session.state'] {
  return sessionStateEvent(s.id, 'closed', s.info, { kind: 'closed', code: 'HOST_SESSION_MOVED', message: 'the session moved to another window' })
}

function hostErrorFrom(error: SessionError): Error {
  return hostError(error.kind, error.code, error.message)
}
