import type { HostEvents, LockLeds, OpenSessionRequest, PowerAction, SessionError, SessionInfo, SessionState, TrustDecision } from '@shared/contract'
import type { ScreenRect } from '@shared/contract'
import { readSessionError } from '@shared/error-codes'
import type { FrameBatch } from '@shared/ops'
import type { ScalingMode } from '@shared/profile'
import { formatTarget, parseTarget } from '@shared/target'
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { useHost } from '../host'
import { errorMessage, isSessionError } from '../lib/errors'

/** Where the session view is: nothing open, waiting for session.open, or a host-reported state. */
export type SessionPhase = 'idle' | 'opening' | SessionState

export type CredentialsPrompt = HostEvents['session.credentials']
export type TrustPrompt = HostEvents['session.trust']
export type HostKeyPrompt = HostEvents['session.hostKey']
export type DowngradePrompt = HostEvents['session.downgrade']
export type SessionStats = HostEvents['session.stats']

/** What a painter needs from the store: batches in, nothing else. */
export type FrameSink = (batch: FrameBatch) => void

/** A display name for what the user typed in the quick-connect bar. */
export function addressLabel(address: string): string {
  try {
    return formatTarget(parseTarget(address))
  } catch {
    return address.trim()
  }
}

/**
 * The open session of this window: its state as the host reports it, the prompts and panels
 * it needs, and the input it sends. Frames go straight to the painter and never become state.
 */
export const useSessionStore = defineStore('session', () => {
  const host = useHost()
  const sessionId = ref<string | null>(null)
  const request = ref<OpenSessionRequest | null>(null)
  const profileId = ref<string | null>(null)
  const label = ref('')
  const phase = ref<SessionPhase>('idle')
  const info = ref<SessionInfo | null>(null)
  const error = ref<SessionError | null>(null)
  /** Date.now() at which the host retries, while reconnecting. */
  const retryAt = ref<number | null>(null)
  const credentials = ref<CredentialsPrompt | null>(null)
  /** The server's certificate, waiting for the user's verdict. */
  const trust = ref<TrustPrompt | null>(null)
  const hostKey = ref<HostKeyPrompt | null>(null)
  /** The server offers less protection than before: the session waits for the user's decision. */
  const downgrade = ref<DowngradePrompt | null>(null)
  const remoteClipboard = ref('')
  const stats = ref<SessionStats | null>(null)
  const cursor = ref('default')
  const viewOnly = ref(false)
  const scaling = ref<ScalingMode>('fit')
  const bells = ref(0)
  /** The server's lock-key LEDs as last reported (a new object per report); null when it reports none. */
  const leds = ref<LockLeds | null>(null)
  /** Power actions the server said it could not carry out (XVP_FAIL), counted like bells. */
  const powerFailures = ref(0)

  // Not reactive on purpose: batches hold pixel buffers.
  let sink: FrameSink | null = null
  let backlog: FrameBatch[] = []
  // Events for a session id we have not been told yet (session.open still in flight).
  let early: Array<{ name: keyof HostEvents; payload: { sessionId: string } }> = []
  let openSeq = 0
  // Sessions this window closed: their late events must not bring them back.
  const ended = new Set<string>()
  let cursorImage: HostEvents['session.cursor']['cursor'] = null
  let cursorToCss: ((c: HostEvents['session.cursor']['cursor']) => string) | null = null

  const active = computed(() => phase.value !== 'idle')
  const connected = computed(() => phase.value === 'connected')
  /** What the window title and the toolbar call this session. */
  const title = computed(() => label.value || info.value?.name || 'Remote desktop')
  /** False for sessions the shell opened (a vnc:// link): there is no request to repeat. */
  const canRetry = computed(() => request.value !== null)

  function isMine(payload: { sessionId: string }, name: keyof HostEvents): boolean {
    if (sessionId.value !== null && payload.sessionId === sessionId.value) return true
    if (phase.value === 'opening') {
      early.push({ name, payload })
      return false
    }
    if (name === 'session.state' && adoptable(payload as HostEvents['session.state'])) {
      adopt(payload.sessionId)
      return true
    }
    return false
  }

  // The Electron shell opens sessions for vnc:// links and .vnc files on the window's behalf:
  // a session starting that nobody here asked for is one to show.
  function adoptable(e: HostEvents['session.state']): boolean {
    return (e.state === 'connecting' || e.state === 'authenticating') && !ended.has(e.sessionId)
  }

  function adopt(id: string): void {
    const previous = sessionId.value
    if (previous) {
      ended.add(previous)
      host.api.request('session.close', { sessionId: previous }).catch(() => {})
    }
    openSeq++
    reset()
    sessionId.value = id
    request.value = null
    profileId.value = null
    label.value = ''
    viewOnly.value = false
    scaling.value = 'fit'
  }

  function onState(e: HostEvents['session.state']): void {
    if (!isMine(e, 'session.state')) return
    phase.value = e.state
    if (e.info) info.value = e.info
    if (e.state === 'connected') {
      error.value = null
      retryAt.value = null
    }
    if (e.state === 'reconnecting') retryAt.value = e.retryInMs !== undefined ? Date.now() + e.retryInMs : null
    if (e.error) error.value = readSessionError(e.error)
    if (e.state === 'closed') {
      credentials.value = null
      trust.value = null
      hostKey.value = null
      downgrade.value = null
      retryAt.value = null
    }
    // A new connection reports its LEDs afresh.
    if (e.state !== 'connected') leds.value = null
  }

  function onFrame(batch: FrameBatch): void {
    if (!isMine(batch, 'session.frame')) return
    if (sink) sink(batch)
    else backlog.push(batch)
  }

  function onCursor(e: HostEvents['session.cursor']): void {
    if (!isMine(e, 'session.cursor')) return
    cursorImage = e.cursor
    if (cursorToCss) cursor.value = cursorToCss(e.cursor)
  }

  function onCredentials(e: CredentialsPrompt): void {
    if (!isMine(e, 'session.credentials')) return
    credentials.value = e
  }

  function onTrust(e: TrustPrompt): void {
    if (!isMine(e, 'session.trust')) return
    trust.value = e
  }

  function onHostKey(e: HostKeyPrompt): void {
    if (!isMine(e, 'session.hostKey')) return
    hostKey.value = e
  }

  function onDowngrade(e: DowngradePrompt): void {
    if (!isMine(e, 'session.downgrade')) return
    downgrade.value = e
  }

  function onClipboard(e: HostEvents['session.clipboard']): void {
    if (!isMine(e, 'session.clipboard')) return
    remoteClipboard.value = e.text
    // Best effort: the browser may refuse without focus; the clipboard panel shows it anyway.
    if (typeof navigator !== 'undefined' && navigator.clipboard && document.hasFocus()) {
      navigator.clipboard.writeText(e.text).catch(() => {})
    }
  }

  function onStats(e: SessionStats): void {
    if (isMine(e, 'session.stats')) stats.value = e
  }

  function onBell(e: HostEvents['session.bell']): void {
    if (isMine(e, 'session.bell')) bells.value++
  }

  function onLeds(e: HostEvents['session.leds']): void {
    if (!isMine(e, 'session.leds')) return
    leds.value = { capsLock: e.capsLock, numLock: e.numLock, scrollLock: e.scrollLock }
  }

  function onPowerFailed(e: HostEvents['session.powerFailed']): void {
    if (isMine(e, 'session.powerFailed')) powerFailures.value++
  }

  const handlers: { [K in keyof HostEvents]?: (p: HostEvents[K]) => void } = {
    'session.state': onState,
    'session.frame': onFrame,
    'session.cursor': onCursor,
    'session.credentials': onCredentials,
    'session.trust': onTrust,
    'session.hostKey': onHostKey,
    'session.downgrade': onDowngrade,
    'session.clipboard': onClipboard,
    'session.stats': onStats,
    'session.bell': onBell,
    'session.leds': onLeds,
    'session.powerFailed': onPowerFailed,
  }
  host.api.on('session.state', onState)
  host.api.on('session.frame', onFrame)
  host.api.on('session.cursor', onCursor)
  host.api.on('session.credentials', onCredentials)
  host.api.on('session.trust', onTrust)
  host.api.on('session.hostKey', onHostKey)
  host.api.on('session.downgrade', onDowngrade)
  host.api.on('session.clipboard', onClipboard)
  host.api.on('session.stats', onStats)
  host.api.on('session.bell', onBell)
  host.api.on('session.leds', onLeds)
  host.api.on('session.powerFailed', onPowerFailed)
  host.onLinkState((state) => {
    // Browser mode: the host ends a socket's sessions with the socket.
    if (state === 'lost' && sessionId.value && phase.value !== 'closed') {
      phase.value = 'closed'
      credentials.value = null
      trust.value = null
      hostKey.value = null
      downgrade.value = null
      error.value = { kind: 'network', code: 'HOST_DISCONNECTED', message: 'The connection to the Tessera host was lost.' }
    }
  })

  function reset(): void {
    sessionId.value = null
    info.value = null
    error.value = null
    retryAt.value = null
    credentials.value = null
    trust.value = null
    hostKey.value = null
    downgrade.value = null
    remoteClipboard.value = ''
    stats.value = null
    cursor.value = 'default'
    cursorImage = null
    backlog = []
    early = []
    bells.value = 0
    leds.value = null
    powerFailures.value = 0
  }

  /**
   * Opens a session (closing the current one). `options` carries the profile's per-connection
   * view settings; the host applies the rest of the profile itself.
   */
  async function open(req: OpenSessionRequest, name: string, options: { viewOnly?: boolean; scaling?: ScalingMode } = {}): Promise<void> {
    if (sessionId.value) await close()
    reset()
    const seq = ++openSeq
    request.value = req
    profileId.value = 'profileId' in req ? req.profileId : null
    label.value = name
    viewOnly.value = options.viewOnly ?? false
    scaling.value = options.scaling ?? 'fit'
    phase.value = 'opening'
    try {
      const { sessionId: id } = await host.api.request('session.open', req)
      if (seq !== openSeq) {
        // Closed or replaced while opening: end the session nobody is looking at.
        host.api.request('session.close', { sessionId: id }).catch(() => {})
        return
      }
      sessionId.value = id
      if (phase.value === 'opening') phase.value = 'connecting'
      const replay = early.filter((e) => e.payload.sessionId === id)
      early = []
      for (const e of replay) (handlers[e.name] as ((p: unknown) => void) | undefined)?.(e.payload)
    } catch (e) {
      if (seq !== openSeq) return
      phase.value = 'closed'
      error.value = isSessionError(e) ? readSessionError(e) : { kind: 'network', code: 'OPEN_FAILED', message: errorMessage(e) }
    }
  }

  /** Opens the same thing again (after an error or a server-side close). */
  async function retry(): Promise<void> {
    if (!request.value) return
    await open(request.value, label.value, { viewOnly: viewOnly.value, scaling: scaling.value })
  }

  /** Ends the session and returns to the address book. */
  async function close(): Promise<void> {
    openSeq++
    const id = sessionId.value
    if (id) ended.add(id)
    reset()
    phase.value = 'idle'
    request.value = null
    profileId.value = null
    label.value = ''
    if (id) await host.api.request('session.close', { sessionId: id }).catch(() => {})
  }

  /**
   * Ends the session with `e` shown, for a protocol error only the renderer can see (an image
   * the painter refused): the host is told to close it, and the user may retry.
   */
  async function fail(e: SessionError): Promise<void> {
    const id = sessionId.value
    if (!id || phase.value === 'closed') return
    phase.value = 'closed'
    error.value = e
    credentials.value = null
    trust.value = null
    hostKey.value = null
    retryAt.value = null
    await host.api.request('session.close', { sessionId: id }).catch(() => {})
  }

  /** Attaches the painter; batches that arrived before it are handed over in order. */
  function attachSink(s: FrameSink | null): void {
    sink = s
    if (!s) return
    const pending = backlog
    backlog = []
    for (const b of pending) s(b)
  }

  /** Lets the view turn cursor images into CSS (it needs a document); re-applies the current one. */
  function setCursorRenderer(render: ((c: HostEvents['session.cursor']['cursor']) => string) | null): void {
    cursorToCss = render
    if (render && cursorImage !== null) cursor.value = render(cursorImage)
  }

  function ack(seq: number): void {
    const id = sessionId.value
    if (id) host.api.request('session.ack', { sessionId: id, seq }).catch(() => {})
  }

  /** True when input may go to the server. */
  function inputAllowed(): boolean {
    return phase.value === 'connected' && !viewOnly.value && sessionId.value !== null
  }

  function sendKey(keysym: number, down: boolean, code?: string): void {
    if (!inputAllowed()) return
    const arg: { sessionId: string; keysym: number; down: boolean; code?: string } = { sessionId: sessionId.value!, keysym, down }
    if (code) arg.code = code
    host.api.request('session.key', arg).catch(() => {})
  }

  /** Releases are sent even in view-only, so switching it on never leaves a key held remotely. */
  function sendKeyRelease(keysym: number, code?: string): void {
    if (phase.value !== 'connected' || !sessionId.value) return
    const arg: { sessionId: string; keysym: number; down: boolean; code?: string } = { sessionId: sessionId.value, keysym, down: false }
    if (code) arg.code = code
    host.api.request('session.key', arg).catch(() => {})
  }

  /** `release` lets a button release through in view-only, as for keys. */
  function sendPointer(buttons: number, x: number, y: number, release = false): void {
    if (!(inputAllowed() || (release && buttons === 0 && phase.value === 'connected' && sessionId.value))) return
    host.api.request('session.pointer', { sessionId: sessionId.value!, buttons, x, y }).catch(() => {})
  }

  async function sendClipboard(text: string): Promise<void> {
    if (!sessionId.value || phase.value !== 'connected') throw new Error('not connected')
    await host.api.request('session.clipboard', { sessionId: sessionId.value, text })
  }

  /** Asks the server to change its desktop size (as several monitors with `screens`); rejects with the host's reason when it cannot. */
  async function requestResize(width: number, height: number, screens?: ScreenRect[]): Promise<void> {
    if (phase.value !== 'connected' || !sessionId.value) return
    await host.api.request('session.resize', { sessionId: sessionId.value, width, height, ...(screens ? { screens } : {}) })
  }

  /** Asks the server to shut down, reboot or reset the remote computer; rejects with the host's reason. */
  async function power(action: PowerAction): Promise<void> {
    if (phase.value !== 'connected' || !sessionId.value) throw new Error('not connected')
    await host.api.request('session.power', { sessionId: sessionId.value, action })
  }

  function refresh(): void {
    if (sessionId.value) host.api.request('session.refresh', { sessionId: sessionId.value }).catch(() => {})
  }

  async function answerCredentials(answer: { username?: string; password: string; save: boolean } | null): Promise<void> {
    const prompt = credentials.value
    credentials.value = null
    if (!prompt) return
    const id = prompt.sessionId
    if (answer) {
      const arg: { sessionId: string; username?: string; password: string; save: boolean } = { sessionId: id, password: answer.password, save: answer.save }
      if (answer.username !== undefined) arg.username = answer.username
      await host.api.request('session.credentials', arg)
    } else {
      await host.api.request('session.credentials', { sessionId: id, cancel: true })
    }
  }

  /** Answers the certificate prompt: trust it for this session, for good, or not at all. */
  async function answerTrust(decision: TrustDecision): Promise<void> {
    const prompt = trust.value
    trust.value = null
    if (prompt) await host.api.request('session.trust', { sessionId: prompt.sessionId, decision })
  }

  /** Answers the SSH host key prompt: trust it for this session, for good, or not at all. */
  async function answerHostKey(decision: TrustDecision): Promise<void> {
    const prompt = hostKey.value
    hostKey.value = null
    if (prompt) await host.api.request('session.hostKey', { sessionId: prompt.sessionId, decision })
  }

  /** Answers the downgrade question: connect with the weaker protection, or not at all. */
  async function answerDowngrade(accept: boolean): Promise<void> {
    const prompt = downgrade.value
    downgrade.value = null
    if (prompt) await host.api.request('session.downgrade', { sessionId: prompt.sessionId, accept })
  }

  return {
    sessionId,
    request,
    profileId,
    label,
    phase,
    info,
    error,
    retryAt,
    credentials,
    trust,
    hostKey,
    downgrade,
    remoteClipboard,
    stats,
    cursor,
    viewOnly,
    scaling,
    bells,
    leds,
    powerFailures,
    active,
    connected,
    title,
    canRetry,
    open,
    retry,
    close,
    fail,
    attachSink,
    setCursorRenderer,
    ack,
    sendKey,
    sendKeyRelease,
    sendPointer,
    sendClipboard,
    requestResize,
    power,
    refresh,
    answerCredentials,
    answerTrust,
    answerHostKey,
    answerDowngrade,
    inputAllowed,
  }
})
