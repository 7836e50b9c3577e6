import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { openRemoteFiles } from '../../../../src/main/rfb/file-transfer'
import { DOWNLOAD_HIGH_WATER } from '../../../../src/main/rfb/file-transfer/ultra-download'
import { MAX_LIST_ENTRIES } from '../../../../src/main/rfb/file-transfer/ultra-operations'
import { settle } from '../../../helpers/fake-transport'
import { findData, ft, sentMessages, ultraFiles, ultraSession, utf8 } from '../../../helpers/ultra-file-transfer'

const DRIVES = ft(2, 3, 0, utf8('C:l\0\0'))

describe('UltraVNC file transfer: a hostile or broken server', () => {
  it('ends the session on a file packet longer than the protocol allows (8 KiB + 1 KiB of zlib slack)', async () => {
    const { t, files, closed } = await ultraFiles()
    const downloading = files.download('C:\\f', { write: async () => {} })
    t.serve(ft(4, 0, 100_000, utf8('C:\\f'), 0))
    t.serve(new Uint8Array([7, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0x24, 0x01]))
    expect(closed()).toMatchObject({ code: 'RFB_ERR_LIMIT', message: expect.stringMatching(/FilePacket of 9217 bytes exceeds the protocol's 9216/) })
    await expect(downloading).rejects.toThrow(/closed/)
  })

  it('ends the session on any other message over 1 KiB, before holding its body', async () => {
    const { t, closed } = await ultraFiles()
    t.serve(new Uint8Array([7, 2, 1, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]))
    expect(closed()).toMatchObject({ code: 'RFB_ERR_LIMIT', message: expect.stringMatching(/DirPacket of 4294967295 bytes/) })
  })

  it('reads and ignores the checksums UltraVNC sends before accepting an upload over an existing file (5 KiB for 10 MB)', async () => {
    const { t, files, client } = await ultraFiles()
    const uploading = files.upload('C:\\e', { size: 0, modified: 0, read: async () => new Uint8Array(0) })
    // UltraVNC's server: 4 bytes per 8 KiB block of the file there, plus 1 KiB, then the accept.
    const checksums = new Uint8Array(4 * 1280 + 200).fill(0x5a)
    t.serve(ft(12, 0, 4 * 1280 + 1024, checksums), ft(9, 0, 0, utf8('C:\\e')))
    await settle()
    expect(client.state).toBe('connected')
    t.serve(ft(2, 1, 0, utf8('C:\\')), ft(2, 1, 0, findData('e')), ft(2, 0, 0))
    await expect(uploading).resolves.toBeUndefined()
    expect(files.ignoredMessages).toBe(1)
  })

  it('still ends the session on checksums beyond what a 16 GiB file has, before holding them', async () => {
    const { t, closed } = await ultraFiles()
    t.serve(new Uint8Array([7, 12, 0, 0, 0, 0, 0, 0, 0x00, 0x80, 0x04, 0x01]))
    expect(closed()).toMatchObject({ code: 'RFB_ERR_LIMIT', message: expect.stringMatching(/FileChecksums of 8389633 bytes exceeds the protocol's 8389632/) })
  })

  it(`fails a listing of more than ${MAX_LIST_ENTRIES} entries with a clear error, reads the rest and stays usable`, async () => {
    const { t, files, client } = await ultraFiles()
    const listing = files.list('C:\\many')
    const entry = ft(2, 1, 0, findData('f', { size: 1 }))
    const body = new Uint8Array(entry.length * (MAX_LIST_ENTRIES + 50))
    for (let i = 0; i < MAX_LIST_ENTRIES + 50; i++) body.set(entry, i * entry.length)
    t.serve(ft(2, 1, 0, utf8('C:\\many\\')), body)
    await expect(listing).rejects.toMatchObject({ code: 'RFB_ERR_LIMIT', message: expect.stringMatching(/lists more than 100000 entries/) })
    // The rest of the listing is not taken for the next answer.
    const roots = files.roots()
    t.serve(entry, ft(2, 0, 0), DRIVES)
    await expect(roots).resolves.toEqual(['C:\\'])
    expect(client.state).toBe('connected')
  })

  it('leaves out entries whose names could escape a folder or hide, and lists the rest', async () => {
    const { t, files } = await ultraFiles()
    const listing = files.list('C:\\d')
    const names = ['../../etc/passwd', '..\\x', 'a\0b', 'ctl\x07', 'x'.repeat(300).slice(0, 260), 'ok.txt', '..', '.']
    t.serve(ft(2, 1, 0, utf8('C:\\d\\')), ...names.map((n) => ft(2, 1, 0, findData(n))), ft(2, 0, 0))
    // 'a\0b' is read up to its NUL: "a" is a plain name.
    expect((await listing).map((e) => e.name)).toEqual(['a', 'ok.txt'])
  })

  it('fails a listing with an entry shorter than the fixed part, and reads on to its end', async () => {
    const { t, files } = await ultraFiles()
    const listing = files.list('C:\\d')
    t.serve(ft(2, 1, 0, utf8('C:\\d\\')), ft(2, 1, 0, [1, 2, 3]), ft(2, 1, 0, findData('x')), ft(2, 0, 0))
    await expect(listing).rejects.toThrow(/directory entry of 3 bytes/)
    expect(files.ignoredMessages).toBe(0)
  })

  it('refuses a download announced beyond Number.MAX_SAFE_INTEGER, telling the server so', async () => {
    const { t, files } = await ultraFiles()
    const downloading = files.download('C:\\huge', { write: async () => {} })
    t.serve(ft(4, 0, 0, utf8('C:\\huge,d'), 0x200000))
    await expect(downloading).rejects.toMatchObject({ code: 'RFB_ERR_LIMIT', message: expect.stringMatching(/more than Tessera can count/) })
    expect(sentMessages(t)[1]).toMatchObject({ contentType: 4, size: 0xffffffff })
  })

  it('stops a download that sends more than it announced: aborts, then drops leftovers until its barrier is answered', async () => {
    const { t, files } = await ultraFiles()
    const got: number[] = []
    const downloading = files.download('C:\\f', { write: async (c) => void got.push(...c) })
    t.serve(ft(4, 0, 2, utf8('C:\\f,d'), 0), ft(5, 0, 0, [1, 2, 3]))
    await expect(downloading).rejects.toThrow(/sent more of C:\\f than the 2 bytes it announced/)
    expect(sentMessages(t).map((m) => [m.contentType, m.param])).toEqual([
      [3, 0],
      [4, 0],
      [7, 0],
      [1, 2],
    ])
    const listing = files.list('C:\\d')
    // Still on the wire: the listing request waits behind the barrier.
    expect(sentMessages(t)).toHaveLength(4)
    t.serve(ft(5, 0, 0, [4]), ft(6, 0, 0), DRIVES)
    t.serve(ft(2, 1, 0, utf8('C:\\d\\')), ft(2, 0, 0))
    await expect(listing).resolves.toEqual([])
    expect(got).toEqual([])
  })

  it('fails a download whose end comes before its announced size', async () => {
    const { t, files } = await ultraFiles()
    const downloading = files.download('C:\\f', { write: async () => {} })
    t.serve(ft(4, 0, 10, utf8('C:\\f,d'), 0), ft(5, 0, 0, [1, 2, 3]), ft(6, 0, 0))
    await expect(downloading).rejects.toThrow(/ended after 3 of its 10 bytes/)
  })

  it('refuses a compressed block that inflates beyond one block', async () => {
    const { t, files } = await ultraFiles()
    const downloading = files.download('C:\\f', { write: async () => {} })
    t.serve(ft(4, 0, 100_000, utf8('C:\\f'), 0), ft(5, 0, 1, deflateSync(new Uint8Array(9000))))
    await expect(downloading).rejects.toMatchObject({ code: 'RFB_ERR_ZLIB' })
  })

  it('inflates a compressed block within the limit', async () => {
    const { t, files } = await ultraFiles()
    const got: number[] = []
    const downloading = files.download('C:\\f', { write: async (c) => void got.push(...c) })
    t.serve(ft(4, 0, 8192, utf8('C:\\f'), 0), ft(5, 0, 1, deflateSync(new Uint8Array(8192).fill(7))), ft(6, 0, 0))
    await expect(downloading).resolves.toBe(8192)
    expect(got.every((b) => b === 7)).toBe(true)
  })

  it('holds the server back while the sink is slow (a download that never ends), and cancelling lets go', async () => {
    const { t, files, client } = await ultraFiles()
    const controller = new AbortController()
    let writes = 0
    // A sink that never finishes a write.
    const downloading = files.download('C:\\endless', { write: () => (writes++, new Promise<void>(() => {})) }, { signal: controller.signal })
    t.serve(ft(4, 0, 0xffffffff - 1, utf8('C:\\endless'), 0xffff))
    const block = ft(5, 0, 0, new Uint8Array(8192))
    let served = 0
    while (!t.paused && served < 10_000) {
      t.serve(block)
      served++
    }
    await settle()
    expect(t.paused).toBe(true)
    expect(served * 8192).toBeGreaterThan(DOWNLOAD_HIGH_WATER)
    expect(served * 8192).toBeLessThan(DOWNLOAD_HIGH_WATER + 2 * 8192)
    expect(writes).toBe(1)
    // What arrives while held stays unparsed (in the kernel, for a real socket).
    t.serve(block, block)
    expect(client.bufferedBytes).toBe(2 * block.length)
    controller.abort()
    await expect(downloading).rejects.toMatchObject({ name: 'AbortError' })
    await settle()
    expect(t.paused).toBe(false)
    expect(
      sentMessages(t)
        .slice(-2)
        .map((m) => [m.contentType, m.param]),
    ).toEqual([
      [7, 0],
      [1, 2],
    ])
    t.serve(DRIVES)
    const roots = files.roots()
    t.serve(DRIVES)
    await expect(roots).resolves.toEqual(['C:\\'])
    expect(client.state).toBe('connected')
  })

  it('ignores an answer to a request never sent, and an echo of another path', async () => {
    const { t, files, client } = await ultraFiles()
    t.serve(ft(11, 4, 0, utf8('C:\\x')), ft(5, 0, 0, [1, 2]), ft(6, 0, 0))
    expect(files.ignoredMessages).toBe(3)
    const making = files.createFolder('C:\\mine')
    t.serve(ft(11, 4, 0, utf8('C:\\other')))
    expect(files.ignoredMessages).toBe(4)
    t.serve(ft(11, 4, 0, utf8('C:\\mine')))
    await expect(making).resolves.toBeUndefined()
    expect(client.state).toBe('connected')
  })

  it('times out a request the server never answers, with a clear error, and goes on with the next', async () => {
    const { t, files } = await ultraFiles(50)
    const listing = files.list('C:\\silent')
    const roots = files.roots()
    await expect(listing).rejects.toMatchObject({ code: 'RFB_ERR_TIMEOUT', message: 'the server did not answer the listing of C:\\silent within 0.05 s' })
    expect(sentMessages(t).map((m) => m.param)).toEqual([1, 2])
    t.serve(DRIVES)
    await expect(roots).resolves.toEqual(['C:\\'])
  })

  it('times out a download whose blocks stop coming', async () => {
    const { t, files } = await ultraFiles(50)
    const downloading = files.download('C:\\f', { write: async () => {} })
    t.serve(ft(4, 0, 10, utf8('C:\\f'), 0), ft(5, 0, 0, [1]))
    await expect(downloading).rejects.toThrow(/did not answer the download of C:\\f within 0.05 s/)
  })

  it('says so when the server cannot write an upload', async () => {
    const { t, files } = await ultraFiles()
    const uploading = files.upload('C:\\ro\\f', { size: 3, modified: 0, read: async () => new Uint8Array(3) })
    t.serve(ft(9, 0, -1, utf8('C:\\ro\\f')))
    await expect(uploading).rejects.toThrow(/cannot write C:\\ro\\f/)
  })

  it('says so when the server stored less than was sent', async () => {
    const { t, files } = await ultraFiles()
    const uploading = files.upload('C:\\d\\f', { size: 3, modified: 0, read: async () => new Uint8Array(3) })
    t.serve(ft(9, 0, 0, utf8('C:\\d\\f')))
    await settle()
    t.serve(ft(2, 1, 0, utf8('C:\\d\\')), ft(2, 1, 0, findData('f', { size: 1 })), ft(2, 0, 0))
    await expect(uploading).rejects.toThrow(/stored 1 bytes of the 3 sent/)
  })

  it('cancels an upload midway: the server is told, no end of file is sent', async () => {
    const { t, files } = await ultraFiles()
    const controller = new AbortController()
    let reads = 0
    const uploading = files.upload(
      'C:\\d\\f',
      {
        size: 10 * 8192,
        modified: 0,
        read: async (_o, max) => {
          if (++reads === 3) controller.abort()
          return new Uint8Array(max)
        },
      },
      { signal: controller.signal },
    )
    t.serve(ft(9, 0, 0, utf8('C:\\d\\f')))
    await expect(uploading).rejects.toMatchObject({ name: 'AbortError' })
    const types = sentMessages(t).map((m) => m.contentType)
    expect(types).toEqual([8, 5, 5, 7])
  })

  it('rejects what is pending when closed, then stops reading its messages', async () => {
    const { t, files, client, closed } = await ultraFiles()
    const listing = files.list('C:\\d')
    const queued = files.roots()
    t.serve(ft(2, 1, 0, utf8('C:\\d\\')))
    files.close()
    await expect(listing).rejects.toThrow(/file transfer was closed/)
    await expect(queued).rejects.toThrow(/file transfer was closed/)
    // The listing on the wire is read to its end before type 7 is let go.
    t.serve(ft(2, 1, 0, findData('x')), ft(2, 0, 0))
    expect(client.state).toBe('connected')
    t.serve(DRIVES)
    expect(closed()).toMatchObject({ code: 'RFB_ERR_MESSAGE_TYPE' })
  })

  it('fails a download at once when the session ends mid-stream, and lets go of the session', async () => {
    const { t, files } = await ultraFiles()
    const downloading = files.download('C:\\f', { write: async () => {} })
    t.serve(ft(4, 0, 100, utf8('C:\\f'), 0), ft(5, 0, 0, [1, 2, 3]))
    t.end()
    await expect(downloading).rejects.toThrow(/connection to the server closed/)
    await expect(files.roots()).rejects.toThrow(/connection to the server closed/)
  })

  it('rejects what is pending when the session ends', async () => {
    const s = await ultraSession()
    const opening = openRemoteFiles(s.client)
    s.t.serve(ft(14, 0, 1))
    const files = (await opening)!
    const listing = files.list('C:\\d')
    s.t.end()
    await expect(listing).rejects.toThrow(/closed/)
  })
})
