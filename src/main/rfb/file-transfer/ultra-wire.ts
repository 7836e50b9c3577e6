import type { ByteQueue } from '../byte-queue'
import { RfbProtocolError } from '../errors'
import type { ServerMessageExtension } from '../server-message-reader'

/**
 * UltraVNC's FileTransfer message (rfbFileTransferMsg, type 7 both ways): a 12-byte header
 * (type, content type, content param, pad, size u32, length u32, big-endian) then `length`
 * bytes. The facts come from UltraVNC's rfb.h and libvncserver's rfbserver.c (x11vnc).
 */
export const FILE_TRANSFER_MESSAGE = 7

/** Content types (rfb.h). */
export const enum Content {
  DirContentRequest = 1,
  DirPacket = 2,
  FileTransferRequest = 3,
  FileHeader = 4,
  FilePacket = 5,
  EndOfFile = 6,
  AbortFileTransfer = 7,
  FileTransferOffer = 8,
  FileAcceptHeader = 9,
  Command = 10,
  CommandReturn = 11,
  FileChecksums = 12,
  FileTransferAccess = 14,
}

/** rfbDirContentRequest params. */
export const enum DirRequest {
  Content = 1,
  DrivesList = 2,
}

/** rfbDirPacket params (the end of a listing has param 0 and no body). */
export const enum DirAnswer {
  End = 0,
  Directory = 1,
  File = 2,
  DrivesList = 3,
}

/** rfbCommand params. */
export const enum Command {
  DirCreate = 1,
  FileDelete = 4,
  FileRename = 5,
}

/** rfbCommandReturn params, one per command. */
export const enum CommandAnswer {
  DirCreate = 4,
  FileDelete = 7,
  FileRename = 8,
}

/** The file-transfer protocol version a viewer sends with its permission request (RC19 and later). */
export const FILE_TRANSFER_VERSION = 2

/** `size` meaning "failed" (rfbRErrorCmd, -1 as u32). */
export const ERROR_SIZE = 0xffffffff

/** Bytes of file data per packet, before compression (sz_rfbBlockSize). */
export const BLOCK_SIZE = 8192

/** A file packet on the wire: a block, or its zlib form, which libvncserver allows 1 KiB over the block. */
export const MAX_FILE_PACKET_BYTES = BLOCK_SIZE + 1024

/**
 * Any other message: a directory entry is 44 + 260 + 14 bytes at most (WIN32_FIND_DATA), a path
 * 260 (MAX_PATH), a rename echo two paths; anything longer is not UltraVNC's.
 */
export const MAX_CONTROL_BYTES = 1024

/**
 * rfbFileChecksums, which UltraVNC's server sends unasked before accepting an upload over an
 * existing file (delta transfer, which Tessera does not use): 4 bytes per 8 KiB block of that
 * file plus 1 KiB, compressed. This much covers a 16 GiB file; the message is read and ignored.
 */
export const MAX_CHECKSUMS_BYTES = 4 * ((16 * 1024 ** 3) / BLOCK_SIZE) + 1024

/** Longest path the servers take: Windows' MAX_PATH less the NUL (libvncserver's buffers too). */
export const MAX_PATH_BYTES = 259

/** One server FileTransfer message, its body copied out of the queue. */
export interface UltraMessage {
  contentType: number
  contentParam: number
  size: number
  /** The high 32 bits of a file size: only a successful rfbFileHeader carries them (4 bytes after the body). */
  sizeHigh: number
  body: Uint8Array
  /** Stream offset of the message, for errors. */
  at: number
}

/** A client FileTransfer message; `sizeHigh` is appended after the body (rfbFileTransferOffer). */
export function ultraMessage(contentType: Content, contentParam: number, size: number, body: Uint8Array = new Uint8Array(0), sizeHigh?: number): Uint8Array {
  const out = new Uint8Array(12 + body.length + (sizeHigh === undefined ? 0 : 4))
  const v = new DataView(out.buffer)
  out[0] = FILE_TRANSFER_MESSAGE
  out[1] = contentType
  out[2] = contentParam
  v.setUint32(4, size >>> 0)
  v.setUint32(8, body.length)
  out.set(body, 12)
  if (sizeHigh !== undefined) v.setUint32(12 + body.length, sizeHigh >>> 0)
  return out
}

/** Content type names for traces and errors. */
export function contentName(type: number): string {
  const names: Record<number, string> = {
    1: 'DirContentRequest',
    2: 'DirPacket',
    3: 'FileTransferRequest',
    4: 'FileHeader',
    5: 'FilePacket',
    6: 'EndOfFile',
    7: 'AbortFileTransfer',
    8: 'FileTransferOffer',
    9: 'FileAcceptHeader',
    10: 'Command',
    11: 'CommandReturn',
    12: 'FileChecksums',
    14: 'FileTransferAccess',
  }
  return names[type] ?? `content type ${type}`
}

/**
 * UltraVNC follows a failed rfbFileHeader (size -1) with a high half of -1 too, where libvncserver
 * sends nothing: those 4 bytes then stand where a message type would, as 255.
 */
export const TRAILING_SIZE_HIGH = 0xff

/** Reads (drops) UltraVNC's 4 bytes of 0xFF after a failed file header; anything else is not a message. */
export class TrailingSizeHighReader implements ServerMessageExtension {
  constructor(private readonly trace?: (direction: 'in', line: string) => void) {}

  read(q: ByteQueue, at: number): boolean {
    if (!q.has(4)) return false
    if (q.peekU32() !== ERROR_SIZE) throw new RfbProtocolError('unknown server message type 255', at, 'RFB_ERR_MESSAGE_TYPE')
    q.skip(4)
    this.trace?.('in', 'FileTransfer size high half of a failed file header (UltraVNC)')
    return true
  }
}

/**
 * Reads server FileTransfer messages whole, checking the length against the protocol's limits
 * before holding anything: a longer one is not a server we can follow, so the session ends.
 */
export class UltraMessageReader implements ServerMessageExtension {
  constructor(
    private readonly deliver: (m: UltraMessage) => void,
    private readonly trace?: (direction: 'in', line: string) => void,
  ) {}

  read(q: ByteQueue, at: number): boolean {
    if (!q.has(12)) return false
    const contentType = q.peekU8(1)
    const size = q.peekU32(4)
    const length = q.peekU32(8)
    const limit = contentType === Content.FilePacket ? MAX_FILE_PACKET_BYTES : contentType === Content.FileChecksums ? MAX_CHECKSUMS_BYTES : MAX_CONTROL_BYTES
    if (length > limit) {
      throw new RfbProtocolError(`UltraVNC file-transfer ${contentName(contentType)} of ${length} bytes exceeds the protocol's ${limit}`, at, 'RFB_ERR_LIMIT')
    }
    // libvncserver and UltraVNC follow a good file header with the size's high half.
    const extra = contentType === Content.FileHeader && size !== ERROR_SIZE ? 4 : 0
    if (!q.has(12 + length + extra)) return false
    q.skip(2)
    const contentParam = q.u8()
    q.skip(9)
    const body = q.bytes(length).slice()
    const sizeHigh = extra ? q.u32() : 0
    this.trace?.('in', `FileTransfer ${contentName(contentType)} param=${contentParam} size=${size} length=${length}`)
    this.deliver({ contentType, contentParam, size, sizeHigh, body, at })
    return true
  }
}
