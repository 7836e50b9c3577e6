import { afterEach, describe, expect, it, vi } from 'vitest'
import { ThumbnailSink } from '../../../src/main/host/thumbnail'
import { watchNeedsUser, watchSink, watchWantsLowerDepth } from '../../../src/main/host/watch-mode'

afterEach(() => {
  vi.useRealTimers()
})

describe('watchSink', () => {
  it('holds the end of each update until a second after the previous request, so the engine asks about once a second', async () => {
    vi.useFakeTimers()
    const mirror = new ThumbnailSink(null)
    const sink = watchSink(mirror, 1_000, () => Date.now())
    sink.resize(8, 8)
    sink.fill(0, 0, 8, 8, 0xff0000ff)
    // The first update answers the request made at connect (t=0): its end waits until t=1000.
    await vi.advanceTimersByTimeAsync(200)
    let released = 0
    void sink.endUpdate()!.then(() => released++)
    await vi.advanceTimersByTimeAsync(799)
    expect(released).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(released).toBe(1)
    // A slow answer (1.5 s after the request): the next request may go at once.
    await vi.advanceTimersByTimeAsync(1_500)
    expect(sink.endUpdate()).toBeUndefined()
    // ... and the one after that waits a full second again.
    void sink.endUpdate()!.then(() => released++)
    await vi.advanceTimersByTimeAsync(999)
    expect(released).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(released).toBe(2)
    sink.dispose()
  })

  it('feeds only the mirror: what is drawn shows in its picture', () => {
    const mirror = new ThumbnailSink(null)
    const sink = watchSink(mirror, 1_000)
    expect(mirror.picture()).toBeNull()
    sink.resize(4, 2)
    sink.fill(0, 0, 4, 2, 0xff332211)
    sink.cursor(null)
    const picture = mirror.picture()!
    expect([picture.width, picture.height]).toEqual([4, 2])
    expect([...picture.words]).toEqual(Array(8).fill(0xff332211))
    sink.dispose()
  })

  it('paused, holds the end of an update (the engine asks for nothing) until resumed, then lets it ask at once', async () => {
    vi.useFakeTimers()
    const sink = watchSink(new ThumbnailSink(null), 1_000, () => Date.now())
    let released = 0
    // Paused while waiting out the interval: the timer no longer lets it go.
    void sink.endUpdate()!.then(() => released++)
    sink.pause(true)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(released).toBe(0)
    sink.pause(false)
    await vi.advanceTimersByTimeAsync(0)
    expect(released).toBe(1)
    // An update that ends while paused is held too, however long ago the last request was.
    sink.pause(true)
    await vi.advanceTimersByTimeAsync(5_000)
    void sink.endUpdate()!.then(() => released++)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(released).toBe(1)
    sink.pause(false)
    await vi.advanceTimersByTimeAsync(0)
    expect(released).toBe(2)
    // Paused, then disposed: the engine is let go so the session can end.
    sink.pause(true)
    const held = sink.endUpdate()!
    sink.dispose()
    await held
  })

  it('dispose lets a waiting engine go and later updates are not held', async () => {
    const sink = watchSink(new ThumbnailSink(null), 60_000)
    const done = sink.endUpdate()!
    sink.dispose()
    await done
    expect(sink.endUpdate()).toBeUndefined()
  })
})

describe('watchWantsLowerDepth', () => {
  it('drops to 16-bit colour only once pixels came without Tight', () => {
    expect(watchWantsLowerDepth([])).toBeUndefined()
    // Cursor (-239) and CopyRect (1) say nothing about JPEG.
    expect(watchWantsLowerDepth([-239, 1])).toBeUndefined()
    expect(watchWantsLowerDepth([7])).toBe(false)
    expect(watchWantsLowerDepth([7, 1])).toBe(false)
    expect(watchWantsLowerDepth([16])).toBe(true)
    expect(watchWantsLowerDepth([5, 1])).toBe(true)
  })
})

describe('watchNeedsUser', () => {
  it('says what to do in the message and carries a code of its own', () => {
    const signIn = watchNeedsUser('sign-in', 'authentication failed')
    expect(signIn).toMatchObject({ kind: 'auth', code: 'HOST_WATCH_SIGN_IN' })
    expect(signIn.message).toContain('open it to sign in')
    expect(signIn.message).toContain('authentication failed')
    expect(watchNeedsUser('answer')).toMatchObject({ kind: 'refused', code: 'HOST_WATCH_NEEDS_ANSWER' })
  })
})
