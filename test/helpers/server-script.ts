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
  return new Bytes().text('RFB 003.008\n').u8(1, 1).u32(0).bytes(serverInit(width, height, name)).build()
}
