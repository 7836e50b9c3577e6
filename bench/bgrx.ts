import { Encoding } from '@shared/encodings'
import { FramebufferSink } from '../src/main/rfb/framebuffer'
import { encodeFbsBlock, FBS_MAGIC } from '../src/main/rfb/record/fbs'
import { recordingStream, replayStream } from '../src/main/rfb/record/replay'
import { pictureDifference } from './framebuffer-diff'
import { CHUNK_BYTES } from './novnc/replay'
import { type BgrxResult, median, type SuiteOptions } from './suite'

/** B,G,R,X: 32 bpp little-endian with red in the third byte, the native format of most X servers. */
const BGRX_FORMAT = [32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]

/**
 * A Raw (with CopyRect and pseudo-encodings) R,G,B,X recording rewritten as the server would
 * have sent it in B,G,R,X: ServerInit declares that format and every pixel's red and blue bytes
 * swap. Recordings made by rfbproxy or from servers that ignore SetPixelFormat look like this,
 * and they replay through the converter's byte-shuffle path. Null when the stream holds an
 * encoding or message this walker does not know the length of (it does not decode compressed
 * encodings, which keep state and cannot be rewritten rect by rect).
 */
export function bgrxRecording(fbs: Uint8Array): Uint8Array | null {
  const s = new Uint8Array(recordingStream(fbs))
  const view = new DataView(s.buffer, s.byteOffset, s.byteLength)
  // RFB 3.3 + security None (16 bytes), then ServerInit: width, height, the 16-byte format, name.
  const init = 16
  if (s[init + 4] !== 32) return null
  s.set(BGRX_FORMAT, init + 4)
  let o = init + 24 + view.getUint32(init + 20)
  const swap = (n: number): void => {
    for (const e = o + n * 4; o < e; o += 4) {
      const r = s[o]
      s[o] = s[o + 2]
      s[o + 2] = r
    }
  }
  while (o < s.length) {
    const type = s[o]
    if (type === 2) {
      o += 1
      continue
    }
    if (type === 3) {
      // A negative length is an Extended Clipboard message of that many bytes.
      o += 8 + Math.abs(view.getInt32(o + 4))
      continue
    }
    if (type === 150) {
      o += 1
      continue
    }
    if (type === 248) {
      o += 9 + s[o + 8]
      continue
    }
    if (type !== 0) return null
    const rects = view.getUint16(o + 2)
    o += 4
    for (let r = 0; r < rects && o < s.length; r++) {
      const w = view.getUint16(o + 4)
      const h = view.getUint16(o + 6)
      const enc = view.getInt32(o + 8)
      o += 12
      if (enc === Encoding.LastRect) break
      if (enc === Encoding.Raw) swap(w * h)
      else if (enc === Encoding.CopyRect) o += 4
      else if (enc === Encoding.Cursor) {
        swap(w * h)
        o += ((w + 7) >> 3) * h
      } else if (enc === Encoding.XCursor) o += w * h > 0 ? 6 + 2 * ((w + 7) >> 3) * h : 0
      else if (enc === Encoding.ExtendedDesktopSize) o += 4 + 16 * s[o]
      else if (enc === Encoding.QEMULedState) o += 1
      else if (enc !== Encoding.DesktopSize && enc !== Encoding.PointerPos && enc !== Encoding.QEMUExtendedKeyEvent) return null
    }
  }
  if (o !== s.length) return null
  const magic = Buffer.from(FBS_MAGIC, 'latin1')
  return Buffer.concat([magic, encodeFbsBlock(s, 0)])
}

/**
 * Our engine on `fbs` (R,G,B,X) and on its B,G,R,X rewrite, passes alternating as in the main
 * suite; the final framebuffers must be identical. Null when the recording cannot be rewritten.
 */
export async function timeBgrx(fbs: Uint8Array, opts: SuiteOptions): Promise<BgrxResult | null> {
  const other = bgrxRecording(fbs)
  if (!other) return null
  const a = recordingStream(fbs)
  const b = recordingStream(other)
  const chunks = { chunkSize: CHUNK_BYTES }
  const fbA = new FramebufferSink()
  const fbB = new FramebufferSink()
  await replayStream(a, fbA, chunks)
  await replayStream(b, fbB, chunks)
  const mismatch = pictureDifference(fbA, fbB)
  const pass = async (s: Uint8Array): Promise<number> => (await replayStream(s, new FramebufferSink(), chunks)).elapsedMs
  const rgbx: number[] = []
  const bgrx: number[] = []
  let total = 0
  while (rgbx.length < opts.minRuns || (total < opts.minMs && rgbx.length < opts.maxRuns)) {
    const tb = await pass(b)
    const ta = await pass(a)
    bgrx.push(tb)
    rgbx.push(ta)
    total += ta
  }
  const rgbxMs = median(rgbx)
  const bgrxMs = median(bgrx)
  return { rgbxMs, bgrxMs, ratio: rgbxMs / bgrxMs, mismatch }
}
