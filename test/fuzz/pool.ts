import { Worker } from 'node:worker_threads'
import type { CaseKind, CaseOutcome } from './engine-case'

/** Outcome of one case as the runner sees it: the worker's, or what the runner observed. */
export type FuzzKind = CaseKind | 'hang' | 'oom' | 'memory'

export interface Verdict extends Omit<CaseOutcome, 'kind'> {
  kind: FuzzKind
}

export interface PoolOptions {
  /** A case still running after this is a hang; the worker is killed and replaced. */
  timeoutMs?: number
  /** V8 heap ceiling of the worker; exceeding it is 'oom'. */
  heapMb?: number
  /** ArrayBuffer memory (framebuffers, decoded images) above this after a case is 'memory'. */
  memoryCeilingBytes?: number
}

interface Pending {
  id: number
  resolve: (v: Verdict) => void
  timer: NodeJS.Timeout
}

const WORKER = new URL('./worker.mjs', import.meta.url)

/**
 * Runs cases one at a time in a worker thread, so a case that never returns (an endless loop in
 * a decoder) can be stopped by terminating the worker, and one that exhausts memory takes down
 * only the worker. A fresh worker is started after either.
 */
export class FuzzPool {
  private worker: Worker | null = null
  private ready: Promise<void> | null = null
  private pending: Pending | null = null
  private nextId = 1
  private readonly timeoutMs: number
  private readonly heapMb: number
  private readonly ceiling: number

  constructor(opts: PoolOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 5000
    this.heapMb = opts.heapMb ?? 512
    this.ceiling = opts.memoryCeilingBytes ?? 512 * 1024 * 1024
  }

  private start(): Promise<void> {
    const w = new Worker(WORKER, { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } })
    this.worker = w
    this.ready = new Promise((resolve, reject) => {
      const onReady = (m: { ready?: boolean }): void => {
        if (!m.ready) return
        w.off('message', onReady)
        w.off('error', reject)
        resolve()
      }
      w.on('message', onReady)
      w.once('error', reject)
    })
    w.on('message', (m: { id?: number; outcome?: CaseOutcome }) => {
      const p = this.pending
      if (!p || m.id !== p.id || !m.outcome) return
      this.settle({ ...m.outcome, kind: m.outcome.kind !== 'crash' && m.outcome.arrayBuffers > this.ceiling ? 'memory' : m.outcome.kind })
    })
    w.on('error', (err: Error & { code?: string }) => {
      if (this.worker !== w) return
      this.worker = null
      const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY'
      this.settle(blank(oom ? 'oom' : 'crash', err.code ?? 'worker error', err.message, err.stack))
    })
    w.on('exit', (code) => {
      if (this.worker !== w) return
      this.worker = null
      this.settle(blank('crash', 'worker exit', `the worker exited with code ${code}`))
    })
    return this.ready
  }

  private settle(v: Verdict): void {
    const p = this.pending
    if (!p) return
    this.pending = null
    clearTimeout(p.timer)
    p.resolve(v)
  }

  /** Replays one recording (FBS bytes, see fbs-wrap.ts) through the engine; never rejects. */
  async run(fbs: Uint8Array, chunkSize = 64 * 1024): Promise<Verdict> {
    if (this.pending) throw new Error('FuzzPool runs one case at a time')
    if (!this.worker) await this.start()
    else await this.ready
    const w = this.worker!
    const id = this.nextId++
    return new Promise<Verdict>((resolve) => {
      const timer = setTimeout(() => {
        this.worker = null
        void w.terminate()
        this.settle(blank('hang', 'timeout', `no result within ${this.timeoutMs} ms`))
      }, this.timeoutMs)
      this.pending = { id, resolve, timer }
      w.postMessage({ id, fbs, chunkSize })
    })
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = null
    if (w) await w.terminate()
  }
}

function blank(kind: FuzzKind, code: string, message: string, stack?: string): Verdict {
  return { kind, code, message, stack, updates: 0, ms: 0, arrayBuffers: 0, heapUsed: 0 }
}
