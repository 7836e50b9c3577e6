import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CanvasPainter } from '../../../src/renderer/src/painter/painter'
import { ImageKindCode, OP_INTS, OpCode } from '../../../src/shared/ops'
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
