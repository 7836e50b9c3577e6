import type { TightCapabilities, TightCapability } from '../security/tight'

/**
 * TightVNC 1.3's file transfer (rfbproto "Tight Security Type" capabilities; libvncserver's
 * tightvnc-filetransfer): message types and the capabilities that advertise them after ServerInit.
 * The same numbers mean different messages in each direction.
 */
export const enum TightServerMessage {
  FileListData = 130,
  FileDownloadData = 131,
  FileUploadCancel = 132,
  FileDownloadFailed = 133,
}

export const enum TightClientMessage {
  FileListRequest = 130,
  FileDownloadRequest = 131,
  FileUploadRequest = 132,
  FileUploadData = 133,
  FileDownloadCancel = 134,
  FileUploadFailed = 135,
  FileCreateDirRequest = 136,
}

const VENDOR = 'TGHT'

/** What a server must list for Tessera to offer its file transfer: listing, download, upload. */
const REQUIRED_SERVER: readonly [number, string][] = [
  [TightServerMessage.FileListData, 'FTS_LSDT'],
  [TightServerMessage.FileDownloadData, 'FTS_DNDT'],
  [TightServerMessage.FileUploadCancel, 'FTS_UPCN'],
  [TightServerMessage.FileDownloadFailed, 'FTS_DNFL'],
]
const REQUIRED_CLIENT: readonly [number, string][] = [
  [TightClientMessage.FileListRequest, 'FTC_LSRQ'],
  [TightClientMessage.FileDownloadRequest, 'FTC_DNRQ'],
  [TightClientMessage.FileUploadRequest, 'FTC_UPRQ'],
  [TightClientMessage.FileUploadData, 'FTC_UPDT'],
  [TightClientMessage.FileDownloadCancel, 'FTC_DNCN'],
  [TightClientMessage.FileUploadFailed, 'FTC_UPFL'],
]
const CREATE_DIR: [number, string] = [TightClientMessage.FileCreateDirRequest, 'FTC_FCDR']

const listed = (caps: readonly TightCapability[], [code, signature]: readonly [number, string]): boolean =>
  caps.some((c) => c.code === code && c.vendor === VENDOR && c.signature === signature)

/**
 * Where the servers differ on the wire. libvncserver (x11vnc -tightfilexfer; seen with Debian 12's
 * 0.9.14) follows a download failure's reason with a NUL it does not count, and handles
 * FileCreateDirRequest without listing it. TightVNC 1.3 sends no NUL and lists it.
 */
export type TightDialect = 'libvncserver' | 'tightvnc'

export interface TightFileTransferSupport {
  dialect: TightDialect
  /** FileCreateDirRequest works: listed, or libvncserver, which handles it without listing it. */
  createFolder: boolean
}

/**
 * Whether the server's Tight capabilities offer file transfer, and in which dialect. libvncserver
 * lists exactly the six client messages without FileCreateDirRequest; TightVNC 1.3 lists it.
 */
export function tightFileTransferSupport(caps: TightCapabilities | undefined): TightFileTransferSupport | null {
  if (!caps) return null
  if (!REQUIRED_SERVER.every((m) => listed(caps.serverMessages, m))) return null
  if (!REQUIRED_CLIENT.every((m) => listed(caps.clientMessages, m))) return null
  const dialect: TightDialect = listed(caps.clientMessages, CREATE_DIR) ? 'tightvnc' : 'libvncserver'
  return { dialect, createFolder: true }
}

/**
 * Longest path we send. libvncserver prefixes its -ftproot and refuses (often without any answer)
 * past PATH_MAX (4096); TightVNC 1.3 takes 255. Refusing early keeps requests and answers paired.
 */
export const MAX_REMOTE_PATH_BYTES = 2048

const utf8 = new TextEncoder()

/**
 * A remote path as the protocol wants it: absolute with '/' separators (TightVNC's Windows server
 * converts them), no NUL (the servers cut C strings there), at most {@link MAX_REMOTE_PATH_BYTES}.
 */
export function encodeRemotePath(path: string): Uint8Array {
  if (!path.startsWith('/')) throw new RangeError(`remote path "${path}" is not absolute (it must start with /)`)
  if (path.includes('\0')) throw new RangeError('remote path holds a NUL character')
  const bytes = utf8.encode(path)
  if (bytes.length > MAX_REMOTE_PATH_BYTES) throw new RangeError(`remote path of ${bytes.length} bytes is longer than ${MAX_REMOTE_PATH_BYTES}`)
  return bytes
}

function withHeader(header: number[], tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(header.length + tail.length)
  out.set(header)
  out.set(tail, header.length)
  return out
}

const u16 = (n: number): number[] => [(n >>> 8) & 0xff, n & 0xff]
const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]

/** FileListRequest: u8 type, u8 flags (0: files and folders), u16 length, path. */
export const fileListRequest = (path: Uint8Array): Uint8Array => withHeader([TightClientMessage.FileListRequest, 0, ...u16(path.length)], path)

/** FileDownloadRequest: u8 type, u8 compression level (0: none), u16 length, u32 position, path. */
export const fileDownloadRequest = (path: Uint8Array): Uint8Array =>
  withHeader([TightClientMessage.FileDownloadRequest, 0, ...u16(path.length), ...u32(0)], path)

/** FileUploadRequest: as FileDownloadRequest; the servers create (truncate) the file. */
export const fileUploadRequest = (path: Uint8Array): Uint8Array => withHeader([TightClientMessage.FileUploadRequest, 0, ...u16(path.length), ...u32(0)], path)

/** Largest FileUploadData payload: its sizes are u16. */
export const MAX_UPLOAD_CHUNK = 0xffff

/** FileUploadData: u8 type, u8 compression level 0, u16 real size, u16 compressed size, the bytes. */
export function fileUploadData(chunk: Uint8Array): Uint8Array {
  if (chunk.length === 0 || chunk.length > MAX_UPLOAD_CHUNK) throw new RangeError(`upload chunk of ${chunk.length} bytes`)
  return withHeader([TightClientMessage.FileUploadData, 0, ...u16(chunk.length), ...u16(chunk.length)], chunk)
}

/**
 * The upload's end: FileUploadData with both sizes 0, then the modification time in seconds as a
 * little-endian u32, as TightVNC's viewer sends it and libvncserver reads it (host order).
 */
export function fileUploadEnd(modifiedSeconds: number): Uint8Array {
  const t = Math.max(0, Math.min(0xffffffff, Math.floor(modifiedSeconds)))
  return Uint8Array.from([TightClientMessage.FileUploadData, 0, 0, 0, 0, 0, t & 0xff, (t >>> 8) & 0xff, (t >>> 16) & 0xff, (t >>> 24) & 0xff])
}

const withReason = (type: number, reason: string): Uint8Array => {
  const text = utf8.encode(reason).subarray(0, 255)
  return withHeader([type, 0, ...u16(text.length)], text)
}

/** FileDownloadCancel: u8 type, u8 padding, u16 length, reason (libvncserver ignores a cancel without one). */
export const fileDownloadCancel = (reason: string): Uint8Array => withReason(TightClientMessage.FileDownloadCancel, reason)

/** FileUploadFailed: as FileDownloadCancel; the server deletes the partial file. */
export const fileUploadFailed = (reason: string): Uint8Array => withReason(TightClientMessage.FileUploadFailed, reason)

/** FileCreateDirRequest: u8 type, u8 padding, u16 length, path. No answer comes either way. */
export const fileCreateDirRequest = (path: Uint8Array): Uint8Array => withHeader([TightClientMessage.FileCreateDirRequest, 0, ...u16(path.length)], path)
