import { Worker } from 'node:worker_threads'
import type { CaseKind, CaseOptions, CaseOutcome } from './engine-case'

/** Outcome of one case as the runner sees it: the worker's, or what the runner observed. */
export type FuzzKind = CaseKind | 'hang' | 'oom' | 'memory' | 'rss'

export interface Verdict extends Omit<CaseOutcome, 'kind'> {
  kind: FuzzKind
  /**
   * Highest resident memory of the process while the case ran, above where it was when the
   * case was sent, in bytes (sampled every few milliseconds, and once at the end).
   */
  rssPeak: number
}

export interface PoolOptions {
  /** A case still running after this is a hang; the worker is killed and replaced. */
  timeoutMs?: number
  /** V8 heap ceiling of the worker; exceeding it is 'oom'. */
  heapMb?: number
  /** ArrayBuffer memory (framebuffers, decoded images) above this after a case is 'memory'. */
  memoryCeilingBytes?: number
  /**
   * Resident memory a case may add at its peak; beyond it the case is 'rss'. This is what
   * `memoryCeilingBytes` cannot see: WebAssembly memory (the JPEG decoder) and native buffers.
   */
  rssCeilingBytes?: number
  /**
   * A worker whose process has grown this much since the worker started is replaced before the
   * next case, so what one case left behind (WebAssembly memory never shrinks; dropped decoder
   * instances wait for a collection) is not there when the next is measured.
   */
  recycleRssBytes?: number
}

interface Pending {
  id: number
  resolve: (v: Verdict) => void
  timer: NodeJS.Timeout
  /** Process RSS when the case was sent, and the highest seen since. */
  rssBase: number
  rssPeak: number
  sampler: NodeJS.Timeout
}

/** How often the process's resident memory is sampled while a case runs. */
const RSS_SAMPLE_MS = 5

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
  private readonly rssCeiling: number
  private readonly recycleRss: number
  /** Process RSS once the current worker was ready. */
  private workerRss = 0
  /** A worker being terminated for its memory: waited for before the next one starts. */
  private retiring: Promise<unknown> | null = null
  /** Workers replaced because they had grown (see `recycleRssBytes`). */
  recycled = 0

  constructor(opts: PoolOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 5000
    this.heapMb = opts.heapMb ?? 512
    this.ceiling = opts.memoryCeilingBytes ?? 512 * 1024 * 1024
    this.rssCeiling = opts.rssCeilingBytes ?? 512 * 1024 * 1024
    this.recycleRss = opts.recycleRssBytes ?? 192 * 1024 * 1024
  }

  private start(): Promise<void> {
    const w = new Worker(WORKER, { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } })
    this.worker = w
    this.ready = new Promise<void>((resolve, reject) => {
      const onReady = (m: { ready?: boolean }): void => {
        if (!m.ready) return
        w.off('message', onReady)
        w.off('error', reject)
        resolve()
      }
      w.on('message', onReady)
      w.once('error', reject)
    }).then(() => {
      this.workerRss = process.memoryUsage.rss()
    })
    w.on('message', (m: { id?: number; outcome?: CaseOutcome }) => {
      const p = this.pending
      if (!p || m.id !== p.id || !m.outcome) return
      const o = m.outcome
      const rssPeak = this.peak(p)
      const kind = o.kind === 'crash' ? 'crash' : o.arrayBuffers > this.ceiling ? 'memory' : rssPeak > this.rssCeiling ? 'rss' : o.kind
      this.settle({ ...o, kind, rssPeak })
      if (kind === 'rss' || process.memoryUsage.rss() - this.workerRss > this.recycleRss) this.retire(w)
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

  /** The case's peak RSS growth so far, sampling once more now. */
  private peak(p: Pending): number {
    p.rssPeak = Math.max(p.rssPeak, process.memoryUsage.rss())
    return p.rssPeak - p.rssBase
  }

  /** Terminates `w` (if it is still the current worker); the next case starts a fresh one once it is gone. */
  private retire(w: Worker): void {
    if (this.worker !== w) return
    this.worker = null
    this.recycled++
    this.retiring = w.terminate().finally(() => {
      this.retiring = null
    })
  }

  private settle(v: Omit<Verdict, 'rssPeak'> & { rssPeak?: number }): void {
    const p = this.pending
    if (!p) return
    this.pending = null
    clearTimeout(p.timer)
    clearInterval(p.sampler)
    p.resolve({ ...v, rssPeak: v.rssPeak ?? this.peak(p) })
  }

  /** Replays one recording (FBS bytes, see fbs-wrap.ts) through the engine; never rejects. */
  async run(fbs: Uint8Array, chunkSize = 64 * 1024, opts: CaseOptions = {}): Promise<Verdict> {
    if (this.pending) throw new Error('FuzzPool runs one case at a time')
    if (this.retiring) await this.retiring
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
      const rssBase = process.memoryUsage.rss()
      const pending: Pending = { id, resolve, timer, rssBase, rssPeak: rssBase, sampler: setInterval(() => this.peak(pending), RSS_SAMPLE_MS) }
      this.pending = pending
      w.postMessage({ id, fbs, chunkSize, opts })
    })
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = null
    if (w) await w.terminate()
    if (this.retiring) await this.retiring
  }
}

function blank(kind: FuzzKind, code: string, message: string, stack?: string): Omit<Verdict, 'rssPeak'> {
  return { kind, code, message, stack, updates: 0, ms: 0, arrayBuffers: 0, heapUsed: 0, rss: 0, wasm: 0 }
}
