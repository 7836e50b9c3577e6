import type { TrustDecision } from '@shared/contract'
import { hostError } from './errors'
import { PendingAnswer } from './pending-answer'
import { TrustQuestion } from './trust-question'

/**
 * The questions one session may put to the user about the server rather than the login: is this
 * TLS certificate, SSH host key or RSA-AES server key the server's, and "it offers less
 * protection than before: connect anyway?". Each waits for the renderer's answer; closing the
 * session settles every one of them with "no".
 */
export class SessionQuestions {
  readonly certificate = new TrustQuestion(() => hostError('closed', 'HOST_NO_TRUST_PENDING', 'this session is not waiting for a certificate decision'))
  readonly hostKey = new TrustQuestion(() => hostError('closed', 'HOST_NO_HOSTKEY_PENDING', 'this session is not waiting for an SSH host key decision'))
  /** The RSA-AES server key question; answered through `session.hostKey` like the SSH one, which never waits at the same time. */
  readonly serverKey = new TrustQuestion(() => hostError('closed', 'HOST_NO_HOSTKEY_PENDING', 'this session is not waiting for a server key decision'))
  /** "The server offers less than before: connect anyway?" Closing the session answers no. */
  readonly downgrade = new PendingAnswer<boolean>(false, () =>
    hostError('closed', 'HOST_NO_DOWNGRADE_PENDING', 'this session is not waiting for a decision about weaker security'),
  )

  /** True while any of these questions waits for the user (a session then cannot be moved: the answer would be lost). */
  get waiting(): boolean {
    return this.certificate.waiting || this.hostKey.waiting || this.serverKey.waiting || this.downgrade.waiting
  }

  /** A `session.hostKey` answer: to the RSA-AES server key question when that one waits, else to the SSH host key's. */
  answerHostKey(decision: TrustDecision): void {
    const question = this.serverKey.waiting ? this.serverKey : this.hostKey
    question.answer(decision)
  }

  /** Settles every waiting question with "no" (the session is closing). */
  release(): void {
    this.certificate.release()
    this.hostKey.release()
    this.serverKey.release()
    this.downgrade.release()
  }
}
