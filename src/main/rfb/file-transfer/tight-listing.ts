import { inflateSync } from 'node:zlib'
import { decodeServerString } from '../text'
import type { RemoteEntry } from './remote-files'

/** FileListData flags: the folder could not be read; entries carry a third u32 (TightVNC 1.3's extension). */
export const LIST_UNAVAILABLE = 0x80
export const LIST_WITH_FLAGS = 0x20

/** Sizes the servers write for folders: -1 (libvncserver, TightVNC) and -2 (TightVNC's special folders). */
const FOLDER_SIZES = new Set([0xffffffff, 0xfffffffe])

/** Longest file name on the servers' file systems (NAME_MAX, MAX_PATH), plus its NUL. */
export const MAX_NAME_BYTES = 256

/** What one FileListData said, before it is matched with its request. */
export interface ParsedListing {
  unavailable: boolean
  entries: RemoteEntry[]
  /** Entries left out because their names cannot be one folder entry ('', '.', '..', or with '/'). */
  dropped: number
}

/** A name that cannot stand for one entry of a folder: taken as a path it would leave the folder or name it. */
export function unusableName(name: string): boolean {
  return name === '' || name === '.' || name === '..' || name.includes('/')
}

/**
 * Builds the entries from the size table (u32 size, u32 modification time in seconds, and with
 * {@link LIST_WITH_FLAGS} a u32 of flags, per entry) and the NUL-terminated names. The caller has
 * checked that `names` holds `count` NULs.
 */
export function listingEntries(table: Uint8Array, names: Uint8Array, count: number, stride: number): ParsedListing {
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength)
  const entries: RemoteEntry[] = []
  let dropped = 0
  let start = 0
  for (let i = 0; i < count; i++) {
    const end = names.indexOf(0, start)
    const name = decodeServerString(names.subarray(start, end))
    start = end + 1
    if (unusableName(name)) {
      dropped++
      continue
    }
    const size = view.getUint32(i * stride)
    const seconds = view.getUint32(i * stride + 4)
    const folder = FOLDER_SIZES.has(size)
    entries.push({ name, kind: folder ? 'folder' : 'file', size: folder ? 0 : size, modified: seconds === 0 ? null : seconds * 1000 })
  }
  return { unavailable: false, entries, dropped }
}

/**
 * Where the names end: just after the `count`th NUL from `from`, or -1 when `bytes` does not hold
 * that many. Counting NULs rather than trusting the u16 size is what lets a listing of more than
 * 64 KiB of names from libvncserver (whose size field wraps) still be read whole.
 */
export function namesEnd(bytes: Uint8Array, from: number, count: number): number {
  let at = from
  for (let seen = 0; seen < count; seen++) {
    const nul = bytes.indexOf(0, at)
    if (nul < 0) return -1
    at = nul + 1
  }
  return at
}

/**
 * Inflates zlib-compressed names into exactly `size` bytes, never more: a stream that inflates
 * beyond the size its header declared is refused, not buffered. No known server compresses
 * (Tessera asks for level 0); this exists so one that does is bounded.
 */
export function inflateBounded(compressed: Uint8Array, size: number, what: string): Uint8Array {
  let out: Buffer
  try {
    out = inflateSync(compressed, { maxOutputLength: Math.max(1, size) })
  } catch (err) {
    const tooBig = err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
    throw new Error(tooBig ? `${what} inflates beyond the ${size} bytes it declared` : `${what} is not valid zlib data`, { cause: err })
  }
  if (out.length !== size) throw new Error(`${what} inflates to ${out.length} bytes, not the ${size} it declared`)
  return new Uint8Array(out.buffer, out.byteOffset, out.length)
}
