// `tessera bench --frames`: what handing one full frame from the engine to a renderer costs on
// this machine, step by step, so a user can compare their figures with docs/performance.md
// ("Electron path"). Every step is one of the copies a frame makes on its way to the canvas.
import { deserialize, serialize } from 'node:v8'
import { MessageChannel, Worker } from 'node:worker_threads'
import type { BenchCopyStep } from '@shared/frame-bench'
import type { FrameBatch } from '@shared/ops'
import { encodeServerMessage } from '@shared/ws-codec'
import { detachBatch } from './batch-sink'
import { BatchCopier } from '../shell/batch-copier'

/** One measured step: median and fastest of the timed passes. */
export interface FrameStep {
  /** The step's stable name (the app's "Measure performance…" words it from this). */
  id: BenchCopyStep
  step: string
  /** Which hop of which path the step stands for. */
  standsFor: string
  medianMs: number
  minMs: number
  /** Frame bytes over the median time. */
  gbPerSec: number
}

export interface FrameBenchResult {
  width: number
  height: number
  frameBytes: number
  passes: number
  steps: FrameStep[]
}

// The worker echoes a 4-byte ack for every frame, as the renderer acks a painted batch.
const ECHO = `const { parentPort } = require('node:worker_threads')
parentPort.on('message', (m) => {
  const port = m.port
  port.on('message', (f) => port.postMessage(f.byteLength))
})`

/** A full-screen batch as the engine makes it: one Pixels op over the whole frame, in reusable sink memory (larger than the frame). */
function fullFrameBatch(width: number, height: number): FrameBatch {
  const bytes = width * height * 4
  const memory = new Uint8Array(bytes + (bytes >> 2))
  for (let i = 0; i < bytes; i += 4096) memory[i] = i & 255
  const ops = new Int32Array(8)
  ops.set([3, 0, 0, width, height, 0, 0, 0])
  return { sessionId: 'bench', seq: 1, ops, pixels: memory.subarray(0, bytes), images: new Uint8Array(0) }
}

/** Lets the event loop run between passes: in Electron this is the main process, whose windows must not freeze for the whole benchmark. */
const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

async function time(passes: number, run: () => void, signal?: AbortSignal): Promise<number[]> {
  const out: number[] = []
  signal?.throwIfAborted()
  run() // warm: page faults and JIT out of the figures
  for (let i = 0; i < passes; i++) {
    await yieldTurn()
    // A window that closed or cancelled its measurement stops the copies too, not only its frames.
    signal?.throwIfAborted()
    const t = performance.now()
    run()
    out.push(performance.now() - t)
  }
  return out
}

/** Median and fastest of timed passes (also the figures of "Measure performance…"'s round trips). */
export function medianAndFastest(times: readonly number[]): { medianMs: number; minMs: number } {
  const sorted = [...times].sort((a, b) => a - b)
  return { medianMs: sorted[sorted.length >> 1], minMs: sorted[0] }
}

function step(id: BenchCopyStep, name: string, standsFor: string, times: number[], bytes: number): FrameStep {
  const { medianMs, minMs } = medianAndFastest(times)
  return { id, step: name, standsFor, medianMs, minMs, gbPerSec: bytes / 1e9 / (medianMs / 1000) }
}

/**
 * Round trips of a frame to a worker thread over a MessagePort and its ack back, copied or
 * transferred. A worker that dies (out of memory, a crash) rejects instead of leaving the run
 * waiting for an ack forever; `source` is the worker's code (tests give one that dies).
 */
export async function workerRoundTrips(frame: Uint8Array, passes: number, transfer: boolean, signal?: AbortSignal, source = ECHO): Promise<number[]> {
  signal?.throwIfAborted()
  const worker = new Worker(source, { eval: true })
  const { port1, port2 } = new MessageChannel()
  const gone = new Promise<never>((_, reject) => {
    worker.once('error', (e) => reject(new Error(`the benchmark's worker thread failed: ${e.message}`)))
    worker.once('exit', (code) => reject(new Error(`the benchmark's worker thread stopped (exit code ${code})`)))
  })
  gone.catch(() => undefined)
  worker.postMessage({ port: port2 }, [port2])
  const out: number[] = []
  try {
    for (let i = 0; i <= passes; i++) {
      if (i > 0) signal?.throwIfAborted()
      // A transferred buffer is gone from this side: each pass sends a fresh copy, made before the clock starts.
      const payload = transfer ? frame.slice() : frame
      const acked = new Promise<void>((ok) => port1.once('message', () => ok()))
      const t = performance.now()
      port1.postMessage(payload, transfer ? [payload.buffer as ArrayBuffer] : [])
      await Promise.race([acked, gone])
      if (i > 0) out.push(performance.now() - t) // pass 0 warms the worker up
    }
    return out
  } finally {
    port1.close()
    await worker.terminate()
  }
}

/** Times each copy a full `width`x`height` frame makes between the engine and a renderer; `signal` stops it between passes (rejects). */
export async function benchFrames(width = 1920, height = 1080, passes = 20, signal?: AbortSignal): Promise<FrameBenchResult> {
  const batch = fullFrameBatch(width, height)
  const bytes = batch.pixels.byteLength
  const detached = detachBatch(batch)
  const copier = new BatchCopier()
  // The pixels as a plain ArrayBuffer: V8's serializer copies its bytes in and its deserializer
  // out into a new ArrayBuffer, as Chromium's structured clone does (Node's own handling of a
  // Uint8Array would hand back a view of the message, which no renderer gets).
  const message = { seq: detached.seq, ops: detached.ops.buffer, pixels: detached.pixels.buffer }
  const serialized = serialize(message)
  const canvas = new Uint8Array(bytes)
  // As the web server's FramePool: warm memory reused for every message.
  let pool = new Uint8Array(0)
  const alloc = (size: number): Uint8Array => (pool.length >= size ? pool : (pool = new Uint8Array(size)))
  const steps: FrameStep[] = [
    step(
      'detach',
      'copy (detachBatch)',
      'an exact-size copy of the sink memory into fresh memory (Electron before BatchCopier)',
      await time(passes, () => detachBatch(batch), signal),
      bytes,
    ),
    step(
      'reuse',
      'copy into reused memory',
      'Electron: the same copy into memory kept from the last frame of that size (BatchCopier, what the app does)',
      await time(passes, () => copier.copy(batch), signal),
      bytes,
    ),
    step(
      'serialize',
      'v8 serialize',
      'Electron: structured clone of the batch in main (webContents.send)',
      await time(passes, () => serialize(message), signal),
      bytes,
    ),
    step(
      'deserialize',
      'v8 deserialize',
      'Electron: the renderer reads the message into a new ArrayBuffer',
      await time(passes, () => deserialize(serialized), signal),
      bytes,
    ),
    step(
      'clone',
      'structuredClone',
      'Electron: contextBridge clones the batch from the preload into the page',
      await time(passes, () => structuredClone(detached), signal),
      bytes,
    ),
    step(
      'wsEncode',
      'ws-codec encode',
      'browser mode: the batch into one WebSocket message (pooled memory)',
      await time(passes, () => encodeServerMessage({ type: 'event', name: 'session.frame', payload: batch }, alloc), signal),
      bytes,
    ),
    step(
      'canvasCopy',
      'copy into canvas memory',
      'both: putImageData copies the pixels into the canvas (a typed-array copy as a floor)',
      await time(passes, () => canvas.set(batch.pixels), signal),
      bytes,
    ),
  ]
  const copied = await workerRoundTrips(detached.pixels, passes, false, signal)
  steps.push(step('portCopied', 'MessagePort round trip, copied', 'a frame to another thread and its ack back: clone + hop + ack', copied, bytes))
  const moved = await workerRoundTrips(detached.pixels, passes, true, signal)
  steps.push(step('portMoved', 'MessagePort round trip, transferred', 'the same with the buffer transferred (no copy): the hop and ack alone', moved, bytes))
  return { width, height, frameBytes: bytes, passes, steps }
}
