import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { summarizeAnnexB } from '../../../src/renderer/src/painter/annex-b'
import { CanvasPainter } from '../../../src/renderer/src/painter/painter'
import { VideoDecoders } from '../../../src/renderer/src/painter/video-decoders'
import { type FrameBatch, OP_INTS, OpCode, VideoFlag, videoWord } from '../../../src/shared/ops'

const SPS_BASELINE = [0, 0, 0, 1, 0x67, 0x42, 0xe0, 0x1e, 0xab]
const SPS_HIGH = [0, 0, 0, 1, 0x67, 0x64, 0x00, 0x28, 0xac]
const PPS = [0, 0, 1, 0x68, 0xce, 0x38, 0x80]
const IDR = [0, 0, 1, 0x65, 0x88, 0x84]
const P = [0, 0, 0, 1, 0x41, 0x9a]
const key = (sps = SPS_BASELINE): Uint8Array => Uint8Array.from([...sps, ...PPS, ...IDR])
const delta = (): Uint8Array => Uint8Array.from(P)

describe('summarizeAnnexB', () => {
  it('reads the codec string from the SPS and finds key frames and slices', () => {
    expect(summarizeAnnexB(key())).toEqual({ codec: 'avc1.42E01E', key: true, slices: true })
    expect(summarizeAnnexB(key(SPS_HIGH))).toEqual({ codec: 'avc1.640028', key: true, slices: true })
    expect(summarizeAnnexB(delta())).toEqual({ codec: null, key: false, slices: true })
    expect(summarizeAnnexB(Uint8Array.from([...SPS_BASELINE, ...PPS]))).toEqual({ codec: 'avc1.42E01E', key: false, slices: false })
  })

  it('finds nothing in bytes without a start code, and survives a truncated SPS', () => {
    expect(summarizeAnnexB(Uint8Array.from([1, 2, 3, 0x65, 0, 1, 0x65]))).toEqual({ codec: null, key: false, slices: false })
    expect(summarizeAnnexB(Uint8Array.from([0, 0, 1, 0x67, 0x42]))).toEqual({ codec: null, key: false, slices: false })
  })
})

/** A stand-in for Chromium's VideoDecoder: outputs one frame per chunk unless told otherwise. */
class FakeDecoder {
  static all: FakeDecoder[] = []
  state: 'unconfigured' | 'configured' | 'closed' = 'unconfigured'
  codec = ''
  chunks: { type: string; timestamp: number; data: Uint8Array }[] = []
  /** 'frame': output after a tick; 'silent': nothing ever; 'error': the error callback. */
  mode: 'frame' | 'silent' | 'error' = 'frame'
  constructor(private readonly init: VideoDecoderInit) {
    FakeDecoder.all.push(this)
  }
  configure(c: VideoDecoderConfig): void {
    this.state = 'configured'
    this.codec = c.codec
  }
  decode(chunk: { type: string; timestamp: number; data: Uint8Array }): void {
    if (this.state !== 'configured') throw new Error('decode on a closed decoder')
    this.chunks.push(chunk)
    const mode = this.mode
    setTimeout(() => {
      if (this.state === 'closed') return
      if (mode === 'frame') this.init.output({ timestamp: chunk.timestamp, displayWidth: 64, displayHeight: 32, close() {} } as unknown as VideoFrame)
      if (mode === 'error') {
        this.state = 'closed'
        this.init.error(new DOMException('corrupt data', 'EncodingError'))
      }
    }, 0)
  }
  close(): void {
    this.state = 'closed'
  }
}

const factory = (init: VideoDecoderInit): VideoDecoder => new FakeDecoder(init) as unknown as VideoDecoder

describe('VideoDecoders', () => {
  beforeEach(() => {
    FakeDecoder.all = []
    vi.stubGlobal(
      'EncodedVideoChunk',
      class {
        constructor(init: object) {
          Object.assign(this, init)
        }
      },
    )
  })
  afterEach(() => vi.unstubAllGlobals())

  function decoders(timeoutMs = 200) {
    const troubles: string[] = []
    return { troubles, video: new VideoDecoders({ trouble: (m) => troubles.push(m) }, timeoutMs, factory) }
  }

  it('configures a decoder per context from its SPS and resolves each chunk with its frame', async () => {
    const { video, troubles } = decoders()
    expect((await video.decode(0, VideoFlag.ResetContext, key()))?.timestamp).toBe(0)
    expect((await video.decode(0, 0, delta()))?.timestamp).toBe(1)
    expect((await video.decode(3, VideoFlag.ResetContext, key(SPS_HIGH)))?.timestamp).toBe(2)
    expect(FakeDecoder.all.map((d) => d.codec)).toEqual(['avc1.42E01E', 'avc1.640028'])
    expect(FakeDecoder.all[0].chunks.map((c) => c.type)).toEqual(['key', 'delta'])
    expect(troubles).toEqual([])
  })

  it('keeps parameter sets sent alone and puts them in front of the next slice', async () => {
    const { video } = decoders()
    expect(await video.decode(0, 0, Uint8Array.from([...SPS_BASELINE, ...PPS]))).toBeNull()
    expect(await video.decode(0, 0, Uint8Array.from(IDR))).not.toBeNull()
    expect([...FakeDecoder.all[0].chunks[0].data]).toEqual([...SPS_BASELINE, ...PPS, ...IDR])
  })

  it('resets one context or all of them, and a new stream on a known context starts a new decoder', async () => {
    const { video, troubles } = decoders()
    await video.decode(0, 0, key())
    await video.decode(1, 0, key())
    await video.decode(0, VideoFlag.ResetContext, new Uint8Array(0))
    expect(FakeDecoder.all.map((d) => d.state)).toEqual(['closed', 'configured'])
    await video.decode(0, VideoFlag.ResetAll, new Uint8Array(0))
    expect(FakeDecoder.all.map((d) => d.state)).toEqual(['closed', 'closed'])
    // After a reset, only a key frame can start a context: a delta is a lost picture, reported once.
    expect(await video.decode(1, 0, delta())).toBeNull()
    expect(await video.decode(1, 0, delta())).toBeNull()
    expect(troubles).toHaveLength(1)
    expect(await video.decode(1, 0, key(SPS_HIGH))).not.toBeNull()
    expect(FakeDecoder.all).toHaveLength(3)
  })

  it('gives the context up on a decoder error and recovers on the next key frame', async () => {
    const { video, troubles } = decoders()
    await video.decode(0, 0, key())
    FakeDecoder.all[0].mode = 'error'
    expect(await video.decode(0, 0, delta())).toBeNull()
    expect(troubles).toEqual(['H.264 decoder error: corrupt data'])
    expect(await video.decode(0, 0, delta())).toBeNull()
    expect(troubles).toHaveLength(1)
    expect(await video.decode(0, 0, key())).not.toBeNull()
    expect(video.troubles).toBe(1)
  })

  it('never waits longer than the timeout for a frame that does not come', async () => {
    const { video, troubles } = decoders(50)
    await video.decode(0, 0, key())
    FakeDecoder.all[0].mode = 'silent'
    const started = performance.now()
    expect(await video.decode(0, 0, delta())).toBeNull()
    expect(performance.now() - started).toBeLessThan(1000)
    expect(troubles[0]).toMatch(/no frame within 50 ms/)
    expect(FakeDecoder.all[0].state).toBe('closed')
  })

  it('reports a stream whose codec the browser refuses', async () => {
    const troubles: string[] = []
    const video = new VideoDecoders({ trouble: (m) => troubles.push(m) }, 100, () => {
      throw new Error('unsupported')
    })
    expect(await video.decode(0, 0, key())).toBeNull()
    expect(troubles).toEqual(['H.264 avc1.42E01E cannot be decoded here'])
  })
})

describe('CanvasPainter with H.264', () => {
  beforeEach(() => {
    FakeDecoder.all = []
    vi.stubGlobal(
      'EncodedVideoChunk',
      class {
        constructor(init: object) {
          Object.assign(this, init)
        }
      },
    )
  })
  afterEach(() => vi.unstubAllGlobals())

  /** Records every canvas call in order, so ordering between fills and frames is visible. */
  function recordingCanvas() {
    const calls: string[] = []
    const ctx = {
      imageSmoothingEnabled: true,
      fillStyle: '',
      fillRect: (x: number) => calls.push(`fill ${x}`),
      putImageData() {},
      drawImage: (src: { timestamp?: number }, ...a: number[]) => calls.push(`frame ${src.timestamp} at ${a[4]},${a[5]} ${a[6]}x${a[7]}`),
    }
    const canvas = { width: 256, height: 256, getContext: () => ctx } as unknown as HTMLCanvasElement
    return { canvas, calls }
  }

  function batch(seq: number, ops: number[][], images: number[]): FrameBatch {
    const o = new Int32Array(ops.length * OP_INTS)
    ops.forEach((op, i) => o.set(op, i * OP_INTS))
    return { sessionId: 's', seq, ops: o, pixels: new Uint8Array(0), images: Uint8Array.from(images) }
  }

  it('paints each frame in update order with the fills around it, across batches', async () => {
    const { canvas, calls } = recordingCanvas()
    const painted: number[] = []
    const painter = new CanvasPainter(canvas, { painted: (s) => painted.push(s) }, { createVideoDecoder: factory, frameTimeoutMs: 200 })
    const k = [...key()]
    painter.enqueue(
      batch(
        1,
        [
          [OpCode.Fill, 1, 0, 4, 4, 0, 0, 0],
          [OpCode.Video, 16, 8, 128, 64, 0, k.length, videoWord(0, VideoFlag.ResetContext)],
          [OpCode.Fill, 2, 0, 4, 4, 0, 0, 0],
        ],
        k,
      ),
    )
    painter.enqueue(batch(2, [[OpCode.Fill, 3, 0, 4, 4, 0, 0, 0]], []))
    painter.enqueue(batch(3, [[OpCode.Video, 16, 8, 128, 64, 0, P.length, videoWord(0, 0)]], P))
    painter.enqueue(
      batch(
        4,
        [
          [OpCode.Video, 0, 0, 0, 0, 0, 0, videoWord(0, VideoFlag.ResetAll)],
          [OpCode.Fill, 4, 0, 1, 1, 0, 0, 0],
        ],
        [],
      ),
    )
    await painter.idle()
    // Frames are drawn where their rect is, clipped to what the frame and rect share.
    expect(calls).toEqual(['fill 1', 'frame 0 at 16,8 64x32', 'fill 2', 'fill 3', 'frame 1 at 16,8 64x32', 'fill 4'])
    expect(painted).toEqual([1, 2, 3, 4])
    expect(FakeDecoder.all[0].state).toBe('closed')
  })

  it('carries on past a frame that never comes, and reports it', async () => {
    const { canvas, calls } = recordingCanvas()
    const troubles: string[] = []
    const painted: number[] = []
    const painter = new CanvasPainter(
      canvas,
      { painted: (s) => painted.push(s), videoTrouble: (m) => troubles.push(m) },
      { createVideoDecoder: factory, frameTimeoutMs: 30 },
    )
    const k = [...key()]
    painter.enqueue(batch(1, [[OpCode.Video, 0, 0, 64, 32, 0, k.length, videoWord(0, 0)]], k))
    await painter.idle()
    FakeDecoder.all[0].mode = 'silent'
    painter.enqueue(
      batch(
        2,
        [
          [OpCode.Video, 0, 0, 64, 32, 0, P.length, videoWord(0, 0)],
          [OpCode.Fill, 9, 0, 1, 1, 0, 0, 0],
        ],
        P,
      ),
    )
    await painter.idle()
    expect(painted).toEqual([1, 2])
    expect(calls).toEqual(['frame 0 at 0,0 64x32', 'fill 9'])
    expect(troubles).toHaveLength(1)
    expect(painter.videoTroubles).toBe(1)
  })

  it('refuses a video op outside the image buffer without decoding it', async () => {
    const { canvas } = recordingCanvas()
    const errors: string[] = []
    const painter = new CanvasPainter(canvas, { painted: () => {}, error: (m) => errors.push(m) }, { createVideoDecoder: factory })
    painter.enqueue(batch(1, [[OpCode.Video, 0, 0, 64, 32, 2, 100, videoWord(0, 0)]], [0, 0, 1]))
    await painter.idle()
    expect(errors[0]).toMatch(/outside the image buffer/)
    expect(FakeDecoder.all).toHaveLength(0)
  })
})
