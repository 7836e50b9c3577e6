import type { HostApi, PowerAction, ScreenRect, TrustDecision } from '@shared/contract'
import type { Ref } from 'vue'
import type { CredentialsPrompt, DowngradePrompt, HostKeyPrompt, SessionPhase, TrustPrompt } from './session'
import type { HostLink } from '../host'
import { t } from '../lib/i18n'

/** The parts of a session store its actions read and clear. */
export interface SessionActionState {
  sessionId: Ref<string | null>
  phase: Ref<SessionPhase>
  viewOnly: Ref<boolean>
  credentials: Ref<CredentialsPrompt | null>
  trust: Ref<TrustPrompt | null>
  hostKey: Ref<HostKeyPrompt | null>
  downgrade: Ref<DowngradePrompt | null>
}

/**
 * What a session store asks of the host for its session: input, clipboard, resize, power,
 * acks, and the answers to its prompts. Input is sent only while connected and not view-only.
 */
export function sessionActions(host: HostLink, state: SessionActionState) {
  const { sessionId, phase, viewOnly, credentials, trust, hostKey, downgrade } = state
  const api: HostApi = host.api

  function ack(seq: number): void {
    const id = sessionId.value
    if (id) api.request('session.ack', { sessionId: id, seq }).catch(() => {})
  }

  /** True when input may go to the server. */
  function inputAllowed(): boolean {
    return phase.value === 'connected' && !viewOnly.value && sessionId.value !== null
  }

  function sendKey(keysym: number, down: boolean, code?: string): void {
    if (!inputAllowed()) return
    const arg: { sessionId: string; keysym: number; down: boolean; code?: string } = { sessionId: sessionId.value!, keysym, down }
    if (code) arg.code = code
    api.request('session.key', arg).catch(() => {})
  }

  /** Releases are sent even in view-only, so switching it on never leaves a key held remotely. */
  function sendKeyRelease(keysym: number, code?: string): void {
    if (phase.value !== 'connected' || !sessionId.value) return
    const arg: { sessionId: string; keysym: number; down: boolean; code?: string } = { sessionId: sessionId.value, keysym, down: false }
    if (code) arg.code = code
    api.request('session.key', arg).catch(() => {})
  }

  /** `release` lets a button release through in view-only, as for keys. */
  function sendPointer(buttons: number, x: number, y: number, release = false): void {
    if (!(inputAllowed() || (release && buttons === 0 && phase.value === 'connected' && sessionId.value))) return
    api.request('session.pointer', { sessionId: sessionId.value!, buttons, x, y }).catch(() => {})
  }

  async function sendClipboard(text: string): Promise<void> {
    if (!sessionId.value || phase.value !== 'connected') throw new Error(t('session.notice.notConnected'))
    await api.request('session.clipboard', { sessionId: sessionId.value, text })
  }

  /** Asks the server to change its desktop size (as several monitors with `screens`); rejects with the host's reason when it cannot. */
  async function requestResize(width: number, height: number, screens?: ScreenRect[]): Promise<void> {
    if (phase.value !== 'connected' || !sessionId.value) return
    await api.request('session.resize', { sessionId: sessionId.value, width, height, ...(screens ? { screens } : {}) })
  }

  /** Asks the server to shut down, reboot or reset the remote computer; rejects with the host's reason. */
  async function power(action: PowerAction): Promise<void> {
    if (phase.value !== 'connected' || !sessionId.value) throw new Error(t('session.notice.notConnected'))
    await api.request('session.power', { sessionId: sessionId.value, action })
  }

  /** The window's small picture of an H.264 session, for the host's saved thumbnail. */
  function sendThumbnail(width: number, height: number, rgba: Uint8Array): void {
    if (sessionId.value) api.request('session.thumbnail', { sessionId: sessionId.value, width, height, rgba }).catch(() => {})
  }

  function refresh(): void {
    if (sessionId.value) api.request('session.refresh', { sessionId: sessionId.value }).catch(() => {})
  }

  /** "Reconnect now" while the host waits to reconnect: it tries at once and starts its back-off afresh. */
  function reconnectNow(): void {
    if (sessionId.value && phase.value === 'reconnecting') api.request('session.reconnect', { sessionId: sessionId.value }).catch(() => {})
  }

  async function answerCredentials(answer: { username?: string; password: string; save: boolean } | null): Promise<void> {
    const prompt = credentials.value
    credentials.value = null
    if (!prompt) return
    const id = prompt.sessionId
    if (answer) {
      const arg: { sessionId: string; username?: string; password: string; save: boolean } = { sessionId: id, password: answer.password, save: answer.save }
      if (answer.username !== undefined) arg.username = answer.username
      await api.request('session.credentials', arg)
    } else {
      await api.request('session.credentials', { sessionId: id, cancel: true })
    }
  }

  /** Answers the certificate prompt: trust it for this session, for good, or not at all. */
  async function answerTrust(decision: TrustDecision): Promise<void> {
    const prompt = trust.value
    trust.value = null
    if (prompt) await api.request('session.trust', { sessionId: prompt.sessionId, decision })
  }

  /** Answers the SSH host key prompt: trust it for this session, for good, or not at all. */
  async function answerHostKey(decision: TrustDecision): Promise<void> {
    const prompt = hostKey.value
    hostKey.value = null
    if (prompt) await api.request('session.hostKey', { sessionId: prompt.sessionId, decision })
  }

  /** Answers the downgrade question: connect with the weaker protection, or not at all. */
  async function answerDowngrade(accept: boolean): Promise<void> {
    const prompt = downgrade.value
    downgrade.value = null
    if (prompt) await api.request('session.downgrade', { sessionId: prompt.sessionId, accept })
  }

  return {
    ack,
    sendKey,
    sendKeyRelease,
    sendPointer,
    sendClipboard,
    requestResize,
    power,
    refresh,
    sendThumbnail,
    reconnectNow,
    answerCredentials,
    answerTrust,
    answerHostKey,
    answerDowngrade,
    inputAllowed,
  }
}
