import type { CredentialRequestKind, HostEvents, LinkProtection } from '@shared/contract'
import type { ConnectionProfile } from '@shared/profile'
import { AuthFailedError, type RfbError } from '../rfb/errors'
import type { CredentialKind, Credentials, LinkSecurity } from '../rfb/security/security-handler'
import type { SshSecretKind } from './connection-options'
import { hostError } from './errors'
import { PendingAnswer } from './pending-answer'
import { linkProtection, savedPasswordAllowed } from './protection'
import type { SecretStore } from './secrets'
import { type TypedCredentials, type TypedSshSecret, sshSecretKey } from './session-host'
import { SessionSecret } from './session-secret'
import { quotable } from '../rfb/text'

/** The session's side of a `session.credentials` question, for the attempt that asks. */
export interface LoginPrompter {
  /** The asking attempt is still the session's current one; a replaced attempt asks nobody. */
  stillCurrent(): boolean
  /**
   * Puts the question to the user (the session is 'authenticating' meanwhile). For the VNC
   * password, `detail` says how it would travel and whether a saved one was held back.
   */
  show(kind: CredentialRequestKind, detail?: LoginDetail): void
  /** The user answered the SSH question: the session is 'connecting' again. */
  resumed(): void
}

/** What the VNC password question tells besides its kind. */
export interface LoginDetail {
  link: LinkProtection
  savedWithheld: boolean
}

/** The user's answer to `session.credentials`, as the renderer sends it. */
export type CredentialsAnswer = { cancel: true } | { username?: string; password: string; save: boolean }

/**
 * The secrets a session logs in with (the VNC credentials and the SSH password or passphrase,
 * one SessionSecret each) and the one `session.credentials` question that asks for either.
 * The question's kind tells the renderer which one is asked for; the answer goes to the secret
 * of the question asked last. After a refused login the session keeps waiting: the next answer
 * starts a new attempt.
 */
export class SessionLogin {
  readonly vnc = new SessionSecret<Credentials>()
  readonly ssh = new SessionSecret<string>()
  private readonly question = new PendingAnswer<Credentials | null>(null, notWaiting)
  /** The kind asked for last (even when answered without asking): a retry asks it again. */
  private lastKind: CredentialRequestKind = 'password'
  /** A login was refused; the next answer starts a new attempt. */
  private awaitingRetry = false
  /** What the last VNC password question said about the link (a retry says it again). */
  private lastDetail: LoginDetail | null = null

  constructor(private readonly secrets: SecretStore) {}

  /** A new connection attempt: neither secret is in use yet. */
  beginAttempt(): void {
    this.vnc.beginAttempt()
    this.ssh.beginAttempt()
  }

  /**
   * The engine's credentials callback: what this session holds, else the saved password (for a
   * profile that saves it, and a username where one is needed), else the user's answer. Null:
   * cancelled, or the asking attempt was replaced.
   */
  async vncCredentials(
    kind: CredentialKind,
    p: ConnectionProfile | null,
    profileId: string | null,
    prompter: LoginPrompter,
    link?: LinkSecurity,
  ): Promise<Credentials | null> {
    this.lastKind = kind
    this.lastDetail = { link: linkProtection(link), savedWithheld: false }
    const known = this.vnc.known()
    if (known) return known
    if (p?.savePassword && profileId && this.vnc.mayUseSaved && (kind === 'password' || p.username)) {
      // A password saved over TLS never goes out over less without the user typing it.
      if (savedPasswordAllowed(p, link)) {
        const saved = await this.vnc.fromSaved(this.secrets, profileId, (password) => ({ username: p.username, password }))
        if (saved) return saved
      } else {
        this.lastDetail.savedWithheld = true
      }
    }
    if (!prompter.stillCurrent()) return null
    prompter.show(kind, this.lastDetail)
    return this.vnc.asked(await this.question.ask())
  }

  /** The SSH password or passphrase: what this session holds, else the saved one, else the user's (null: cancelled). */
  async sshSecret(kind: SshSecretKind, profileId: string | null, prompter: LoginPrompter): Promise<string | null> {
    this.lastKind = kind
    const known = this.ssh.known()
    if (known !== null) return known
    if (profileId && this.ssh.mayUseSaved) {
      const saved = await this.ssh.fromSaved(this.secrets, sshSecretKey(profileId), (s) => s)
      if (saved !== null) return saved
    }
    if (!prompter.stillCurrent()) return null
    prompter.show(kind)
    const answer = await this.question.ask()
    if (answer && prompter.stillCurrent()) prompter.resumed()
    return this.ssh.asked(answer?.password ?? null)
  }

  /**
   * The user's answer to `session.credentials`. Returns true when it answers a retry question:
   * the session must then start a new attempt, which uses it without asking. Throws when the
   * session asked nothing, before recording anything: a late or repeated answer (a dialog
   * submitted twice) never replaces the secret that is to be saved.
   */
  answer(arg: Exclude<CredentialsAnswer, { cancel: true }>, defaultUsername: string | undefined): boolean {
    if (!this.question.waiting && !this.awaitingRetry) throw notWaiting()
    if (this.lastKind === 'ssh-password' || this.lastKind === 'ssh-passphrase') {
      // For the tunnel: kept apart from the VNC password, and saved under its own key.
      this.ssh.typedByUser(arg.password, arg.save)
      return this.hand(this.ssh, arg.password, { password: arg.password })
    }
    const credentials: Credentials = { username: arg.username ?? defaultUsername, password: arg.password }
    if (credentials.username === undefined) delete credentials.username
    this.vnc.typedByUser(credentials, arg.save)
    return this.hand(this.vnc, credentials, credentials)
  }

  /**
   * The user cancelled the question. Returns true when the session was waiting for a retry
   * answer and must end now; false when a waiting question was released (its attempt then
   * ends by itself). Throws when the session asked nothing.
   */
  cancel(): boolean {
    if (this.question.waiting) {
      this.question.release()
      return false
    }
    if (this.awaitingRetry) {
      this.awaitingRetry = false
      return true
    }
    throw notWaiting()
  }

  /**
   * A login was refused (VNC or SSH): the VNC secret is not reused, and the session waits for
   * the user's next answer. Returns the kind to ask again (the one asked last).
   */
  refused(): CredentialRequestKind {
    this.vnc.rejected()
    this.awaitingRetry = true
    return this.lastKind
  }

  /** Records a refused login (see refused) and returns the `session.credentials` event that asks again. */
  refusedQuestion(sessionId: string, err: RfbError): HostEvents['session.credentials'] {
    const kind = this.refused()
    const detail = this.detail
    // Only the server's own words go to the prompt (quoted there); our message would repeat the prompt.
    // Cut short and with controls escaped, as in the error: a reason may be 64 KiB of anything.
    const reason = err instanceof AuthFailedError && err.reason ? { reason: quotable(err.reason) } : {}
    return { sessionId, kind, retry: true, ...reason, ...(detail ? { link: detail.link } : {}) }
  }

  /** For a retry of the VNC password: how it travelled last time; null for SSH secrets. */
  get detail(): LoginDetail | null {
    return this.lastKind === 'ssh-password' || this.lastKind === 'ssh-passphrase' ? null : this.lastDetail
  }

  /** The next attempt reconnects: each secret hands over what worked. */
  reconnecting(): void {
    this.vnc.reconnecting()
    this.ssh.reconnecting()
  }

  /** The typed secrets, once, for the host to save or forget now that the desktop is reached. */
  takeTyped(): { typed: TypedCredentials | null; sshTyped: TypedSshSecret | null } {
    const vnc = this.vnc.takeTyped()
    const ssh = this.ssh.takeTyped()
    return {
      typed: vnc && { credentials: vnc.value, save: vnc.save },
      sshTyped: ssh && { secret: ssh.value, save: ssh.save },
    }
  }

  /** True while a password or passphrase question waits for the user (a first ask or a retry). */
  get waiting(): boolean {
    return this.question.waiting || this.awaitingRetry
  }

  /** Releases a waiting question with no answer (the session is closing). */
  release(): void {
    this.question.release()
  }

  /** The session is over: drops the secrets kept for later attempts. */
  clear(): void {
    this.vnc.clear()
    this.ssh.clear()
  }

  private hand<T>(secret: SessionSecret<T>, value: T, reply: Credentials): boolean {
    if (this.question.waiting) {
      this.question.answer(reply)
      return false
    }
    if (this.awaitingRetry) {
      this.awaitingRetry = false
      secret.retryWith(value)
      return true
    }
    throw notWaiting()
  }
}

function notWaiting(): Error {
  return hostError('closed', 'HOST_NO_CREDENTIALS_PENDING', 'this session is not waiting for a password')
}
