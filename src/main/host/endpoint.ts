import type { ClientEventName, ClientEvents, EventName, HostEvents, HostReply, SessionError } from '@shared/contract'
import { EVENT_NAMES } from '@shared/schemas'
import { HostError } from './errors'
import type { Host } from './host'

/**
 * One renderer as its transport presents it to the host: an Electron window, a browser-mode
 * socket. The object itself is the client's identity: the sessions and the listener it starts
 * belong to it, so a transport makes one per renderer and keeps it while that renderer lives.
 */
export interface HostClient {
  /** Carries one event to the renderer; only events meant for this client are given to it. */
  deliver<K extends ClientEventName>(name: K, payload: ClientEvents[K]): void
}

/** A client's way in, returned by `HostEndpoint.attach`. */
export interface ClientLink {
  /**
   * Runs one request exactly as it arrived (nothing about it checked yet): the host validates
   * the name and argument against the contract. Never rejects: the reply carries the error to show.
   */
  request(name: string, arg: unknown): Promise<HostReply>
  /** Stops delivering events and ends the client's sessions and listener. Idempotent. */
  detach(): void
}

/** The part of the host the endpoint drives. */
export type EndpointHost = Pick<Host, 'handle' | 'on' | 'ownerOf' | 'listenOwner' | 'closeOwnedBy'>

/** What a client is told when a request fails in a way nobody foresaw; the details go to the log only. */
export const INTERNAL_ERROR: SessionError = { kind: 'protocol', code: 'HOST_INTERNAL', message: 'internal error' }

/**
 * The host's one endpoint for every transport, after VS Code's channel server: transports only
 * move messages; requests, the error fallback and the routing of each event to the client it
 * concerns are decided here, once. Session events go to the client that owns the session, a
 * server knocking on the listener to the client that started it, everything else to all.
 */
export class HostEndpoint {
  private readonly clients = new Set<HostClient>()

  constructor(
    private readonly host: EndpointHost,
    private readonly log: (message: string) => void,
  ) {
    for (const name of EVENT_NAMES) host.on(name, (payload: HostEvents[typeof name]) => this.route(name, payload))
  }

  /** Connects a client: it receives its events from now on, and asks through the link returned. */
  attach(client: HostClient): ClientLink {
    this.clients.add(client)
    return {
      request: (name, arg) => this.request(client, name, arg),
      detach: () => {
        if (!this.clients.delete(client)) return
        this.host.closeOwnedBy(client)
      },
    }
  }

  private async request(client: HostClient, name: string, arg: unknown): Promise<HostReply> {
    try {
      return { ok: true, result: await this.host.handle(name, arg, client) }
    } catch (e) {
      // The host turns every failure into a HostError; anything else is a bug and says nothing to the renderer.
      return { ok: false, error: e instanceof HostError ? e.error : INTERNAL_ERROR }
    }
  }

  /** Carries one event to `client` alone, if it is still attached (a session's old owner told it moved). */
  tell<K extends EventName>(client: HostClient, name: K, payload: HostEvents[K]): void {
    this.deliver(client, name, payload)
  }

  private route<K extends EventName>(name: K, payload: HostEvents[K]): void {
    if (name === 'listen.incoming' || name === 'listen.timedOut') {
      const owner = this.host.listenOwner()
      if (owner) this.deliver(owner, name, payload)
      return
    }
    const sessionId = (payload as { sessionId?: string }).sessionId
    if (sessionId === undefined) {
      for (const client of [...this.clients]) this.deliver(client, name, payload)
      return
    }
    const owner = this.host.ownerOf(sessionId)
    if (owner) this.deliver(owner, name, payload)
  }

  private deliver<K extends EventName>(client: HostClient, name: K, payload: HostEvents[K]): void {
    // A departed client's sessions are closing: their last events have nowhere to go.
    if (!this.clients.has(client)) return
    try {
      // Host events are client events: the cast only widens K to the larger map it belongs to.
      client.deliver(name, payload as ClientEvents[K])
    } catch (e) {
      // One client's broken transport must not reach the session that emitted the event, nor the other clients.
      this.log(`cannot deliver ${name}: ${(e as Error).message}`)
    }
  }
}
