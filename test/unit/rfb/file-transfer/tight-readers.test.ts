import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { RfbProtocolError } from '../../../../src/main/rfb/errors'
import type { ParsedListing } from '../../../../src/main/rfb/file-transfer/tight-listing'
import type { TightDialect } from '../../../../src/main/rfb/file-transfer/tight-messages'
import { type TightFileEvents, tightFileReaders } from '../../../../src/main/rfb/file-transfer/tight-readers'
import { Bytes } from '../../../helpers/bytes'
import { chunkings } from '../../../helpers/feed'
import { Dispatcher, fromHex } from './tight-harness'

/** Readers on a dispatcher, every event recorded as a line (errors as "error: message"). */
function harness(dialect: TightDialect = 'libvncserver') {
  const lines: string[] = []
  const listings: ParsedListing[] = []
  const chunks: Uint8Array[] = []
  const events: TightFileEvents = {
    listing: (r) => {
      if (r instanceof Error) lines.push(`listing error: ${r.message}`)
      else {
        listings.push(r)
        lines.push(`listing ${r.unavailable ? 'unavailable' : `${r.entries.length} entries, ${r.dropped} dropped`}`)
      }
    },
    downloadData: (c) => {
      if (c instanceof Error) lines.push(`data error: ${c.message}`)
      else {
        chunks.push(c)
        lines.push(`data ${c.length}`)
      }
    },
    downloadEnd: (t) => lines.push(`end ${t}`),
    downloadFailed: (r) => lines.push(`failed ${r}`),
    uploadCancelled: (r) => lines.push(`upload cancelled ${r}`),
  }
  const d = new Dispatcher()
  for (const [type, reader] of tightFileReaders(events, dialect)) d.readers.set(type, reader)
  return { d, lines, listings, chunks }
}

const names = (...n: string[]): Uint8Array => new Bytes().bytes(Buffer.from(n.map((s) => `${s}\0`).join(''), 'utf8')).build()

function listing(
  entries: [size: number, seconds: number][],
  nameBytes: Uint8Array,
  opts: { flags?: number; size?: number; compressed?: Uint8Array } = {},
): Uint8Array {
  const b = new Bytes()
    .u8(130, opts.flags ?? 0)
    .u16(entries.length, (opts.size ?? nameBytes.length) & 0xffff, (opts.compressed?.length ?? opts.size ?? nameBytes.length) & 0xffff)
  for (const [size, seconds] of entries) b.u32(size, seconds)
  return b.bytes(opts.compressed ?? nameBytes).build()
}

// Captured from libvncserver 0.9.14 (Debian 12): a.bin 20000 bytes, b.txt 3, empty 0, folder sub.
const LIBVNCSERVER_LISTING = fromHex(
  '820000040016001600004e206b166ba3000000036b166ba3000000006b166ba3ffffffff00000000612e62696e00622e74787400656d7074790073756200',
)
const REASON = 'Cannot open file, perhaps it is absent or is not a regular file'
const LIBVNCSERVER_FAILURE = new Bytes().u8(133, 0).u16(REASON.length).text(REASON).u8(0).build()

describe('TightVNC file-transfer readers', () => {
  it("reads libvncserver's listing in any chunking", () => {
    for (const { label, chunks } of chunkings(LIBVNCSERVER_LISTING)) {
      const h = harness()
      h.d.feed(...chunks)
      expect(h.lines, label).toEqual(['listing 4 entries, 0 dropped'])
      expect(h.listings[0].entries).toEqual([
        { name: 'a.bin', kind: 'file', size: 20000, modified: 0x6b166ba3 * 1000 },
        { name: 'b.txt', kind: 'file', size: 3, modified: 0x6b166ba3 * 1000 },
        { name: 'empty', kind: 'file', size: 0, modified: 0x6b166ba3 * 1000 },
        { name: 'sub', kind: 'folder', size: 0, modified: null },
      ])
    }
  })

  it('reads a download failure with its uncounted NUL from libvncserver, and the next message after it', () => {
    for (const { label, chunks } of chunkings(new Bytes().bytes(LIBVNCSERVER_FAILURE).bytes(LIBVNCSERVER_LISTING).build())) {
      const h = harness('libvncserver')
      h.d.feed(...chunks)
      expect(h.lines, label).toEqual([`failed ${REASON}`, 'listing 4 entries, 0 dropped'])
    }
  })

  it('reads a TightVNC 1.3 download failure without the NUL', () => {
    const h = harness('tightvnc')
    h.d.feed(new Bytes().u8(133, 0).u16(4).text('nope').bytes(LIBVNCSERVER_LISTING).build())
    expect(h.lines).toEqual(['failed nope', 'listing 4 entries, 0 dropped'])
  })

  it('reads file data, the end with its little-endian time, and an upload cancel', () => {
    const bytes = new Bytes().u8(131, 0).u16(3, 3).u8(1, 2, 3).u8(131, 0).u16(0, 0).u8(0xa3, 0x6b, 0x16, 0x6b).u8(132, 0).u16(5).text('full!').build()
    for (const { label, chunks } of chunkings(bytes)) {
      const h = harness()
      h.d.feed(...chunks)
      expect(h.lines, label).toEqual(['data 3', `end ${0x6b166ba3}`, 'upload cancelled full!'])
      expect(Array.from(h.chunks[0])).toEqual([1, 2, 3])
    }
  })

  it('copies file data out of the queue (the sink writes it later)', () => {
    const h = harness()
    const msg = new Bytes().u8(131, 0).u16(2, 2).u8(7, 8).build()
    h.d.feed(msg)
    msg.fill(0)
    expect(Array.from(h.chunks[0])).toEqual([7, 8])
  })

  it('drops names that cannot be one entry and keeps control characters for the host to judge', () => {
    const h = harness()
    const n = names('ok', '', '.', '..', '../../etc/passwd', 'a/b', 'bell\x07name')
    h.d.feed(
      listing(
        [
          [1, 0],
          [2, 0],
          [3, 0],
          [4, 0],
          [5, 0],
          [6, 0],
          [7, 0],
        ],
        n,
      ),
    )
    expect(h.lines).toEqual(['listing 2 entries, 5 dropped'])
    expect(h.listings[0].entries.map((e) => [e.name, e.size])).toEqual([
      ['ok', 1],
      ['bell\x07name', 7],
    ])
  })

  it('reports sizes as unsigned 32-bit (a 3 GiB file is no folder) and -1, -2 as folders', () => {
    const h = harness()
    h.d.feed(
      listing(
        [
          [0xc0000000, 1],
          [0xffffffff, 0],
          [0xfffffffe, 0],
        ],
        names('big', 'dir', 'special'),
      ),
    )
    expect(h.listings[0].entries.map((e) => [e.kind, e.size])).toEqual([
      ['file', 0xc0000000],
      ['folder', 0],
      ['folder', 0],
    ])
    expect(h.listings[0].entries.every((e) => e.size <= Number.MAX_SAFE_INTEGER)).toBe(true)
  })

  it('reads a folder the server could not open (flag 0x80)', () => {
    const h = harness()
    h.d.feed(new Bytes().u8(130, 0x80).u16(0, 0, 0).build())
    expect(h.lines).toEqual(['listing unavailable'])
  })

  it('reads entries with a flags word (TightVNC 1.3, flag 0x20)', () => {
    const h = harness('tightvnc')
    const n = names('x', 'y')
    h.d.feed(new Bytes().u8(130, 0x20).u16(2, n.length, n.length).u32(5, 9, 0, 0xffffffff, 0, 1).bytes(n).build())
    expect(h.listings[0].entries.map((e) => [e.name, e.kind, e.size])).toEqual([
      ['x', 'file', 5],
      ['y', 'folder', 0],
    ])
  })

  it('reads a listing whose names pass 64 KiB, whose u16 size libvncserver lets wrap, and stays in step', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `file-with-a-rather-long-name-${String(i).padStart(5, '0')}.txt`)
    const n = names(...many)
    expect(n.length).toBeGreaterThan(0x10000)
    const bytes = new Bytes()
      .bytes(
        listing(
          many.map((_, i) => [i, 0]),
          n,
          { size: n.length },
        ),
      )
      .u8(2)
      .build()
    const h = harness()
    h.d.readers.set(2, { read: (q) => (q.skip(1), h.lines.push('bell'), true) })
    // Arriving in 4 KiB pieces, as a socket might deliver it.
    for (let o = 0; o < bytes.length; o += 4096) h.d.feed(bytes.subarray(o, o + 4096))
    expect(h.lines).toEqual(['listing 3000 entries, 0 dropped', 'bell'])
    expect(h.listings[0].entries[2999]).toMatchObject({ name: many[2999], size: 2999 })
  })

  it('ends the session on names that do not fit their declared size (the stream cannot be framed)', () => {
    const h = harness()
    const n = names('a', 'b')
    expect(() =>
      h.d.feed(
        listing(
          [
            [1, 0],
            [2, 0],
          ],
          n,
          { size: n.length + 3 },
        ),
      ),
    ).toThrow(RfbProtocolError)
  })

  it('stops waiting for names once more bytes came than the entries can have, without holding more', () => {
    const h = harness()
    const header = new Bytes().u8(130, 0).u16(1, 10, 10).u32(0, 0).build()
    const noNul = new Uint8Array(300).fill(0x41)
    const err = (() => {
      try {
        h.d.feed(header, noNul)
      } catch (e) {
        return e as RfbProtocolError
      }
    })()
    expect(err).toBeInstanceOf(RfbProtocolError)
    expect(err?.code).toBe('RFB_ERR_LIMIT')
    expect(err?.message).toMatch(/more than 256 bytes of names/)
  })

  it('inflates compressed names to exactly their declared size', () => {
    const n = names('zipped', 'names')
    const h = harness('tightvnc')
    h.d.feed(
      listing(
        [
          [1, 0],
          [2, 0],
        ],
        n,
        { size: n.length, compressed: deflateSync(n) },
      ),
    )
    expect(h.listings[0].entries.map((e) => e.name)).toEqual(['zipped', 'names'])
  })

  it('refuses compressed names that inflate beyond their declared size, and reads on', () => {
    const bomb = deflateSync(new Uint8Array(5 * 2 ** 20))
    const h = harness('tightvnc')
    h.d.feed(listing([[1, 0]], names('x'), { size: 2, compressed: bomb }), LIBVNCSERVER_LISTING)
    expect(h.lines).toEqual(['listing error: the file listing inflates beyond the 2 bytes it declared', 'listing 4 entries, 0 dropped'])
  })

  it('inflates compressed file data within its declared size and refuses data that inflates beyond it', () => {
    const plain = new TextEncoder().encode('compressed file data')
    const ok = deflateSync(plain)
    const bomb = deflateSync(new Uint8Array(2 ** 20))
    const h = harness()
    h.d.feed(
      new Bytes().u8(131, 6).u16(plain.length, ok.length).bytes(ok).build(),
      new Bytes().u8(131, 6).u16(100, bomb.length).bytes(bomb).build(),
      new Bytes().u8(131, 6).u16(3, 3).u8(1, 2, 3).build(),
    )
    expect(h.lines).toEqual([
      `data ${plain.length}`,
      'data error: compressed file data inflates beyond the 100 bytes it declared',
      'data error: compressed file data is not valid zlib data',
    ])
    expect(new TextDecoder().decode(h.chunks[0])).toBe('compressed file data')
  })

  it('refuses uncompressed data whose two sizes disagree, and stays in step', () => {
    const h = harness()
    h.d.feed(new Bytes().u8(131, 0).u16(10, 2).u8(1, 2).u8(131, 0).u16(1, 1).u8(9).build())
    expect(h.lines).toEqual(['data error: uncompressed file data of 2 bytes claims to be 10 bytes', 'data 1'])
  })
})
