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
  /** Answers its oldest job with 2x1 RGBA bytes, in the memory the job brought if any. */
  answerRgba(): ArrayBuffer {
    const job = this.jobs.shift()!
    const rgba = job.buffer ?? new ArrayBuffer(8)
    this.onmessage?.({ data: { id: job.id, rgba, width: 2, height: 1 } })
    return rgba
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

  it('puts RGBA answers as ImageData and reuses their memory for later JPEGs only', async () => {
    // The page's ImageData, as far as the pool uses it.
    vi.stubGlobal(
      'ImageData',
      class {
        constructor(
          readonly data: Uint8ClampedArray,
          readonly width: number,
          readonly height: number,
        ) {}
      },
    )
    const { decodeImage } = await import('../../../src/renderer/src/painter/image-decode')
    const bytes = () => new Uint8Array([0xff, 0xd8, 0xff, 0xd9])
    const all = () => FakeWorker.made.flatMap((w) => w.jobs).sort((a, b) => a.id - b.id)
    const answerAll = () => FakeWorker.made.map((w) => (w.jobs.length ? w.answerRgba() : null)).filter((b) => b !== null)

    const first = decodeImage('image/jpeg', bytes(), 8)
    expect(all()[0].buffer).toBeUndefined() // nothing to reuse yet
    const [memory] = answerAll()
    const image = await first
    expect(image.source).toMatchObject({ width: 2, height: 1 })
    expect((image.source as ImageData).data.buffer).toBe(memory)
    expect(image).toMatchObject({ width: 2, height: 1 })

    // Not drawn yet: its memory is not offered to the next job.
    void decodeImage('image/jpeg', bytes(), 8)
    expect(all()[0].buffer).toBeUndefined()
    answerAll()
    image.close()
    // Too small for a larger picture, not used for a PNG (which comes back as a frame), then taken once.
    void decodeImage('image/jpeg', bytes(), 16)
    void decodeImage('image/png', bytes(), 8)
    void decodeImage('image/jpeg', bytes(), 8)
    void decodeImage('image/jpeg', bytes(), 8)
    expect(all().map((j) => j.buffer)).toEqual([undefined, undefined, memory, undefined])
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

  it('converts a JPEG to RGBA in the memory the page sent; a PNG, or a frame it cannot convert, goes as the frame', async () => {
    const sent: { message: ImageJobResult; transfer?: unknown[] }[] = []
    const closed: string[] = []
    const scope = {
      onmessage: null as ((e: { data: ImageJob }) => void) | null,
      postMessage: (message: ImageJobResult, transfer?: unknown[]) => sent.push({ message, transfer }),
    }
    let convertible = true
    const frame = (name: string) => ({
      name,
      displayWidth: 2,
      displayHeight: 1,
      close: () => closed.push(name),
      copyTo: async (into: Uint8Array, options: { format: string }) => {
        if (!convertible) throw new DOMException('unsupported', 'NotSupportedError')
        expect(options.format).toBe('RGBA')
        into.set([1, 2, 3, 255, 4, 5, 6, 255])
        return []
      },
    })
    let made = 0
    vi.stubGlobal('self', scope)
    vi.stubGlobal(
      'ImageDecoder',
      class {
        decode = async () => ({ image: frame(`frame${++made}`) })
        close() {}
      },
    )
    vi.resetModules()
    await import('../../../src/renderer/src/painter/image-worker')

    const memory = new ArrayBuffer(16)
    scope.onmessage!({ data: { id: 1, type: 'image/jpeg', bytes: new Uint8Array(4), buffer: memory } })
    await vi.waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0].message).toEqual({ id: 1, rgba: memory, width: 2, height: 1 })
    expect(sent[0].transfer).toEqual([memory])
    expect([...new Uint8Array(memory, 0, 8)]).toEqual([1, 2, 3, 255, 4, 5, 6, 255])
    expect(closed).toEqual(['frame1'])

    // Memory too small for the picture: fresh memory instead.
    scope.onmessage!({ data: { id: 2, type: 'image/jpeg', bytes: new Uint8Array(4), buffer: new ArrayBuffer(4) } })
    await vi.waitFor(() => expect(sent).toHaveLength(2))
    expect((sent[1].message as { rgba: ArrayBuffer }).rgba.byteLength).toBe(8)

    scope.onmessage!({ data: { id: 3, type: 'image/png', bytes: new Uint8Array(4) } })
    convertible = false
    scope.onmessage!({ data: { id: 4, type: 'image/jpeg', bytes: new Uint8Array(4) } })
    await vi.waitFor(() => expect(sent).toHaveLength(4))
    const byId = new Map(sent.map((s) => [s.message.id, s.message]))
    expect(byId.get(3)).toMatchObject({ picture: { name: 'frame3' } })
    expect(byId.get(4)).toMatchObject({ picture: { name: 'frame4' } })
    expect(closed).toEqual(['frame1', 'frame2']) // the frames sent over are the page's to close
  })
})
