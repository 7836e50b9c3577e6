import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CanvasPainter } from '../../../src/renderer/src/painter/painter'
import type { DecodedImage, ImageDecodeFn } from '../../../src/renderer/src/painter/image-decode'
import { type FrameBatch, ImageKindCode, OP_INTS, OpCode } from '../../../src/shared/ops'
import { jpegDeclaring, pngBomb, progressiveJpeg } from '../../helpers/crafted-images'
import { encodeJpeg, smooth } from '../../helpers/images'

/** A canvas whose 2D context records drawImage calls, enough for CanvasPainter in Node. */
function fakeCanvas(): { canvas: HTMLCanvasElement; drawn: unknown[][] } {
  const drawn: unknown[][] = []
  const ctx = { imageSmoothingEnabled: true, fillStyle: '', fillRect() {}, putImageData() {}, drawImage: (...a: unknown[]) => drawn.push(a) }
  const canvas = { width: 64, height: 64, getContext: () => ctx } as unknown as HTMLCanvasElement
  return { canvas, drawn }
}

/** One batch with one Image op of `bytes` in a w x h rect at (0, 0). */
function imageBatch(kind: ImageKindCode, bytes: Uint8Array, w: number, h: number) {
  const ops = new Int32Array(OP_INTS)
  ops.set([OpCode.Image, 0, 0, w, h, 0, bytes.length, kind])
  return { sessionId: 's', seq: 1, ops, pixels: new Uint8Array(0), images: bytes }
}

describe('CanvasPainter images', () => {
  const decoded: Blob[] = []
  beforeEach(() => {
    decoded.length = 0
    vi.stubGlobal('createImageBitmap', async (blob: Blob) => (decoded.push(blob), { width: 16, height: 16, close() {} }))
  })
  afterEach(() => vi.unstubAllGlobals())

  async function paint(kind: ImageKindCode, bytes: Uint8Array, w: number, h: number) {
    const { canvas, drawn } = fakeCanvas()
    const refused: string[] = []
    const painted: number[] = []
    const painter = new CanvasPainter(canvas, { painted: (s) => painted.push(s), protocolError: (m) => refused.push(m) })
    painter.enqueue(imageBatch(kind, bytes, w, h))
    await painter.idle()
    return { refused, painted, drawn }
  }

  it("decodes and draws an image that is its rect's size", async () => {
    const r = await paint(ImageKindCode.Jpeg, encodeJpeg(16, 16, smooth(16, 16)), 16, 16)
    expect(r.refused).toEqual([])
    expect(decoded.length).toBe(1)
    expect(r.drawn.length).toBe(1)
    expect(r.painted).toEqual([1])
  })

  it.each([
    ['a JPEG declaring 8192x8192 in a 16x16 rect', ImageKindCode.Jpeg, () => jpegDeclaring(16, 16, 8192, 8192), /JPEG image of 8192x8192 in a 16x16 rect/],
    ['a JPEG smaller than its rect', ImageKindCode.Jpeg, () => encodeJpeg(8, 16, smooth(8, 16)), /JPEG image of 8x16 in a 16x16 rect/],
    ['a PNG declaring 16x16 in a 32x16 rect', ImageKindCode.Png, () => pngBomb(16, 16, 784), /PNG image of 16x16 in a 32x16 rect/],
    ['a JPEG with too many scans', ImageKindCode.Jpeg, () => progressiveJpeg(16, 16, 10), /JPEG image with 35 scans \(at most 16/],
  ] as const)('refuses %s before the browser decodes it', async (_, kind, bytes, message) => {
    const data = bytes()
    const w = kind === ImageKindCode.Png ? 32 : 16
    const r = await paint(kind, data, w, 16)
    expect(decoded.length).toBe(0)
    expect(r.drawn.length).toBe(0)
    expect(r.refused.length).toBe(1)
    expect(r.refused[0]).toMatch(message)
    expect(r.painted).toEqual([1]) // the batch still completes; the session ends through protocolError
  })
})

/** A decoder whose decodes finish when the test says, in any order; images are numbered by when their decode started. */
function manualDecoder() {
  const pending: { resolve: (img: DecodedImage) => void; reject: (e: Error) => void }[] = []
  const closed: number[] = []
  const decode: ImageDecodeFn = () => new Promise((resolve, reject) => pending.push({ resolve, reject }))
  /** Finishes decode `n`: a 4x4 picture that draws as `image n`. */
  const finish = (n: number): void =>
    pending[n].resolve({ source: { tag: n } as unknown as CanvasImageSource, width: 4, height: 4, close: () => closed.push(n) })
  const fail = (n: number): void => pending[n].reject(new Error(`image ${n} is corrupt`))
  return { decode, pending, closed, finish, fail }
}

/** A canvas context that logs every draw as a word: `fill <colour>`, `image <n>`. */
function loggingCanvas(): { canvas: HTMLCanvasElement; log: string[] } {
  const log: string[] = []
  const ctx = {
    imageSmoothingEnabled: true,
    fillStyle: '',
    fillRect(this: { fillStyle: string }) {
      log.push(`fill ${this.fillStyle}`)
    },
    putImageData() {},
    drawImage: (src: { tag: number }) => log.push(`image ${src.tag}`),
  }
  const canvas = { width: 64, height: 64, getContext: () => ctx } as unknown as HTMLCanvasElement
  return { canvas, log }
}

/** A batch of 4x4 ops at (0, 0): `'img'` a real 4x4 JPEG, a number a fill of that red. */
function batchOf(seq: number, items: ('img' | number)[]): FrameBatch {
  const jpeg = encodeJpeg(4, 4, smooth(4, 4))
  const ops = new Int32Array(items.length * OP_INTS)
  let images = 0
  items.forEach((item, i) => {
    if (item === 'img') ops.set([OpCode.Image, 0, 0, 4, 4, images++ * jpeg.length, jpeg.length, ImageKindCode.Jpeg], i * OP_INTS)
    else ops.set([OpCode.Fill, 0, 0, 4, 4, item], i * OP_INTS)
  })
  const bytes = new Uint8Array(images * jpeg.length)
  for (let k = 0; k < images; k++) bytes.set(jpeg, k * jpeg.length)
  return { sessionId: 's', seq, ops, pixels: new Uint8Array(0), images: bytes }
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

describe('CanvasPainter image order', () => {
  it('starts every decode when batches are queued and paints in op order whatever order they finish in', async () => {
    const d = manualDecoder()
    const { canvas, log } = loggingCanvas()
    const painted: number[] = []
    const painter = new CanvasPainter(canvas, { painted: (s) => painted.push(s) }, { decodeImage: d.decode })
    painter.enqueue(batchOf(1, [1, 'img', 2, 'img', 3]))
    painter.enqueue(batchOf(2, ['img', 4]))
    painter.enqueue(batchOf(3, [5]))
    // All three decodes run at once, before anything waits on them.
    expect(d.pending.length).toBe(3)
    d.finish(2)
    d.finish(1)
    await tick()
    // Batch 2's image is ready, but batch 1 still waits for its first image: nothing after it moves.
    expect(log).toEqual(['fill rgb(1 0 0)'])
    expect(painted).toEqual([])
    d.finish(0)
    await painter.idle()
    expect(log).toEqual(['fill rgb(1 0 0)', 'image 0', 'fill rgb(2 0 0)', 'image 1', 'fill rgb(3 0 0)', 'image 2', 'fill rgb(4 0 0)', 'fill rgb(5 0 0)'])
    expect(painted).toEqual([1, 2, 3])
    expect(d.closed.sort()).toEqual([0, 1, 2])
  })

  it('counts an image that fails to decode, asks once per batch for a refresh, and paints on', async () => {
    const d = manualDecoder()
    const { canvas, log } = loggingCanvas()
    const painted: number[] = []
    const troubles: string[] = []
    const painter = new CanvasPainter(canvas, { painted: (s) => painted.push(s), imageTrouble: (m) => troubles.push(m) }, { decodeImage: d.decode })
    painter.enqueue(batchOf(1, ['img', 'img', 1, 'img']))
    painter.enqueue(batchOf(2, ['img', 2]))
    d.fail(0)
    d.finish(1)
    d.fail(2)
    d.finish(3)
    await painter.idle()
    expect(log).toEqual(['image 1', 'fill rgb(1 0 0)', 'image 3', 'fill rgb(2 0 0)'])
    expect(painted).toEqual([1, 2])
    expect(painter.imageTroubles).toBe(2)
    expect(troubles).toHaveLength(1)
    expect(troubles[0]).toMatch(/2 image\(s\) of batch 1 could not be decoded: image 0 is corrupt/)
  })

  it('frees the pictures of queued batches when disposed', async () => {
    const d = manualDecoder()
    const { canvas, log } = loggingCanvas()
    const painter = new CanvasPainter(canvas, { painted: () => {} }, { decodeImage: d.decode })
    painter.enqueue(batchOf(1, ['img']))
    painter.enqueue(batchOf(2, ['img']))
    painter.dispose()
    d.finish(1)
    d.finish(0)
    await painter.idle()
    await tick()
    expect(log).toEqual([])
    expect(d.closed.sort()).toEqual([0, 1])
  })

  it('paints every batch handed over at once, as a store hands over its backlog when the view mounts', async () => {
    const { canvas, log } = loggingCanvas()
    const painted: number[] = []
    const painter = new CanvasPainter(canvas, { painted: (s) => painted.push(s) })
    // Batches without images paint as they are queued; the next ones come in the same task.
    for (const seq of [1, 2, 3]) painter.enqueue(batchOf(seq, [seq]))
    await painter.idle()
    await tick()
    expect(painted).toEqual([1, 2, 3])
    expect(log).toEqual(['fill rgb(1 0 0)', 'fill rgb(2 0 0)', 'fill rgb(3 0 0)'])
  })

  it('frees the pictures of a batch whose painting failed part way', async () => {
    const d = manualDecoder()
    const { canvas } = loggingCanvas()
    const ctx = canvas.getContext('2d') as unknown as { fillRect(): void }
    ctx.fillRect = () => {
      throw new Error('the canvas refused')
    }
    const painted: number[] = []
    const errors: string[] = []
    const painter = new CanvasPainter(canvas, { painted: (s) => painted.push(s), error: (m) => errors.push(m) }, { decodeImage: d.decode })
    // Image 0 is drawn, then the fill throws before images 1 and 2 are reached.
    painter.enqueue(batchOf(1, ['img', 1, 'img', 'img']))
    d.finish(0)
    d.finish(1)
    await tick()
    d.finish(2)
    await painter.idle()
    await tick()
    expect(painted).toEqual([1])
    expect(errors[0]).toMatch(/batch 1 failed: the canvas refused/)
    expect(d.closed.sort()).toEqual([0, 1, 2])
  })
})
