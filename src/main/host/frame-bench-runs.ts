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
  /** How long the page may take to acknowledge one frame. */
  ackTimeoutMs: number
}

interface Run {
  id: string
  owner: HostClient
  /** The frame the page must acknowledge next, and how to wake the loop waiting for it. */
  waiting: { seq: number; done(acked: boolean): void } | null
  cancelled: boolean
  /** Stops the copy figures, which take seconds of the host's time after the last frame. */
  stop: AbortController
}

/**
 * "Measure performance…" in the host: full 1080p frames to the asking window through the same
 * transport and routing as a session's frames, each timed from send to the page's ack, then the
 * copy costs `tessera bench --frames` reports. One run at a time over all windows (each frame is
 * 8 MB on the link); the frame's memory is made once per run and sent again for every pass.
 */
export class FrameBenchRuns {
  private run: Run | null = null

  constructor(private readonly host: FrameBenchHost) {}

  /** Who gets the frames of run `id` (the endpoint's routing), or undefined. */
  ownerOf(id: string): HostClient | undefined {
    return this.run?.id === id ? this.run.owner : undefined
  }

  /** Runs one measurement for `owner`: its figures, or null when cancelled. */
  async measure(passes: number, owner: HostClient | undefined): Promise<FrameBenchReport | null> {
    if (!owner) throw hostError('refused', 'HOST_BENCH_NO_ANSWER', 'only a window can be measured')
    if (this.run) throw hostError('refused', 'HOST_BENCH_BUSY', 'another window is measuring performance')
    const run: Run = { id: BENCH_ID_PREFIX + randomUUID(), owner, waiting: null, cancelled: false, stop: new AbortController() }
    this.run = run
    try {
      const width = BENCH_WIDTH
      const height = BENCH_HEIGHT
      const pixels = noiseFrame(width, height)
      const ops = Int32Array.of(3, 0, 0, width, height, 0, 0, 0)
      const images = new Uint8Array(0)
      const received: number[] = []
      const painted: number[] = []
      for (let seq = 0; seq < benchFrameCount(passes); seq++) {
        const answered = this.answer(run, seq)
        const t = performance.now()
        this.host.send({ sessionId: run.id, seq, ops, pixels, images })
        // A cancel may come in the same tick as this frame's ack: the run is over either way.
        if (!(await answered) || run.cancelled) return null
        const ms = performance.now() - t
        // seq 0 and passes+1 warm the path up (first allocations, first paint): not timed.
        if (seq !== 0 && seq !== passes + 1) (benchPaints(seq, passes) ? painted : received).push(ms)
      }
      let copies: CopyFigure[]
      try {
        copies = await this.host.copies(width, height, passes, run.stop.signal)
      } catch (e) {
        if (run.cancelled) return null
        throw e
      }
      if (run.cancelled) return null
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
      run.waiting = null
      this.run = null
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

  /** Resolves true when the page acks frame `seq`, false when the run is cancelled; rejects when the page stays silent. */
  private answer(run: Run, seq: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        run.waiting = null
        reject(hostError('timeout', 'HOST_BENCH_NO_ANSWER', `the window did not acknowledge frame ${seq} within ${this.host.ackTimeoutMs} ms`))
      }, this.host.ackTimeoutMs)
      run.waiting = {
        seq,
        done: (acked) => {
          clearTimeout(timer)
          run.waiting = null
          resolve(acked)
        },
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
