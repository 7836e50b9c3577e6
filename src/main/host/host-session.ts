import type { SessionError, SessionInfo, SessionState, SessionSummary } from '@shared/contract'
import type { ConnectionProfile, ProtectionLevel } from '@shared/profile'
import { type Target, formatTarget } from '@shared/target'
import { NetworkError, RfbError, UnsupportedError } from '../rfb/errors'
import { DowngradeError, reachedLevel } from '../rfb/security/downgrade'
import type { SecurityOptions } from '../rfb/security/policy'
import { type ConnectionInfo, RfbClient } from '../rfb/session'
import type { SshOptions } from '../rfb/transport/ssh'
import type { Transport } from '../rfb/transport/transport'
import { CertificateError, HostKeyError } from '../rfb/trust/errors'
import { type SshSecretKind, encodingsOf, securityOptions, sshTunnelOptions } from './connection-options'
import type { HostClient } from './endpoint'
import type { RecordingsFolder } from './recordings'
import { downgradeQuestion } from './protection'
import type { SessionHost } from './session-host'
import { SessionAudio, wantsAudio } from './session-audio'
import { SessionPicture } from './session-picture'
import { SessionInput } from './session-input'
import { SessionQuestions } from './session-questions'
import { reconnectPlan } from './reconnect-plan'
import { forwardNameChanges, forwardServerEvents, serverFeatures, sessionInfo, sessionStateEvent, sessionSummary } from './session-events'
import { type CredentialsAnswer, SessionLogin } from './session-login'
import { SessionStats } from './session-stats'
import { type AskingAttempt, AttemptQuestions } from './attempt-questions'
import { watchNeedsUser } from './watch-mode'
import type { SessionFiles } from './file-transfer/session-files'
import { sessionFiles } from './file-transfer/session-remote'
import { offeredFileTransfer } from '../rfb/file-transfer'

// The session's contract with its host lives in its own file; the host imports it from here.
export { type ReconnectPolicy, type SessionHost, type SessionTimings, type TypedCredentials, type TypedSshSecret, sshSecretKey } from './session-host'

/**
 * One session as the renderer sees it: it outlives individual RFB connections, so it can ask
 * for a password again after a wrong one and reconnect after the network drops. Credentials
 * the user typed are kept in memory for reconnects only (see SessionLogin), and never logged.
 */
export class HostSession {
  state: SessionState = 'connecting'
  info: SessionInfo | null = null

  private client: RfbClient | null = null
  /** The client's throttled events (event-throttle.ts): what they hold back goes out before the session says it closed. */
  private heldEvents: { stop(): void }[] = []
  /** Frames to the owner's window (or only the mirror, for a watch session), the mirror (previews), the cursor. */
  readonly picture: SessionPicture
  /** The server's sound (QEMU audio) to the owner's window. */
  readonly audio: SessionAudio
  /** What the last state change reported as wrong (the summary shows it). */
  private error: SessionError | undefined
  private readonly stats: SessionStats
  private readonly login: SessionLogin
  /** Certificate, SSH host key, RSA-AES server key and weaker-security questions (`session.trust`, `.hostKey`, `.downgrade` answer them). */
  readonly questions = new SessionQuestions()
  /** The weaker protection the user accepted in this session: later attempts expect no more. */
  private acceptedLevel: ProtectionLevel | null = null
  /** What the current connection reached, once connected (the host records it with the profile). */
  reached: ProtectionLevel | null = null
  private everConnected = false
  private failures = 0
  private reconnectTimer: NodeJS.Timeout | null = null
  /** Dropped with the 'ask' reconnect setting: waiting for the user's Reconnect or Close. */
  private awaitingAnswer = false
  private over = false
  private userClosed = false
  /** The user cancelled a question or rejected a server: the session ends without an error. */
  private cancelled = false
  /** Started from a server's reverse connection (see the constructor). */
  readonly reverse: boolean
  /** The renderer that opened it decodes Open H.264, so it is announced (see encodingsOf). */
  h264 = false
  /** Keys, pointer, clipboard, size and power requests from the user to the server. */
  readonly input: SessionInput
  /** The server's files: browsing, transfers and their questions (`files.*` requests). */
  readonly files: SessionFiles
  /** The address as the user typed it (`127.0.0.1::5999` stays so): names the session and the connection saved from it. */
  typedLabel: string | null = null

  constructor(
    readonly id: string,
    /** The client whose window shows the session: its events go there. Changed by adopt. */
    public owner: HostClient | undefined,
    readonly target: Target,
    public profileId: string | null,
    private profile: ConnectionProfile | null,
    private readonly host: SessionHost,
    /**
     * A reverse connection: the server connected to our listener, so this transport is used
     * instead of opening one, once. Such a session cannot reconnect or retry a password (the
     * server would have to connect again): any failure ends it.
     */
    private accepted: Transport | null = null,
    /** A live-wall tile: view-only, paced, no frames to the renderer, never asks the user (watch-mode.ts). */
    readonly watch = false,
  ) {
    this.reverse = accepted !== null
    this.picture = new SessionPicture(id, host, watch)
    this.audio = new SessionAudio(id, host)
    this.stats = new SessionStats(id, host.timings.statsIntervalMs, (stats) => host.emit('session.stats', stats))
    this.login = new SessionLogin(host.secrets)
    this.input = new SessionInput(
      () => this.live(),
      () => this.viewOnly,
      watch,
    )
    this.files = sessionFiles(id, host, () => this.live(), watch)
  }

  /** True while this session exists for the renderer. */
  get alive(): boolean {
    return !this.over
  }

  /** Makes the first connection attempt. */
  start(): void {
    void this.attempt()
  }

  /** Keeps the options snapshot current after the host saved the profile. */
  updateProfile(profile: ConnectionProfile): void {
    this.profile = profile
    this.profileId = profile.id
    if (this.client) this.updateInfo({ power: this.input.powerAvailable(this.client) })
  }

  private async attempt(): Promise<void> {
    this.login.beginAttempt()
    this.setState('connecting')
    const { timings } = this.host
    let security: SecurityOptions
    try {
      security = await securityOptions(this.profile, this.host.trustStore)
      if (this.acceptedLevel !== null) security.expected = this.acceptedLevel
    } catch (e) {
      return this.end(e instanceof RfbError ? e : new UnsupportedError((e as Error).message, 'HOST_SECURITY'))
    }
    if (this.over) return
    const p = this.profile
    const audio = wantsAudio(p, this.watch)
    const client: RfbClient = new RfbClient({
      sink: this.picture.attemptSink(),
      // A tile must never push other viewers off the server.
      shared: this.watch || (p?.shared ?? true),
      encodings: encodingsOf(p, this.h264),
      ...this.picture.clientOptions(p),
      extraEncodings: this.audio.encodings(audio),
      // Asked during the handshake, once `asks` (below) exists.
      credentials: (kind, link) => this.login.vncCredentials(kind, this.profile, this.profileId, asks.login, link),
      handshakeTimeoutMs: timings.handshakeTimeoutMs,
      security,
    })
    const asks = this.questionsOf(client)
    security.trust = { ...security.trust, ask: (prompt) => asks.certificate(prompt) }
    security.serverKeys = { store: this.host.serverKeyStore, ask: (prompt) => asks.serverKey(prompt) }
    this.client = client
    this.picture.follow(client)
    this.audio.follow(client, audio)
    client.on('connected', (info) => this.onConnected(client, info))
    client.on('close', (err) => this.onClose(client, err))
    client.on('update', (u) => this.stats.count(u))
    const held = forwardServerEvents(client, this.id, this.host, this.watch)
    this.heldEvents = [held.bell, held.clipboard, held.leds, held.powerFailed, forwardNameChanges(client, (name) => this.updateInfo({ name }))]
    client.on('resize', (width, height) => this.updateInfo({ width, height }))
    client.on('features', () => this.updateInfo({ power: this.input.powerAvailable(client), ...serverFeatures(client) }))

    let transport: Transport
    let sshKind: SshSecretKind | null = null
    try {
      let ssh: SshOptions | undefined
      if (p?.ssh) {
        const prepared = await this.sshOptions(asks, p.ssh)
        if (!prepared) {
          // The user cancelled the SSH password prompt.
          this.client = null
          this.picture.drop()
          return this.end(null)
        }
        ;({ ssh, kind: sshKind } = prepared)
      }
      const opened = this.reverse ? this.takeAccepted(security) : await this.host.openTransport(this.target, timings.connectTimeoutMs, security, ssh)
      if (sshKind) this.login.ssh.worked()
      transport = opened.transport
      // The client holds this object: it learns the host, port and TLS protection in place.
      Object.assign(security, opened.security)
    } catch (e) {
      if (this.client !== client) return
      this.client = null
      this.picture.drop()
      // vncs://: the user said no to the certificate before RFB began (SSH: to the host key).
      if (this.cancelled) return this.end(null)
      if (p?.ssh && e instanceof RfbError && e.kind === 'auth' && !(e instanceof HostKeyError)) {
        // The SSH login failed: a typed secret can be asked again; an agent or plain key cannot be helped.
        if (!sshKind) return this.end(e)
        this.login.ssh.rejected()
      }
      this.failed(e instanceof RfbError ? e : new NetworkError(e instanceof Error ? e.message : String(e)))
      return
    }
    if (this.client !== client) {
      // Closed while the TCP connection was being made.
      transport.close()
      return
    }
    // The outcome arrives through the client's 'connected' and 'close' events.
    client.start(transport).catch(() => undefined)
  }

  /** The reverse connection's transport, handed over once; trust is keyed by its host (port 0). */
  private takeAccepted(security: SecurityOptions): { transport: Transport; security: SecurityOptions } {
    const transport = this.accepted
    this.accepted = null
    if (!transport) throw new NetworkError('the server that connected is gone; it has to connect again', 'HOST_REVERSE_GONE')
    return { transport, security: { ...security, host: this.target.host, port: this.target.port } }
  }

  /** The tunnel's options: the login method's secret (asked for, or saved), and the host key check. */
  private sshOptions(asks: AttemptQuestions, t: NonNullable<ConnectionProfile['ssh']>): Promise<{ ssh: SshOptions; kind: SshSecretKind | null } | null> {
    return sshTunnelOptions(
      t,
      this.host.sshAgent,
      (kind) => this.login.sshSecret(kind, this.profileId, asks.login),
      () => ({ knownHosts: this.host.sshKnownHosts(), store: this.host.sshTrustStore, ask: (prompt) => asks.hostKey(prompt) }),
    )
  }

  /** How the questions of `client`'s attempt reach the user: none once another attempt replaced it. */
  private questionsOf(client: RfbClient): AttemptQuestions {
    const attempt: AskingAttempt = {
      sessionId: this.id,
      watch: this.watch,
      current: () => this.client === client,
      over: () => this.over,
      setState: (state) => this.setState(state),
      end: (err) => this.end(err),
      rejected: () => void (this.cancelled = true),
    }
    return new AttemptQuestions(attempt, this.host, this.questions)
  }

  /** The renderer's answer to a `session.credentials` event. */
  answerCredentials(arg: CredentialsAnswer): void {
    if ('cancel' in arg) {
      // Throws when nothing was asked: a stray cancel must not turn a later network drop into the end.
      const endNow = this.login.cancel()
      this.cancelled = true
      if (endNow) this.end(null)
      return
    }
    if (this.login.answer(arg, this.profile?.username ?? this.target.username)) void this.attempt()
  }

  /**
   * The server offered less than this connection reached before: nothing was sent, the
   * connection is closed, and the user decides. Yes lowers what the profile expects (and this
   * session's later attempts) and connects again; no ends the session with the refusal shown.
   */
  private async askDowngrade(err: DowngradeError): Promise<void> {
    this.setState('closed', err)
    this.host.emit('session.downgrade', downgradeQuestion(this.id, err))
    const accept = await this.questions.downgrade.ask()
    if (this.over) return
    if (!accept) return this.end(err)
    this.acceptedLevel = err.offered
    await this.host.lowerProtection(this, err.offered).catch((e: unknown) => this.host.log(`recording the weaker security failed: ${(e as Error).message}`))
    if (!this.over) void this.attempt()
  }

  /** True while a question waits for the user: a password, a certificate, an SSH host key, an RSA-AES server key, weaker security. */
  get asking(): boolean {
    return this.login.waiting || this.questions.waiting
  }

  /** Settles every question still waiting with "no" (the session is closing). */
  private releaseQuestions(): void {
    this.login.release()
    this.questions.release()
  }

  private onConnected(client: RfbClient, info: ConnectionInfo): void {
    if (client !== this.client) return
    this.everConnected = true
    this.failures = 0
    this.login.vnc.worked()
    this.reached = reachedLevel(info)
    this.info = { ...sessionInfo(info, client.width, client.height, this.input.powerAvailable(client)), ...serverFeatures(client) }
    const files = this.watch ? null : offeredFileTransfer(client)
    if (files) this.info.fileTransfer = files
    this.setState('connected')
    this.stats.start()
    const { typed, sshTyped } = this.login.takeTyped()
    this.host.connected(this, typed, sshTyped).catch((e: unknown) => this.host.log(`recording the connection failed: ${(e as Error).message}`))
    this.picture.thumbnailLater(() => this.saveThumbnail())
  }

  private onClose(client: RfbClient, err: RfbError | null): void {
    if (client !== this.client) return
    const wasConnected = this.state === 'connected'
    this.client = null
    this.files.connectionLost()
    this.picture.drop()
    this.stopTimers()
    if (wasConnected) this.saveThumbnail()
    if (this.userClosed || this.cancelled || !err) return this.end(null)
    this.failed(err)
  }

  private failed(err: RfbError): void {
    if (this.over) return
    // The server failed to prove who it is: a password would not help, and neither would a
    // retry (a changed certificate must never be retried into silently).
    if (err instanceof CertificateError || err instanceof HostKeyError) return this.end(err)
    // The server hung up while the user was answering it: say so, not reconnect behind a dead dialog.
    if (err.code === 'RFB_ERR_CLOSED_WHILE_ASKING') return this.end(err)
    // Less protection than before: only the user may accept that, and only knowingly.
    if (err instanceof DowngradeError && !this.reverse) return this.watch ? this.end(watchNeedsUser('answer', err.message)) : void this.askDowngrade(err)
    // A reverse connection cannot be made again from here: the server has to connect once more.
    if (this.reverse) return this.end(err)
    if (err.kind === 'auth' && this.watch) return this.end(watchNeedsUser('sign-in', err.message))
    if (err.kind === 'auth') {
      // Ask again rather than end: the renderer keeps the session and shows the password dialog.
      const question = this.login.refusedQuestion(this.id, err)
      this.setState('closed', err)
      return this.host.emit('session.credentials', question)
    }
    // A wall tile always keeps trying; otherwise the Preferences say what a dropped connection does.
    const setting = this.watch ? 'automatic' : (this.host.reconnect?.() ?? 'automatic')
    const plan = reconnectPlan(err, this.everConnected, setting, this.failures, this.host.timings.reconnect)
    if (plan.kind === 'ask') {
      // Wait for the user's answer: Reconnect (reconnectNow) or Close (close). The typed password stays for that attempt.
      this.failures = 0
      this.awaitingAnswer = true
      this.login.reconnecting()
      return this.setState('reconnecting', err, undefined, true)
    }
    if (plan.kind === 'retry') {
      this.failures++
      this.login.reconnecting()
      this.setState('reconnecting', err, plan.delayMs)
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null
        void this.attempt()
      }, plan.delayMs)
      return
    }
    this.end(err)
  }

  /** Ends the session at the user's request. */
  close(): void {
    if (this.over) return
    this.userClosed = true
    this.releaseQuestions()
    const client = this.client
    if (client) client.close()
    if (!this.over) this.end(null)
  }

  private end(err: RfbError | null): void {
    if (this.over) return
    this.over = true
    this.stopTimers()
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = null
    this.releaseQuestions()
    this.files.close()
    const client = this.client
    this.client = null
    for (const t of this.heldEvents) t.stop()
    client?.close()
    this.picture.drop()
    this.picture.recording.stop('ended')
    this.accepted?.close()
    this.accepted = null
    this.login.clear()
    this.setState('closed', err ?? undefined)
    this.host.ended(this)
  }

  /** No input reaches the server: the profile says so, or the session is a watch tile. */
  get viewOnly(): boolean {
    return this.watch || !!this.profile?.viewOnly
  }

  /** "Reconnect now" (or Reconnect to the question the 'ask' setting raises): tries at once and starts the back-off afresh. */
  reconnectNow(): void {
    if (this.over || this.state !== 'reconnecting' || (!this.reconnectTimer && !this.awaitingAnswer)) return
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = null
    this.awaitingAnswer = false
    this.failures = 0
    void this.attempt()
  }

  refresh(): void {
    this.live()?.requestUpdate(false)
  }

  /** Starts recording into `folder` from now, or stops (null): see SessionRecording. */
  record(folder: RecordingsFolder | null): { file: string } | null {
    const client = this.watch ? null : this.live()
    const from = client && this.info && { label: this.summary().name, client, desktopName: this.info.name, cursor: this.picture.cursor }
    return this.picture.recording.toggle(folder, from || null)
  }

  ack(seq: number): void {
    this.picture.ack(seq)
  }

  /** The client when connected; input while (re)connecting is dropped, as a viewer would. */
  private live(): RfbClient | null {
    return this.state === 'connected' ? this.client : null
  }

  private setState(state: SessionState, err?: RfbError | SessionError, retryInMs?: number, askReconnect = false): void {
    this.state = state
    const payload = sessionStateEvent(this.id, state, this.info, err, retryInMs)
    if (askReconnect) payload.askReconnect = true
    this.error = payload.error
    this.host.emit('session.state', payload)
  }

  /** What every window shows of this session (the Sessions list, the wall). */
  summary(): SessionSummary {
    return sessionSummary(this, this.profile?.name || this.typedLabel || formatTarget(this.target), this.error)
  }

  /** `owner` shows the session from now on (a moved tab): the old owner's unacked batches are forgotten; it gets state, cursor, a full update. */
  adopt(owner: HostClient | undefined): void {
    this.owner = owner
    this.picture.handOver()
    this.audio.handOver()
    this.setState(this.state, this.error, undefined, this.awaitingAnswer && this.state === 'reconnecting')
    if (this.watch) return
    this.host.emit('session.cursor', { sessionId: this.id, cursor: this.picture.cursor })
    this.live()?.requestUpdate(false)
  }

  private updateInfo(change: Partial<SessionInfo>): void {
    const info = this.info
    if (!info || Object.entries(change).every(([k, v]) => info[k as keyof SessionInfo] === v)) return
    Object.assign(info, change)
    if (this.state === 'connected') this.setState('connected')
  }

  private stopTimers(): void {
    this.stats.stop()
    this.picture.thumbnailLater(null)
  }

  /**
   * Saves the thumbnail only from a whole picture: the mirror's (ThumbnailSink.complete), else the
   * one the window painted (H.264); with neither, while connected, tries again later.
   */
  private saveThumbnail(): void {
    if (!this.profileId) return
    const png = this.picture.thumbnailPng()
    if (png) return this.host.saveThumbnail(this.profileId, png)
    if (this.client && this.state === 'connected') this.picture.thumbnailLater(() => this.saveThumbnail())
  }
}
