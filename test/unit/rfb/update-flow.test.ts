import { describe, expect, it } from 'vitest'
import { PIXEL_FORMATS, type PixelFormat } from '../../../src/main/rfb/pixel-format'
import type { ServerFeatures } from '../../../src/main/rfb/session-types'
import { UpdateFlow, type UpdateFlowIo, type UpdateFlowOptions } from '../../../src/main/rfb/update-flow'

/**
 * An update flow over a scripted session: what it sends is recorded as the first words of each
 * message's trace line, what it applies (pixel formats, encoding lists) as lines of their own.
 */
function flow(options: UpdateFlowOptions = {}, start: { connected?: boolean; fence?: boolean; cu?: boolean } = {}) {
  const log: string[] = []
  /** The unanswered request counts each SetEncodings went out with, and each applied with. */
  const counts: { announced: number[]; applied: number[] } = { announced: [], applied: [] }
  const features: ServerFeatures = {
    extendedDesktopSize: false,
    qemuKeyEvents: false,
    fence: start.fence ?? false,
    continuousUpdates: start.cu ?? false,
    xvp: false,
    extendedMouseButtons: false,
    qemuAudio: false,
    screens: [],
  }
  const session = { connected: start.connected ?? true, idle: true, width: 4, height: 3 }
  const io: UpdateFlowIo = {
    send: (data, trace) => log.push(trace.replace(/^(SetEncodings|SetPixelFormat \d+ bpp).*/, '$1')),
    connected: () => session.connected,
    idle: () => session.idle,
    width: () => session.width,
    height: () => session.height,
    features,
    usePixelFormat: (pf: PixelFormat) => log.push(`use ${pf.bitsPerPixel} bpp`),
    encodingsAnnounced: (_all, unanswered) => void counts.announced.push(unanswered),
    encodingsApply: (all, unanswered) => (counts.applied.push(unanswered), log.push(`apply ${all.length} encodings`)),
  }
  const f = new UpdateFlow(io, options)
  return { f, log, session, features, counts }
}

describe('UpdateFlow', () => {
  it('asks for one incremental update per update, and for all of it after a resize', () => {
    const { f, log, session } = flow()
    f.requestNext()
    session.width = 8
    f.framebufferResized()
    f.requestNext()
    expect(log).toEqual(['FramebufferUpdateRequest incremental 4x3+0+0', 'FramebufferUpdateRequest full 8x3+0+0'])
    expect(f.continuousUpdates).toBe(false)
  })

  it('asks for nothing itself when autoUpdate is off, or before the session is connected', () => {
    const off = flow({ autoUpdate: false })
    off.f.requestNext()
    const early = flow({}, { connected: false })
    early.f.requestNext()
    expect([...off.log, ...early.log]).toEqual([])
  })

  it('turns on continuous updates where the server has them and Fence, then pings at most once a second', () => {
    const { f, log } = flow({}, { fence: true, cu: true })
    f.requestNext()
    f.requestNext()
    expect(log).toEqual(['EnableContinuousUpdates on 4x3', 'Fence request 1'])
    expect(f.continuousUpdates).toBe(true)
  })

  it('times the first update from its request, and a pushed one by the measured fence round trip', () => {
    const { f } = flow({}, { fence: true, cu: true })
    f.requestUpdate(false, 0, 0, 4, 3)
    const requested = performance.now()
    expect(f.updateStarted(requested + 50)).toBeGreaterThanOrEqual(50)
    f.requestNext()
    // No echo yet: nothing to stand in for the latency.
    expect(f.updateStarted(performance.now())).toBe(0)
    f.fence(0, Uint8Array.of(0, 0, 0, 1))
    expect(f.roundTripMs).toBeGreaterThanOrEqual(0)
    expect(f.updateStarted(performance.now())).toBe(f.roundTripMs)
  })

  it('answers a fence request with the flags it honours and the same payload, and ignores echoes it did not ask for', () => {
    const { f, log } = flow()
    f.fence(0x80000000 | 7 | 0x10, Uint8Array.of(1, 2))
    f.fence(0, Uint8Array.of(0, 0, 0, 1))
    expect(log).toEqual(['Fence reply flags=0x7'])
    expect(f.roundTripMs).toBe(0)
  })

  it('switches the pixel format before the next request, with a full update', () => {
    const { f, log } = flow()
    f.start(PIXEL_FORMATS.rgb888, true)
    f.setPixelFormat('rgb565')
    expect(log).toEqual(['use 32 bpp', 'SetPixelFormat 32 bpp'])
    f.requestNext()
    expect(log.slice(2)).toEqual(['use 16 bpp', 'SetPixelFormat 16 bpp', 'FramebufferUpdateRequest full 4x3+0+0'])
    log.length = 0
    f.setPixelFormat('rgb565')
    f.requestNext()
    expect(log).toEqual(['FramebufferUpdateRequest incremental 4x3+0+0'])
  })

  it('switches at once without autoUpdate when the session is between messages', () => {
    const { f, log, session } = flow({ autoUpdate: false })
    f.start(PIXEL_FORMATS.rgb888, false)
    session.idle = false
    f.setPixelFormat('rgb565')
    expect(log).toEqual(['use 32 bpp'])
    session.idle = true
    f.setPixelFormat('bgr233')
    expect(log).toEqual(['use 32 bpp', 'use 8 bpp', 'SetPixelFormat 8 bpp'])
  })

  it('under continuous updates, applies a format or encodings switch at its own EndOfContinuousUpdates', () => {
    const { f, log } = flow({}, { fence: true, cu: true })
    f.start(PIXEL_FORMATS.rgb888, false)
    f.requestNext()
    log.length = 0
    f.setPixelFormat('rgb565')
    f.setQuality(3)
    expect(log).toEqual([
      'EnableContinuousUpdates off',
      'SetPixelFormat 16 bpp',
      'EnableContinuousUpdates on 4x3',
      'EnableContinuousUpdates off',
      'SetEncodings',
      'EnableContinuousUpdates on 4x3',
    ])
    log.length = 0
    f.endOfContinuousUpdates()
    expect(log).toEqual(['use 16 bpp', 'FramebufferUpdateRequest full 4x3+0+0'])
    log.length = 0
    f.endOfContinuousUpdates()
    // Pixel encodings (none here), QualityLevel 3, the engine's pseudo-encodings, ExtendedClipboard.
    expect(log).toEqual(['apply 16 encodings'])
    expect(f.continuousUpdates).toBe(true)
  })

  it('goes back to requests for good when the server ends continuous updates on its own', () => {
    const { f, log } = flow({}, { fence: true, cu: true })
    f.requestNext()
    log.length = 0
    f.endOfContinuousUpdates()
    f.requestNext()
    expect(log).toEqual(['FramebufferUpdateRequest incremental 4x3+0+0', 'FramebufferUpdateRequest incremental 4x3+0+0'])
    expect(f.continuousUpdates).toBe(false)
  })

  it('announces tuning only when the pseudo-encodings it sends change', () => {
    const { f, log } = flow({ fineQuality: 90 })
    f.sendEncodings([7])
    log.length = 0
    // The fine quality rules: a level changes nothing on the wire.
    f.setQuality(5)
    expect(log).toEqual([])
    f.setCompression(2)
    // 7, QualityLevel and FineQuality for 90, CompressLevel 2, 14 pseudo-encodings, ExtendedClipboard.
    expect(log).toEqual(['SetEncodings', 'apply 19 encodings'])
  })

  it('tells each SetEncodings how many update requests it overtook: counted per request, less one per update begun', () => {
    const { f, counts } = flow()
    f.sendEncodings([7])
    f.requestNext()
    f.requestUpdate(false, 0, 0, 4, 3)
    f.sendEncodings([16])
    f.updateStarted(performance.now())
    f.sendEncodings([7])
    f.updateStarted(performance.now())
    f.updateStarted(performance.now())
    f.sendEncodings([16])
    expect(counts.announced).toEqual([0, 2, 1, 0])
  })

  it('while updates are pushed, a SetEncodings overtakes an unknown number of them until its EndOfContinuousUpdates', () => {
    const { f, counts } = flow({}, { fence: true, cu: true })
    f.start(PIXEL_FORMATS.rgb888, false)
    f.requestNext()
    f.sendEncodings([16])
    expect(counts.announced).toEqual([Infinity])
    f.endOfContinuousUpdates()
    expect(counts.applied).toEqual([0])
  })
})
