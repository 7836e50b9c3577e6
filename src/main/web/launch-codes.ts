import { randomBytes } from 'node:crypto'

/** How long a launch code works: enough to open a browser, too short to be worth stealing later. */
export const LAUNCH_CODE_TTL_MS = 60_000
/** Codes alive at once; older ones are dropped first (each is one address a person asked for). */
const MAX_LIVE_CODES = 16

/**
 * One-time launch codes: each is redeemed at most once, within `ttlMs` of being issued. A
 * redeemed, expired or unknown code is simply refused; the caller decides what to say.
 */
export class LaunchCodes {
  private readonly live = new Map<string, number>()

  constructor(
    private readonly ttlMs = LAUNCH_CODE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A fresh code (22 base64url characters, 128 random bits). */
  issue(): string {
    this.sweep()
    const code = randomBytes(16).toString('base64url')
    this.live.set(code, this.now() + this.ttlMs)
    while (this.live.size > MAX_LIVE_CODES) this.live.delete(this.live.keys().next().value as string)
    return code
  }

  /** True once for a live code; the code is gone afterwards whatever the answer. */
  redeem(code: string): boolean {
    this.sweep()
    // A Map lookup by the code's value: no secret-dependent comparison loop to time.
    const expires = this.live.get(code)
    this.live.delete(code)
    return expires !== undefined && expires > this.now()
  }

  private sweep(): void {
    const t = this.now()
    for (const [code, expires] of this.live) if (expires <= t) this.live.delete(code)
  }
}
