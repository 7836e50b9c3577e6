import { describe, expect, it } from 'vitest'
import { TimeoutError } from '../../../../src/main/rfb/errors'
import { DOWNLOAD_HIGH_WATER } from '../../../../src/main/rfb/file-transfer/tight-download'
import { TightClientMessage, tightFileTransferSupport } from '../../../../src/main/rfb/file-transfer/tight-messages'
import { type TightFilesOptions, TightRemoteFiles } from '../../../../src/main/rfb/file-transfer/tight-remote-files'
import { Bytes } from '../../../helpers/bytes'
import { FakePeer, libvncserverCaps } from './tight-harness'

function open(options: TightFilesOptions = {}) {
  const peer = new FakePeer()
  const traces: string[] = []
  const files = new TightRemoteFiles(peer, tightFileTransferSupport(libvncserverCaps())!, { drainQuietMs: 20, trace: (l) => traces.push(l), ...options })
  return { peer, files, traces }
}

const names = (...n: string[]): Uint8Array => Buffer.from(n.map((s) => `${s}\0`).join(''), 'utf8')

function listingOf(entries: [name: string, size: number][]): Uint8Array {
  const n = names(...entries.map(([name]) => name))
  const b = new Bytes().u8(130, 0).u16(entries.length, n.length, n.length)
  for (const [, size] of entries) b.u32(size, 0)
  return b.bytes(n).build()
}

const UNAVAILABLE = new Bytes().u8(130, 0x80).u16(0, 0, 0).build()
const data = (...bytes: number[]): Uint8Array =>
  new Bytes()
    .u8(131, 0)
    .u16(bytes.length, bytes.length)
    .u8(...bytes)
    .build()
const END = new Bytes().u8(131, 0).u16(0, 0).u32(0).build()

const collect = () => {
  const got: number[] = []
  return { got, write: async (c: Uint8Array) => void got.push(...c) }
}

describe('TightRemoteFiles', () => {
  it('matches listings to requests in order and drops answers to requests never sent', async () => {
    const { peer, files, traces } = open()
    peer.server.feed(listingOf([['stray', 1]]))
    expect(traces).toEqual(['Tight file transfer: dropped a file listing that answers no request'])
    const a = files.list('/a')
    const b = files.list('/b')
    expect(peer.sent.map((s) => s.trace)).toEqual(['FileListRequest /a', 'FileListRequest /b'])
    peer.server.feed(listingOf([['one', 1]]), UNAVAILABLE)
    expect(await a).toEqual([{ name: 'one', kind: 'file', size: 1, modified: null }])
    await expect(b).rejects.toThrow('The server could not open the folder /b (it may not exist or not be readable).')
  })

  it('drops file data, ends, failures and upload cancels that answer nothing, and stays usable', async () => {
    const { peer, files, traces } = open()
    peer.server.feed(data(1, 2), END, new Bytes().u8(133, 0).u16(1).text('x').u8(0).build(), new Bytes().u8(132, 0).u16(1).text('y').build())
    expect(traces).toHaveLength(4)
    const l = files.list('/')
    peer.server.feed(listingOf([]))
    expect(await l).toEqual([])
  })

  it('gives up on a server that does not answer a listing, with a clear error for everything outstanding', async () => {
    const { peer, files } = open({ timeoutMs: 50 })
    const a = files.list('/slow')
    await expect(a).rejects.toBeInstanceOf(TimeoutError)
    await expect(a).rejects.toThrow('the server did not answer the listing of /slow within 0.05 s; file transfer stopped')
    await expect(files.list('/')).rejects.toThrow(/did not answer the listing/)
    // A late answer is still read (and dropped), not taken for an unknown message.
    expect(() => peer.server.feed(listingOf([['late', 1]]))).not.toThrow()
  })

  it('downloads: learns the size from the listing, writes the bytes in order, ends on the end marker', async () => {
    const { peer, files } = open()
    const sink = collect()
    const progress: string[] = []
    const done = files.download('/dir/f.bin', sink, { onProgress: (p) => progress.push(`${p.done}/${p.total}`) })
    await peer.sentCount(1)
    expect(peer.sent[0].trace).toBe('FileListRequest /dir')
    peer.server.feed(listingOf([['f.bin', 4]]))
    await peer.sentCount(2)
    expect(peer.sent[1].trace).toBe('FileDownloadRequest /dir/f.bin')
    peer.server.feed(data(1, 2), data(3, 4, 5), END)
    expect(await done).toBe(5)
    expect(sink.got).toEqual([1, 2, 3, 4, 5])
    // The listing said 4 bytes; the server sent 5: the total grows rather than going below what is done.
    expect(progress).toEqual(['2/4', '5/5'])
  })

  it("reports the server's failure reason for a download", async () => {
    const { peer, files } = open()
    const done = files.download('/f', collect())
    await peer.sentCount(1)
    peer.server.feed(listingOf([['f', 9]]))
    await peer.sentCount(2)
    peer.server.feed(new Bytes().u8(133, 0).u16(6).text('denied').u8(0).build())
    await expect(done).rejects.toThrow('The server could not send /f: denied.')
  })

  it('times out a download whose data stops, cancels it on the wire and drains before the next transfer', async () => {
    const { peer, files } = open({ silenceMs: 60 })
    const done = files.download('/f', collect())
    await peer.sentCount(1)
    peer.server.feed(listingOf([['f', 9]]))
    await peer.sentCount(2)
    peer.server.feed(data(1))
    await expect(done).rejects.toThrow('the server sent no data of /f for 0.06 s')
    expect(peer.sentTypes.slice(2, 4)).toEqual([TightClientMessage.FileDownloadCancel, TightClientMessage.FileListRequest])
    // Data still in flight after the cancel is dropped quietly, then the barrier listing is answered.
    peer.server.feed(data(2), UNAVAILABLE)
    void files.download('/other/g', collect()).catch(() => {})
    await peer.sentCount(5)
    expect(peer.sent[4].trace).toBe('FileListRequest /other')
  })

  it('cancels on abort, and holds the next transfer until the server is drained', async () => {
    const { peer, files } = open()
    const abort = new AbortController()
    const first = files.download('/big', collect(), { signal: abort.signal })
    await peer.sentCount(1)
    // A listing asked for meanwhile is answered in its turn; lists do not wait for transfers.
    const second = files.list('/')
    await peer.sentCount(2)
    peer.server.feed(listingOf([['big', 100]]), listingOf([]))
    await peer.sentCount(3)
    peer.server.feed(data(1, 2, 3))
    abort.abort()
    await expect(first).rejects.toMatchObject({ name: 'AbortError' })
    expect(await second).toEqual([])
    const upload = files.upload('/up', { size: 1, modified: 0, read: async (o) => (o === 0 ? Uint8Array.of(7) : new Uint8Array(0)) })
    await new Promise((r) => setTimeout(r, 30))
    expect(peer.sentTypes).not.toContain(TightClientMessage.FileUploadRequest)
    peer.server.feed(data(4, 5), new Bytes().u8(133, 0).u16(0).u8(0).build(), UNAVAILABLE)
    await peer.sentCount(9)
    // Request, the byte, the end (also FileUploadData, both sizes 0), the confirming listing.
    expect(peer.sentTypes.slice(5)).toEqual([
      TightClientMessage.FileUploadRequest,
      TightClientMessage.FileUploadData,
      TightClientMessage.FileUploadData,
      TightClientMessage.FileListRequest,
    ])
    peer.server.feed(listingOf([['up', 1]]))
    await upload
  })

  it('an aborted listing rejects at once yet keeps its place, and a transfer aborted while queued never starts', async () => {
    const { peer, files } = open()
    const abort = new AbortController()
    const a = files.list('/a', abort.signal)
    const b = files.list('/b')
    abort.abort()
    await expect(a).rejects.toMatchObject({ name: 'AbortError' })
    peer.server.feed(listingOf([['for-a', 1]]), listingOf([['for-b', 2]]))
    expect((await b).map((e) => e.name)).toEqual(['for-b'])
    const hold = files.createFolder('/x')
    const queued = new AbortController()
    const up = files.upload('/y', { size: 1, modified: 0, read: async () => Uint8Array.of(1) }, { signal: queued.signal })
    queued.abort()
    await expect(up).rejects.toMatchObject({ name: 'AbortError' })
    peer.server.feed(new Bytes().u8(130, 0).u16(1, 2, 2).u32(0xffffffff, 0).text('x\0').build())
    await hold
    await new Promise((r) => setTimeout(r, 20))
    expect(peer.sentTypes).not.toContain(TightClientMessage.FileUploadRequest)
  })

  it('stops reading the session while the sink is far behind, and reads again once it caught up', async () => {
    const { peer, files } = open()
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const sink = { write: () => gate }
    const done = files.download('/f', sink)
    await peer.sentCount(1)
    peer.server.feed(listingOf([['f', 0]]))
    await peer.sentCount(2)
    const block = new Bytes().u8(131, 0).u16(0xffff, 0xffff).bytes(new Uint8Array(0xffff)).build()
    for (let sent = 0; sent <= DOWNLOAD_HIGH_WATER; sent += 0xffff) peer.server.feed(block)
    expect(peer.holds).toEqual([true])
    peer.server.feed(END)
    release()
    await done
    expect(peer.holds).toEqual([true, false])
  })

  it('confirms an upload by listing its folder, and refuses one the server stored short', async () => {
    const { peer, files } = open()
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => i & 0xff)
    const source = { size: bytes.length, modified: 1_700_000_000_000, read: async (o: number, max: number) => bytes.subarray(o, o + max) }
    const good = files.upload('/d/u.bin', source)
    await peer.sentCount(6)
    const sizes = peer.sent.slice(1, 4).map((s) => s.bytes.length - 6)
    expect(sizes).toEqual([32768, 32768, 70_000 - 65536])
    expect(Array.from(peer.sent[4].bytes)).toEqual([133, 0, 0, 0, 0, 0, 0x00, 0xf1, 0x53, 0x65])
    expect(peer.sent[5].trace).toBe('FileListRequest /d')
    peer.server.feed(listingOf([['u.bin', 70_000]]))
    await good
    const short = files.upload('/d/v.bin', source)
    await peer.sentCount(12)
    peer.server.feed(listingOf([['v.bin', 65536]]))
    await expect(short).rejects.toThrow('The server did not store all of /d/v.bin: it lists 65536 bytes after 70000 were sent.')
  })

  it("stops an upload the server cancelled, with the server's reason", async () => {
    const { peer, files } = open()
    let reads = 0
    const source = { size: 10 ** 6, modified: 0, read: async () => (reads++ < 1000 ? new Uint8Array(1000) : new Uint8Array(0)) }
    const up = files.upload('/x', source)
    await peer.sentCount(3)
    peer.server.feed(new Bytes().u8(132, 0).u16(21).text('Could not create file').build())
    // The drain's listing, after the FileUploadFailed that tells the server to give up too.
    for (let i = 0; i < 500 && !peer.sentTypes.includes(TightClientMessage.FileListRequest); i++) await new Promise((r) => setTimeout(r, 2))
    expect(peer.sentTypes.slice(-2)).toEqual([TightClientMessage.FileUploadFailed, TightClientMessage.FileListRequest])
    peer.server.feed(UNAVAILABLE)
    await expect(up).rejects.toThrow('The server stopped the upload of /x: Could not create file.')
    expect(reads).toBeLessThan(1000)
  })

  it('confirms a new folder by listing, and reports one that did not appear', async () => {
    const { peer, files } = open()
    const made = files.createFolder('/a/new')
    await peer.sentCount(2)
    expect(peer.sentTypes).toEqual([TightClientMessage.FileCreateDirRequest, TightClientMessage.FileListRequest])
    peer.server.feed(new Bytes().u8(130, 0).u16(1, 4, 4).u32(0xffffffff, 0).text('new\0').build())
    await made
    const not = files.createFolder('/a/file')
    await peer.sentCount(4)
    peer.server.feed(listingOf([['file', 3]]))
    await expect(not).rejects.toThrow('The server did not create the folder /a/file: a file of that name exists.')
  })

  it('rejects everything when the session closes, and unregisters its readers', async () => {
    const { peer, files } = open()
    const l = files.list('/')
    peer.state = 'closed'
    peer.emit('close')
    await expect(l).rejects.toThrow('the connection to the server closed')
    expect(peer.server.readers.size).toBe(0)
  })

  it('close() keeps reading its messages until the server is quiet, so late data does not end the session', async () => {
    const { peer, files } = open()
    const l = files.list('/')
    files.close()
    await expect(l).rejects.toMatchObject({ name: 'AbortError' })
    expect(() => peer.server.feed(data(1), listingOf([]))).not.toThrow()
    expect(peer.server.readers.size).toBe(4)
    await new Promise((r) => setTimeout(r, 2100))
    expect(peer.server.readers.size).toBe(0)
  })
})
