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
