/**
 * Passes a stream of server events on at most once per `intervalMs`: the first at once, and with
 * `latest` the last one that came during the interval when it ends (so the final state, say the
 * clipboard's text, always arrives), without it the rest dropped (a bell rings no faster).
 * A server can send millions of 1-byte bells or tiny clipboard messages a second; each passed on
 * would be an IPC message or WebSocket frame to every window, queued without bound.
 */
export class EventThrottle<T> {
  private lastAt = -Infinity
  private held: { value: T } | null = null
  private timer: NodeJS.Timeout | null = null
  private stopped = false
  /** Events not passed on (replaced by a later one, or dropped): for tests and diagnostics. */
  dropped = 0

  constructor(
    private readonly intervalMs: number,
    private readonly deliver: (value: T) => void,
    private readonly latest: boolean,
  ) {}

  push(value: T): void {
    if (this.stopped) return
    const now = performance.now()
    if (!this.timer && now - this.lastAt >= this.intervalMs) {
      this.lastAt = now
      this.deliver(value)
      return
    }
    this.dropped++
    if (!this.latest) return
    this.held = { value }
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.intervalMs - (now - this.lastAt)))
  }

  /** No more events: the one held back, if any, goes out now. */
  stop(): void {
    if (this.stopped) return
    this.flush()
    this.stopped = true
  }

  /** The one held back, if any, goes out now (and the throttle goes on). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const held = this.held
    this.held = null
    if (!held) return
    this.dropped--
    this.lastAt = performance.now()
    this.deliver(held.value)
  }
}
