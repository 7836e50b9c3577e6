import { Encoding, PIXEL_ENCODINGS, encodingName } from '@shared/encodings'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import type { CredentialRequestKind, EventName, HostEvents, PowerAction, SessionError, SessionInfo, SessionState, TrustDecision } from '@shared/contract'
import { type ConnectionProfile, DEFAULT_SECURITY } from '@shared/profile'
import { scancodeFor } from '@shared/scancodes'
import type { Target } from '@shared/target'
import { XvpAction } from '../rfb/client-messages'
import { DEFAULT_ENCODINGS, createDecoders } from '../rfb/decoders'
import { utils as sshUtils } from 'ssh2'
import { NetworkError, RfbError, UnsupportedError } from '../rfb/errors'
import type { ImageDecoder } from '../rfb/framebuffer'
import type { SecurityOptions, SecurityPolicy } from '../rfb/security/policy'
import { type CredentialKind, type Credentials, securityTypeName } from '../rfb/security/security-handler'
import { type ConnectionInfo, RfbClient } from '../rfb/session'
import type { SshAuth, SshOptions } from '../rfb/transport/ssh'
import type { Transport } from '../rfb/transport/transport'
import { CertificateError, HostKeyError } from '../rfb/trust/errors'
import type { HostKeyPrompt } from '../rfb/trust/host-key'
import type { KnownHostEntry } from '../rfb/trust/known-hosts'
import { type CertificateStore, serverKey } from '../rfb/trust/store'
import type { TrustPrompt } from '../rfb/trust/verify'
import { BatchSink } from './batch-sink'
import type { HostClient } from './endpoint'
import { hostError } from './errors'
import { pictureOptions } from './picture-options'
import type { SecretStore } from './secrets'
import { ThumbnailSink, teeSink } from './thumbnail'

/** Reconnect timing: `baseMs * 2^n`, capped, for at most `attempts` tries in a row. */
export interface ReconnectPolicy {
  baseMs: number
  maxMs: number
  attempts: number
}

export interface SessionTimings {
  connectTimeoutMs: number
  /** Includes the time the user takes to type a password (the engine's timer runs meanwhile). */
  handshakeTimeoutMs: number
  ackTimeoutMs: number
  statsIntervalMs: number
  /** A thumbnail is taken this long after connecting, and again when the session ends. */
  thumbnailDelayMs: number
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

type SshSecretKind = 'ssh-password' | 'ssh-passphrase'

/** What a session needs from the host around it. */
export interface SessionHost {
  emit<K extends EventName>(name: K, payload: HostEvents[K]): void
  /** Connects (TLS and its certificate check first for `vncs://`); returns the handshake's security options. */
  openTransport(target: Target, timeoutMs: number, security: SecurityOptions, ssh?: SshOptions): Promise<{ transport: Transport; security: SecurityOptions }>
  secrets: SecretStore
  /** "Always trust" decisions (known-certificates.json). */
  trustStore: CertificateStore
  /** "Always trust" SSH host keys (known-ssh-hosts.json). */
  sshTrustStore: CertificateStore
  /** The ssh-agent socket, when one runs. */
  sshAgent: string | undefined
  /** OpenSSH's known hosts (read only), checked before the user is asked about a host key. */
  sshKnownHosts(): readonly KnownHostEntry[]
  decodeImage: ImageDecoder | null
  timings: SessionTimings
  /** The session reached the server's desktop: update the address book and saved password. */
  connected(session: HostSession, typed: TypedCredentials | null, sshTyped: TypedSshSecret | null): Promise<void>
  saveThumbnail(profileId: string, png: Uint8Array): void
  /** The session is over for good; the host forgets it. */
  ended(session: HostSession): void
  log(message: string): void
}

/**
 * One session as the renderer sees it: it outlives individual RFB connections, so it can ask
 * for a password again after a wrong one and reconnect after the network drops. Credentials
 * the user typed are kept in memory for reconnects only, and never logged.
 */
export class HostSession {
  state: SessionState = 'connecting'
  info: SessionInfo | null = null

  private client: RfbClient | null = null
  private sink: BatchSink | null = null
  private readonly thumb: ThumbnailSink
  private everConnected = false
  private failures = 0
  private reconnectTimer: NodeJS.Timeout | null = null
  private statsTimer: NodeJS.Timeout | null = null
  private thumbTimer: NodeJS.Timeout | null = null
  private over = false
  private userClosed = false
  private cancelled = false
  private lastKind: CredentialRequestKind = 'password'
  /** The engine is waiting for the user's answer. */
  private answer: ((c: Credentials | null) => void) | null = null
  /** Authentication failed; the next answer starts a new connection. */
  private awaitingRetry = false
  /** Credentials to hand the engine without asking (a retry's answer, or a reconnect's). */
  private preset: Credentials | null = null
  private current: Credentials | null = null
  private lastGood: Credentials | null = null
  private typed: TypedCredentials | null = null
  private usedSaved = false
  private savedRejected = false
  /** The engine is waiting for the user's verdict on a certificate. */
  private trustAnswer: ((d: TrustDecision) => void) | null = null
  /** A certificate trusted "once": reconnects of this session accept it without asking again. */
  private trustedOnce: string | null = null
  /** The engine is waiting for the user's verdict on an SSH host key. */
  private hostKeyAnswer: ((d: TrustDecision) => void) | null = null
  /** An SSH host key trusted "once": reconnects of this session accept it without asking again. */
  private hostKeyTrustedOnce: string | null = null
  /** The SSH secret for the next attempt (a retry's answer); then the one that worked, for reconnects. */
  private sshPreset: string | null = null
  private sshKnown: string | null = null
  private sshTyped: TypedSshSecret | null = null
  private sshUsedSaved = false
  private sshSavedRejected = false
  private window = newWindow(0)
  /** Started from a server's reverse connection (see the constructor). */
  readonly reverse: boolean
  /** Last measured round trip, shown while the screen is idle. */
  private latencyMs = 0

  constructor(
    readonly id: string,
    readonly owner: HostClient | undefined,
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
  ) {
    this.reverse = accepted !== null
    this.thumb = new ThumbnailSink(host.decodeImage)
  }

  /** True while this session exists for the renderer. */
  get alive(): boolean {
    return !this.over
  }

  start(): void {
    void this.attempt()
  }

  /** Keeps the options snapshot current after the host saved the profile. */
  updateProfile(profile: ConnectionProfile): void {
    this.profile = profile
    this.profileId = profile.id
    if (this.client) this.updateInfo({ power: this.powerAvailable(this.client) })
  }

  private async attempt(): Promise<void> {
    this.usedSaved = false
    this.current = null
    this.setState('connecting')
    const { timings } = this.host
    let security: SecurityOptions
    try {
      security = await this.securityOptions()
    } catch (e) {
      return this.end(e instanceof RfbError ? e : new UnsupportedError((e as Error).message, 'HOST_SECURITY'))
    }
    if (this.over) return
    const sink = new BatchSink({
      sessionId: this.id,
      ackTimeoutMs: timings.ackTimeoutMs,
      onBatch: (batch) => this.host.emit('session.frame', batch),
      onCursor: (cursor) => this.host.emit('session.cursor', { sessionId: this.id, cursor }),
    })
    const p = this.profile
    const client: RfbClient = new RfbClient({
      sink: teeSink(sink, this.thumb),
      shared: p?.shared ?? true,
      encodings: encodingsOf(p),
      ...pictureOptions(p),
      credentials: (kind): Promise<Credentials | null> => this.credentialsFor(client, kind),
      handshakeTimeoutMs: timings.handshakeTimeoutMs,
      security,
    })
    security.trust = { ...security.trust, ask: (prompt) => this.askTrust(client, prompt) }
    this.client = client
    this.sink = sink
    client.on('connected', (info) => this.onConnected(client, info))
    client.on('close', (err) => this.onClose(client, err))
    client.on('update', (u) => {
      this.window.updates++
      this.window.bytes += u.bytes
      // The quickest answer in the window is the round trip; slower ones waited for changes.
      if (u.latencyMs > 0) this.window.latencyMs = Math.min(this.window.latencyMs, u.latencyMs)
      for (const e of u.encodings) this.window.encodings.add(e)
    })
    client.on('bell', () => this.host.emit('session.bell', { sessionId: this.id }))
    client.on('clipboard', (text) => this.host.emit('session.clipboard', { sessionId: this.id, text }))
    client.on('name', (name) => this.updateInfo({ name }))
    client.on('resize', (width, height) => this.updateInfo({ width, height }))
    client.on('features', () => this.updateInfo({ power: this.powerAvailable(client) }))
    client.on('xvpFailed', () => this.host.emit('session.powerFailed', { sessionId: this.id }))
    client.on('leds', (leds) => this.host.emit('session.leds', { sessionId: this.id, ...leds }))

    let transport: Transport
    let sshSecret: string | null = null
    let sshKind: SshSecretKind | null = null
    try {
      let ssh: SshOptions | undefined
      if (p?.ssh) {
        const prepared = await this.sshOptions(client, p.ssh)
        if (!prepared) {
          // The user cancelled the SSH password prompt.
          this.client = null
          this.sink = null
          return this.end(null)
        }
        ;({ ssh, secret: sshSecret, kind: sshKind } = prepared)
      }
      const opened = this.reverse ? this.takeAccepted(security) : await this.host.openTransport(this.target, timings.connectTimeoutMs, security, ssh)
      if (sshKind) this.sshKnown = sshSecret
      transport = opened.transport
      // The client holds this object: it learns the host, port and TLS protection in place.
      Object.assign(security, opened.security)
    } catch (e) {
      if (this.client !== client) return
      this.client = null
      this.sink = null
      // vncs://: the user said no to the certificate before RFB began (SSH: to the host key).
      if (this.cancelled) return this.end(null)
      if (p?.ssh && e instanceof RfbError && e.kind === 'auth' && !(e instanceof HostKeyError)) {
        // The SSH login failed: a typed secret can be asked again; an agent or plain key cannot be helped.
        if (!sshKind) return this.end(e)
        this.sshKnown = null
        if (this.sshUsedSaved) this.sshSavedRejected = true
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

  /** The profile's policy, the trust store, and its extra CA file (read on every attempt). */
  private async securityOptions(): Promise<SecurityOptions> {
    const p = this.profile
    const policy: SecurityPolicy = p?.security ?? DEFAULT_SECURITY
    const security: SecurityOptions = { policy, trust: { store: this.host.trustStore } }
    if (p?.caFile) {
      let pem: string
      try {
        pem = await readFile(p.caFile, 'utf8')
      } catch (e) {
        throw new UnsupportedError(`cannot read the CA file ${p.caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'HOST_CA_FILE')
      }
      // Never echo the contents: the path could name any file.
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UnsupportedError(`the CA file ${p.caFile} holds no PEM certificate`, 'HOST_CA_FILE')
      security.trust!.ca = pem
    }
    return security
  }

  /** The tunnel's options: the login method's secret (asked for, or saved), and the host key check. */
  private async sshOptions(client: RfbClient, t: NonNullable<ConnectionProfile['ssh']>): Promise<{ ssh: SshOptions; secret: string | null; kind: SshSecretKind | null } | null> {
    const auth: SshAuth = {}
    let kind: SshSecretKind | null = null
    if (t.auth === 'agent') {
      if (!this.host.sshAgent) throw new UnsupportedError('no ssh-agent is running (SSH_AUTH_SOCK is not set); choose a key file or a password for the SSH login', 'HOST_SSH_AGENT')
      auth.agent = this.host.sshAgent
    } else if (t.auth === 'key') {
      let key: Buffer
      try {
        // "~/.ssh/id_ed25519" as people write it.
        key = await readFile((t.keyFile ?? '').replace(/^~(?=[/\\])/, homedir()))
      } catch (e) {
        throw new UnsupportedError(`cannot read the SSH key file ${t.keyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'HOST_SSH_KEY_FILE')
      }
      const parsed = sshUtils.parseKey(key)
      if (parsed instanceof Error) {
        // Never echo the contents: the path could name any file.
        if (!/passphrase|encrypted/i.test(parsed.message)) throw new UnsupportedError(`the SSH key file ${t.keyFile} holds no usable private key`, 'HOST_SSH_KEY_FILE')
        kind = 'ssh-passphrase'
      }
      auth.privateKey = key
    } else {
      kind = 'ssh-password'
    }
    let secret: string | null = null
    if (kind) {
      secret = await this.sshSecret(client, kind)
      if (secret === null) return null
      if (kind === 'ssh-password') auth.password = secret
      else auth.passphrase = secret
    }
    const ssh: SshOptions = {
      sshHost: t.host, sshPort: t.port, username: t.username, auth,
      hostKey: { knownHosts: this.host.sshKnownHosts(), store: this.host.sshTrustStore, ask: (prompt) => this.askHostKey(client, prompt) },
    }
    return { ssh, secret, kind }
  }

  /** The SSH password or passphrase: a retry's answer, the one that worked, the saved one, or the user's. */
  private async sshSecret(client: RfbClient, kind: SshSecretKind): Promise<string | null> {
    this.lastKind = kind
    this.sshUsedSaved = false
    if (this.sshPreset !== null) {
      const s = this.sshPreset
      this.sshPreset = null
      return s
    }
    if (this.sshKnown !== null) return this.sshKnown
    if (this.profileId && !this.sshSavedRejected) {
      const saved = await this.host.secrets.get(sshSecretKey(this.profileId)).catch(() => null)
      if (saved !== null) {
        this.sshUsedSaved = true
        return saved
      }
    }
    if (this.client !== client) return null
    this.setState('authenticating')
    this.host.emit('session.credentials', { sessionId: this.id, kind, retry: false })
    const answer = await new Promise<Credentials | null>((resolve) => (this.answer = resolve))
    if (answer && this.client === client) this.setState('connecting')
    return answer?.password ?? null
  }

  /** Shows the SSH server's host key to the user (a `session.hostKey` event) and waits for the verdict. */
  private async askHostKey(client: RfbClient, prompt: HostKeyPrompt): Promise<TrustDecision> {
    if (this.hostKeyTrustedOnce === prompt.fingerprintSha256) return 'once'
    if (this.client !== client || this.over) return 'reject'
    this.setState('authenticating')
    this.host.emit('session.hostKey', {
      sessionId: this.id,
      server: serverKey(prompt.host, prompt.port),
      hostKey: { algorithm: prompt.algorithm, fingerprintSha256: prompt.fingerprintSha256 },
    })
    const decision = await new Promise<TrustDecision>((resolve) => (this.hostKeyAnswer = resolve))
    if (decision === 'once') this.hostKeyTrustedOnce = prompt.fingerprintSha256
    if (decision === 'reject') this.cancelled = true
    if (decision !== 'reject' && this.client === client) this.setState('connecting')
    return decision
  }

  /** The renderer's answer to a `session.hostKey` event. */
  answerHostKey(decision: TrustDecision): void {
    const answer = this.hostKeyAnswer
    if (!answer) throw hostError('closed', 'HOST_NO_HOSTKEY_PENDING', 'this session is not waiting for an SSH host key decision')
    this.hostKeyAnswer = null
    answer(decision)
  }

  /** Shows the certificate to the user (a `session.trust` event) and waits for the verdict. */
  private async askTrust(client: RfbClient, prompt: TrustPrompt): Promise<TrustDecision> {
    const cert = prompt.certificate
    if (this.trustedOnce === cert.sha256) return 'once'
    if (this.client !== client || this.over) return 'reject'
    this.setState('authenticating')
    this.host.emit('session.trust', {
      sessionId: this.id,
      server: prompt.server,
      certificate: {
        fingerprintSha256: cert.sha256, subject: cert.subject, issuer: cert.issuer,
        validFrom: cert.validFrom, validTo: cert.validTo, reason: prompt.reason,
      },
    })
    const decision = await new Promise<TrustDecision>((resolve) => (this.trustAnswer = resolve))
    if (decision === 'once') this.trustedOnce = cert.sha256
    if (decision === 'reject') this.cancelled = true
    if (decision !== 'reject' && this.client === client) this.setState('connecting')
    return decision
  }

  /** The renderer's answer to a `session.trust` event. */
  answerTrust(decision: TrustDecision): void {
    const answer = this.trustAnswer
    if (!answer) throw hostError('closed', 'HOST_NO_TRUST_PENDING', 'this session is not waiting for a certificate decision')
    this.trustAnswer = null
    answer(decision)
  }

  private async credentialsFor(client: RfbClient, kind: CredentialKind): Promise<Credentials | null> {
    this.lastKind = kind
    if (this.preset) {
      this.current = this.preset
      this.preset = null
      return this.current
    }
    const p = this.profile
    if (p?.savePassword && this.profileId && !this.savedRejected && (kind === 'password' || p.username)) {
      const password = await this.host.secrets.get(this.profileId).catch(() => null)
      if (password !== null) {
        this.usedSaved = true
        this.current = { username: p.username, password }
        return this.current
      }
    }
    if (this.client !== client) return null
    this.setState('authenticating')
    this.host.emit('session.credentials', { sessionId: this.id, kind, retry: false })
    const answer = await new Promise<Credentials | null>((resolve) => (this.answer = resolve))
    this.current = answer
    return answer
  }

  /** The renderer's answer to a `session.credentials` event. */
  answerCredentials(arg: { cancel: true } | { username?: string; password: string; save: boolean }): void {
    if ('cancel' in arg) {
      this.cancelled = true
      if (this.answer) return this.release(null)
      if (this.awaitingRetry) {
        this.awaitingRetry = false
        return this.end(null)
      }
      throw hostError('closed', 'HOST_NO_CREDENTIALS_PENDING', 'this session is not waiting for a password')
    }
    if (this.lastKind === 'ssh-password' || this.lastKind === 'ssh-passphrase') {
      // For the tunnel: kept apart from the VNC password, and saved under its own key.
      this.sshTyped = { secret: arg.password, save: arg.save }
      if (this.answer) return this.release({ password: arg.password })
      if (this.awaitingRetry) {
        this.awaitingRetry = false
        this.sshPreset = arg.password
        void this.attempt()
        return
      }
      throw hostError('closed', 'HOST_NO_CREDENTIALS_PENDING', 'this session is not waiting for a password')
    }
    const credentials: Credentials = { username: arg.username ?? this.profile?.username ?? this.target.username, password: arg.password }
    if (credentials.username === undefined) delete credentials.username
    this.typed = { credentials, save: arg.save }
    if (this.answer) return this.release(credentials)
    if (this.awaitingRetry) {
      this.awaitingRetry = false
      this.preset = credentials
      void this.attempt()
      return
    }
    throw hostError('closed', 'HOST_NO_CREDENTIALS_PENDING', 'this session is not waiting for a password')
  }

  private releaseTrust(): void {
    const answer = this.trustAnswer
    this.trustAnswer = null
    answer?.('reject')
    const hostKey = this.hostKeyAnswer
    this.hostKeyAnswer = null
    hostKey?.('reject')
  }

  private release(c: Credentials | null): void {
    const answer = this.answer
    this.answer = null
    answer?.(c)
  }

  private onConnected(client: RfbClient, info: ConnectionInfo): void {
    if (client !== this.client) return
    this.everConnected = true
    this.failures = 0
    this.lastGood = this.current
    this.info = {
      name: info.init.name,
      width: client.width,
      height: client.height,
      serverVersion: info.serverVersion,
      security: info.securityName || securityTypeName(info.securityType),
      encrypted: info.encrypted,
      verified: info.serverVerified,
      power: this.powerAvailable(client),
    }
    this.setState('connected')
    this.startStats()
    const typed = this.typed
    this.typed = null
    const sshTyped = this.sshTyped
    this.sshTyped = null
    this.host.connected(this, typed, sshTyped).catch((e: unknown) => this.host.log(`recording the connection failed: ${(e as Error).message}`))
    this.thumbTimer = setTimeout(() => this.saveThumbnail(), this.host.timings.thumbnailDelayMs)
  }

  private onClose(client: RfbClient, err: RfbError | null): void {
    if (client !== this.client) return
    const wasConnected = this.state === 'connected'
    this.client = null
    this.sink?.dispose()
    this.sink = null
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
    // A reverse connection cannot be made again from here: the server has to connect once more.
    if (this.reverse) return this.end(err)
    if (err.kind === 'auth') {
      // Ask again rather than end: the renderer keeps the session and shows the password dialog.
      if (this.usedSaved) this.savedRejected = true
      this.lastGood = null
      this.awaitingRetry = true
      this.setState('closed', err)
      this.host.emit('session.credentials', { sessionId: this.id, kind: this.lastKind, retry: true, reason: err.message })
      return
    }
    const { reconnect } = this.host.timings
    if (this.everConnected && (err.kind === 'network' || err.kind === 'timeout') && this.failures < reconnect.attempts) {
      const delay = Math.min(reconnect.maxMs, reconnect.baseMs * 2 ** this.failures)
      this.failures++
      this.preset = this.lastGood
      this.setState('reconnecting', err, delay)
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null
        void this.attempt()
      }, delay)
      return
    }
    this.end(err)
  }

  /** Ends the session at the user's request. */
  close(): void {
    if (this.over) return
    this.userClosed = true
    this.release(null)
    this.releaseTrust()
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
    this.release(null)
    this.releaseTrust()
    const client = this.client
    this.client = null
    client?.close()
    this.sink?.dispose()
    this.accepted?.close()
    this.accepted = null
    this.lastGood = this.preset = this.current = null
    this.sshKnown = this.sshPreset = null
    this.setState('closed', err ?? undefined)
    this.host.ended(this)
  }

  /** A key, with its physical position (DOM `code`) when the renderer knows it: QEMU consoles then type layout-independently. */
  key(keysym: number, down: boolean, code?: string): void {
    if (this.profile?.viewOnly) return
    const client = this.live()
    if (!client) return
    const scancode = scancodeFor(code)
    if (scancode) client.sendKeyWithScancode(keysym, scancode, down)
    else client.sendKey(keysym, down)
  }

  /** Buttons as the engine takes them: bits 0-6 buttons 1-7, bits 7-8 back/forward (extended). */
  pointer(buttons: number, x: number, y: number): void {
    if (this.profile?.viewOnly) return
    this.live()?.sendPointer(buttons, x, y)
  }

  /** Asks the server to match the window; refused when the server cannot resize. */
  resize(width: number, height: number): void {
    const client = this.live()
    if (client && !client.requestDesktopSize(width, height)) {
      throw hostError('unsupported', 'HOST_RESIZE_UNSUPPORTED', 'this server cannot be resized from the viewer')
    }
  }

  clipboard(text: string): void {
    this.live()?.sendClipboard(text)
  }

  /**
   * Shuts down, reboots or resets the remote computer (XVP). Refused while not connected, for
   * view-only connections, and for servers that did not offer XVP; the server reports a failure
   * later, as a `session.powerFailed` event.
   */
  power(action: PowerAction): void {
    if (this.profile?.viewOnly) throw hostError('refused', 'HOST_VIEW_ONLY', 'this connection is view-only: power actions are not sent')
    const client = this.live()
    if (!client) throw hostError('closed', 'HOST_NOT_CONNECTED', 'the session is not connected')
    if (!client.sendXvp(XVP_ACTIONS[action])) throw hostError('unsupported', 'HOST_POWER_UNSUPPORTED', 'this server offers no power actions (XVP)')
  }

  /** Whether `session.power` would be sent: the server confirmed XVP and input is allowed. */
  private powerAvailable(client: RfbClient): boolean {
    return client.features.xvp && !this.profile?.viewOnly
  }

  refresh(): void {
    this.live()?.requestUpdate(false)
  }

  ack(seq: number): void {
    this.sink?.ack(seq)
  }

  /** The client when connected; input while (re)connecting is dropped, as a viewer would. */
  private live(): RfbClient | null {
    return this.state === 'connected' ? this.client : null
  }

  private setState(state: SessionState, err?: RfbError | SessionError, retryInMs?: number): void {
    this.state = state
    const payload: HostEvents['session.state'] = { sessionId: this.id, state }
    if (state === 'connected' && this.info) payload.info = { ...this.info }
    if (err) payload.error = { kind: err.kind, code: err.code, message: err.message }
    if (err instanceof CertificateError && payload.error) {
      const c: NonNullable<SessionError['certificate']> = { server: err.server, presentedSha256: err.presented.sha256, subject: err.presented.subject }
      if (err.expectedSha256) c.expectedSha256 = err.expectedSha256
      payload.error.certificate = c
    }
    if (retryInMs !== undefined) payload.retryInMs = retryInMs
    this.host.emit('session.state', payload)
  }

  private updateInfo(change: Partial<SessionInfo>): void {
    const info = this.info
    if (!info || Object.entries(change).every(([k, v]) => info[k as keyof SessionInfo] === v)) return
    Object.assign(info, change)
    if (this.state === 'connected') this.setState('connected')
  }

  private startStats(): void {
    this.window = newWindow(performance.now())
    this.statsTimer = setInterval(() => {
      const now = performance.now()
      const w = this.window
      const ms = Math.max(1, now - w.start)
      if (Number.isFinite(w.latencyMs)) this.latencyMs = w.latencyMs
      this.host.emit('session.stats', {
        sessionId: this.id,
        fps: Math.round((w.updates * 10_000) / ms) / 10,
        kbps: Math.round((w.bytes * 8) / ms),
        latencyMs: Math.round(this.latencyMs),
        encodings: [...w.encodings].map(encodingName),
      })
      this.window = newWindow(now)
    }, this.host.timings.statsIntervalMs)
  }

  private stopTimers(): void {
    if (this.statsTimer) clearInterval(this.statsTimer)
    if (this.thumbTimer) clearTimeout(this.thumbTimer)
    this.statsTimer = this.thumbTimer = null
  }

  private saveThumbnail(): void {
    if (!this.profileId) return
    const png = this.thumb.png()
    if (png) this.host.saveThumbnail(this.profileId, png)
  }
}

const XVP_ACTIONS: Record<PowerAction, XvpAction> = { shutdown: XvpAction.Shutdown, reboot: XvpAction.Reboot, reset: XvpAction.Reset }

function newWindow(start: number): { start: number; updates: number; bytes: number; latencyMs: number; encodings: Set<number> } {
  return { start, updates: 0, bytes: 0, latencyMs: Infinity, encodings: new Set() }
}

/** The profile's encoding choice as SetEncodings numbers, keeping only what this build decodes. */
export function encodingsOf(p: ConnectionProfile | null): readonly number[] {
  if (!p || p.encodings === 'auto') return DEFAULT_ENCODINGS
  const have = createDecoders()
  const chosen = p.encodings.map((n) => PIXEL_ENCODINGS[n.toLowerCase()]).filter((e) => e !== undefined && have.has(e))
  // CopyRect is nearly free and always worth having; Raw keeps a server with none of the rest usable.
  for (const e of [Encoding.CopyRect, Encoding.Raw]) if (!chosen.includes(e)) chosen.push(e)
  return chosen
}
