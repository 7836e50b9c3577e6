import { int, none, object, string } from './validate'

/**
 * "Measure performance…": the host times full-frame batches sent to the asking window through
 * the transport every session frame takes (Electron IPC, or browser mode's WebSocket), the page
 * acknowledging each; plus the copy costs `tessera bench --frames` measures. docs/performance.md
 * ("Electron path") says what the figures mean.
 */

/** The frame every round trip sends: a full 1080p screen, 4 bytes a pixel (8.3 MB). */
export const BENCH_WIDTH = 1920
export const BENCH_HEIGHT = 1080
/** Timed round trips per figure, when the page does not say. */
export const BENCH_PASSES = 20
export const MAX_BENCH_PASSES = 100
/** A run's frames are `session.frame` batches whose sessionId starts with this (session ids are UUIDs, never this). */
export const BENCH_ID_PREFIX = 'bench-'

/** One timed figure: median and fastest of the passes, and the frame bytes over the median. */
export interface BenchFigure {
  medianMs: number
  minMs: number
  mbPerSec: number
}

/** The copies a frame makes on its way, as `tessera bench --frames` names them (src/main/host/frame-copy-bench.ts). */
export const BENCH_COPY_STEPS = ['detach', 'reuse', 'serialize', 'deserialize', 'clone', 'wsEncode', 'canvasCopy', 'portCopied', 'portMoved'] as const
export type BenchCopyStep = (typeof BENCH_COPY_STEPS)[number]

export interface FrameBenchReport {
  width: number
  height: number
  frameBytes: number
  passes: number
  /** Send → the page holds the batch in an ArrayBuffer → its ack is back in the host. */
  received: BenchFigure
  /** The same with the page's putImageData of the whole frame into an offscreen canvas before the ack. */
  painted: BenchFigure
  /** The copies measured inside the host. */
  copies: (BenchFigure & { step: BenchCopyStep })[]
}

export interface BenchRequests {
  /**
   * Runs one measurement for the asking window and resolves with its figures when done, or null
   * when cancelled. One run at a time in the whole host. Meanwhile the window gets the run's
   * frames as `session.frame` events and must answer each with `bench.ack`.
   */
  'bench.run': [{ passes: number }, FrameBenchReport | null]
  /** The page has frame `seq` of run `runId` (and painted it, when `benchPaints` says so). */
  'bench.ack': [{ runId: string; seq: number }, void]
  /** Stops the asking window's run, if any: its `bench.run` resolves with null. */
  'bench.cancel': [void, void]
}

export const benchRequestSchemas = {
  'bench.run': object({ passes: int(1, MAX_BENCH_PASSES) }),
  'bench.ack': object({ runId: string({ min: 1, max: 64, pattern: /^bench-[A-Za-z0-9-]+$/ }), seq: int(0, 2 * MAX_BENCH_PASSES + 1) }),
  'bench.cancel': none(),
}

/**
 * The order of a run's frames: seq 0 warms the path up, 1..passes are timed as received;
 * passes+1 warms the painting, passes+2..2·passes+1 are timed as painted.
 */
export function benchPaints(seq: number, passes: number): boolean {
  return seq > passes
}

/** How many frames a run of `passes` sends. */
export function benchFrameCount(passes: number): number {
  return 2 * passes + 2
}
