import type { SecretStore } from './secrets'

/** Where the secret of the current attempt came from. */
export type SecretSource = 'known' | 'saved' | 'asked'

/** A secret the user typed, and whether they asked for it to be kept. */
export interface TypedSecret<T> {
  value: T
  save: boolean
}

/**
 * One secret a session logs in with (the VNC credentials, or the SSH password or key
 * passphrase) across the attempts of that session. Kept in memory only, never logged.
 *
 * - `known()`: the next attempt's secret handed over once (a retry question's answer, or on
 *   reconnecting what worked), else the secret that worked earlier in this session.
 * - `fromSaved()`: the secret store's copy, until the server has rejected it once.
 * - `asked()`: the user's answer.
 * - `worked()` / `rejected()`: the server's verdict on this attempt's secret. A rejected saved
 *   secret is not tried again in this session; whether it stays in the store is decided when a
 *   typed one succeeds (`takeTyped()`, handed to the host with its "save" choice).
 */
export class SessionSecret<T> {
  /** Handed to the next attempt without asking, once: a retry question's answer, or what worked. */
  private next: T | null = null
  /** What worked: reused by later attempts (reconnects) until the server rejects it. */
  private good: T | null = null
  private current: T | null = null
  private currentSource: SecretSource | null = null
  private savedRejected = false
  private typed: TypedSecret<T> | null = null

  /** A new connection attempt: nothing is in use yet. */
  beginAttempt(): void {
    this.current = null
    this.currentSource = null
  }

  /** Where this attempt's secret came from, or null while it has none. */
  get source(): SecretSource | null {
    return this.currentSource
  }

  /** The secret this session already holds (the one handed to this attempt, else what worked), or null. */
  known(): T | null {
    const value = this.next ?? this.good
    if (value === null) return null
    this.next = null
    return this.use(value, 'known')
  }

  /** False once the server rejected the saved secret: it is not tried again in this session. */
  get mayUseSaved(): boolean {
    return !this.savedRejected
  }

  /** The secret saved under `key` as `wrap` shapes it, or null (none, unreadable, or rejected before). */
  async fromSaved(store: SecretStore, key: string, wrap: (saved: string) => T): Promise<T | null> {
    if (this.savedRejected) return null
    const saved = await store.get(key).catch(() => null)
    if (saved === null) return null
    return this.use(wrap(saved), 'saved')
  }

  /** The user's answer to the question (null: cancelled), used by this attempt. */
  asked(value: T | null): T | null {
    this.current = value
    this.currentSource = value === null ? null : 'asked'
    return value
  }

  /** Records what the user typed, to be saved or forgotten once it works. */
  typedByUser(value: T, save: boolean): void {
    this.typed = { value, save }
  }

  /** The user answered a retry question: the next attempt uses this without asking. */
  retryWith(value: T): void {
    this.next = value
  }

  /** This attempt logged in: its secret is reused by later attempts. */
  worked(): void {
    this.good = this.current
  }

  /** The server refused this attempt's secret: it is not reused, and a saved one not tried again. */
  rejected(): void {
    if (this.currentSource === 'saved') this.savedRejected = true
    this.good = null
  }

  /**
   * The next attempt is a reconnect: it gets what worked, never an older retry answer. That
   * hand-over outlives a failure before this secret was asked for (an SSH login refused first).
   */
  reconnecting(): void {
    this.next = this.good
  }

  /** The typed secret, once: the host saves or forgets it when the session reaches the server. */
  takeTyped(): TypedSecret<T> | null {
    const typed = this.typed
    this.typed = null
    return typed
  }

  /** The session is over: drops every copy it holds in memory (the typed one goes with the host's record). */
  clear(): void {
    this.next = this.good = this.current = null
  }

  private use(value: T, source: SecretSource): T {
    this.current = value
    this.currentSource = source
    return value
  }
}
