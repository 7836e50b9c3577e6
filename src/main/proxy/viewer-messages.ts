import { Encoding, encodingName } from '@shared/encodings'
import type { ByteQueue } from '../rfb/byte-queue'
import { DECODABLE_ENCODINGS } from '../rfb/decoders'
import { RfbProtocolError } from '../rfb/errors'
import { type PixelFormat, describePixelFormat, readPixelFormat } from '../rfb/pixel-format'
import { MAX_CUT_TEXT_BYTES } from '../rfb/server-message-reader'

/** Pseudo-encodings whose effects the engine's reader parses (rects or messages), besides the pixel decoders. */
const PARSED_PSEUDO: ReadonlySet<number> = new Set([
  Encoding.DesktopSize,
  Encoding.LastRect,
  Encoding.PointerPos,
  Encoding.Cursor,
  Encoding.XCursor,
  Encoding.QEMUExtendedKeyEvent,
  Encoding.QEMULedState,
  Encoding.DesktopName,
  Encoding.ExtendedDesktopSize,
  Encoding.XVP,
  Encoding.Fence,
  Encoding.ContinuousUpdates,
  Encoding.ExtendedMouseButtons,
  Encoding.VMwareLedState,
  Encoding.ExtendedClipboard,
])

/** Whether the proxy can parse what a server sends once `encoding` is announced. */
export function proxyUnderstands(encoding: number): boolean {
  if (DECODABLE_ENCODINGS.includes(encoding) || PARSED_PSEUDO.has(encoding)) return true
  // Levels change how rects are made, never their framing.
  const inRange = (lo: number, hi: number): boolean => encoding >= lo && encoding <= hi
  return (
    inRange(Encoding.CompressLevel0, Encoding.CompressLevel9) ||
    inRange(Encoding.QualityLevel0, Encoding.QualityLevel9) ||
    inRange(Encoding.FineQualityLevel0, Encoding.FineQualityLevel100) ||
    inRange(Encoding.Subsample1X, Encoding.Subsample16X)
  )
}

/** The most encodings a SetEncodings may list (real viewers send about 30). */
export const MAX_ENCODINGS = 1024

/** One whole viewer message: its bytes to forward and what it means. */
export interface ViewerMessage {
  type: number
  bytes: Uint8Array
  /** One line for the trace. */
  text: string
  /** SetPixelFormat: the format the viewer asks for. */
  pixelFormat?: PixelFormat
  /** SetEncodings: what is passed on, and what was stripped. */
  encodings?: { kept: number[]; stripped: number[] }
  /** FramebufferUpdateRequest, or EnableContinuousUpdates' flag. */
  request?: boolean
  continuous?: boolean
}

/** The message's full length once its header is in, or 0 while more bytes are needed. */
function lengthOf(q: ByteQueue, at: number): number {
  const type = q.peekU8()
  const need = (n: number): number => (q.has(n) ? n : 0)
  switch (type) {
    case 0:
      return need(20)
    case 2: {
      if (!q.has(4)) return 0
      const n = q.peekU16(2)
      if (n > MAX_ENCODINGS) throw new RfbProtocolError(`the viewer's SetEncodings lists ${n} encodings (at most ${MAX_ENCODINGS})`, at, 'RFB_ERR_LIMIT')
      return need(4 + 4 * n)
    }
    case 3:
      return need(10)
    case 4:
      return need(8)
    case 5:
      return need(6)
    case 6: {
      if (!q.has(8)) return 0
      const len = Math.abs(q.peekU32(4) | 0)
      if (len > MAX_CUT_TEXT_BYTES)
        throw new RfbProtocolError(`the viewer's clipboard message of ${len} bytes exceeds ${MAX_CUT_TEXT_BYTES}`, at, 'RFB_ERR_LIMIT')
      return need(8 + len)
    }
    case 150:
      return need(10)
    case 248: {
      if (!q.has(9)) return 0
      const len = q.peekU8(8)
      if (len > 64) throw new RfbProtocolError(`the viewer's Fence payload of ${len} bytes exceeds 64`, at, 'RFB_ERR_LIMIT')
      return need(9 + len)
    }
    case 250:
      return need(4)
    case 251:
      return q.has(8) ? need(8 + 16 * q.peekU8(6)) : 0
    case 255: {
      // QEMU client messages: 0 extended key event (12 bytes); 1 audio (4, or 10 for set-format).
      if (!q.has(2)) return 0
      const sub = q.peekU8(1)
      if (sub === 0) return need(12)
      if (sub === 1) return q.has(4) ? need(q.peekU16(2) === 2 ? 10 : 4) : 0
      throw new RfbProtocolError(`the viewer sent QEMU message subtype ${sub}, which the proxy cannot parse`, at, 'RFB_ERR_MESSAGE_TYPE')
    }
    default:
      throw new RfbProtocolError(`the viewer sent message type ${type}, which the proxy cannot parse`, at, 'RFB_ERR_MESSAGE_TYPE')
  }
}

/**
 * The next whole message from the viewer (null until all of it is in), every length checked
 * before it is trusted. SetEncodings comes back rewritten without the encodings the proxy could
 * not parse; everything else as it came.
 */
export function nextViewerMessage(q: ByteQueue): ViewerMessage | null {
  if (!q.has(1)) return null
  const at = q.position
  const n = lengthOf(q, at)
  if (n === 0) return null
  const bytes = q.bytes(n).slice()
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  const type = bytes[0]
  switch (type) {
    case 0: {
      const pixelFormat = readPixelFormat(bytes, 4)
      return { type, bytes, text: `SetPixelFormat ${describePixelFormat(pixelFormat)}`, pixelFormat }
    }
    case 2: {
      const all: number[] = []
      for (let i = 0; i < view.readUInt16BE(2); i++) all.push(view.readInt32BE(4 + 4 * i))
      const kept = all.filter(proxyUnderstands)
      const stripped = all.filter((e) => !proxyUnderstands(e))
      const out = Buffer.alloc(4 + 4 * kept.length)
      out[0] = 2
      out.writeUInt16BE(kept.length, 2)
      kept.forEach((e, i) => out.writeInt32BE(e, 4 + 4 * i))
      return { type, bytes: out, text: `SetEncodings ${kept.map(encodingName).join(', ')}`, encodings: { kept, stripped } }
    }
    case 3:
      return {
        type,
        bytes,
        text: `FramebufferUpdateRequest ${bytes[1] ? 'incremental' : 'full'} ${view.readUInt16BE(6)}x${view.readUInt16BE(8)}+${view.readUInt16BE(2)}+${view.readUInt16BE(4)}`,
        request: true,
      }
    case 4:
      return { type, bytes, text: `KeyEvent ${bytes[1] ? 'down' : 'up'} 0x${view.readUInt32BE(4).toString(16)}` }
    case 5:
      return { type, bytes, text: `PointerEvent buttons=${bytes[1]} ${view.readUInt16BE(2)},${view.readUInt16BE(4)}` }
    case 6:
      return { type, bytes, text: `ClientCutText ${(view.readInt32BE(4) < 0 ? 'extended ' : '') + Math.abs(view.readInt32BE(4))} bytes` }
    case 150:
      return { type, bytes, text: `EnableContinuousUpdates ${bytes[1] ? 'on' : 'off'}`, continuous: bytes[1] !== 0 }
    case 248:
      return { type, bytes, text: `Fence flags=0x${view.readUInt32BE(4).toString(16)} ${bytes[8]} bytes` }
    case 250:
      return { type, bytes, text: `XVP version=${bytes[2]} action=${bytes[3]}` }
    case 251:
      return { type, bytes, text: `SetDesktopSize ${view.readUInt16BE(2)}x${view.readUInt16BE(4)} ${bytes[6]} screens` }
    default:
      return { type, bytes, text: `QEMU message ${bytes[1]}` }
  }
}
