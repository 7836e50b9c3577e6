import { describe, expect, it } from 'vitest'
import type { HostClient } from '../../../src/main/host/endpoint'
import { type CopyFigure, type FrameBenchHost, FrameBenchRuns } from '../../../src/main/host/frame-bench-runs'
import { benchFrames, workerRoundTrips } from '../../../src/main/host/frame-copy-bench'
import { MAX_BENCH_PASSES, benchFrameCount } from '../../../src/shared/frame-bench'

// Cancelling "Measure performance…" (the dialog's Cancel, or its window closing) after the last
// frame, while the host measures the copies: the copies stop too, instead of taking the host's
// time and the one run slot for seconds more.

describe('a cancelled measurement stops its copy figures', () => {
  it('tells the copies to stop, and the run ends at once', async () => {
    const owner: HostClient = { deliver: () => {} }
    let copying: (() => void) | null = null
    const copyPhase = new Promise<void>((r) => (copying = r))
    let stopped = false
    let frames = 0
    const runs: FrameBenchRuns = new FrameBenchRuns({
      // The page answers every frame at once.
      send: (b) => {
        frames++
        queueMicrotask(() => runs.ack(b.sessionId, b.seq, owner))
      },
      copies: (_w, _h, _passes, signal) =>
        new Promise<CopyFigure[]>((resolve, reject) => {
          copying!()
          // Stands for seconds of copies; a stop ends them early.
          const timer = setTimeout(() => resolve([]), 3_000)
          signal?.addEventListener('abort', () => {
            stopped = true
            clearTimeout(timer)
            reject(signal.reason)
          })
        }),
      ackTimeoutMs: 5_000,
    })
    const measuring = runs.measure(2, owner)
    await copyPhase
    expect(frames).toBe(benchFrameCount(2))
    runs.cancel(owner)
    await expect(measuring).resolves.toBeNull()
    expect(stopped).toBe(true)
    // The slot is free for the next window.
    const other: HostClient = { deliver: () => {} }
    const next = runs.measure(1, other)
    await copyPhase
    runs.cancel(other)
    await expect(next).resolves.toBeNull()
  })

  it('benchFrames stops between passes when its signal is aborted', async () => {
    const stop = new AbortController()
    const running = benchFrames(640, 480, 100, stop.signal)
    setImmediate(() => stop.abort())
    await expect(running).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('the copy figures with a worker thread that dies', () => {
  it('rejects instead of waiting for an ack that never comes', async () => {
    const dies = `const { parentPort } = require('node:worker_threads')
parentPort.on('message', (m) => m.port.on('message', () => process.exit(3)))`
    const frame = new Uint8Array(4096)
    await expect(workerRoundTrips(frame, 3, false, undefined, dies)).rejects.toThrow(/worker thread stopped \(exit code 3\)/)
  })
})

/** A FrameBenchRuns whose pages ack each frame after `ackAfterMs` (or never, from frame `silentFrom` on). */
function benchRuns(
  o: { ackAfterMs?: number; silentFrom?: number; copies?: (signal: AbortSignal) => Promise<CopyFigure[]> } & Partial<
    Pick<FrameBenchHost, 'ackTimeoutMs' | 'stallMs' | 'runLimitMs' | 'coolDownMs'>
  >,
): { runs: FrameBenchRuns; sent: number[] } {
  const sent: number[] = []
  const runs: FrameBenchRuns = new FrameBenchRuns({
    send: (b) => {
      sent.push(b.seq)
      if (o.silentFrom !== undefined && b.seq >= o.silentFrom) return
      const page = runs.ownerOf(b.sessionId)
      setTimeout(() => runs.ack(b.sessionId, b.seq, page), o.ackAfterMs ?? 0)
    },
    copies: (_w, _h, _passes, signal) => (o.copies ? o.copies(signal) : Promise.resolve([])),
    ackTimeoutMs: o.ackTimeoutMs ?? 60_000,
    stallMs: o.stallMs,
    runLimitMs: o.runLimitMs,
    coolDownMs: o.coolDownMs,
  })
  return { runs, sent }
}

// Without a bound, a page answering each of up to 202 frames just inside the ack timeout held the
// one run slot (every window's "Measure performance…") for ~100 minutes.
describe('a run holds the slot for a bounded time', () => {
  it('gives up on a page that was quick and then went silent after the stall time, not the whole ack timeout', async () => {
    const owner: HostClient = { deliver: () => {} }
    // The test's own 5 s timeout would end it long before a 60 s ack timeout.
    const { runs, sent } = benchRuns({ silentFrom: 3, ackTimeoutMs: 60_000, stallMs: 50 })
    await expect(runs.measure(20, owner)).rejects.toMatchObject({ error: { code: 'HOST_BENCH_NO_ANSWER', kind: 'timeout' } })
    expect(sent).toEqual([0, 1, 2, 3])
  })

  it('gives the first frame the whole ack timeout (a cold path may be slow)', async () => {
    const owner: HostClient = { deliver: () => {} }
    const { runs, sent } = benchRuns({ ackAfterMs: 150, ackTimeoutMs: 2_000, stallMs: 20, runLimitMs: 10_000 })
    // Frame 0 takes 150 ms, over the stall time; later frames get eight times that.
    await expect(runs.measure(1, owner)).resolves.not.toBeNull()
    expect(sent).toEqual([0, 1, 2, 3])
  })

  it('stops a run that outlives its bound while the page keeps answering, and frees the slot', async () => {
    const owner: HostClient = { deliver: () => {} }
    const { runs, sent } = benchRuns({ ackAfterMs: 10, runLimitMs: 200 })
    await expect(runs.measure(MAX_BENCH_PASSES, owner)).rejects.toMatchObject({ error: { code: 'HOST_BENCH_TOO_SLOW', kind: 'timeout' } })
    expect(sent.length).toBeGreaterThan(0)
    expect(sent.length).toBeLessThan(benchFrameCount(MAX_BENCH_PASSES))
    // The slot is free: another window measures at once.
    const other: HostClient = { deliver: () => {} }
    sent.length = 0
    await expect(runs.measure(1, other)).resolves.not.toBeNull()
    expect(sent).toHaveLength(benchFrameCount(1))
  })

  it('stops the copy figures too when the bound runs out while they are measured', async () => {
    const owner: HostClient = { deliver: () => {} }
    let aborted = false
    const copies = (signal: AbortSignal): Promise<CopyFigure[]> =>
      new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => {
          aborted = true
          reject(signal.reason)
        }),
      )
    const { runs } = benchRuns({ runLimitMs: 100, copies })
    await expect(runs.measure(1, owner)).rejects.toMatchObject({ error: { code: 'HOST_BENCH_TOO_SLOW' } })
    expect(aborted).toBe(true)
  })
})

describe('how often a window may start a run', () => {
  it('refuses a second run from the same window during the cool-down, finished or cancelled, and not another window’s', async () => {
    const owner: HostClient = { deliver: () => {} }
    const other: HostClient = { deliver: () => {} }
    const sent: string[] = []
    const runs: FrameBenchRuns = new FrameBenchRuns({
      send: (b) => {
        sent.push(b.sessionId)
        queueMicrotask(() => {
          runs.ack(b.sessionId, b.seq, owner)
          runs.ack(b.sessionId, b.seq, other)
        })
      },
      copies: async () => [],
      ackTimeoutMs: 1_000,
      coolDownMs: 300,
    })
    await expect(runs.measure(1, owner)).resolves.not.toBeNull()
    const before = sent.length
    await expect(runs.measure(1, owner)).rejects.toMatchObject({ error: { code: 'HOST_BENCH_TOO_SOON', kind: 'refused' } })
    // Refused before a frame went out.
    expect(sent.length).toBe(before)
    await expect(runs.measure(1, other)).resolves.not.toBeNull()
    await new Promise((r) => setTimeout(r, 350))
    // A cancelled run starts the cool-down as well.
    const cancelled = runs.measure(1, owner)
    runs.cancel(owner)
    await expect(cancelled).resolves.toBeNull()
    await expect(runs.measure(1, owner)).rejects.toMatchObject({ error: { code: 'HOST_BENCH_TOO_SOON' } })
    await new Promise((r) => setTimeout(r, 350))
    await expect(runs.measure(1, owner)).resolves.not.toBeNull()
  })
})
