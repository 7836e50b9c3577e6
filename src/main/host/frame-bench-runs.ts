import { randomUUID } from 'node:crypto'
import {
  BENCH_HEIGHT,
  BENCH_ID_PREFIX,
  BENCH_WIDTH,
  type BenchCopyStep,
  type BenchFigure,
  type FrameBenchReport,
  benchFrameCount,
  benchPaints,
} from '@shared/frame-bench'
import type { FrameBatch } from '@shared/ops'
import type { HostClient } from './endpoint'
import { medianAndFastest } from './frame-copy-bench'
import { hostError } from './errors'

/** One copy figure as `benchFrames` gives it (src/main/host/frame-copy-bench.ts). */
export interface CopyFigure {
  id: BenchCopyStep
  medianMs: number
  minMs: number
  gbPerSec: number
}

export interface FrameBenchHost {
  /** Sends a run's batch as a `session.frame` event: the endpoint routes it to the run's owner, as it does a session's frames. */
  send(batch: FrameBatch): void
  /** The copy costs of one full frame, measured in this process; `signal` stops them (they reject). */
  copies(width: number, height: number, passes: number, signal: AbortSignal): Promise<CopyFigure[]>
  /** The longest the page may take to acknowledge one frame (the first frame, and any while the page has been this slow). */
  ackTimeoutMs: number
  /** How soon a page that has been quick is given up on when it stops acknowledging (default STALL_MS). */
  stallMs?: number
  /** The longest a whole run may hold the host, copy figures included (default RUN_LIMIT_MS). */
  runLimitMs?: number
  /** How long after its last run ended a window must wait before starting another (default COOL_DOWN_MS). */
  coolDownMs?: number
}

/**
 * A whole run's bound: 20 passes take seconds on a quiet machine and a minute or two on a loaded
 * one with a DevTools client on the page; without it a page answering each of up to 202 frames
 * just inside the ack timeout held the one slot for ~100 minutes. Browser mode's page waits a
 * little longer for `bench.run` (ws-host.ts), so it reads the host's words.
 */
export const RUN_LIMIT_MS = 180_000
/**
 * A frame may take this long, or eight times the slowest ack so far, before the page counts as
 * stalled: a page behind a DevTools client on a loaded machine takes 1-3 s a frame, with spikes.
 */
export const STALL_MS = 5_000
const STALL_FACTOR = 8
/** A window's runs are at least this far apart: each one is 8 MB frames by the hundred and seconds of the host's time. */
export const COOL_DOWN_MS = 5_000

interface Run {
  id: string
  owner: HostClient
  /** The frame the page must acknowledge next, and how to wake the loop waiting for it (`fail` ends the run with an error). */
  waiting: { seq: number; done(acked: boolean): void; fail(e: Error): void } | null
  cancelled: boolean
  /** Set when the run outlived its bound: the error `measure` rejects with. */
  expired: Error | null
  /** Stops the copy figures, which take seconds of the host's time after the last frame. */
  stop: AbortController
}

/**
 * "Measure performance…" in the host: full 1080p frames to the asking window through the same
 * transport and routing as a session's frames, each timed from send to the page's ack, then the
 * copy costs `tessera bench --frames` reports. One run at a time over all windows (each frame is
 * 8 MB on the link), bounded in time, and a cool-down between one window's runs; the frame's
 * memory is made once per run and sent again for every pass.
 */
export class FrameBenchRuns {
  private run: Run | null = null
  /** When each window's last run ended (performance.now()), for the cool-down. */
  private readonly lastEnded = new WeakMap<HostClient, number>()

  constructor(private readonly host: FrameBenchHost) {}

  /** Who gets the frames of run `id` (the endpoint's routing), or undefined. */
  ownerOf(id: string): HostClient | undefined {
    return this.run?.id === id ? this.run.owner : undefined
  }

  /** Runs one measurement for `owner`: its figures, or null when cancelled. */
  async measure(passes: number, owner: HostClient | undefined): Promise<FrameBenchReport | null> {
    if (!owner) throw hostError('refused', 'HOST_BENCH_NO_ANSWER', 'only a window can be measured')
    if (this.run) throw hostError('refused', 'HOST_BENCH_BUSY', 'another window is measuring performance')
    const coolDownMs = this.host.coolDownMs ?? COOL_DOWN_MS
    const ended = this.lastEnded.get(owner)
    if (ended !== undefined && performance.now() - ended < coolDownMs) {
      const wait = Math.ceil((coolDownMs - (performance.now() - ended)) / 1000)
      throw hostError('refused', 'HOST_BENCH_TOO_SOON', `this window measured moments ago; it may measure again in ${wait} s`)
    }
    const run: Run = { id: BENCH_ID_PREFIX + randomUUID(), owner, waiting: null, cancelled: false, expired: null, stop: new AbortController() }
    this.run = run
    const limitMs = this.host.runLimitMs ?? RUN_LIMIT_MS
    const deadline = setTimeout(() => {
      run.expired = hostError('timeout', 'HOST_BENCH_TOO_SLOW', `the measurement took longer than ${Math.round(limitMs / 1000)} s and was stopped`)
      run.waiting?.fail(run.expired)
      run.stop.abort()
    }, limitMs)
    let slowestMs = 0
    try {
      const width = BENCH_WIDTH
      const height = BENCH_HEIGHT
      const pixels = noiseFrame(width, height)
      const ops = Int32Array.of(3, 0, 0, width, height, 0, 0, 0)
      const images = new Uint8Array(0)
      const received: number[] = []
      const painted: number[] = []
      for (let seq = 0; seq < benchFrameCount(passes); seq++) {
        const answered = this.answer(run, seq, this.allowance(seq, slowestMs))
        const t = performance.now()
        this.host.send({ sessionId: run.id, seq, ops, pixels, images })
        // A cancel may come in the same tick as this frame's ack: the run is over either way.
        if (!(await answered) || run.cancelled) return null
        const ms = performance.now() - t
        slowestMs = Math.max(slowestMs, ms)
        // seq 0 and passes+1 warm the path up (first allocations, first paint): not timed.
        if (seq !== 0 && seq !== passes + 1) (benchPaints(seq, passes) ? painted : received).push(ms)
      }
      let copies: CopyFigure[]
      try {
        copies = await this.host.copies(width, height, passes, run.stop.signal)
      } catch (e) {
        if (run.cancelled) return null
        throw run.expired ?? e
      }
      if (run.cancelled) return null
      if (run.expired) throw run.expired
      const bytes = pixels.byteLength
      return {
        width,
        height,
        frameBytes: bytes,
        passes,
        received: figure(received, bytes),
        painted: figure(painted, bytes),
        copies: copies.map((c) => ({ step: c.id, medianMs: c.medianMs, minMs: c.minMs, mbPerSec: c.gbPerSec * 1000 })),
      }
    } finally {
      clearTimeout(deadline)
      run.waiting = null
      this.run = null
      this.lastEnded.set(owner, performance.now())
    }
  }

  /** The page has frame `seq` of `runId`. Late, repeated or foreign acks are ignored: they only come from a run that ended. */
  ack(runId: string, seq: number, owner: HostClient | undefined): void {
    const run = this.run
    if (!run || run.id !== runId || run.owner !== owner || run.waiting?.seq !== seq) return
    run.waiting.done(true)
  }

  /** Stops `owner`'s run, if it has one; its `measure` resolves with null. */
  cancel(owner: HostClient | undefined): void {
    const run = this.run
    if (!run || run.owner !== owner) return
    run.cancelled = true
    run.waiting?.done(false)
    run.stop.abort()
  }

  /** Stops whatever run there is (the host shuts down). */
  cancelAll(): void {
    if (this.run) this.cancel(this.run.owner)
  }

  /**
   * How long the page may take over frame `seq`: the first frame (first allocations, a cold
   * path) gets the whole ack timeout; later ones eight times the slowest so far, at least
   * `stallMs`, so a page that stops answering frees the slot within seconds.
   */
  private allowance(seq: number, slowestMs: number): number {
    const most = this.host.ackTimeoutMs
    if (seq === 0) return most
    return Math.min(most, Math.max(this.host.stallMs ?? STALL_MS, STALL_FACTOR * slowestMs))
  }

  /** Resolves true when the page acks frame `seq`, false when the run is cancelled; rejects when the page stays silent `ms` or the run expires. */
  private answer(run: Run, seq: number, ms: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (run.expired) return reject(run.expired)
      const timer = setTimeout(() => {
        run.waiting = null
        reject(hostError('timeout', 'HOST_BENCH_NO_ANSWER', `the window did not acknowledge frame ${seq} within ${Math.round(ms)} ms`))
      }, ms)
      const settle = (): void => {
        clearTimeout(timer)
        run.waiting = null
      }
      run.waiting = {
        seq,
        done: (acked) => (settle(), resolve(acked)),
        fail: (e) => (settle(), reject(e)),
      }
    })
  }
}

/** Median and fastest of `times`, and the frame bytes over the median in MB/s. */
export function figure(times: readonly number[], bytes: number): BenchFigure {
  const { medianMs, minMs } = medianAndFastest(times)
  return { medianMs, minMs, mbPerSec: bytes / 1e6 / (medianMs / 1000) }
}

/**
 * A frame of noise (opaque RGBX): nothing in it packs, so browser mode's pixel runs give up and
 * send it whole, as they do a frame of video: the path's worst case, and the same bytes for both transports.
 */
function noiseFrame(width: number, height: number): Uint8Array {
  const words = new Uint32Array(width * height)
  let x = 0x9e3779b9
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    words[i] = x | 0xff000000
  }
  return new Uint8Array(words.buffer)
}
