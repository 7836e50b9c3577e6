import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Screen } from '../../../src/main/rfb/client-messages'
import { DesktopSizeReplies, MAX_LAYOUT_SCREENS, layoutScreens } from '../../../src/main/rfb/desktop-size'
import { DesktopSizeError } from '../../../src/main/rfb/errors'

const screen = (id: number, x: number, y: number, width: number, height: number, flags = 0): Screen => ({ id, x, y, width, height, flags })
const rect = (x: number, y: number, width: number, height: number) => ({ x, y, width, height })

describe('layoutScreens', () => {
  it('keeps the id and flags of a screen that stays where it is, and gives a new screen an unused id', () => {
    const current = [screen(0, 0, 0, 1280, 1024, 5)]
    expect(layoutScreens(current, 2560, 1024, [rect(1280, 0, 1280, 1024), rect(0, 0, 1280, 1024)])).toEqual([
      screen(1, 1280, 0, 1280, 1024),
      screen(0, 0, 0, 1280, 1024, 5),
    ])
  })

  it('lets a screen that moved or changed size keep its id, before inventing one', () => {
    const current = [screen(7, 0, 0, 1024, 768)]
    expect(layoutScreens(current, 2560, 1024, [rect(0, 0, 1280, 1024), rect(1280, 0, 1280, 1024)])).toEqual([
      screen(7, 0, 0, 1280, 1024),
      screen(0, 1280, 0, 1280, 1024),
    ])
  })

  it('never reuses an id the server has, nor gives one id twice', () => {
    const current = [screen(0, 0, 0, 100, 100), screen(1, 100, 0, 100, 100), screen(3, 200, 0, 100, 100)]
    const rects = [0, 1, 2, 3, 4].map((i) => rect(i * 100, 0, 100, 100))
    expect(layoutScreens(current, 500, 100, rects).map((s) => s.id)).toEqual([0, 1, 3, 2, 4])
  })

  it('drops screens the layout no longer has', () => {
    const current = [screen(4, 0, 0, 1280, 1024), screen(9, 1280, 0, 1280, 1024)]
    expect(layoutScreens(current, 1280, 1024, [rect(0, 0, 1280, 1024)])).toEqual([screen(4, 0, 0, 1280, 1024)])
  })

  it('starts at id 0 when the server has sent no layout', () => {
    expect(layoutScreens([], 800, 600, [rect(0, 0, 800, 600)])).toEqual([screen(0, 0, 0, 800, 600)])
  })

  it.each([
    [
      'a screen reaching outside the desktop',
      2000,
      1024,
      [rect(0, 0, 1280, 1024), rect(1280, 0, 1280, 1024)],
      'screen 2 (1280x1024 at 1280,0) reaches outside the desktop',
    ],
    ['a screen without an area', 800, 600, [rect(0, 0, 0, 600)], 'screen 1 (0x600 at 0,0) must have whole, positive sizes'],
    ['a screen at a fractional position', 800, 600, [rect(0.5, 0, 100, 100)], 'must have whole, positive sizes'],
    ['no screens', 800, 600, [], 'a layout has 1 to 16 screens, not 0'],
    ['too many screens', 1700, 100, Array.from({ length: MAX_LAYOUT_SCREENS + 1 }, (_, i) => rect(i * 100, 0, 100, 100)), 'not 17'],
    ['a side over 16384', 16385, 100, [rect(0, 0, 100, 100)], 'exceeds the limits'],
    ['too many pixels in all', 16384, 16384, [rect(0, 0, 100, 100)], 'exceeds the limits (16384 on a side, 64 Mpixel in all)'],
    ['a zero size', 0, 600, [rect(0, 0, 1, 1)], 'at least 1x1'],
  ])('refuses %s', (_label, width, height, rects, why) => {
    let thrown: unknown
    try {
      layoutScreens([], width, height, rects)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(DesktopSizeError)
    expect(thrown).toMatchObject({ kind: 'unsupported', code: 'RFB_ERR_RESIZE_LAYOUT' })
    expect((thrown as Error).message).toContain(why)
  })
})

describe('DesktopSizeReplies', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('settles requests oldest first: success, then the server reason of a failure', async () => {
    const replies = new DesktopSizeReplies()
    const first = replies.sent()
    const second = replies.sent()
    expect(replies.answer(0)).toBeNull()
    expect(replies.answer(3)).toBe('the screen layout is invalid')
    await expect(first).resolves.toBeUndefined()
    await expect(second).rejects.toMatchObject({
      kind: 'refused',
      code: 'RFB_ERR_RESIZE_REFUSED',
      message: 'the server refused the new desktop size: the screen layout is invalid',
    })
  })

  it('counts a forwarded request as accepted, and names an unknown status by its number', async () => {
    const replies = new DesktopSizeReplies()
    const forwarded = replies.sent()
    const odd = replies.sent()
    replies.answer(4)
    replies.answer(9)
    await expect(forwarded).resolves.toBeUndefined()
    await expect(odd).rejects.toThrow('the server refused the new desktop size: error 9')
  })

  it('resolves a request the server does not answer in time, and its late answer settles nothing newer', async () => {
    vi.useFakeTimers()
    const replies = new DesktopSizeReplies(1000)
    const slow = replies.sent()
    vi.advanceTimersByTime(1000)
    await expect(slow).resolves.toBeUndefined()
    const next = replies.sent()
    replies.answer(1) // the late answer to `slow`
    replies.answer(2)
    await expect(next).rejects.toThrow('out of resources')
  })

  it('fails every waiting request when the session ends', async () => {
    const replies = new DesktopSizeReplies()
    const waiting = [replies.sent(), replies.sent()]
    replies.abandon(new Error('connection closed'))
    for (const w of waiting) await expect(w).rejects.toThrow('connection closed')
    expect(replies.answer(0)).toBeNull() // nothing left to settle
  })
})
