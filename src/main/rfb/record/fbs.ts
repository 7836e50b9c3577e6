import { RfbProtocolError } from '../errors'

/** The FBS 001.000 magic, as rfbproxy writes it. */
export const FBS_MAGIC = 'FBS 001.000\n'

/**
 * Most blocks a recording may hold. Each parsed block costs about 170 bytes of heap besides its
 * data (measured 2026-12-07), and a block can be as small as 8 bytes of file: without a bound a
 * 1 GiB file of empty blocks would take some 20 GiB and end the process. Tessera's recorder
 * writes one block per update, so this is hours of 60 updates a second.
 */
export const MAX_FBS_BLOCKS = 2_000_000

/** One block of a recording: server bytes as they arrived, and when (ms since the start). */
export interface FbsBlock {
  data: Uint8Array
  timestampMs: number
}

/**
 * Serialises one block: u32 length, the data padded to a multiple of 4, u32 timestamp in ms
 * (big-endian, as rfbproxy writes and TigerVNC reads).
 */
export function encodeFbsBlock(data: Uint8Array, timestampMs: number): Buffer {
  const padded = Math.ceil(data.length / 4) * 4
  const out = Buffer.alloc(8 + padded)
  out.writeUInt32BE(data.length, 0)
  out.set(data, 4)
  out.writeUInt32BE(Math.max(0, Math.floor(timestampMs)) >>> 0, 4 + padded)
  return out
}

/**
 * Splits an FBS file into blocks, checking every length against what is left, so a truncated
 * or corrupt file is reported instead of over-read. A truncated final block is an error, and so
 * is a file of more than `maxBlocks` blocks (see MAX_FBS_BLOCKS).
 */
export function parseFbs(file: Uint8Array, maxBlocks = MAX_FBS_BLOCKS): FbsBlock[] {
  const magic = String.fromCharCode(...file.subarray(0, 12))
  if (magic !== FBS_MAGIC) throw new RfbProtocolError('not an FBS 001.000 recording (bad magic)', 0, 'RFB_ERR_FBS')
  const blocks: FbsBlock[] = []
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  let o = 12
  while (o < file.length) {
    if (o + 4 > file.length) throw new RfbProtocolError('recording ends inside a block header', o, 'RFB_ERR_FBS')
    const len = view.getUint32(o)
    // Plain arithmetic: 32-bit operators would wrap a length near 2^32 to a negative padding.
    const padded = Math.ceil(len / 4) * 4
    if (o + 8 + padded > file.length) {
      throw new RfbProtocolError(`block of ${len} bytes runs past the end of the recording`, o, 'RFB_ERR_FBS')
    }
    if (blocks.length === maxBlocks) {
      throw new RfbProtocolError(`recording holds more than ${maxBlocks} blocks, more than Tessera plays`, o, 'RFB_ERR_FBS')
    }
    blocks.push({ data: file.subarray(o + 4, o + 4 + len), timestampMs: view.getUint32(o + 4 + padded) })
    o += 8 + padded
  }
  return blocks
}
