import type { ClientEventName, ClientEvents, HostApi, HostRequests, RequestName } from '../../../src/shared/contract'
import type { LinkState } from '../../../src/renderer/src/host/ws-host'
import type { HostLink } from '../../../src/renderer/src/host'

type Handler<K extends RequestName> = (arg: HostRequests[K][0]) => HostRequests[K][1] | Promise<HostRequests[K][1]>

/**
 * An in-memory HostApi for store tests: requests are answered by handlers the test sets,
 * every request is recorded, and events are emitted by hand.
 */
export class MemoryHost implements HostApi {
  readonly calls: Array<{ name: RequestName; arg: unknown }> = []
  private readonly handlers = new Map<RequestName, (arg: unknown) => unknown>()
  private readonly listeners = new Map<ClientEventName, Set<(p: unknown) => void>>()
  private readonly linkListeners = new Set<(s: LinkState) => void>()
  linkState: LinkState = 'open'

  handle<K extends RequestName>(name: K, fn: Handler<K>): this {
    this.handlers.set(name, fn as (arg: unknown) => unknown)
    return this
  }

  async request<K extends RequestName>(name: K, arg: HostRequests[K][0]): Promise<HostRequests[K][1]> {
    this.calls.push({ name, arg })
    const fn = this.handlers.get(name)
    if (!fn) return undefined as HostRequests[K][1]
    return (await fn(arg)) as HostRequests[K][1]
  }

  on<K extends ClientEventName>(name: K, listener: (payload: ClientEvents[K]) => void): () => void {
    let set = this.listeners.get(name)
    if (!set) this.listeners.set(name, (set = new Set()))
    set.add(listener as (p: unknown) => void)
    return () => set.delete(listener as (p: unknown) => void)
  }

  emit<K extends ClientEventName>(name: K, payload: ClientEvents[K]): void {
    for (const l of this.listeners.get(name) ?? []) l(payload)
  }

  setLink(state: LinkState): void {
    this.linkState = state
    for (const l of this.linkListeners) l(state)
  }

  callsTo(name: RequestName): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.arg)
  }

  /** The HostLink the renderer's useHost() returns. */
  link(): HostLink {
    return {
      api: this,
      get state(): LinkState {
        return 'open'
      },
      onLinkState: (l) => {
        this.linkListeners.add(l)
        return () => this.linkListeners.delete(l)
      },
    }
  }
}
