import type { HostEvents, LockLeds, OpenSessionRequest, SessionError, SessionInfo, SessionState, SessionSummary } from '@shared/contract'
import { readSessionError } from '@shared/error-codes'
import type { FrameBatch } from '@shared/ops'
import type { ScalingMode } from '@shared/profile'
import { typedAddressLabel } from '@shared/target'
import { defineStore } from 'pinia'
import { computed, onScopeDispose, ref } from 'vue'
import { useHost } from '../host'
import { errorMessage, isSessionError } from '../lib/errors'
import { h264Supported } from '../painter/h264-support'
import { t } from '../lib/i18n'
import { currentPreferences } from './preferences'
import { sessionActions } from './session-actions'
import { type SessionEventState, listenToSession } from './session-events'

/** Where the session view is: nothing open, waiting for session.open, or a host-reported state. */
export type SessionPhase = 'idle' | 'opening' | SessionState

export type CredentialsPrompt = HostEvents['session.credentials']
export type TrustPrompt = HostEvents['session.trust']
export type HostKeyPrompt = HostEvents['session.hostKey']
export type DowngradePrompt = HostEvents['session.downgrade']
export type SessionStats = HostEvents['session.stats']

/** What a painter needs from the store: batches in, nothing else. */
export type FrameSink = (batch: FrameBatch) => void

/** A display name for what the user typed in the quick-connect bar (shared with the host, which names the saved connection so). */
export const addressLabel = typedAddressLabel

/**
 * A window title for a session: "connection name — desktop name" once both are known, else
 * the one known with the app's name, so the window still says what it is.
 */
export function sessionTitle(label: string, desktopName: string | undefined): string {
  const name = label.trim()
  const desktop = desktopName?.trim() ?? ''
  if (name && desktop && name !== desktop) return `${name} — ${desktop}`
  return `${name || desktop || t('session.remoteDesktop')} — Tessera`
}

/**
 * One session of this window (a tab): its state as the host reports it, the prompts and panels
 * it needs, and the input it sends. Frames go straight to the painter and never become state.
 */
function sessionSetup() {
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
  /** The connection dropped and the Preferences say to ask: the host waits for Reconnect (reconnectNow) or Close. */
  const askReconnect = ref(false)
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
  /** Whether this session's tab is in front: only then does the remote clipboard reach the local one. */
  const focused = ref(true)
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
  /** What the toolbar and the tab call this session. */
  const title = computed(() => label.value || info.value?.name || t('session.remoteDesktop'))
  /** The window title while this session is in front: "connection name — desktop name". */
  const windowTitle = computed(() => sessionTitle(label.value, info.value?.name))
  /** False for sessions the shell opened (a vnc:// link): there is no request to repeat. */
  const canRetry = computed(() => request.value !== null)

  function isMine(payload: { sessionId: string }, name: keyof HostEvents): boolean {
    if (sessionId.value !== null && payload.sessionId === sessionId.value) return true
    if (phase.value === 'opening') early.push({ name, payload })
    return false
  }

  /** Shows a session this window owns but did not open here (a vnc:// link, a reverse connection): see stores/session-tabs. */
  function claim(id: string): void {
    openSeq++
    reset()
    sessionId.value = id
    request.value = null
    profileId.value = null
    label.value = ''
    viewOnly.value = false
    scaling.value = 'fit'
    phase.value = 'connecting'
  }

  /**
   * Takes over a session another window showed (a tab moved here) with the one-time `code` that
   * window's session.handOff returned: the host makes this window its owner and sends its state,
   * cursor and a full picture again. Rejects when it has ended or the code is not (or no longer) valid.
   */
  async function adoptMoved(id: string, code: string, profile?: { name: string; viewOnly?: boolean; scaling?: ScalingMode }): Promise<SessionSummary> {
    claim(id)
    phase.value = 'opening'
    try {
      const summary = await host.api.request('session.adopt', { sessionId: id, code })
      if (sessionId.value !== id) return summary
      if (summary.profileId) {
        request.value = { profileId: summary.profileId }
        profileId.value = summary.profileId
      }
      label.value = profile?.name ?? summary.name
      viewOnly.value = profile?.viewOnly ?? summary.viewOnly
      scaling.value = profile?.scaling ?? 'fit'
      if (phase.value === 'opening') phase.value = summary.state
      if (summary.error && summary.state === 'closed') error.value = readSessionError(summary.error)
      const replay = early.filter((e) => e.payload.sessionId === id)
      early = []
      for (const e of replay) (handlers[e.name] as ((p: unknown) => void) | undefined)?.(e.payload)
      return summary
    } catch (e) {
      if (sessionId.value === id) {
        phase.value = 'closed'
        error.value = isSessionError(e) ? readSessionError(e) : { kind: 'network', code: 'OPEN_FAILED', message: errorMessage(e) }
      }
      throw e
    }
  }

  /** Lets go of the session without ending it (it moved to another window); its late events are ignored. */
  function detach(): void {
    openSeq++
    const id = sessionId.value
    if (id) ended.add(id)
    reset()
    phase.value = 'idle'
    request.value = null
    profileId.value = null
    label.value = ''
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

  // What the host's events set: listened to here, and part of the store as it is.
  const eventState = {
    sessionId,
    request,
    profileId,
    phase,
    info,
    error,
    retryAt,
    askReconnect,
    credentials,
    trust,
    hostKey,
    downgrade,
    remoteClipboard,
    stats,
    focused,
    bells,
    leds,
    powerFailures,
  } satisfies SessionEventState
  const { handlers, stop } = listenToSession(host, eventState, isMine, { 'session.frame': onFrame, 'session.cursor': onCursor })
  // A closed tab's store is disposed: it stops listening.
  onScopeDispose(stop)

  function reset(): void {
    sessionId.value = null
    info.value = null
    error.value = null
    retryAt.value = null
    askReconnect.value = false
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
    // The session this tab showed ends; the tab never passes through 'idle' (which closes it).
    const previous = sessionId.value
    if (previous) {
      openSeq++
      ended.add(previous)
      reset()
      await host.api.request('session.close', { sessionId: previous }).catch(() => {})
    }
    reset()
    const seq = ++openSeq
    request.value = req
    profileId.value = 'profileId' in req ? req.profileId : null
    label.value = name
    viewOnly.value = options.viewOnly ?? false
    // A saved connection's own scaling wins; a typed address starts with the Preferences' default.
    scaling.value = options.scaling ?? currentPreferences().scaling
    phase.value = 'opening'
    try {
      // The host announces H.264 only to a renderer that decodes it.
      const { sessionId: id } = await host.api.request('session.open', (await h264Supported()) ? { ...req, h264: true } : req)
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

  const actions = sessionActions(host, { sessionId, phase, viewOnly, credentials, trust, hostKey, downgrade })

  return {
    ...eventState,
    label,
    cursor,
    viewOnly,
    scaling,
    active,
    connected,
    title,
    windowTitle,
    canRetry,
    open,
    claim,
    adoptMoved,
    detach,
    retry,
    close,
    fail,
    attachSink,
    setCursorRenderer,
    ...actions,
  }
}

/** A session store: the state and actions of one session tab. */
export type SessionStore = ReturnType<ReturnType<typeof defineSessionStore>>

function defineSessionStore(key: string) {
  return defineStore(`session:${key}`, sessionSetup)
}

const definitions = new Map<string, ReturnType<typeof defineSessionStore>>()

/**
 * The store of the session tab `key` (one per tab of a session window; 'main' where a window
 * has one session), created on first use. Pixels never enter it: see attachSink.
 */
export function useSessionStore(key = 'main'): SessionStore {
  let define = definitions.get(key)
  if (!define) definitions.set(key, (define = defineSessionStore(key)))
  return define()
}

/** Forgets a closed tab's store: it stops listening to the host, and a later use of `key` starts afresh. */
export function disposeSessionStore(key: string): void {
  const define = definitions.get(key)
  if (!define) return
  definitions.delete(key)
  const store = define()
  store.$dispose()
  const pinia = store._p
  delete pinia.state.value[store.$id]
}
