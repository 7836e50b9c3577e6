import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectRfb } from '../../src/main/rfb/connect'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { openRemoteFiles } from '../../src/main/rfb/file-transfer'
import type { RemoteFiles } from '../../src/main/rfb/file-transfer/remote-files'
import type { UltraFiles } from '../../src/main/rfb/file-transfer/ultra-files'
import { Content, ultraMessage } from '../../src/main/rfb/file-transfer/ultra-wire'
import type { RfbClient } from '../../src/main/rfb/session'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'

const BIG = 20 * 1024 * 1024

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

/** x11vnc roots file transfer at `/` as drive `C:` and turns every `\` into `/`. */
const remote = (local: string): string => `C:${local.split(path.sep).join('\\')}`

function nextUpdate(client: RfbClient): Promise<void> {
  return new Promise((resolve) => {
    client.once('update', () => resolve())
    client.requestUpdate(false)
  })
}

describe.skipIf(!serverAvailable('x11vnc'))('UltraVNC file transfer with x11vnc -ultrafilexfer', () => {
  let server: RunningServer
  let client: RfbClient
  let files: RemoteFiles
  let dir: string
  let big: Buffer

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-ft-ultra-'))
    big = randomBytes(BIG)
    writeFileSync(path.join(dir, 'big.bin'), big)
    writeFileSync(path.join(dir, 'small.txt'), 'hello, file transfer\n')
    writeFileSync(path.join(dir, 'grüße ✓.txt'), 'utf-8 name')
    writeFileSync(path.join(dir, '.hidden'), 'x11vnc does not list dot files')
    writeFileSync(path.join(dir, 'empty'), '')
    mkdirSync(path.join(dir, 'folder'))
    writeFileSync(path.join(dir, 'folder', 'inside.txt'), 'inside')
    server = await startServer('x11vnc', { width: 320, height: 240, extraArgs: ['-ultrafilexfer'] })
    client = (await connectRfb({ host: server.host, port: server.port }, { sink: new FramebufferSink() })).client
    const opened = await openRemoteFiles(client)
    if (!opened) throw new Error('x11vnc -ultrafilexfer did not offer UltraVNC file transfer')
    files = opened
  })

  afterAll(async () => {
    files?.close()
    client?.close()
    await server?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('is found by the RFB 3.6 that -ultrafilexfer announces, with no resume', () => {
    expect(client.info?.serverVersion).toBe('RFB 003.006')
    expect(files.protocol).toBe('ultravnc')
    expect(files.separator).toBe('\\')
    expect(files.capabilities).toEqual({ createFolder: true, delete: true, rename: true, resumeDownload: false, resumeUpload: false })
  })

  it('lists one drive, C:\\, for the root', async () => {
    expect(await files.roots()).toEqual(['C:\\'])
  })

  it('lists a folder as the file system has it (names, kinds, sizes), without dot files', async () => {
    const listed = await files.list(remote(dir))
    const expected = readdirSync(dir)
      .filter((n) => !n.startsWith('.'))
      .map((name) => {
        const st = statSync(path.join(dir, name))
        return { name, kind: st.isDirectory() ? 'folder' : 'file', size: st.isDirectory() ? 0 : st.size }
      })
    const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name)
    expect(listed.map(({ name, kind, size }) => ({ name, kind, size })).sort(byName)).toEqual(expected.sort(byName))
    const small = listed.find((e) => e.name === 'small.txt')!
    expect(Math.abs(small.modified! - statSync(path.join(dir, 'small.txt')).mtimeMs)).toBeLessThan(1000)
  })

  it('downloads 20 MB byte for byte (SHA-256), reporting progress, and the screen still updates after', async () => {
    const chunks: Uint8Array[] = []
    let last = { done: 0, total: 0 }
    const started = performance.now()
    const n = await files.download(remote(path.join(dir, 'big.bin')), { write: async (c) => void chunks.push(c.slice()) }, { onProgress: (p) => (last = p) })
    const ms = performance.now() - started
    expect(n).toBe(BIG)
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(big))
    expect(last).toEqual({ done: BIG, total: BIG })
    console.log(`x11vnc UltraVNC download: ${BIG} bytes in ${ms.toFixed(0)} ms`)
    await nextUpdate(client)
  })

  it('downloads an empty file', async () => {
    const chunks: Uint8Array[] = []
    expect(await files.download(remote(path.join(dir, 'empty')), { write: async (c) => void chunks.push(c) })).toBe(0)
    expect(chunks).toEqual([])
  })

  it('uploads 20 MB byte for byte (SHA-256 of the file x11vnc wrote)', async () => {
    const data = randomBytes(BIG)
    const target = path.join(dir, 'uploaded.bin')
    let last = { done: 0, total: 0 }
    const started = performance.now()
    await files.upload(
      remote(target),
      { size: data.length, modified: Date.now(), read: async (offset, max) => data.subarray(offset, offset + max) },
      { onProgress: (p) => (last = p) },
    )
    console.log(`x11vnc UltraVNC upload: ${BIG} bytes in ${(performance.now() - started).toFixed(0)} ms`)
    expect(last).toEqual({ done: BIG, total: BIG })
    expect(sha256(readFileSync(target))).toBe(sha256(data))
  })

  it('creates a folder, renames a file and a folder, deletes a file and an empty folder', async () => {
    await files.createFolder(remote(path.join(dir, 'made')))
    expect(statSync(path.join(dir, 'made')).isDirectory()).toBe(true)
    await files.rename(remote(path.join(dir, 'small.txt')), remote(path.join(dir, 'made', 'moved.txt')))
    expect(readFileSync(path.join(dir, 'made', 'moved.txt'), 'utf8')).toBe('hello, file transfer\n')
    await files.delete(remote(path.join(dir, 'made', 'moved.txt')))
    expect(existsSync(path.join(dir, 'made', 'moved.txt'))).toBe(false)
    await files.rename(remote(path.join(dir, 'made')), remote(path.join(dir, 'made2')))
    await files.delete(remote(path.join(dir, 'made2')))
    expect(existsSync(path.join(dir, 'made2'))).toBe(false)
  })

  it('says what the server refused: a missing folder, a missing file, a non-empty folder, an existing folder', async () => {
    await expect(files.list(remote(path.join(dir, 'nope')))).rejects.toThrow(/cannot open the folder .*nope/)
    await expect(files.download(remote(path.join(dir, 'nope.bin')), { write: async () => {} })).rejects.toThrow(/cannot read .*nope\.bin/)
    await expect(files.delete(remote(path.join(dir, 'folder')))).rejects.toThrow(/could not delete/)
    await expect(files.createFolder(remote(path.join(dir, 'folder')))).rejects.toThrow(/could not create the folder/)
    expect(existsSync(path.join(dir, 'folder', 'inside.txt'))).toBe(true)
  })

  it('cancels a download midway; the session and file transfer stay usable', async () => {
    const controller = new AbortController()
    let got = 0
    const cancelled = files.download(
      remote(path.join(dir, 'big.bin')),
      {
        write: async (c) => {
          got += c.length
          if (got >= 2 * 1024 * 1024) controller.abort()
        },
      },
      { signal: controller.signal },
    )
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' })
    expect(got).toBeLessThan(BIG)
    // The next answers are the next request's, not leftovers of the cancelled one.
    expect((await files.list(remote(path.join(dir, 'folder')))).map((e) => e.name)).toEqual(['inside.txt'])
    const chunks: Uint8Array[] = []
    await files.download(remote(path.join(dir, 'folder', 'inside.txt')), { write: async (c) => void chunks.push(c.slice()) })
    expect(Buffer.concat(chunks).toString()).toBe('inside')
    await nextUpdate(client)
    expect(client.state).toBe('connected')
  })

  it('stops a file of 4 GiB + 10 bytes, which x11vnc announces as its low 32 bits, instead of writing a wrong file', async () => {
    const sparse = path.join(dir, 'over4g.bin')
    writeFileSync(sparse, '')
    truncateSync(sparse, 2 ** 32 + 10)
    expect((await files.list(remote(dir))).find((e) => e.name === 'over4g.bin')?.size).toBe(10)
    let written = 0
    await expect(files.download(remote(sparse), { write: async (c) => void (written += c.length) })).rejects.toThrow(/more .* than the 10 bytes it announced/)
    expect(written).toBeLessThanOrEqual(10)
    rmSync(sparse)
    await expect(files.roots()).resolves.toEqual(['C:\\'])
  })

  it('x11vnc leaves the commands "delete folder" (2) and "rename folder" (6) unanswered, so Tessera never sends them', async () => {
    const ultra = files as UltraFiles
    const before = ultra.ignoredMessages
    const target = utf8(remote(path.join(dir, 'folder')))
    client.sendExtensionMessage(ultraMessage(Content.Command, 2, 0, target), 'FileTransfer Command 2 (probe)')
    client.sendExtensionMessage(ultraMessage(Content.Command, 6, 0, target), 'FileTransfer Command 6 (probe)')
    // A drives request behind them: its answer proves x11vnc has read both.
    await expect(files.roots()).resolves.toEqual(['C:\\'])
    expect(ultra.ignoredMessages).toBe(before)
    expect(existsSync(path.join(dir, 'folder', 'inside.txt'))).toBe(true)
  })

  it('refuses to resume: the protocol has no offset', async () => {
    await expect(files.download(remote(path.join(dir, 'big.bin')), { write: async () => {} }, { offset: 10 })).rejects.toThrow(/cannot resume/)
  })
})

describe.skipIf(!serverAvailable('x11vnc'))('x11vnc announcing RFB 3.6 without permitting file transfer', () => {
  it('drops the client at the permission request: opening fails with the session, as UltraVNC viewers see it too', async () => {
    const server = await startServer('x11vnc', { width: 320, height: 240, extraArgs: ['-rfbversion', '3.6'] })
    try {
      const { client } = await connectRfb({ host: server.host, port: server.port }, { sink: new FramebufferSink() })
      expect(client.info?.serverVersion).toBe('RFB 003.006')
      await expect(openRemoteFiles(client)).rejects.toThrow(/connection to the server closed/)
      expect(client.state).toBe('closed')
    } finally {
      await server.stop()
    }
  })
})

describe.skipIf(!serverAvailable('x11vnc'))('x11vnc without -ultrafilexfer', () => {
  it('offers no file transfer, and nothing was sent that would get us dropped', async () => {
    const server = await startServer('x11vnc', { width: 320, height: 240 })
    try {
      const { client } = await connectRfb({ host: server.host, port: server.port }, { sink: new FramebufferSink() })
      expect(await openRemoteFiles(client)).toBeNull()
      await nextUpdate(client)
      expect(client.state).toBe('connected')
      client.close()
    } finally {
      await server.stop()
    }
  })
})
