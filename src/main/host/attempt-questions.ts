import type { HostEvents, TrustDecision } from '@shared/contract'
import type { RfbError } from '../rfb/errors'
import type { HostKeyPrompt } from '../rfb/trust/host-key'
import type { ServerKeyPrompt } from '../rfb/trust/server-key'
import type { TrustPrompt } from '../rfb/trust/verify'
import type { LoginPrompter } from './session-login'
import type { SessionHost } from './session-host'
import type { SessionQuestions } from './session-questions'
import { type TrustQuestion, certificateQuestion, hostKeyQuestion, serverKeyQuestion } from './trust-question'
import { watchNeedsUser } from './watch-mode'

/** What one connection attempt's questions need from their session (HostSession gives one per attempt). */
export interface AskingAttempt {
  readonly sessionId: string
  /** A live-wall tile: it asks nobody, the session ends instead (watch-mode.ts). */
  readonly watch: boolean
  /** The attempt is still the session's current one: a replaced attempt asks nobody. */
  current(): boolean
  /** The session is over. */
  over(): boolean
  /** The session waits for the user ('authenticating') or goes on connecting. */
  setState(state: 'authenticating' | 'connecting'): void
  /** Ends the session (a tile that would have to ask). */
  end(err: RfbError): void
  /** The user rejected the server: the session ends without an error. */
  rejected(): void
}

/**
 * How one connection attempt's questions reach the user: the login's (`session.credentials`,
 * asked through SessionLogin) and the server identity's (`session.trust`, `session.hostKey`).
 * While one waits the session is 'authenticating'; an identity this session trusted once is not
 * asked again; a question of a replaced attempt is rejected unasked.
 */
export class AttemptQuestions {
  constructor(
    private readonly attempt: AskingAttempt,
    private readonly host: Pick<SessionHost, 'emit'>,
    private readonly questions: SessionQuestions,
  ) {}

  /** The login's side: SessionLogin asks through it. */
  readonly login: LoginPrompter = {
    stillCurrent: () => this.attempt.current(),
    show: (kind, detail) => {
      // Ended once the login has started waiting, so the wait is released with no answer.
      if (this.attempt.watch) return queueMicrotask(() => this.attempt.end(watchNeedsUser('sign-in')))
      this.attempt.setState('authenticating')
      const event: HostEvents['session.credentials'] = { sessionId: this.attempt.sessionId, kind, retry: false }
      if (detail) {
        event.link = detail.link
        if (detail.savedWithheld) event.savedWithheld = true
      }
      this.host.emit('session.credentials', event)
    },
    resumed: () => this.attempt.setState('connecting'),
  }

  /** A TLS certificate nobody vouches for (the engine's `security.trust.ask`). */
  certificate(prompt: TrustPrompt): Promise<TrustDecision> {
    const id = this.attempt.sessionId
    return this.ask(this.questions.certificate, prompt.certificate.sha256, () => this.host.emit('session.trust', certificateQuestion(id, prompt)))
  }

  /** An RSA-AES server key nobody vouches for (the engine's `security.serverKeys.ask`). */
  serverKey(prompt: ServerKeyPrompt): Promise<TrustDecision> {
    const id = this.attempt.sessionId
    return this.ask(this.questions.serverKey, prompt.fingerprintSha256, () => this.host.emit('session.hostKey', serverKeyQuestion(id, prompt)))
  }

  /** The SSH tunnel server's unknown host key. */
  hostKey(prompt: HostKeyPrompt): Promise<TrustDecision> {
    const id = this.attempt.sessionId
    return this.ask(this.questions.hostKey, prompt.fingerprintSha256, () => this.host.emit('session.hostKey', hostKeyQuestion(id, prompt)))
  }

  /**
   * Shows a server's identity to the user (`show` sends the event) and waits for the verdict,
   * unless this session already trusted it once; a question for a replaced attempt is rejected.
   */
  private async ask(question: TrustQuestion, fingerprintSha256: string, show: () => void): Promise<TrustDecision> {
    const a = this.attempt
    if (question.trusts(fingerprintSha256)) return 'once'
    if (!a.current() || a.over()) return 'reject'
    if (a.watch) return (a.end(watchNeedsUser('answer', 'an identity nobody vouches for')), 'reject')
    a.setState('authenticating')
    show()
    const decision = await question.ask(fingerprintSha256)
    if (decision === 'reject') a.rejected()
    if (decision !== 'reject' && a.current()) a.setState('connecting')
    return decision
  }
}
