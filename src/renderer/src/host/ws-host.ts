import type { ErrorCode, ErrorKind } from '@shared/error-codes'
import type { ClientEventName, ClientEvents, HostApi, HostRequests, RequestName, SessionError } from '@shared/contract'
import { FETCH_PIXELS_PARAM, FetchedBlob, type ServerMessage, WS_PATH, type WireData, decodeServerMessage, encodeClientMessage } from '@shared/ws-codec'
import type { FrameBatch } from '@shared/ops'
import { t } from '../lib/i18n'
import { PixelMemoryPool } from './pixel-memory'

/**
 * State of the link to the host, for a banner when it drops. 'busy': the host turned this page's
 * socket away for now (too many tabs, WebSocket close code 1013); it keeps trying. 'ended': the
 * host no longer takes this page's credential (Tessera was restarted, with a new one): it never
 * will again, so the page stops trying and every request fails at once.
 */
export type LinkState = 'connecting' | 'open' | 'lost' | 'busy' | 'ended'

/** What the browser-mode server says of this page's credential: still good, refused, or no answer. */
export type CredentialCheck = 'valid' | 'refused' | 'unknown'

/** WebSocket close code 1013, "Try Again Later": what browser mode closes a socket past its cap with. */
export const CLOSE_TRY_AGAIN_LATER = 1013

/** The browser WebSocket surface this uses, so tests can pass a fake. */
export interface SocketLike {
  binaryType: string
  readonly readyState: number
  send(data: string | ArrayBufferView): void
  close(): void
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
}

export interface WsHostOptions {
  url: string
  /** Subprotocols offered on every connect: they carry the credential (src/shared/web-auth.ts). */
  protocols?: string[]
  createSocket?: (url: string, protocols: string[]) => SocketLike
  /** Default time a request may take before it fails with a `timeout` error. */
  timeoutMs?: number
  /** Reconnect backoff bounds. */
  minRetryMs?: number
  maxRetryMs?: number
  /**
   * Asks the server whether this page's credential is still good, after the socket failed: a
   * refused upgrade looks like any dropped socket to a page, so only this tells a host that was
   * restarted (a new credential) from one that is briefly away.
   */
  checkCredential?: () => Promise<CredentialCheck>
  /**
   * Fetches pixels the host offers by ticket into `into` (pixel-fetch.ts), returning that memory
   * (moved to a new buffer) with `length` bytes filled. Given, the socket asks the host for such
   * offers; messages after a frame whose pixels are being fetched wait for it, so order holds.
   */
  fetchPixels?: (ticket: string, into: Uint8Array, length: number) => Promise<Uint8Array>
}

const OPEN = 1

/**
 * Requests that legitimately take long: opening a session includes TCP connect and the
 * security handshake; imports parse many files. The rest answer from memory or disk.
 */
const SLOW_REQUESTS: Partial<Record<RequestName, number>> = {
  'session.open': 120_000,
  // Tens of 8 MB frames and the copy figures: seconds, more on a slow or busy machine; the host
  // ends a run after RUN_LIMIT_MS (3 minutes) and says so, which must arrive before this gives up.
  'bench.run': 200_000,
  'profiles.import': 60_000,
  'profiles.export': 60_000,
}

/** The WebSocket URL for this page: same host; it holds no secret (the credential rides in a subprotocol). */
export function hostSocketUrl(loc: { protocol: string; host: string }): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${loc.host}${WS_PATH}`
}

interface Pending {
  resolve: (v: unknown) => void
  reject: (e: SessionError) => void
  timer: ReturnType<typeof setTimeout>
  /** Set once written to a socket: only those are lost when the socket drops. */
  sent: boolean
  data: WireData
}

/**
 * HostApi over a WebSocket to the browser-mode server, with request ids, per-request timeouts,
 * automatic reconnection with backoff, and event listeners that survive reconnects. Requests
 * made while the socket is down wait for it (until their timeout); requests in flight when it
 * drops fail with `HOST_DISCONNECTED`, since the host may or may not have acted on them.
 */
export class WsHost implements HostApi {
  private socket: SocketLike | null = null
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()
  private readonly linkListeners = new Set<(state: LinkState) => void>()
  private retryMs: number
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private closed = false
  private checking = false
  /** Where packed frame pixels are unpacked; memory comes back when the batch's ack is sent. */
  private readonly pixelMemory = new PixelMemoryPool()
  /** Messages that arrived while a frame's pixels were being fetched: handled in order once they are in. */
  private readonly inbox: unknown[] = []
  private fetching = false
  state: LinkState = 'connecting'

  constructor(private readonly opts: WsHostOptions) {
    this.retryMs = opts.minRetryMs ?? 250
    this.connect()
  }

  request<K extends RequestName>(name: K, arg: HostRequests[K][0]): Promise<HostRequests[K][1]> {
    if (this.closed) return Promise.reject(this.state === 'ended' ? endedError() : closedError())
    if (name === 'session.ack' || name === 'player.ack' || name === 'bench.ack') {
      // The batch is on the canvas: nothing reads its pixels any more.
      const a = arg as { sessionId?: string; playerId?: string; runId?: string; seq: number }
      this.pixelMemory.acked((a.sessionId ?? a.playerId ?? a.runId)!, a.seq)
    }
    const id = this.nextId++
    const timeoutMs = SLOW_REQUESTS[name] ?? this.opts.timeoutMs ?? 20_000
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(hostError('timeout', 'HOST_TIMEOUT', t('session.link.timeout', { seconds: Math.round(timeoutMs / 1000) })))
      }, timeoutMs)
      const p: Pending = { resolve: resolve as (v: unknown) => void, reject, timer, sent: false, data: encodeClientMessage({ type: 'request', id, name, arg }) }
      this.pending.set(id, p)
      this.write(p)
    })
  }

  on<K extends ClientEventName>(name: K, listener: (payload: ClientEvents[K]) => void): () => void {
    let set = this.listeners.get(name)
    if (!set) this.listeners.set(name, (set = new Set()))
    const l = listener as (payload: unknown) => void
    set.add(l)
    return () => set.delete(l)
  }

  /** Follows the link state (open, lost, connecting again). */
  onLinkState(listener: (state: LinkState) => void): () => void {
    this.linkListeners.add(listener)
    return () => this.linkListeners.delete(listener)
  }

  /** Closes for good: no reconnects, pending requests fail. */
  close(): void {
    this.closed = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.socket?.close()
    this.failPending(() => true, closedError())
  }

  /** The server refused this page's credential: no more attempts, and nothing waits in vain. */
  private ended(): void {
    if (this.closed) return
    this.closed = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.setState('ended')
    this.failPending(() => true, endedError())
  }

  /** After a failed socket: asks whether the credential still holds (one question at a time). */
  private check(): void {
    const ask = this.opts.checkCredential
    if (!ask || this.checking || this.closed) return
    this.checking = true
    ask()
      .catch((): CredentialCheck => 'unknown')
      .then((answer) => {
        this.checking = false
        if (answer === 'refused') this.ended()
      })
  }

  private connect(): void {
    const create = this.opts.createSocket ?? ((url: string, protocols: string[]) => new WebSocket(url, protocols) as unknown as SocketLike)
    let socket: SocketLike
    try {
      const url = this.opts.fetchPixels ? `${this.opts.url}${this.opts.url.includes('?') ? '&' : '?'}${FETCH_PIXELS_PARAM}=fetch` : this.opts.url
      socket = create(url, this.opts.protocols ?? [])
    } catch {
      this.scheduleReconnect()
      return
    }
    socket.binaryType = 'arraybuffer'
    this.socket = socket
    socket.onopen = () => {
      this.retryMs = this.opts.minRetryMs ?? 250
      this.setState('open')
      for (const p of this.pending.values()) if (!p.sent) this.write(p)
    }
    socket.onmessage = (e) => this.receive(e.data)
    socket.onclose = (ev) => {
      if (this.socket !== socket) return
      this.socket = null
      this.failPending((p) => p.sent, hostError('closed', 'HOST_DISCONNECTED', t('session.link.lost')))
      if (this.closed) return
      const code = (ev as { code?: unknown } | null)?.code
      this.setState(code === CLOSE_TRY_AGAIN_LATER ? 'busy' : 'lost')
      if (code !== CLOSE_TRY_AGAIN_LATER) this.check()
      this.scheduleReconnect()
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      // Turned away for load: the page keeps saying why while it tries again.
      if (this.state !== 'busy') this.setState('connecting')
      this.connect()
    }, this.retryMs)
    this.retryMs = Math.min(this.retryMs * 2, this.opts.maxRetryMs ?? 5_000)
  }

  private write(p: Pending): void {
    const s = this.socket
    if (!s || s.readyState !== OPEN || p.sent) return
    p.sent = true
    s.send(p.data as string | Uint8Array<ArrayBuffer>)
  }

  private receive(data: unknown): void {
    if (this.fetching) this.inbox.push(data)
    else this.handle(data)
  }

  /** Decodes and dispatches one message; a frame whose pixels must be fetched holds back the rest until they are in. */
  private handle(data: unknown): void {
    let m
    try {
      m = decodeServerMessage(data as string | ArrayBuffer, this.pixelMemory.memory, this.opts.fetchPixels !== undefined)
    } catch (e) {
      this.pixelMemory.claim(null)
      // A malformed message from our own host is a bug there; dropping it keeps the page alive.
      console.warn('tessera: dropped a malformed host message:', (e as Error).message)
      return
    }
    const pixels: unknown = m.type === 'event' && m.name === 'session.frame' ? (m.payload as FrameBatch).pixels : null
    if (pixels instanceof FetchedBlob) {
      this.fetching = true
      void this.fetchThenDispatch(m, pixels)
    } else this.dispatch(m)
  }

  private async fetchThenDispatch(m: ServerMessage, blob: FetchedBlob): Promise<void> {
    let fetched = false
    try {
      const memory = this.pixelMemory.memory(blob.length)!
      const filled = await this.opts.fetchPixels!(blob.ticket, memory, blob.length)
      this.pixelMemory.replace(filled)
      ;(m as { payload: FrameBatch }).payload.pixels = filled.subarray(0, blob.length)
      fetched = true
    } catch (e) {
      this.pixelMemory.claim(null)
      console.warn('tessera: dropped a frame whose pixels could not be fetched:', (e as Error).message)
      // The canvas under that frame is stale now: let the host go on at once (not after its ack
      // timeout) and have the server send the whole screen again.
      const { sessionId, seq } = (m as { payload: FrameBatch }).payload
      this.request('session.ack', { sessionId, seq }).catch(() => {})
      this.request('session.refresh', { sessionId }).catch(() => {})
    }
    if (fetched) this.dispatch(m)
    this.fetching = false
    while (!this.fetching && this.inbox.length) this.handle(this.inbox.shift())
  }

  private dispatch(m: ServerMessage): void {
    this.pixelMemory.claim(m.type === 'event' && m.name === 'session.frame' ? (m.payload as FrameBatch) : null)
    if (m.type === 'response') {
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      clearTimeout(p.timer)
      if (m.error) p.reject(m.error)
      else p.resolve(m.result)
      return
    }
    for (const listener of this.listeners.get(m.name) ?? []) {
      try {
        listener(m.payload)
      } catch (e) {
        console.error(`tessera: a "${m.name}" listener failed:`, e)
      }
    }
  }

  private failPending(which: (p: Pending) => boolean, error: SessionError): void {
    for (const [id, p] of this.pending) {
      if (!which(p)) continue
      this.pending.delete(id)
      clearTimeout(p.timer)
      p.reject(error)
    }
  }

  private setState(state: LinkState): void {
    if (state === this.state) return
    this.state = state
    for (const l of this.linkListeners) l(state)
  }
}

function hostError(kind: ErrorKind, code: ErrorCode, message: string): SessionError {
  return { kind, code, message }
}

function closedError(): SessionError {
  return hostError('closed', 'HOST_CLOSED', t('session.link.closed'))
}

function endedError(): SessionError {
  return hostError('closed', 'WEB_SESSION_ENDED', t('session.link.ended'))
}
