import * as msg from './client-messages'
import type { ScreenRect } from '@shared/contract'
import { layoutScreens } from './desktop-size'
import { MAX_FRAMEBUFFER_PIXELS, MAX_FRAMEBUFFER_SIDE } from './handshake'
import type { ServerFeatures } from './session-types'

/** A client message ready to send, with the line `--trace` prints for it. */
export interface OutgoingMessage {
  bytes: Uint8Array
  trace: string
}

/** KeyEvent for one keysym. */
export function keyMessage(keysym: number, down: boolean): OutgoingMessage {
  return { bytes: msg.keyEvent(down, keysym), trace: `KeyEvent 0x${keysym.toString(16)} ${down ? 'down' : 'up'}` }
}

/**
 * A key with its XT scancode ("qnum") when the server takes QEMU extended key events, which
 * makes keys layout-independent; otherwise the keysym alone.
 */
export function keyWithScancodeMessage(features: ServerFeatures, keysym: number, scancode: number, down: boolean): OutgoingMessage {
  if (!features.qemuKeyEvents || scancode <= 0) return keyMessage(keysym, down)
  return {
    bytes: msg.qemuKeyEvent(down, keysym, scancode),
    trace: `QEMUKeyEvent 0x${keysym.toString(16)} scancode 0x${scancode.toString(16)} ${down ? 'down' : 'up'}`,
  }
}

/**
 * Pointer state clamped to the framebuffer: bits 0-6 are buttons 1-7 (left, middle, right, wheel
 * up/down/left/right), bit 7 back and bit 8 forward, sent only once the server confirmed
 * ExtendedMouseButtons.
 */
export function pointerMessage(features: ServerFeatures, width: number, height: number, buttonMask: number, x: number, y: number): OutgoingMessage {
  const cx = Math.max(0, Math.min(width - 1, Math.round(x)))
  const cy = Math.max(0, Math.min(height - 1, Math.round(y)))
  if (features.extendedMouseButtons && buttonMask & 0x180) {
    return { bytes: msg.extendedPointerEvent(buttonMask, cx, cy), trace: `PointerEvent mask=${buttonMask} ${cx},${cy} (extended)` }
  }
  // Without the extension, bit 7 would be read as a marker by servers that know it: keep it clear.
  const mask = features.extendedMouseButtons ? buttonMask & 0x7f : buttonMask & 0xff
  return { bytes: msg.pointerEvent(mask, cx, cy), trace: `PointerEvent mask=${mask} ${cx},${cy}` }
}

/**
 * SetDesktopSize, or null when the server has no ExtendedDesktopSize. Without `screens`, a size
 * brought within the framebuffer limits and one screen covering it (keeping the server's first
 * screen id); with `screens`, exactly that size and layout, the ids chosen by `layoutScreens`
 * (which throws a DesktopSizeError for a layout that cannot go out).
 */
export function desktopSizeMessage(features: ServerFeatures, width: number, height: number, screens?: readonly ScreenRect[]): OutgoingMessage | null {
  if (!features.extendedDesktopSize) return null
  let w = width
  let h = height
  if (!screens) {
    w = Math.max(1, Math.min(MAX_FRAMEBUFFER_SIDE, Math.round(width)))
    h = Math.max(1, Math.min(MAX_FRAMEBUFFER_SIDE, Math.floor(MAX_FRAMEBUFFER_PIXELS / w), Math.round(height)))
  }
  const layout = layoutScreens(features.screens, w, h, screens ?? [{ x: 0, y: 0, width: w, height: h }])
  const parts = layout.map((s) => `${s.width}x${s.height}+${s.x}+${s.y} id ${s.id}`)
  return { bytes: msg.setDesktopSize(w, h, layout), trace: `SetDesktopSize ${w}x${h}${screens ? ` screens ${parts.join(', ')}` : ''}` }
}
