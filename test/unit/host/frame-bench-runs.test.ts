import { describe, expect, it } from 'vitest'
import type { HostClient } from '../../../src/main/host/endpoint'
import { type CopyFigure, FrameBenchRuns } from '../../../src/main/host/frame-bench-runs'
import { benchFrames, workerRoundTrips } from '../../../src/main/host/frame-copy-bench'
import { benchFrameCount } from '../../../src/shared/frame-bench'

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
