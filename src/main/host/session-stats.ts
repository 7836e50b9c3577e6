import { encodingName } from '@shared/encodings'
import type { HostEvents } from '@shared/contract'

/** What the stats need from one framebuffer update. */
export interface UpdateSample {
  bytes: number
  /** The request's round trip, or 0 when the update was not answering one. */
  latencyMs: number
  encodings: Iterable<number>
}

interface Window {
  start: number
  updates: number
  bytes: number
  latencyMs: number
  encodings: Set<number>
}

function newWindow(start: number): Window {
  return { start, updates: 0, bytes: 0, latencyMs: Infinity, encodings: new Set() }
}

/**
 * A session's frame rate, bandwidth, latency and encodings, measured over windows of one
 * interval each and sent as `session.stats` at the end of every window while connected.
 */
export class SessionStats {
  private window = newWindow(0)
  /** Last measured round trip, shown while the screen is idle. */
  private latencyMs = 0
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly sessionId: string,
    private readonly intervalMs: number,
    private readonly send: (stats: HostEvents['session.stats']) => void,
  ) {}

  /** Counts one framebuffer update into the current window. */
  count(u: UpdateSample): void {
    const w = this.window
    w.updates++
    w.bytes += u.bytes
    // The quickest answer in the window is the round trip; slower ones waited for changes.
    if (u.latencyMs > 0) w.latencyMs = Math.min(w.latencyMs, u.latencyMs)
    for (const e of u.encodings) w.encodings.add(e)
  }

  /** Starts a fresh window and reports every interval until `stop()`. */
  start(): void {
    this.window = newWindow(performance.now())
    this.timer = setInterval(() => {
      const now = performance.now()
      const w = this.window
      const ms = Math.max(1, now - w.start)
      if (Number.isFinite(w.latencyMs)) this.latencyMs = w.latencyMs
      this.send({
        sessionId: this.sessionId,
        fps: Math.round((w.updates * 10_000) / ms) / 10,
        kbps: Math.round((w.bytes * 8) / ms),
        latencyMs: Math.round(this.latencyMs),
        encodings: [...w.encodings].map(encodingName),
      })
      this.window = newWindow(now)
    }, this.intervalMs)
  }

  /** Stops reporting (the last round trip is kept for the next start). */
  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }
}
