import { describe, expect, it } from 'vitest'
import { DeltaMode, PointerInput, RfbButton, WHEEL_STEP_PX, rfbButtonMask, toFramebuffer } from '../../../src/renderer/src/input/pointer'

type Sent = [buttons: number, x: number, y: number]

function setup() {
  const sent: Sent[] = []
  const frames: Array<() => void> = []
  const p = new PointerInput(
    (b, x, y) => sent.push([b, x, y]),
    (cb) => frames.push(cb),
  )
  const runFrame = (): void => {
    const due = frames.splice(0)
    for (const f of due) f()
  }
  return { p, sent, frames, runFrame }
}

describe('rfbButtonMask', () => {
  it('maps DOM buttons to RFB bits, swapping middle and right', () => {
    expect(rfbButtonMask(0)).toBe(0)
    expect(rfbButtonMask(1)).toBe(RfbButton.Left)
    expect(rfbButtonMask(2)).toBe(RfbButton.Right)
    expect(rfbButtonMask(4)).toBe(RfbButton.Middle)
    expect(rfbButtonMask(8)).toBe(RfbButton.Back)
    expect(rfbButtonMask(16)).toBe(RfbButton.Forward)
    expect(rfbButtonMask(1 | 2 | 4)).toBe(0b111)
    expect(RfbButton.Back).toBe(1 << 7)
    expect(RfbButton.Forward).toBe(1 << 8)
  })
})

describe('toFramebuffer', () => {
  const g = { left: 100, top: 50, width: 400, height: 300, fbWidth: 800, fbHeight: 600 }
  it('maps through the CSS scale of the canvas', () => {
    expect(toFramebuffer(100, 50, g)).toEqual({ x: 0, y: 0 })
    expect(toFramebuffer(300, 200, g)).toEqual({ x: 400, y: 300 })
    expect(toFramebuffer(499.9, 349.9, g)).toEqual({ x: 799, y: 599 })
  })
  it('is the identity at 1:1', () => {
    expect(toFramebuffer(10.5, 20.2, { left: 0, top: 0, width: 800, height: 600, fbWidth: 800, fbHeight: 600 })).toEqual({ x: 10, y: 20 })
  })
  it('clamps to the framebuffer when dragging outside', () => {
    expect(toFramebuffer(0, 0, g)).toEqual({ x: 0, y: 0 })
    expect(toFramebuffer(2000, 2000, g)).toEqual({ x: 799, y: 599 })
  })
  it('survives a canvas with no size yet', () => {
    expect(toFramebuffer(5, 5, { ...g, width: 0 })).toEqual({ x: 0, y: 0 })
  })
})

describe('PointerInput', () => {
  it('coalesces moves into one message per animation frame', () => {
    const { p, sent, frames, runFrame } = setup()
    p.update(1, 1, 0)
    p.update(2, 2, 0)
    p.update(3, 4, 0)
    expect(sent).toEqual([])
    expect(frames).toHaveLength(1)
    runFrame()
    expect(sent).toEqual([[0, 3, 4]])
    // Nothing new, nothing sent.
    p.update(3, 4, 0)
    runFrame()
    expect(sent).toHaveLength(1)
  })

  it('sends button changes at once, with the latest position', () => {
    const { p, sent, runFrame } = setup()
    p.update(5, 5, 0)
    p.update(6, 7, 1)
    expect(sent).toEqual([[RfbButton.Left, 6, 7]])
    p.update(20, 20, 1)
    runFrame()
    p.update(20, 20, 0)
    expect(sent).toEqual([
      [1, 6, 7],
      [1, 20, 20],
      [0, 20, 20],
    ])
  })

  it('handles chorded buttons (second button while the first is held)', () => {
    const { p, sent } = setup()
    p.update(1, 1, 1)
    p.update(1, 1, 1 | 2)
    p.update(1, 1, 2)
    p.update(1, 1, 0)
    expect(sent.map((s) => s[0])).toEqual([1, 1 | 4, 4, 0])
  })

  it('turns a wheel notch into a press and release of button 4 or 5', () => {
    const { p, sent } = setup()
    expect(p.wheel(10, 10, 0, WHEEL_STEP_PX, DeltaMode.Pixel)).toBe(1)
    expect(p.wheel(10, 10, 0, -WHEEL_STEP_PX, DeltaMode.Pixel)).toBe(1)
    expect(sent).toEqual([
      [0, 10, 10],
      [RfbButton.WheelDown, 10, 10],
      [0, 10, 10],
      [RfbButton.WheelUp, 10, 10],
      [0, 10, 10],
    ])
  })

  it('uses buttons 6 and 7 for horizontal scrolling', () => {
    const { p, sent } = setup()
    p.wheel(0, 0, WHEEL_STEP_PX, 0, DeltaMode.Pixel)
    p.wheel(0, 0, -WHEEL_STEP_PX, 0, DeltaMode.Pixel)
    expect(sent.map((s) => s[0])).toEqual([0, RfbButton.WheelRight, 0, RfbButton.WheelLeft, 0])
  })

  it('accumulates small trackpad deltas into notches', () => {
    const { p, sent } = setup()
    let notches = 0
    for (let i = 0; i < 10; i++) notches += p.wheel(0, 0, 0, 15, DeltaMode.Pixel)
    expect(notches).toBe(1)
    expect(sent.filter((s) => s[0] === RfbButton.WheelDown)).toHaveLength(1)
  })

  it('counts three lines as one notch (Firefox line mode) and a page as three', () => {
    const { p } = setup()
    expect(p.wheel(0, 0, 0, 3, DeltaMode.Line)).toBe(1)
    expect(p.wheel(0, 0, 0, 1, DeltaMode.Line)).toBe(0)
    expect(p.wheel(0, 0, 0, 2, DeltaMode.Line)).toBe(1)
    expect(p.wheel(0, 0, 0, 1, DeltaMode.Page)).toBe(3)
  })

  it('starts afresh when the direction reverses', () => {
    const { p } = setup()
    expect(p.wheel(0, 0, 0, 90, DeltaMode.Pixel)).toBe(0)
    expect(p.wheel(0, 0, 0, -100, DeltaMode.Pixel)).toBe(1)
  })

  it('caps the notches one event can send', () => {
    const { p } = setup()
    expect(p.wheel(0, 0, 0, 100000, DeltaMode.Pixel)).toBe(10)
  })

  it('keeps held buttons pressed during wheel notches', () => {
    const { p, sent } = setup()
    p.update(0, 0, 1)
    p.wheel(0, 0, 0, WHEEL_STEP_PX, DeltaMode.Pixel)
    expect(sent).toEqual([
      [1, 0, 0],
      [1 | RfbButton.WheelDown, 0, 0],
      [1, 0, 0],
    ])
  })

  it('releases held buttons on releaseAll', () => {
    const { p, sent } = setup()
    p.update(4, 4, 1 | 4)
    p.releaseAll()
    expect(sent).toEqual([
      [1 | 2, 4, 4],
      [0, 4, 4],
    ])
    p.releaseAll()
    expect(sent).toHaveLength(2)
  })

  it('sends back and forward buttons', () => {
    const { p, sent } = setup()
    p.update(0, 0, 8)
    p.update(0, 0, 0)
    p.update(0, 0, 16)
    expect(sent.map((s) => s[0])).toEqual([RfbButton.Back, 0, RfbButton.Forward])
  })
})
