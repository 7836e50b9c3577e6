import { UnsupportedError } from '../errors'
import { decodeServerString } from '../text'
import type { RemoteEntry } from './remote-files'
import { isPlainRemoteName } from './remote-names'
import { MAX_PATH_BYTES } from './ultra-wire'

/** Bytes of WIN32_FIND_DATA before the name: attributes, three FILETIMEs, size high/low, two reserved. */
export const FIND_DATA_FIXED_BYTES = 44

const FILE_ATTRIBUTE_DIRECTORY = 0x10

/** 100-ns intervals from 1601-01-01 to 1970-01-01, in ms. */
const FILETIME_EPOCH_MS = 11_644_473_600_000

/** Latest time accepted: the end of year 9999, where dates stop being printable as four digits. */
const MAX_TIME_MS = 253_402_300_800_000

/**
 * One entry of a listing (a WIN32_FIND_DATA cut after its name, little-endian as Windows lays it
 * out), or null for an entry to leave out: `.`/`..`, a name no folder could hold, a size beyond
 * what the app can count.
 */
export function decodeFindData(body: Uint8Array): RemoteEntry | null {
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength)
  const attributes = v.getUint32(0, true)
  const sizeHigh = v.getUint32(28, true)
  const sizeLow = v.getUint32(32, true)
  const nameBytes = body.subarray(FIND_DATA_FIXED_BYTES)
  const nul = nameBytes.indexOf(0)
  // UltraVNC may send the whole fixed-size name field: the name ends at its first NUL.
  const name = decodeServerString(nul >= 0 ? nameBytes.subarray(0, nul) : nameBytes)
  if (!isPlainRemoteName(name)) return null
  const folder = (attributes & FILE_ATTRIBUTE_DIRECTORY) !== 0
  const size = sizeHigh * 2 ** 32 + sizeLow
  if (size > Number.MAX_SAFE_INTEGER) return null
  return { name, kind: folder ? 'folder' : 'file', size: folder ? 0 : size, modified: fileTimeToMs(v.getUint32(20, true), v.getUint32(24, true)) }
}

/**
 * A FILETIME as ms since the epoch, or null when unset or absurd. libvncserver (x11vnc) puts
 * Unix seconds in the low half and 0 in the high one; a real FILETIME with a zero high half
 * would fall in 1601, so that case is read as Unix time.
 */
export function fileTimeToMs(low: number, high: number): number | null {
  if (low === 0 && high === 0) return null
  const ms = high === 0 ? low * 1000 : (high * 2 ** 32 + low) / 10_000 - FILETIME_EPOCH_MS
  return ms >= 0 && ms <= MAX_TIME_MS ? Math.floor(ms) : null
}

/**
 * The drives of rfbADrivesList: NUL-separated entries of a letter, ':' and a type letter
 * (l local, f floppy, c CD, n network), ending in an empty one. Each becomes a root `X:\`.
 */
export function decodeDrives(body: Uint8Array): string[] {
  const roots: string[] = []
  for (const part of decodeServerString(body).split('\0')) {
    if (part === '') continue
    const m = /^([A-Za-z]):/.exec(part)
    if (m && !roots.includes(`${m[1].toUpperCase()}:\\`)) roots.push(`${m[1].toUpperCase()}:\\`)
  }
  return roots
}

const encoder = new TextEncoder()

/**
 * A path as the server takes it: UTF-8 (what x11vnc hands to open(); current UltraVNC reads
 * UTF-8 too), at most MAX_PATH bytes, no NUL (the servers read C strings), none of `extra`.
 */
export function encodePath(path: string, extra = ''): Uint8Array {
  if (path.length === 0) throw new UnsupportedError('an empty remote path')
  if (path.includes('\0')) throw new UnsupportedError('a remote path with a NUL character')
  for (const c of extra) if (path.includes(c)) throw new UnsupportedError(`UltraVNC file transfer cannot name a path containing “${c}”`)
  const bytes = encoder.encode(path)
  if (bytes.length > MAX_PATH_BYTES) {
    throw new UnsupportedError(`the remote path is ${bytes.length} bytes long; UltraVNC file transfer takes at most ${MAX_PATH_BYTES}`)
  }
  return bytes
}

/**
 * A folder's path for a listing: with a trailing `\`, since UltraVNC appends `*` to what it gets
 * (FindFirstFile); x11vnc opens `dir/` the same as `dir`.
 */
export function encodeFolder(folder: string): Uint8Array {
  return encodePath(folder.endsWith('\\') ? folder : `${folder}\\`)
}

/** Whether `echo` is `sent` exactly, or `sent` followed by one of `ends` (a date, a NUL the server put in). */
export function echoes(echo: Uint8Array, sent: Uint8Array, ends: readonly number[] = []): boolean {
  if (echo.length < sent.length) return false
  for (let i = 0; i < sent.length; i++) if (echo[i] !== sent[i]) return false
  return echo.length === sent.length || ends.includes(echo[sent.length])
}

/** "MM/DD/YYYY HH:MM" in UTC: the date UltraVNC appends to a file name in headers and offers. */
export function ultraDate(ms: number): string {
  const d = new Date(Number.isFinite(ms) ? ms : 0)
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`
}
