import type { HostEvents, TrustDecision } from '@shared/contract'
import type { HostKeyPrompt } from '../rfb/trust/host-key'
import type { ServerKeyPrompt } from '../rfb/trust/server-key'
import { serverKey } from '../rfb/trust/store'
import type { TrustPrompt } from '../rfb/trust/verify'
import { PendingAnswer } from './pending-answer'

/**
 * The question "do you trust this server?" for one kind of server identity (a TLS certificate,
 * an SSH host key) within one session. A fingerprint trusted "once" is accepted by this
 * session's later attempts (reconnects, retries) without asking again; "always" is the trust
 * store's business. Closing the session answers a waiting question with "reject".
 */
export class TrustQuestion {
  private readonly pending: PendingAnswer<TrustDecision>
  private trustedOnce: string | null = null

  /** @param notWaiting the error for a verdict nobody is waiting for */
  constructor(notWaiting: () => Error) {
    this.pending = new PendingAnswer<TrustDecision>('reject', notWaiting)
  }

  /** This fingerprint was trusted "once" earlier in this session. */
  trusts(fingerprintSha256: string): boolean {
    return this.trustedOnce === fingerprintSha256
  }

  /** Waits for the user's verdict on this fingerprint, remembering "once". */
  async ask(fingerprintSha256: string): Promise<TrustDecision> {
    const decision = await this.pending.ask()
    if (decision === 'once') this.trustedOnce = fingerprintSha256
    return decision
  }

  /** True while a question waits for the user's verdict. */
  get waiting(): boolean {
    return this.pending.waiting
  }

  /** The renderer's verdict; throws when no question waits. */
  answer(decision: TrustDecision): void {
    this.pending.answer(decision)
  }

  /** Rejects a waiting question (the session is closing). */
  release(): void {
    this.pending.release()
  }
}

/**
 * The `session.trust` event showing a TLS certificate the engine could not vouch for, with what
 * main found out about it (does it name the host typed, is it in date) for the prompt to warn.
 */
export function certificateQuestion(sessionId: string, prompt: TrustPrompt): HostEvents['session.trust'] {
  const cert = prompt.certificate
  return {
    sessionId,
    server: prompt.server,
    certificate: {
      fingerprintSha256: cert.sha256,
      subject: cert.subject,
      issuer: cert.issuer,
      validFrom: cert.validFrom,
      validTo: cert.validTo,
      reason: prompt.reason,
      host: prompt.host,
      names: cert.names,
      nameMatches: cert.hostnameMatches,
      validity: cert.validity,
    },
  }
}

/** The `session.hostKey` event showing an SSH server's host key that no store knows (or of a type other than the known ones). */
export function hostKeyQuestion(sessionId: string, prompt: HostKeyPrompt): HostEvents['session.hostKey'] {
  return {
    sessionId,
    server: serverKey(prompt.host, prompt.port),
    hostKey: { algorithm: prompt.algorithm, fingerprintSha256: prompt.fingerprintSha256, knownAlgorithms: prompt.knownAlgorithms ?? [] },
  }
}

/** The `session.hostKey` event showing an RSA-AES server's key that no store knows (`of: 'rsa-aes'`). */
export function serverKeyQuestion(sessionId: string, prompt: ServerKeyPrompt): HostEvents['session.hostKey'] {
  return {
    sessionId,
    server: prompt.server,
    hostKey: {
      algorithm: prompt.algorithm,
      fingerprintSha256: prompt.fingerprintSha256,
      knownAlgorithms: [],
      of: 'rsa-aes',
      shortFingerprint: prompt.shortFingerprint,
    },
  }
}
