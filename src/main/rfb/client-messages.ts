import { type PixelFormat, writePixelFormat } from './pixel-format'

/** Client-to-server message types (RFC 6143 §7.5). */
export const enum ClientMessage {
  SetPixelFormat = 0,
  SetEncodings = 2,
  FramebufferUpdateRequest = 3,
  KeyEvent = 4,
  PointerEvent = 5,
  ClientCutText = 6,
}

/** RFC 6143 §7.5.1, padding zeroed. */
export function setPixelFormat(pf: PixelFormat): Uint8Array {
  const b = new Uint8Array(20)
  b[0] = ClientMessage.SetPixelFormat
  writePixelFormat(pf, b, 4)
  return b
}

/** RFC 6143 §7.5.2; encodings are signed 32-bit. */
export function setEncodings(encodings: readonly number[]): Uint8Array {
  const b = Buffer.alloc(4 + 4 * encodings.length)
  b[0] = ClientMessage.SetEncodings
  b.writeUInt16BE(encodings.length, 2)
  encodings.forEach((e, i) => b.writeInt32BE(e | 0, 4 + 4 * i))
  return b
}

/** RFC 6143 §7.5.3. */
export function framebufferUpdateRequest(incremental: boolean, x: number, y: number, w: number, h: number): Uint8Array {
  const b = Buffer.alloc(10)
  b[0] = ClientMessage.FramebufferUpdateRequest
  b[1] = incremental ? 1 : 0
  b.writeUInt16BE(x, 2)
  b.writeUInt16BE(y, 4)
  b.writeUInt16BE(w, 6)
  b.writeUInt16BE(h, 8)
  return b
}

/** RFC 6143 §7.5.4. */
export function keyEvent(down: boolean, keysym: number): Uint8Array {
  const b = Buffer.alloc(8)
  b[0] = ClientMessage.KeyEvent
  b[1] = down ? 1 : 0
  b.writeUInt32BE(keysym >>> 0, 4)
  return b
}

/** RFC 6143 §7.5.5: buttons 1-8 as a bit mask (bit 0 = left, 3/4 = wheel up/down, 5/6 = wheel left/right). */
export function pointerEvent(buttonMask: number, x: number, y: number): Uint8Array {
  const b = Buffer.alloc(6)
  b[0] = ClientMessage.PointerEvent
  b[1] = buttonMask & 0xff
  b.writeUInt16BE(x, 2)
  b.writeUInt16BE(y, 4)
  return b
}

/**
 * RFC 6143 §7.5.6: the text is ISO 8859-1 and lines end in LF. Characters outside Latin-1 cannot
 * be sent this way (Extended Clipboard carries UTF-8); they become '?'.
 */
export function clientCutText(text: string): Uint8Array {
  const latin1 = toLatin1(text.replace(/\r\n?/g, '\n'))
  const b = Buffer.alloc(8 + latin1.length)
  b[0] = ClientMessage.ClientCutText
  b.writeUInt32BE(latin1.length, 4)
  b.set(latin1, 8)
  return b
}

function toLatin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length)
  let n = 0
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    out[n++] = c < 256 ? c : 0x3f
  }
  return out.subarray(0, n)
}

/** A screen of the ExtendedDesktopSize layout (rfbproto §7.8.2). */
export interface Screen {
  id: number
  x: number
  y: number
  width: number
  height: number
  flags: number
}

/** SetDesktopSize (251): ask the server to resize to `width`x`height` with this screen layout. */
export function setDesktopSize(width: number, height: number, screens: readonly Screen[]): Uint8Array {
  const b = Buffer.alloc(8 + 16 * screens.length)
  b[0] = 251
  b.writeUInt16BE(width, 2)
  b.writeUInt16BE(height, 4)
  b[6] = screens.length
  screens.forEach((s, i) => {
    const o = 8 + 16 * i
    b.writeUInt32BE(s.id >>> 0, o)
    b.writeUInt16BE(s.x, o + 4)
    b.writeUInt16BE(s.y, o + 6)
    b.writeUInt16BE(s.width, o + 8)
    b.writeUInt16BE(s.height, o + 10)
    b.writeUInt32BE(s.flags >>> 0, o + 12)
  })
  return b
}

/** Fence (248) from the client; `payload` at most 64 bytes. */
export function fence(flags: number, payload: Uint8Array): Uint8Array {
  const b = Buffer.alloc(9 + payload.length)
  b[0] = 248
  b.writeUInt32BE(flags >>> 0, 4)
  b[8] = payload.length
  b.set(payload, 9)
  return b
}

/** EnableContinuousUpdates (150). */
export function enableContinuousUpdates(enable: boolean, x: number, y: number, w: number, h: number): Uint8Array {
  const b = Buffer.alloc(10)
  b[0] = 150
  b[1] = enable ? 1 : 0
  b.writeUInt16BE(x, 2)
  b.writeUInt16BE(y, 4)
  b.writeUInt16BE(w, 6)
  b.writeUInt16BE(h, 8)
  return b
}

/** QEMU Extended Key Event (255, sub-type 0): keysym plus the XT scancode ("qnum"). */
export function qemuKeyEvent(down: boolean, keysym: number, scancode: number): Uint8Array {
  const b = Buffer.alloc(12)
  b[0] = 255
  b[1] = 0
  b.writeUInt16BE(down ? 1 : 0, 2)
  b.writeUInt32BE(keysym >>> 0, 4)
  b.writeUInt32BE(scancode >>> 0, 8)
  return b
}

/** XVP power actions (rfbproto xvp extension). */
export const enum XvpAction {
  Shutdown = 2,
  Reboot = 3,
  Reset = 4,
}

/** XVP client message (250), protocol version 1. */
export function xvp(action: XvpAction): Uint8Array {
  return Uint8Array.of(250, 0, 1, action)
}

/** ClientCutText carrying an Extended Clipboard payload: the length is negated (rfbproto). */
export function extendedClientCutText(payload: Uint8Array): Uint8Array {
  const b = Buffer.alloc(8 + payload.length)
  b[0] = ClientMessage.ClientCutText
  b.writeInt32BE(-payload.length, 4)
  b.set(payload, 8)
  return b
}

/**
 * PointerEvent with the ExtendedMouseButtons form: bit 7 of the mask marks an extra byte holding
 * buttons 8 (back) and 9 (forward). `buttons` uses bit 7 for back and bit 8 for forward.
 */
export function extendedPointerEvent(buttons: number, x: number, y: number): Uint8Array {
  const b = Buffer.alloc(7)
  b[0] = ClientMessage.PointerEvent
  b[1] = (buttons & 0x7f) | 0x80
  b.writeUInt16BE(x, 2)
  b.writeUInt16BE(y, 4)
  b[6] = (buttons >> 7) & 0x03
  return b
}
