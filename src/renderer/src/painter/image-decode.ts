import type { ImageJob, ImageJobResult } from './image-worker'

/** A decoded JPEG or PNG, ready to draw; close() frees its pixels. */
export interface DecodedImage {
  source: CanvasImageSource
  width: number
  height: number
  close(): void
}

/** Decodes one image's bytes; rejects when they are not a picture. */
export type ImageDecodeFn = (type: 'image/jpeg' | 'image/png', bytes: Uint8Array<ArrayBuffer>) => Promise<DecodedImage>

/**
 * Decodes images off the page's main thread, in parallel: a pool of workers (image-worker.ts)
 * shared by every painter of the page, started at the first image. Where workers cannot run (no
 * Worker, or the worker script fails to load), images are decoded by createImageBitmap on the page,
 * which Chromium also runs off the main thread but with more main-thread work per image.
 */
export const decodeImage: ImageDecodeFn = (type, bytes) => {
  pool ??= typeof Worker === 'function' ? new WorkerPool() : null
  return pool && !pool.broken ? pool.decode(type, bytes) : decodeOnPage(type, bytes)
}

/** createImageBitmap on the page: the fallback, and the only path where there are no workers. */
export async function decodeOnPage(type: string, bytes: Uint8Array<ArrayBuffer>): Promise<DecodedImage> {
  return wrap(await createImageBitmap(new Blob([bytes], { type })))
}

function wrap(picture: ImageBitmap | VideoFrame): DecodedImage {
  // A VideoFrame's size is its display size, which is what drawImage's source rect counts in.
  if ('displayWidth' in picture) return { source: picture, width: picture.displayWidth, height: picture.displayHeight, close: () => picture.close() }
  return { source: picture, width: picture.width, height: picture.height, close: () => picture.close() }
}

let pool: WorkerPool | null = null

/**
 * How long a worker may take to answer a job. Painting waits for each image in order, so a worker
 * that never answers (a decoder stuck on crafted bytes) would freeze the session's picture for
 * good: past this its jobs fail (the painter asks for a full refresh) and a fresh worker takes over.
 * Far above any real decode of a rect; the host gives up waiting for an ack as soon.
 */
export const IMAGE_ANSWER_TIMEOUT_MS = 5_000

interface Job {
  type: string
  bytes: Uint8Array<ArrayBuffer>
  resolve(image: DecodedImage): void
  reject(e: Error): void
  timer: ReturnType<typeof setTimeout>
}

interface Slot {
  worker: Worker
  jobs: Map<number, Job>
}

/**
 * Two workers even on two cores: one decodes while the other's picture crosses back; measured
 * faster than one (docs/performance.md). Jobs go round-robin; answers may come in any order and
 * the painter puts them back in op order.
 */
class WorkerPool {
  broken = false
  private readonly workers: Slot[] = []
  private next = 0
  private lastId = 0

  constructor() {
    const count = Math.min(4, Math.max(2, Math.floor((navigator.hardwareConcurrency || 2) / 2)))
    try {
      for (let i = 0; i < count; i++) this.workers.push(this.start())
    } catch {
      this.breakDown()
    }
  }

  private start(): Slot {
    const worker = new Worker(new URL('./image-worker.ts', import.meta.url), { type: 'module', name: 'tessera-images' })
    const slot: Slot = { worker, jobs: new Map() }
    worker.onmessage = (e: MessageEvent<ImageJobResult>) => this.answer(slot.jobs, e.data)
    worker.onerror = () => this.breakDown()
    return slot
  }

  decode(type: string, bytes: Uint8Array<ArrayBuffer>): Promise<DecodedImage> {
    return new Promise((resolve, reject) => {
      const slot = this.workers[this.next++ % this.workers.length]
      const id = ++this.lastId
      const timer = setTimeout(() => this.hung(slot), IMAGE_ANSWER_TIMEOUT_MS)
      slot.jobs.set(id, { type, bytes, resolve, reject, timer })
      // A copy goes over (transferred, not cloned again): the batch's buffer stays the painter's.
      const copy = bytes.slice()
      const job: ImageJob = { id, type, bytes: copy }
      slot.worker.postMessage(job, [copy.buffer])
    })
  }

  private answer(jobs: Map<number, Job>, result: ImageJobResult): void {
    const job = jobs.get(result.id)
    if (!job) {
      // Nobody waits for it (cannot happen today): free its pixels now, not at garbage collection.
      if ('picture' in result) result.picture.close()
      return
    }
    jobs.delete(result.id)
    clearTimeout(job.timer)
    if ('picture' in result) job.resolve(wrap(result.picture))
    else job.reject(new Error(result.error))
  }

  /** A worker let a job go unanswered too long: its jobs fail and a fresh worker takes its place. */
  private hung(slot: Slot): void {
    const at = this.workers.indexOf(slot)
    if (at < 0) return
    slot.worker.terminate()
    for (const job of slot.jobs.values()) {
      clearTimeout(job.timer)
      job.reject(new Error(`the image decoder did not answer within ${IMAGE_ANSWER_TIMEOUT_MS} ms`))
    }
    slot.jobs.clear()
    try {
      this.workers[at] = this.start()
    } catch {
      this.breakDown()
    }
  }

  // A worker that cannot load (a policy, a packaging fault) must not lose pictures: what it held
  // is decoded on the page, and so is everything after.
  private breakDown(): void {
    this.broken = true
    for (const slot of this.workers) {
      slot.worker.terminate()
      for (const job of slot.jobs.values()) clearTimeout(job.timer)
      for (const job of slot.jobs.values()) decodeOnPage(job.type, job.bytes).then(job.resolve, job.reject)
      slot.jobs.clear()
    }
  }
}
