import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectRfb } from '../../src/main/rfb/connect'
import { UnsupportedError } from '../../src/main/rfb/errors'
import { openRemoteFiles } from '../../src/main/rfb/file-transfer'
import type { DownloadSink, RemoteFiles, UploadSource } from '../../src/main/rfb/file-transfer/remote-files'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import type { RfbClient } from '../../src/main/rfb/session'
import { type TightFtServer, startTightFtServer, tightFtServerAvailable } from '../helpers/tight-ft-server'
import { serverAvailable, startServer } from '../helpers/vnc-servers'

// TightVNC 1.3 file transfer against libvncserver's own implementation (the code behind x11vnc
// -tightfilexfer; Debian 12's x11vnc binary is built without it, see docs/file-transfer.md).

const BIG = 20 * 2 ** 20

/** A sink hashing what it is given, slowly enough now and then that the download has to wait for it. */
function hashingSink(): DownloadSink & { digest(): string; bytes: number } {
  const hash = createHash('sha256')
  const sink = {
    bytes: 0,
    write: async (chunk: Uint8Array) => {
      hash.update(chunk)
      sink.bytes += chunk.length
      if (sink.bytes % (2 * 2 ** 20) < chunk.length) await new Promise((r) => setTimeout(r, 5))
    },
    digest: () => hash.digest('hex'),
  }
  return sink
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

function bufferSource(data: Uint8Array, modified: number): UploadSource {
  return { size: data.length, modified, read: async (offset, max) => data.subarray(offset, Math.min(data.length, offset + max)) }
}

/** Framebuffer updates the session gets within `ms`. */
function updatesWithin(client: RfbClient, ms: number): Promise<number> {
  let n = 0
  const count = (): void => void n++
  client.on('update', count)
  return new Promise((resolve) =>
    setTimeout(() => {
      client.off('update', count)
      resolve(n)
    }, ms),
  )
}

describe.skipIf(!tightFtServerAvailable())('TightVNC file transfer against libvncserver', () => {
  let work: string
  let root: string
  let server: TightFtServer
  let client: RfbClient
  let files: RemoteFiles
  let big: Buffer
  const traces: string[] = []
  const sessionErrors: unknown[] = []

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'tessera-tight-ft-'))
    root = path.join(work, 'root')
    mkdirSync(path.join(root, 'sub'), { recursive: true })
    writeFileSync(path.join(root, 'hello.txt'), 'hello from the server\n')
    writeFileSync(path.join(root, 'empty'), '')
    writeFileSync(path.join(root, 'grüße.txt'), 'utf-8 name\n')
    big = randomBytes(BIG)
    writeFileSync(path.join(root, 'big.bin'), big)
    utimesSync(path.join(root, 'hello.txt'), 1_700_000_000, 1_700_000_000)
    server = await startTightFtServer(root)
    ;({ client } = await connectRfb({ host: server.host, port: server.port }, { sink: new FramebufferSink() }))
    client.on('close', (e) => sessionErrors.push(e))
    files = (await openRemoteFiles(client, { trace: (line) => traces.push(line) }))!
  }, 60_000)

  afterAll(async () => {
    // Shown when a test above failed because the session ended: the reason is here, not in the rejection.
    if (sessionErrors.length)
      console.error(
        'session errors:',
        sessionErrors.map((e) => String(e)),
      )
    files?.close()
    client?.close()
    await server?.stop()
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('chooses Tight security, reads the file-transfer capabilities and says what the server cannot do', () => {
    expect(client.info?.securityType).toBe(16)
    expect(files).not.toBeNull()
    expect(files.protocol).toBe('tightvnc')
    expect(files.separator).toBe('/')
    expect(files.capabilities).toEqual({ createFolder: true, delete: false, rename: false, resumeDownload: false, resumeUpload: false })
  })

  it('lists the root as the file system has it', async () => {
    expect(await files.roots()).toEqual(['/'])
    const listed = (await files.list('/')).sort((a, b) => a.name.localeCompare(b.name))
    const expected = readdirSync(root)
      .sort((a, b) => a.localeCompare(b))
      .map((name) => {
        const st = statSync(path.join(root, name))
        return st.isDirectory()
          ? { name, kind: 'folder', size: 0, modified: null }
          : { name, kind: 'file', size: st.size, modified: Math.floor(st.mtimeMs / 1000) * 1000 }
      })
    expect(listed).toEqual(expected)
    expect(listed.find((e) => e.name === 'hello.txt')?.modified).toBe(1_700_000_000_000)
  })

  it('lists a folder with more than 64 KiB of names, whose size field libvncserver lets wrap', async () => {
    const many = path.join(root, 'many')
    mkdirSync(many)
    const created = Array.from({ length: 2500 }, (_, i) => `a-file-with-a-long-name-to-fill-the-listing-${String(i).padStart(5, '0')}.txt`)
    for (const name of created) writeFileSync(path.join(many, name), name)
    expect(created.reduce((n, name) => n + name.length + 1, 0)).toBeGreaterThan(0x10000)
    const listed = await files.list('/many')
    expect(listed.map((e) => e.name).sort()).toEqual([...created].sort())
    expect(listed.every((e) => e.kind === 'file' && e.size === e.name.length)).toBe(true)
    // The stream is still in step: the next answer is the next listing's.
    expect((await files.list('/sub')).map((e) => e.name)).toEqual([])
    rmSync(many, { recursive: true })
  }, 60_000)

  it('downloads a 20 MB file intact (SHA-256), reporting progress', async () => {
    const sink = hashingSink()
    const progress: number[] = []
    const n = await files.download('/big.bin', sink, { onProgress: (p) => progress.push(p.done) })
    expect(n).toBe(BIG)
    expect(sink.digest()).toBe(sha256(big))
    expect(progress.length).toBeGreaterThan(100)
    expect(progress.at(-1)).toBe(BIG)
  }, 60_000)

  it('downloads an empty file and a file with a UTF-8 name', async () => {
    const empty = hashingSink()
    expect(await files.download('/empty', empty)).toBe(0)
    const named = hashingSink()
    expect(await files.download('/grüße.txt', named)).toBe(11)
    expect(named.digest()).toBe(sha256(Buffer.from('utf-8 name\n')))
  })

  it('uploads a file, which the server stores whole with its modification time', async () => {
    const data = randomBytes(3 * 2 ** 20 + 123)
    const modified = 1_650_000_000_000
    const progress: number[] = []
    await files.upload('/sub/uploaded.bin', bufferSource(data, modified), { onProgress: (p) => progress.push(p.done) })
    const stored = readFileSync(path.join(root, 'sub', 'uploaded.bin'))
    expect(sha256(stored)).toBe(sha256(data))
    // libvncserver reads the end time as a little-endian unsigned long: right only in its dialect.
    expect(statSync(path.join(root, 'sub', 'uploaded.bin')).mtimeMs).toBe(modified)
    expect(progress.at(-1)).toBe(data.length)
  }, 60_000)

  it('creates a folder, and reports one it could not create', async () => {
    await files.createFolder('/sub/new folder')
    expect(statSync(path.join(root, 'sub', 'new folder')).isDirectory()).toBe(true)
    await expect(files.createFolder('/missing/deeper')).rejects.toThrow(/did not create the folder \/missing\/deeper/)
  })

  it('cancels a download midway; the session still gets framebuffer updates and the next download works', async () => {
    const abort = new AbortController()
    const sink = hashingSink()
    const cancelled = files.download('/big.bin', sink, {
      signal: abort.signal,
      onProgress: (p) => {
        if (p.done >= 2 * 2 ** 20) abort.abort()
      },
    })
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' })
    expect(sink.bytes).toBeLessThan(BIG)
    expect(await updatesWithin(client, 1500)).toBeGreaterThan(0)
    const after = hashingSink()
    expect(await files.download('/hello.txt', after)).toBe(22)
    expect(after.digest()).toBe(sha256(Buffer.from('hello from the server\n')))
    expect(server.log()).toMatch(/File Download Cancel Request received/)
  }, 60_000)

  it("reports the server's own reason when a file vanished between listing and download", async () => {
    writeFileSync(path.join(root, 'vanishing.txt'), 'soon gone\n')
    await files.list('/')
    rmSync(path.join(root, 'vanishing.txt'))
    // FileDownloadFailed from libvncserver carries a NUL after its reason; misread, the next message would be lost.
    await expect(files.download('/vanishing.txt', hashingSink())).rejects.toThrow(/could not send \/vanishing.txt: Cannot open file/)
    expect((await files.list('/sub')).map((e) => e.name).sort()).toEqual(['new folder', 'uploaded.bin'])
  })

  it("reports the server's refusal of an upload and goes on", async () => {
    const data = randomBytes(200_000)
    await expect(files.upload('/no/such/folder/x.bin', bufferSource(data, Date.now()))).rejects.toThrow(/stopped the upload .*Could not create file/)
    await expect(files.list('/no-such-folder')).rejects.toThrow(/could not open the folder \/no-such-folder/)
    await expect(files.list('/hello.txt')).rejects.toThrow(/could not open the folder/)
    expect((await files.list('/')).length).toBe(readdirSync(root).length)
  }, 30_000)

  it('refuses what the protocol cannot do before sending anything', async () => {
    await expect(files.delete('/hello.txt')).rejects.toBeInstanceOf(UnsupportedError)
    await expect(files.rename('/hello.txt', '/bye.txt')).rejects.toBeInstanceOf(UnsupportedError)
    await expect(files.download('/big.bin', hashingSink(), { offset: 10 })).rejects.toBeInstanceOf(UnsupportedError)
    await expect(files.download('/sub', hashingSink())).rejects.toThrow(/is a folder/)
    expect(client.state).toBe('connected')
  })

  it('closing file transfer rejects what is outstanding and leaves the session running', async () => {
    const pending = files.download('/big.bin', hashingSink())
    await new Promise((r) => setTimeout(r, 50))
    files.close()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
    await expect(files.list('/')).rejects.toMatchObject({ name: 'AbortError' })
    expect(await updatesWithin(client, 2500)).toBeGreaterThan(0)
    expect(client.state).toBe('connected')
    expect(sessionErrors).toEqual([])
  }, 30_000)
})

describe.skipIf(!serverAvailable('x11vnc'))('x11vnc -tightfilexfer on this Debian', () => {
  it('offers no Tight security, so no file transfer: its binary was built without the extension', async () => {
    // If this starts failing, Debian's x11vnc gained TightVNC file transfer: point the suite above at it.
    const server = await startServer('x11vnc', { extraArgs: ['-tightfilexfer'] })
    try {
      const { client } = await connectRfb({ host: server.host, port: server.port }, { sink: new FramebufferSink(), autoUpdate: false })
      expect(client.info?.securityType).toBe(1)
      expect(await openRemoteFiles(client)).toBeNull()
      client.close()
    } finally {
      await server.stop()
    }
  }, 60_000)
})
