import type { SecurityOptions } from './security/policy'

/**
 * A deadline that can be paused and restarted in full (the handshake's: a person typing a
 * password or judging a certificate is not the server being slow).
 */
export class Deadline {
  private timer: NodeJS.Timeout | null = null
  private pauses = 0

  constructor(
    private readonly ms: number,
    private readonly expired: () => void,
  ) {}

  /** Starts the whole wait again. */
  arm(): void {
    this.stop()
    this.timer = setTimeout(() => this.expired(), this.ms)
  }

  /** Stops waiting, for a while or for good. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  /** True while {@link pausedDuring} runs: a person is being asked something. */
  get paused(): boolean {
    return this.pauses > 0
  }

  /** Runs `work` (a person deciding) with the deadline stopped; starts it again after, if `still` says so. */
  async pausedDuring<T>(work: () => Promise<T>, still: () => boolean): Promise<T> {
    this.stop()
    this.pauses++
    try {
      return await work()
    } finally {
      this.pauses--
      if (still()) this.arm()
    }
  }
}

/**
 * Watches for a server that stops inside a message (half-open connections, hung servers); idle
 * time between messages is normal and not timed. Every parse restarts the wait; one timer checks
 * it and re-arms for what is left, instead of a clearTimeout/setTimeout per socket chunk.
 */
export class StallWatch {
  /** When parsing last stopped inside a message (0: not inside one, or waiting for the sink). */
  private stalledSince = 0
  private timer: NodeJS.Timeout | null = null

  constructor(
    readonly limitMs: number,
    private readonly stalled: () => void,
  ) {}

  /** After each parse: `stuck` when it stopped inside a message for want of bytes. */
  parsed(stuck: boolean): void {
    if (!stuck) {
      this.stalledSince = 0
      return
    }
    this.stalledSince = performance.now()
    if (!this.timer) this.arm(this.limitMs)
  }

  /** The session is over: no more checks. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.stalledSince = 0
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null
      if (this.stalledSince === 0) return
      const waited = performance.now() - this.stalledSince
      if (waited < this.limitMs) return this.arm(this.limitMs - waited)
      this.stalled()
    }, ms)
    this.timer.unref?.()
  }
}

/** The caller's security options with the trust prompt outside the handshake deadline, like the password prompt. */
export function trustPromptOutsideDeadline(
  security: SecurityOptions | undefined,
  deadline: Deadline,
  stillInHandshake: () => boolean,
): SecurityOptions | undefined {
  if (!security) return security
  const ask = security.trust?.ask
  const askKey = security.serverKeys?.ask
  return {
    ...security,
    ...(ask ? { trust: { ...security.trust, ask: (prompt) => deadline.pausedDuring(() => ask(prompt), stillInHandshake) } } : {}),
    ...(askKey ? { serverKeys: { ...security.serverKeys, ask: (prompt) => deadline.pausedDuring(() => askKey(prompt), stillInHandshake) } } : {}),
  }
}

/** Runs `work` once on the next turn of the event loop, however often it is asked before then. */
export class NextTurn {
  private due = false

  constructor(private readonly work: () => void) {}

  schedule(): void {
    if (this.due) return
    this.due = true
    setImmediate(() => {
      this.due = false
      this.work()
    })
  }
}
