import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ImageJob, ImageJobResult } from '../../../src/renderer/src/painter/image-worker'

/** A Worker that takes jobs and answers only when the test says. */
class FakeWorker {
  static made: FakeWorker[] = []
  onmessage: ((e: { data: ImageJobResult }) => void) | null = null
  onerror: (() => void) | null = null
  jobs: ImageJob[] = []
  terminated = false
  constructor() {
    FakeWorker.made.push(this)
  }
  postMessage(job: ImageJob): void {
    this.jobs.push(job)
  }
  terminate(): void {
    this.terminated = true
  }
  /** Answers its oldest job with a 4x4 picture whose close() is counted. */
  answer(closed: number[]): void {
    const job = this.jobs.shift()!
    this.onmessage?.({ data: { id: job.id, picture: { width: 4, height: 4, close: () => closed.push(job.id) } as unknown as ImageBitmap } })
  }
}

describe('image worker pool', () => {
  beforeEach(() => {
    FakeWorker.made = []
    vi.useFakeTimers()
    vi.stubGlobal('Worker', FakeWorker)
    // The pool is the page's, made at the first image: a fresh module gets a fresh pool.
    vi.resetModules()
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('fails the jobs of a worker that never answers and carries on with a fresh one', async () => {
    const { decodeImage, IMAGE_ANSWER_TIMEOUT_MS } = await import('../../../src/renderer/src/painter/image-decode')
    const bytes = () => new Uint8Array([0xff, 0xd8, 0xff, 0xd9])
    const closed: number[] = []
    let stuckError: Error | null = null
    void decodeImage('image/jpeg', bytes()).catch((e: Error) => (stuckError = e))
    const answered = decodeImage('image/jpeg', bytes())
    const [stuck, live] = FakeWorker.made
    expect(FakeWorker.made.length).toBeGreaterThanOrEqual(2)
    live.answer(closed)
    await expect(answered).resolves.toMatchObject({ width: 4, height: 4 })

    await vi.advanceTimersByTimeAsync(IMAGE_ANSWER_TIMEOUT_MS - 1)
    expect(stuckError).toBeNull()
    await vi.advanceTimersByTimeAsync(1)
    expect(stuckError).toBeInstanceOf(Error)
    expect(stuckError!.message).toMatch(/did not answer within/)
    expect(stuck.terminated).toBe(true)
    expect(live.terminated).toBe(false)

    // The stuck worker's place went to a new one, which gets its share of the next jobs.
    const count = FakeWorker.made.length - 1
    const next = Array.from({ length: count }, () => decodeImage('image/png', bytes()))
    const fresh = FakeWorker.made[FakeWorker.made.length - 1]
    expect(fresh.jobs).toHaveLength(1)
    expect(stuck.jobs).toHaveLength(1) // only the job it never answered
    for (const w of FakeWorker.made.slice(1)) while (w.jobs.length) w.answer(closed)
    await expect(Promise.all(next)).resolves.toHaveLength(count)
    // An answered job's timer is gone: nothing fails later.
    await vi.advanceTimersByTimeAsync(IMAGE_ANSWER_TIMEOUT_MS * 2)
    expect(fresh.terminated).toBe(false)
    expect(live.terminated).toBe(false)
  })
})

describe('image worker', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('frees a picture it could not send and still answers the job', async () => {
    const sent: ImageJobResult[] = []
    const closed: string[] = []
    const scope = {
      onmessage: null as ((e: { data: ImageJob }) => void) | null,
      postMessage(m: ImageJobResult, transfer?: unknown[]) {
        if (transfer?.length) throw new DOMException('the picture could not be cloned', 'DataCloneError')
        sent.push(m)
      },
    }
    vi.stubGlobal('self', scope)
    vi.stubGlobal('ImageDecoder', undefined)
    vi.stubGlobal('createImageBitmap', async () => ({ width: 4, height: 4, close: () => closed.push('bitmap') }))
    vi.resetModules()
    await import('../../../src/renderer/src/painter/image-worker')
    scope.onmessage!({ data: { id: 7, type: 'image/png', bytes: new Uint8Array(4) } })
    await vi.waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toEqual({ id: 7, error: 'the picture could not be cloned' })
    expect(closed).toEqual(['bitmap'])
  })
})
