import type { HostClient } from '../../../src/main/host/endpoint'
import type { ClientEventName, ClientEvents } from '../../../src/shared/contract'

/** One delivered event, as a fake client records it. */
export type Delivered = { [K in ClientEventName]: { name: K; payload: ClientEvents[K] } }[ClientEventName]

/** A host client standing in for a window or socket: it records what it is delivered. */
export class FakeClient implements HostClient {
  readonly delivered: Delivered[] = []

  constructor(readonly label: string) {}

  deliver<K extends ClientEventName>(name: K, payload: ClientEvents[K]): void {
    this.delivered.push({ name, payload } as Delivered)
  }

  /** The names of the events delivered so far, in order. */
  names(): string[] {
    return this.delivered.map((d) => d.name)
  }
}
