/** Sends one RFB PointerEvent: button mask and framebuffer position. */
export type PointerSender = (buttons: number, x: number, y: number) => void

/** RFB button-mask bits (RFC 6143 §7.5.5; bits 7-8 from the ExtendedMouseButtons extension). */
export const enum RfbButton {
  Left = 1 << 0,
  Middle = 1 << 1,
  Right = 1 << 2,
  WheelUp = 1 << 3,
  WheelDown = 1 << 4,
  WheelLeft = 1 << 5,
  WheelRight = 1 << 6,
  Back = 1 << 7,
  Forward = 1 << 8,
}

/**
 * DOM `MouseEvent.buttons` (1 left, 2 right, 4 middle, 8 back, 16 forward) to the RFB mask,
 * where middle and right trade places.
 */
export function rfbButtonMask(domButtons: number): number {
  let m = 0
  if (domButtons & 1) m |= RfbButton.Left
  if (domButtons & 2) m |= RfbButton.Right
  if (domButtons & 4) m |= RfbButton.Middle
  if (domButtons & 8) m |= RfbButton.Back
  if (domButtons & 16) m |= RfbButton.Forward
  return m
}

/** Where the canvas is on screen (getBoundingClientRect) and how big its framebuffer is. */
export interface CanvasGeometry {
  left: number
  top: number
  width: number
  height: number
  fbWidth: number
  fbHeight: number
}

/**
 * Client coordinates to framebuffer pixels through whatever CSS scale the canvas has,
 * clamped to the framebuffer so a drag outside the canvas still lands on its edge.
 */
export function toFramebuffer(clientX: number, clientY: number, g: CanvasGeometry): { x: number; y: number } {
  if (g.width <= 0 || g.height <= 0 || g.fbWidth <= 0 || g.fbHeight <= 0) return { x: 0, y: 0 }
  const x = Math.floor(((clientX - g.left) * g.fbWidth) / g.width)
  const y = Math.floor(((clientY - g.top) * g.fbHeight) / g.height)
  return { x: Math.min(Math.max(x, 0), g.fbWidth - 1), y: Math.min(Math.max(y, 0), g.fbHeight - 1) }
}

/** WheelEvent.deltaMode values. */
export const enum DeltaMode {
  Pixel = 0,
  Line = 1,
  Page = 2,
}

/**
 * Pixels of scrolling that make one wheel notch. Chrome reports a mouse notch as 100-120 px and
 * Firefox as 3 lines; trackpads send many small pixel deltas that add up to notches.
 */
export const WHEEL_STEP_PX = 100
const LINE_PX = WHEEL_STEP_PX / 3
const PAGE_PX = WHEEL_STEP_PX * 3
/** A flick on a trackpad must not queue hundreds of notches. */
const MAX_NOTCHES_PER_EVENT = 10

/**
 * Pointer state toward the server. Moves are coalesced to at most one message per animation
 * frame; button changes go out at once (after any pending move, so order is kept); the wheel
 * becomes press+release pairs of buttons 4/5 (vertical) and 6/7 (horizontal), one per notch.
 */
export class PointerInput {
  private mask = 0
  private x = 0
  private y = 0
  private sentX = -1
  private sentY = -1
  private sentMask = -1
  private frameRequested = false
  private accX = 0
  private accY = 0

  constructor(
    private readonly send: PointerSender,
    private readonly requestFrame: (cb: () => void) => void = (cb) => requestAnimationFrame(cb),
  ) {}

  /** A pointer move or button change at framebuffer position (x, y) with DOM `buttons`. */
  update(x: number, y: number, domButtons: number): void {
    this.x = x
    this.y = y
    const mask = rfbButtonMask(domButtons)
    if (mask !== this.mask) {
      this.mask = mask
      this.flush()
      return
    }
    if (!this.frameRequested) {
      this.frameRequested = true
      this.requestFrame(() => {
        this.frameRequested = false
        this.flush()
      })
    }
  }

  /** A wheel event at (x, y); deltas in the event's own unit. Returns the notches sent. */
  wheel(x: number, y: number, deltaX: number, deltaY: number, deltaMode: number): number {
    this.x = x
    this.y = y
    this.flush()
    const unit = deltaMode === DeltaMode.Line ? LINE_PX : deltaMode === DeltaMode.Page ? PAGE_PX : 1
    const notchesY = this.accumulate('y', deltaY * unit)
    const notchesX = this.accumulate('x', deltaX * unit)
    const yBit = notchesY > 0 ? RfbButton.WheelDown : RfbButton.WheelUp
    const xBit = notchesX > 0 ? RfbButton.WheelRight : RfbButton.WheelLeft
    for (let i = 0; i < Math.abs(notchesY); i++) this.click(yBit)
    for (let i = 0; i < Math.abs(notchesX); i++) this.click(xBit)
    return Math.abs(notchesX) + Math.abs(notchesY)
  }

  /** Sends the latest position now if it differs from what the server last got. */
  flush(): void {
    if (this.x === this.sentX && this.y === this.sentY && this.mask === this.sentMask) return
    this.sentX = this.x
    this.sentY = this.y
    this.sentMask = this.mask
    this.send(this.mask, this.x, this.y)
  }

  /** Releases every button (focus lost, view-only switched on). */
  releaseAll(): void {
    if (this.mask === 0) return
    this.mask = 0
    this.flush()
  }

  /** The RFB mask currently held. */
  get buttons(): number {
    return this.mask
  }

  private accumulate(axis: 'x' | 'y', px: number): number {
    let acc = axis === 'x' ? this.accX : this.accY
    // A change of direction starts afresh, so a reversal acts on its first notch.
    if (px !== 0 && Math.sign(px) !== Math.sign(acc) && acc !== 0) acc = 0
    acc += px
    // A tiny epsilon so three Firefox lines (3 x 33.33 px) make exactly one notch.
    let notches = Math.trunc((acc + Math.sign(acc) * 1e-6) / WHEEL_STEP_PX)
    acc -= notches * WHEEL_STEP_PX
    if (Math.abs(notches) > MAX_NOTCHES_PER_EVENT) notches = Math.sign(notches) * MAX_NOTCHES_PER_EVENT
    if (axis === 'x') this.accX = acc
    else this.accY = acc
    return notches
  }

  private click(bit: number): void {
    this.send(this.mask | bit, this.x, this.y)
    this.send(this.mask, this.x, this.y)
  }
}
