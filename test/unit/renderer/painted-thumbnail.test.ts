import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type PaintedThumbnail, PaintedThumbnails } from '../../../src/renderer/src/painter/painted-thumbnail'

describe('PaintedThumbnails: when the window sends its picture of a session', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const shot: PaintedThumbnail = { width: 2, height: 1, rgba: new Uint8Array(8) }

  function setup(): { shots: PaintedThumbnails; taken: () => number; sent: PaintedThumbnail[] } {
    let taken = 0
    const sent: PaintedThumbnail[] = []
    const shots = new PaintedThumbnails(
      () => (taken++, shot),
      (t) => sent.push(t),
      2000,
    )
    return { shots, taken: () => taken, sent }
  }

  it('sends nothing for a session without video: the host draws those thumbnails itself', () => {
    const { shots, taken, sent } = setup()
    for (let i = 0; i < 10; i++) shots.painted()
    vi.advanceTimersByTime(10_000)
    expect(taken()).toBe(0)
    expect(sent).toEqual([])
  })

  it('once video was painted, sends one picture 2 s after a painted batch, at most one per 2 s', () => {
    const { shots, sent } = setup()
    shots.videoPainted()
    shots.painted()
    vi.advanceTimersByTime(1999)
    expect(sent).toHaveLength(0)
    // More batches meanwhile do not add pictures.
    for (let i = 0; i < 20; i++) shots.painted()
    vi.advanceTimersByTime(1)
    expect(sent).toEqual([shot])
    // Nothing painted since: nothing more.
    vi.advanceTimersByTime(10_000)
    expect(sent).toHaveLength(1)
    // A later batch (the picture changed) brings another one.
    shots.painted()
    vi.advanceTimersByTime(2000)
    expect(sent).toHaveLength(2)
  })

  it('skips an empty canvas, and sends nothing after dispose', () => {
    const sent: PaintedThumbnail[] = []
    const empty = new PaintedThumbnails(
      () => null,
      (t) => sent.push(t),
    )
    empty.videoPainted()
    empty.painted()
    vi.advanceTimersByTime(5000)
    expect(sent).toEqual([])

    const { shots, sent: sent2 } = setup()
    shots.videoPainted()
    shots.painted()
    shots.dispose()
    vi.advanceTimersByTime(5000)
    expect(sent2).toEqual([])
  })
})
