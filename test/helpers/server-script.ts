import { createServer } from 'node:net'
import { RGBX8888, type PixelFormat, writePixelFormat } from '../../src/main/rfb/pixel-format'
import { Bytes } from './bytes'

/** ServerInit bytes (RFC 6143 §7.3.2); `trueColourFlag` lets tests send x11vnc's 255. */
export function serverInit(width: number, height: number, name: string, pf: PixelFormat = RGBX8888, trueColourFlag?: number): Uint8Array {
  const pfBytes = new Uint8Array(16)
  writePixelFormat(pf, pfBytes)
  if (trueColourFlag !== undefined) pfBytes[3] = trueColourFlag
  return new Bytes().u16(width, height).bytes(pfBytes).string(name).build()
}

/** A whole 3.8 server greeting through security None up to ServerInit. */
export function none38(width = 4, height = 3, name = 'desk'): Uint8Array {
  return new Bytes()
    .text('RFB 003.008\n')
    .u8(1, 1)
    .u32(0)
    .bytes(serverInit(width, height, name))
    .build()
}

/**
 * A one-shot loopback server: the handshake up to ServerInit at once, then `update` once the
 * client has asked for one (the CLI listens for updates only after the handshake resolves).
 */
export async function scriptedServer(handshake: Uint8Array, update: Uint8Array): Promise<{ port: number; close: () => void }> {
  const server = createServer((sock) => {
    sock.on('error', () => {})
    let got = 0
    let sent = false
    sock.on('data', (d) => {
      got += d.length
      // Version (12), security type (1), ClientInit (1), then its first messages.
      if (got > 14 && !sent) {
        sent = true
        setTimeout(() => sock.write(update), 20)
      }
    })
    sock.write(handshake)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { port: (server.address() as { port: number }).port, close: () => server.close() }
}

/** Tight compact length (rfbproto "Tight Encoding"). */
export function compact(n: number): number[] {
  if (n < 0x80) return [n]
  if (n < 0x4000) return [(n & 0x7f) | 0x80, n >> 7]
  return [(n & 0x7f) | 0x80, ((n >> 7) & 0x7f) | 0x80, n >> 14]
}

/** One FramebufferUpdate with a w x h rect of `encoding` at (0, 0). */
export function imageUpdate(encoding: number, w: number, h: number, body: ArrayLike<number>): Uint8Array {
  return new Bytes().u8(0, 0).u16(1).u16(0, 0, w, h).s32(encoding).bytes(body).build()
}

/** A Tight rect body with an image: the control byte (0x90 JPEG, 0xA0 PNG), compact length, bytes. */
export const tightImage = (control: number, image: Uint8Array): Uint8Array => Uint8Array.from([control, ...compact(image.length), ...image])
