import type { ByteQueue } from '../byte-queue'
import { RfbProtocolError } from '../errors'
import type { ServerMessageExtension } from '../server-message-reader'
import { decodeServerString } from '../text'
import { LIST_UNAVAILABLE, LIST_WITH_FLAGS, MAX_NAME_BYTES, type ParsedListing, inflateBounded, listingEntries, namesEnd } from './tight-listing'
import { type TightDialect, TightServerMessage } from './tight-messages'

/**
 * What the four server messages said, in stream order. A message whose framing is sound but whose
 * content is not (data that inflates wrong, names that do not add up) arrives as an Error for the
 * request it answers; only a message whose length cannot be known ends the session.
 */
export interface TightFileEvents {
  listing(result: ParsedListing | Error): void
  /** File bytes, copied out of the queue (the caller keeps them past the next read). */
  downloadData(chunk: Uint8Array | Error): void
  downloadEnd(modifiedSeconds: number): void
  downloadFailed(reason: string): void
  uploadCancelled(reason: string): void
}

const HEADER = 8

/**
 * FileListData: u8 type, u8 flags, u16 entries, u16 names size, u16 compressed size, the size
 * table, then the names, NUL-terminated. Uncompressed names are framed by their NULs (see
 * {@link namesEnd}); the scan resumes where it stopped, so a large listing arriving in many chunks
 * is scanned once.
 */
class ListReader implements ServerMessageExtension {
  private scan = { start: -1, scanned: 0, nuls: 0, end: -1 }

  constructor(private readonly events: TightFileEvents) {}

  read(q: ByteQueue, at: number): boolean {
    if (!q.has(HEADER)) return false
    const flags = q.peekU8(1)
    const count = q.peekU16(2)
    const size = q.peekU16(4)
    const compressedSize = q.peekU16(6)
    const stride = flags & LIST_WITH_FLAGS ? 12 : 8
    const tableBytes = count * stride
    const compressed = compressedSize !== size
    const namesBytes = compressed ? compressedSize : this.findNamesEnd(q, at, HEADER + tableBytes, count, size)
    if (namesBytes < 0 || !q.has(HEADER + tableBytes + namesBytes)) return false
    this.scan.start = -1
    q.skip(HEADER)
    const table = q.bytes(tableBytes).slice()
    const names = q.bytes(namesBytes).slice()
    if (flags & LIST_UNAVAILABLE) {
      this.events.listing({ unavailable: true, entries: [], dropped: 0 })
      return true
    }
    try {
      const plain = compressed ? inflateBounded(names, size, 'the file listing') : names
      if (namesEnd(plain, 0, count) !== plain.length) throw new Error(`the file listing's names do not make ${count} entries`)
      this.events.listing(listingEntries(table, plain, count, stride))
    } catch (err) {
      this.events.listing(err as Error)
    }
    return true
  }

  /**
   * The names' length, found by counting `count` NULs after the table, or -1 to wait for bytes.
   * It must agree with the u16 size modulo 65536 (libvncserver's wraps), and the names may not be
   * longer than `count` names can be: past that the message cannot be framed.
   */
  private findNamesEnd(q: ByteQueue, at: number, from: number, count: number, size: number): number {
    if (count === 0) return size
    const s = this.scan
    if (s.start !== at) {
      s.start = at
      s.scanned = 0
      s.nuls = 0
      s.end = -1
    }
    if (s.end < 0 && q.length > from + s.scanned) {
      const mark = q.mark()
      q.skip(from + s.scanned)
      const avail = q.length
      q.forEachView(avail, (view) => {
        for (let i = 0; i < view.length && s.end < 0; i++) {
          if (view[i] === 0 && ++s.nuls === count) s.end = s.scanned + i + 1
        }
        if (s.end < 0) s.scanned += view.length
      })
      q.rewind(mark)
    }
    const limit = count * MAX_NAME_BYTES
    if (s.end < 0) {
      if (s.scanned > limit) throw new RfbProtocolError(`file listing of ${count} entries has more than ${limit} bytes of names`, at, 'RFB_ERR_LIMIT')
      return -1
    }
    if (s.end > limit || s.end % 0x10000 !== size) {
      throw new RfbProtocolError(`file listing's ${count} names take ${s.end} bytes, which does not fit its declared size ${size}`, at)
    }
    return s.end
  }
}

/**
 * FileDownloadData: u8 type, u8 compression level, u16 real size, u16 compressed size, the bytes;
 * both sizes 0 end the file and are followed by its modification time (u32 seconds).
 */
class DownloadDataReader implements ServerMessageExtension {
  constructor(private readonly events: TightFileEvents) {}

  read(q: ByteQueue): boolean {
    if (!q.has(6)) return false
    const level = q.peekU8(1)
    const real = q.peekU16(2)
    const compressed = q.peekU16(4)
    if (real === 0 && compressed === 0) {
      if (!q.has(10)) return false
      q.skip(6)
      // Both servers copy the time in host order (x86: little-endian), and TightVNC's viewer reads it so.
      const t = q.bytes(4)
      this.events.downloadEnd((t[0] | (t[1] << 8) | (t[2] << 16) | (t[3] << 24)) >>> 0)
      return true
    }
    if (!q.has(6 + compressed)) return false
    q.skip(6)
    const body = q.bytes(compressed).slice()
    if (level === 0 && real !== compressed) {
      this.events.downloadData(new Error(`uncompressed file data of ${compressed} bytes claims to be ${real} bytes`))
    } else if (level === 0) {
      this.events.downloadData(body)
    } else {
      try {
        this.events.downloadData(inflateBounded(body, real, 'compressed file data'))
      } catch (err) {
        this.events.downloadData(err as Error)
      }
    }
    return true
  }
}

/** FileUploadCancel and FileDownloadFailed: u8 type, u8 padding, u16 length, reason (libvncserver adds a NUL after a failure's). */
class ReasonReader implements ServerMessageExtension {
  constructor(
    private readonly trailingNul: boolean,
    private readonly use: (reason: string) => void,
  ) {}

  read(q: ByteQueue): boolean {
    if (!q.has(4)) return false
    const len = q.peekU16(2)
    const extra = this.trailingNul ? 1 : 0
    if (!q.has(4 + len + extra)) return false
    q.skip(4)
    const reason = decodeServerString(q.bytes(len))
    q.skip(extra)
    this.use(reason)
    return true
  }
}

/** The readers for the four server messages, by type, to register on the session. */
export function tightFileReaders(events: TightFileEvents, dialect: TightDialect): Map<number, ServerMessageExtension> {
  return new Map<number, ServerMessageExtension>([
    [TightServerMessage.FileListData, new ListReader(events)],
    [TightServerMessage.FileDownloadData, new DownloadDataReader(events)],
    [TightServerMessage.FileUploadCancel, new ReasonReader(false, (r) => events.uploadCancelled(r))],
    [TightServerMessage.FileDownloadFailed, new ReasonReader(dialect === 'libvncserver', (r) => events.downloadFailed(r))],
  ])
}
