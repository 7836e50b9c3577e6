import { describe, expect, it } from 'vitest'
import { UltraFiles } from '../../../../src/main/rfb/file-transfer/ultra-files'
import { openRemoteFiles } from '../../../../src/main/rfb/file-transfer'
import { settle } from '../../../helpers/fake-transport'
import { chunkings } from '../../../helpers/feed'
import { findData, ft, sentMessages, ultraFiles, ultraSession, utf8 } from '../../../helpers/ultra-file-transfer'

const bytes = (...parts: ArrayLike<number>[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)))

describe('UltraVNC file transfer: what the viewer sends', () => {
  it('asks permission with rfbAbortFileTransfer carrying protocol version 2, and opens on rfbFileTransferAccess size 1', async () => {
    const { client, t } = await ultraSession()
    const opening = UltraFiles.open(client)
    expect(Array.from(t.sent())).toEqual([7, 7, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    t.serve(ft(14, 0, 1))
    await expect(opening).resolves.toBeInstanceOf(UltraFiles)
  })

  it('reports a denial (size -1), and an RC18 server answering with rfbAbortFileTransfer, as refused', async () => {
    for (const answer of [ft(14, 0, -1), ft(7, 0, -1)]) {
      const { client, t } = await ultraSession()
      const opening = UltraFiles.open(client)
      t.serve(answer)
      await expect(opening).rejects.toThrow(/does not allow file transfer/)
      // Closed again: a later type-7 message is unknown to the session.
      t.serve(ft(14, 0, 1))
      expect(client.state).toBe('closed')
    }
  })

  it('offers nothing (and sends nothing) to a server announcing RFB 3.8', async () => {
    const { FakeTransport } = await import('../../../helpers/fake-transport')
    const { RfbClient } = await import('../../../../src/main/rfb/session')
    const { FramebufferSink } = await import('../../../../src/main/rfb/framebuffer')
    const { none38 } = await import('../../../helpers/server-script')
    const t = new FakeTransport()
    const client = new RfbClient({ sink: new FramebufferSink(), autoUpdate: false })
    const p = client.start(t)
    t.serve(none38())
    await p
    t.written.length = 0
    expect(await openRemoteFiles(client)).toBeNull()
    expect(t.sent().length).toBe(0)
  })

  it('encodes every request byte for byte', async () => {
    const { t, files } = await ultraFiles()
    void files.roots()
    void files.list('C:\\d')
    void files.createFolder('C:\\n')
    void files.delete('C:\\f')
    void files.rename('C:\\a', 'C:\\b')
    // One at a time: only the first is on the wire until it is answered.
    expect(sentMessages(t)).toHaveLength(1)
    t.serve(ft(2, 3, 0, utf8('C:l\0\0')))
    t.serve(ft(2, 1, 0, utf8('C:\\d\\')), ft(2, 0, 0))
    t.serve(ft(11, 4, 0, utf8('C:\\n')))
    t.serve(ft(11, 7, 0, utf8('C:\\f')))
    t.serve(ft(11, 8, 0, utf8('C:\\a*C:\\b')))
    await settle()
    const sent = sentMessages(t).map((m) => [m.contentType, m.param, m.size, m.body.toString()])
    expect(sent).toEqual([
      [1, 2, 0, ''],
      [1, 1, 0, 'C:\\d\\'],
      [10, 1, 0, 'C:\\n'],
      [10, 4, 0, 'C:\\f'],
      [10, 5, 0, 'C:\\a*C:\\b'],
    ])
    expect(Array.from(t.sent().subarray(12, 24))).toEqual([7, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5])
  })

  it('sends an upload as offer (path,date then the size high half), 8 KiB blocks, end of file', async () => {
    const { t, files } = await ultraFiles()
    const data = Uint8Array.from({ length: 20000 }, (_, i) => i & 0xff)
    const size = 2 ** 32 + data.length
    const modified = Date.UTC(2026, 11, 7, 8, 5)
    const uploading = files.upload('C:\\up\\f.bin', { size: data.length, modified, read: async (o, max) => data.subarray(o, o + max) })
    // The size here is a lie to see both halves encoded: a second offer, never answered.
    void files.upload('C:\\up\\g.bin', { size, modified, read: async () => new Uint8Array(0) }).catch(() => {})
    const [offer] = sentMessages(t)
    expect([offer.contentType, offer.param, offer.size, offer.body.toString(), offer.sizeHigh]).toEqual([8, 0, 20000, 'C:\\up\\f.bin,12/07/2026 08:05', 0])
    // libvncserver echoes the text with a NUL where the comma was.
    t.serve(ft(9, 0, 0, utf8('C:\\up\\f.bin\x0012/07/2026 08:05')))
    await settle()
    const sent = sentMessages(t)
    expect(sent.slice(1, 5).map((m) => [m.contentType, m.param, m.size, m.body.length])).toEqual([
      [5, 0, 0, 8192],
      [5, 0, 0, 8192],
      [5, 0, 0, 3616],
      [6, 0, 0, 0],
    ])
    expect(Buffer.concat(sent.slice(1, 4).map((m) => m.body))).toEqual(Buffer.from(data))
    // Then the folder is listed to see what the server stored.
    expect([sent[5].contentType, sent[5].body.toString()]).toEqual([1, 'C:\\up\\'])
    t.serve(ft(2, 1, 0, utf8('C:\\up\\')), ft(2, 1, 0, findData('f.bin', { size: 20000 })), ft(2, 0, 0))
    await expect(uploading).resolves.toBeUndefined()
    const second = sentMessages(t)[6]
    expect([second.contentType, second.size, second.sizeHigh]).toEqual([8, 20000, 1])
  })

  it('downloads: request without compression, ready header, blocks in order, end of file', async () => {
    const { t, files } = await ultraFiles()
    const chunks: Buffer[] = []
    const progress: number[] = []
    const downloading = files.download('C:\\f.bin', { write: async (c) => void chunks.push(Buffer.from(c)) }, { onProgress: (p) => progress.push(p.done) })
    expect(sentMessages(t).map((m) => [m.contentType, m.param, m.size, m.body.toString()])).toEqual([[3, 0, 0, 'C:\\f.bin']])
    t.serve(ft(4, 0, 6, utf8('C:\\f.bin,12/07/2026 08:05'), 0))
    expect(sentMessages(t)[1]).toMatchObject({ contentType: 4, size: 0 })
    t.serve(ft(5, 0, 0, utf8('abc')), ft(5, 0, 0, utf8('def')), ft(6, 0, 0))
    await expect(downloading).resolves.toBe(6)
    expect(Buffer.concat(chunks).toString()).toBe('abcdef')
    expect(progress).toEqual([0, 3, 6])
  })
})

describe('UltraVNC file transfer: edge cases of the operations', () => {
  it('uploads an empty file: offer, end of file, listing', async () => {
    const { t, files } = await ultraFiles()
    const uploading = files.upload('C:\\e', { size: 0, modified: 0, read: async () => new Uint8Array(0) })
    t.serve(ft(9, 0, 0, utf8('C:\\e')))
    await settle()
    expect(sentMessages(t).map((m) => [m.contentType, m.body.toString().split(',')[0]])).toEqual([
      [8, 'C:\\e'],
      [6, ''],
      [1, 'C:\\'],
    ])
    t.serve(ft(2, 1, 0, utf8('C:\\')), ft(2, 1, 0, findData('e')), ft(2, 0, 0))
    await expect(uploading).resolves.toBeUndefined()
  })

  it('rejects an aborted listing at once, and still reads its answer off the wire', async () => {
    const { t, files } = await ultraFiles()
    const controller = new AbortController()
    const listing = files.list('C:\\d', controller.signal)
    controller.abort()
    await expect(listing).rejects.toMatchObject({ name: 'AbortError' })
    const roots = files.roots()
    t.serve(ft(2, 1, 0, utf8('C:\\d\\')), ft(2, 1, 0, findData('x')), ft(2, 0, 0), ft(2, 3, 0, utf8('C:l\0\0')))
    await expect(roots).resolves.toEqual(['C:\\'])
    expect(files.ignoredMessages).toBe(0)
  })

  it('refuses paths it cannot send before sending anything', async () => {
    const { t, files } = await ultraFiles()
    await expect(files.list('C:\\' + 'x'.repeat(300))).rejects.toThrow(/at most 259/)
    await expect(files.rename('C:\\a*', 'C:\\b')).rejects.toThrow(/“\*”/)
    await expect(files.upload('nofolder', { size: 0, modified: 0, read: async () => new Uint8Array(0) })).rejects.toThrow(/names no folder/)
    expect(t.sent().length).toBe(0)
  })
})

describe('UltraVNC file transfer: server messages wherever they are split', () => {
  it('reads a listing (echo, entries, end) split at every offset', async () => {
    const stream = bytes(ft(2, 1, 0, utf8('C:\\d\\')), ft(2, 1, 0, findData('a', { size: 3 })), ft(2, 1, 0, findData('..', { folder: true })), ft(2, 0, 0))
    for (const { label, chunks } of chunkings(stream)) {
      const { t, files, client } = await ultraFiles()
      const listing = files.list('C:\\d')
      for (const c of chunks) t.serve(c)
      expect(
        (await listing).map((e) => e.name),
        label,
      ).toEqual(['a'])
      client.close()
    }
  })

  it('reads a file header with its size high half, split at every offset', async () => {
    const stream = bytes(ft(4, 0, 2, utf8('C:\\f,d'), 0), ft(5, 0, 0, [1, 2]), ft(6, 0, 0))
    for (const { label, chunks } of chunkings(stream)) {
      const { t, files, client } = await ultraFiles()
      const got: number[] = []
      const downloading = files.download('C:\\f', { write: async (c) => void got.push(...c) })
      for (const c of chunks) t.serve(c)
      expect(await downloading, label).toBe(2)
      expect(got).toEqual([1, 2])
      client.close()
    }
  })

  it('reads the failed file header of UltraVNC, followed by a high half of -1, split at every offset', async () => {
    const stream = bytes(ft(4, 0, -1, utf8('C:\\f')), [0xff, 0xff, 0xff, 0xff], [2], ft(1, 0, 0))
    for (const { label, chunks } of chunkings(stream)) {
      const { t, files, client } = await ultraFiles()
      let bells = 0
      client.on('bell', () => bells++)
      const downloading = files.download('C:\\f', { write: async () => {} })
      for (const c of chunks) t.serve(c)
      await expect(downloading, label).rejects.toThrow(/cannot read C:\\f/)
      // A Bell and a stray FileTransfer message after it: both read from the right place.
      expect(bells, label).toBe(1)
      expect(files.ignoredMessages, label).toBe(1)
      expect(client.state, label).toBe('connected')
      client.close()
    }
  })

  it('still refuses a message type 255 that is not those 4 bytes', async () => {
    const { t, closed } = await ultraFiles()
    t.serve(Uint8Array.of(0xff, 0xff, 0xff, 0xfe))
    expect(closed()).toMatchObject({ code: 'RFB_ERR_MESSAGE_TYPE' })
  })

  it('takes the answer of UltraVNC to deleting a folder, which wraps the path in "[ ]"', async () => {
    const { t, files } = await ultraFiles()
    const deleting = files.delete('C:\\dir')
    t.serve(ft(11, 7, 0, utf8('[ C:\\dir ]\0')))
    await expect(deleting).resolves.toBeUndefined()
  })

  it('reads a failed file header without the 4 extra bytes (libvncserver sends none then)', async () => {
    const { t, files, client } = await ultraFiles()
    const downloading = files.download('C:\\f', { write: async () => {} })
    t.serve(bytes(ft(4, 0, -1, utf8('C:\\f')), ft(2, 3, 0, utf8('C:l\0\0'))))
    await expect(downloading).rejects.toThrow(/cannot read C:\\f/)
    // The next message was read from the right place (as an answer to nothing: ignored).
    expect(files.ignoredMessages).toBe(1)
    const roots = files.roots()
    t.serve(ft(2, 3, 0, utf8('D:l\0\0')))
    await expect(roots).resolves.toEqual(['D:\\'])
    expect(client.state).toBe('connected')
  })
})
