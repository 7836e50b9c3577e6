import type { HostApi } from '@shared/contract'
import type { WebLinkErrorCode } from '@shared/error-codes'
import { SESSION_PATH, socketProtocols } from '@shared/web-auth'
import { type LaunchEnv, launchCredential } from './web-launch'
import { type CredentialCheck, type LinkState, WsHost, hostSocketUrl } from './ws-host'
import { fetchPixels } from './pixel-fetch'

export type { LinkState } from './ws-host'

declare global {
  interface Window {
    /** The contract as the Electron preload exposes it; absent in a plain browser. */
    tessera?: Partial<HostApi>
  }
}

/** The host contract plus the state of the link carrying it. */
export interface HostLink {
  api: HostApi
  /** Electron's IPC never drops; a WebSocket can. */
  readonly state: LinkState
  onLinkState(listener: (state: LinkState) => void): () => void
}

let current: HostLink | null = null
/** Browser mode's credential, from prepareHost. */
let credential = ''

function isHostApi(v: Partial<HostApi> | undefined): v is HostApi {
  return !!v && typeof v.request === 'function' && typeof v.on === 'function'
}

/**
 * Before the app mounts: in browser mode, gets the page its credential (redeeming the launch
 * code in the address, if any). Resolves to why the page may not use the host, or null. In
 * Electron there is nothing to do.
 */
export async function prepareHost(): Promise<WebLinkErrorCode | null> {
  if (isHostApi(window.tessera)) return null
  const result = await launchCredential({
    location: window.location,
    replaceUrl: (url) => window.history.replaceState(null, '', url),
    storage: tabStorage(),
    fetch: (url, init) => window.fetch(url, { ...init, credentials: 'omit', cache: 'no-store' }),
  })
  if ('error' in result) return result.error
  credential = result.credential
  return null
}

/** sessionStorage, or this page's memory where the browser refuses it (a reload then needs a new address). */
function tabStorage(): LaunchEnv['storage'] {
  try {
    const s = window.sessionStorage
    s.getItem('')
    return s
  } catch {
    const m = new Map<string, string>()
    return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) }
  }
}

/**
 * The host for this page, chosen once: Electron's preload bridge when present, otherwise the
 * WebSocket of the browser-mode server that served the page.
 */
export function useHost(): HostLink {
  if (current) return current
  const bridge = typeof window !== 'undefined' ? window.tessera : undefined
  if (isHostApi(bridge)) {
    current = { api: bridge, state: 'open', onLinkState: () => () => {} }
  } else {
    const ws = new WsHost({
      url: hostSocketUrl(window.location),
      protocols: socketProtocols(credential),
      checkCredential: () => checkCredential(credential),
      fetchPixels: (ticket, into, length) => fetchPixels(credential, ticket, into, length),
    })
    current = {
      api: ws,
      get state() {
        return ws.state
      },
      onLinkState: (l) => ws.onLinkState(l),
    }
  }
  return current
}

/**
 * Whether the browser-mode server still takes `held`: the same question the page asked at start
 * (web-launch.ts), asked again after its socket failed. A 403 means Tessera was restarted with a
 * new credential; no answer means it is away (or stopped), which a later socket may show.
 */
async function checkCredential(held: string): Promise<CredentialCheck> {
  try {
    const res = await window.fetch(SESSION_PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ credential: held }),
      credentials: 'omit',
      cache: 'no-store',
    })
    if (res.ok) return 'valid'
    const answer = (await res.json().catch(() => null)) as { error?: unknown } | null
    return answer?.error === 'WEB_SESSION_ENDED' ? 'refused' : 'unknown'
  } catch {
    return 'unknown'
  }
}

/** Replaces the host (unit tests). */
export function setHost(link: HostLink | null): void {
  current = link
}
