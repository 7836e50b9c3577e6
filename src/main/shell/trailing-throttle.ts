/** The clock and timer a throttle runs on (tests pass fake ones). */
export interface ThrottleClock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
}

const realClock: ThrottleClock = { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms) }

/**
 * `run` at most once every `intervalMs`, never losing the last call: the first call runs at once,
 * calls within the interval after a run are folded into one trailing run at its end. For work
 * that reads the newest state when it runs (rebuilding the application menu), so a burst of
 * changes costs one run now and one at the end, however long the burst.
 */
export function trailingThrottle(run: () => void, intervalMs: number, clock: ThrottleClock = realClock): () => void {
  let lastRun = -Infinity
  let scheduled = false
  const fire = (): void => {
    scheduled = false
    lastRun = clock.now()
    run()
  }
  return () => {
    if (scheduled) return
    const wait = lastRun + intervalMs - clock.now()
    if (wait <= 0) return fire()
    scheduled = true
    clock.setTimeout(fire, wait)
  }
}
