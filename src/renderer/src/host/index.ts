import type { HostApi } from '@shared/contract'
import { type LinkState, WsHost, hostSocketUrl } from './ws-host'

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

function isHostApi(v: Partial<HostApi> | undefined): v is HostApi {
  return !!v && typeof v.request === 'function' && typeof v.on === 'function'
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
    const ws = new WsHost({ url: hostSocketUrl(window.location) })
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

/** Replaces the host (unit tests). */
export function setHost(link: HostLink | null): void {
  current = link
}
