import { randomUUID } from 'node:crypto'
import type { HostEvents, HostRequests } from '@shared/contract'
import { DEFAULT_LISTEN_PORT, type Listener, listenForServers } from '../rfb/transport/listen'
import type { Transport } from '../rfb/transport/transport'
import type { HostClient } from './endpoint'
import { hostError } from './errors'

/** How long a reverse connection waits for the user to accept it. */
export const LISTEN_ANSWER_TIMEOUT_MS = 60_000

/** Reverse connections waiting for an answer at once; more are turned away unasked. */
export const MAX_PENDING_INCOMING = 8

/** A server that connected to the listener and waits for the user's answer. */
export interface Incoming {
  transport: Transport
  /** The server's address, without the (ephemeral) port. */
  remoteAddress: string
  timer: NodeJS.Timeout
}

/** The listener that is running and the client that started it. */
interface Listening {
  listener: Listener
  owner: HostClient | undefined
}

export interface ReverseListenerOptions {
  /** How long a server that connected waits for the user's answer. */
  answerTimeoutMs: number
  /** Raises `listen.incoming` / `listen.timedOut` on the host. */
  emit<K extends 'listen.incoming' | 'listen.timedOut'>(name: K, payload: HostEvents[K]): void
}

/**
 * Listening mode: servers connect out to us (`x11vnc -connect host:5500`) and wait, each with a
 * question to the user, until the client that started listening accepts or rejects them or the
 * answer times out. One listener at a time; it belongs to the client that started it. What an
 * accepted connection becomes (a session) is the host's business: `take` only hands it over.
 */
export class ReverseListener {
  private listening: Listening | null = null
  private readonly incoming = new Map<string, Incoming>()

  constructor(private readonly options: ReverseListenerOptions) {}

  /** Who started listening (only they hear of servers connecting), or undefined when not listening. */
  owner(): HostClient | undefined {
    return this.listening?.owner
  }

  /** Whether `client` started the listener that is running. */
  ownedBy(client: HostClient | undefined): boolean {
    return !!this.listening && this.listening.owner === client
  }

  /**
   * Listens on every interface by default (the servers are elsewhere). The client already
   * listening replaces its own listener; anyone else is refused while it runs.
   */
  async start(req: HostRequests['listen.start'][0], owner: HostClient | undefined): Promise<{ port: number }> {
    if (this.listening && this.listening.owner !== owner)
      throw hostError('refused', 'HOST_LISTEN_BUSY', 'another window is already listening for reverse connections')
    this.stop()
    let listener: Listener
    try {
      listener = await listenForServers({ host: req.host ?? '0.0.0.0', port: req.port ?? DEFAULT_LISTEN_PORT })
    } catch (e) {
      throw hostError('network', 'HOST_LISTEN', (e as Error).message)
    }
    // A second start that raced this one: keep one listener.
    if (this.listening) {
      await listener.close()
      throw hostError('refused', 'HOST_LISTEN_BUSY', 'already listening for reverse connections')
    }
    const listening = { listener, owner }
    this.listening = listening
    void this.acceptLoop(listening)
    return { port: listener.port }
  }

  /** `listen.stop` from a client: refused unless it is the one listening (stopping nothing is fine). */
  stopFor(owner: HostClient | undefined): void {
    if (this.listening && this.listening.owner !== owner) throw hostError('refused', 'HOST_LISTEN_NOT_OWNER', 'another window is listening')
    this.stop()
  }

  /** Closes the listener and turns away the servers still waiting for an answer. */
  stop(): void {
    const listening = this.listening
    this.listening = null
    for (const [id, i] of [...this.incoming]) {
      clearTimeout(i.timer)
      i.transport.close()
      this.incoming.delete(id)
    }
    // Stops accepting at once; its promise waits for accepted sessions' sockets too, so not awaited.
    if (listening) void listening.listener.close()
  }

  /**
   * The waiting connection `id`, taken out of the queue for `owner` to accept or reject; refused
   * when it is gone (answered, timed out) or `owner` did not start the listener.
   */
  take(id: string, owner: HostClient | undefined): Incoming {
    const i = this.incoming.get(id)
    if (!i || !this.ownedBy(owner)) throw hostError('closed', 'HOST_UNKNOWN_INCOMING', 'that server is no longer waiting (it gave up or timed out)')
    this.incoming.delete(id)
    clearTimeout(i.timer)
    return i
  }

  private async acceptLoop(listening: Listening): Promise<void> {
    while (this.listening === listening) {
      let transport: Transport
      try {
        transport = await listening.listener.next()
      } catch {
        return // Closed.
      }
      if (this.listening !== listening || this.incoming.size >= MAX_PENDING_INCOMING) {
        transport.close()
        continue
      }
      const { host: remoteAddress, port: remotePort } = splitAddress(transport.description)
      const id = randomUUID()
      const timer = setTimeout(() => {
        if (!this.incoming.delete(id)) return
        transport.close()
        // The question is withdrawn: answering it now could only be refused.
        this.options.emit('listen.timedOut', { id })
      }, this.options.answerTimeoutMs)
      this.incoming.set(id, { transport, remoteAddress, timer })
      this.options.emit('listen.incoming', { id, remoteAddress, remotePort })
    }
  }
}

/** "1.2.3.4:5678", "[::1]:5678" or "::ffff:1.2.3.4:5678" as address and port. */
export function splitAddress(description: string): { host: string; port: number } {
  const at = description.lastIndexOf(':')
  const port = Number(description.slice(at + 1))
  const host = description
    .slice(0, at)
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/^::ffff:(?=\d+\.)/, '')
  return { host: host || 'unknown', port: Number.isInteger(port) ? port : 0 }
}
