import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import type { ClientLink } from '../../src/main/host/endpoint'
import type { ClientEventName, ClientEvents, HostEvents } from '../../src/shared/contract'
import type { FileQuestion, TransferView } from '../../src/shared/file-transfer'
import { startHostileUltraServer } from '../helpers/hostile-ultra-server'
import { startTightFtServer, tightFtServerAvailable } from '../helpers/tight-ft-server'
import { serverAvailable, startServer } from '../helpers/vnc-servers'

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex')

/** Every file below `root` with its hash, by relative path. */
function hashes(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const rel of readdirSync(root, { recursive: true }) as string[]) {
    const full = path.join(root, rel)
    if (statSync(full).isFile()) out[rel.split(path.sep).join('/')] = sha(full)
  }
  return out
}

/** A folder tree with text, binary, a Unicode name and an empty folder. */
function makeTree(root: string): void {
  mkdirSync(path.join(root, 'sub', 'deeper'), { recursive: true })
  mkdirSync(path.join(root, 'empty'))
  writeFileSync(path.join(root, 'a.txt'), 'alpha\n')
  writeFileSync(path.join(root, 'sub', 'b.bin'), Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) & 0xff)))
  writeFileSync(path.join(root, 'sub', 'deeper', 'grüße.txt'), 'unicode name\n')
}

/** The app's host, as a window sees it: requests through the endpoint, its events collected. */
class Window {
  events: { name: ClientEventName; payload: unknown }[] = []
  private waiters: (() => void)[] = []
  link!: ClientLink

  constructor(host: Host) {
    this.link = host.attach({
      deliver: <K extends ClientEventName>(name: K, payload: ClientEvents[K]) => {
        // Painted at once, as a window would: unacknowledged frames would hold the server back, file messages too.
        if (name === 'session.frame') {
          const batch = payload as ClientEvents['session.frame']
          void this.link.request('session.ack', { sessionId: batch.sessionId, seq: batch.seq })
          return
        }
        this.events.push({ name, payload })
        for (const w of this.waiters.splice(0)) w()
      },
    })
  }

  async request(name: string, arg: unknown): Promise<unknown> {
    const reply = await this.link.request(name, arg)
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), { error: reply.error })
    return reply.result
  }

  next<K extends keyof HostEvents>(name: K, pred: (p: HostEvents[K]) => boolean, from = 0): Promise<HostEvents[K]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${name} in time`)), 60_000)
      let seen = from
      const check = (): void => {
        for (; seen < this.events.length; seen++) {
          const e = this.events[seen]
          if (e.name === name && pred(e.payload as HostEvents[K])) {
            clearTimeout(timer)
            return resolve(e.payload as HostEvents[K])
          }
        }
        this.waiters.push(check)
      }
      check()
    })
  }

  ended(transferId: string): Promise<TransferView> {
    return this.next('files.transfer', (p) => p.transfer.transferId === transferId && ['done', 'failed', 'cancelled'].includes(p.transfer.state)).then(
      (p) => p.transfer,
    )
  }
}

// Debian 12's x11vnc is built without TightVNC file transfer: that one is libvncserver's own, in a
// small server built at test time (test/helpers/tight-ft-server.ts), the code behind -tightfilexfer.
const PEERS = [
  { kind: 'ultravnc', name: 'x11vnc -ultrafilexfer', available: serverAvailable('x11vnc') },
  { kind: 'tightvnc', name: 'libvncserver -tightfilexfer', available: tightFtServerAvailable() },
] as const

for (const { kind, name, available } of PEERS) {
  describe.skipIf(!available)(`the app's file transfer against ${name}`, () => {
    let server: { port: number; stop(): Promise<void> }
    let dir: string
    let host: Host
    let win: Window
    let sessionId: string
    let remoteRoot: string
    let downloads: string
    // x11vnc's UltraVNC file transfer roots the file system at drive C: with '\' between names;
    // the TightVNC server serves remoteRoot as its "/".
    const remote = (local: string): string =>
      kind === 'ultravnc' ? `C:${local.split('/').join('\\')}` : `/${path.relative(remoteRoot, local).split(path.sep).join('/')}`

    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), `tessera-ft-app-${kind}-`))
      remoteRoot = path.join(dir, 'remote')
      downloads = path.join(dir, 'downloads')
      mkdirSync(path.join(remoteRoot, 'tree'), { recursive: true })
      mkdirSync(path.join(remoteRoot, 'inbox'))
      mkdirSync(downloads)
      makeTree(path.join(remoteRoot, 'tree'))
      server =
        kind === 'ultravnc' ? await startServer('x11vnc', { width: 320, height: 240, extraArgs: ['-ultrafilexfer'] }) : await startTightFtServer(remoteRoot)
      host = (await createHost({ dataDir: path.join(dir, 'data'), keychain: null, downloadsFolder: downloads, decodeImage: null })).host
      win = new Window(host)
      sessionId = ((await win.request('session.open', { address: `127.0.0.1::${server.port}` })) as { sessionId: string }).sessionId
      const state = await win.next('session.state', (p) => p.sessionId === sessionId && p.state === 'connected')
      expect(state.info?.fileTransfer).toBe(kind)
    }, 60_000)

    afterAll(async () => {
      win?.link.detach()
      await host?.shutdown()
      await server?.stop()
      if (dir) rmSync(dir, { recursive: true, force: true })
    })

    it('opens, lists, and downloads a folder tree with the same bytes', async () => {
      const info = (await win.request('files.open', { sessionId })) as { protocol: string; localFolder: string }
      expect(info).toMatchObject({ protocol: kind, localFolder: downloads })
      const listed = (await win.request('files.list', { sessionId, path: remote(remoteRoot) })) as { name: string; kind: string }[]
      expect(listed.map((e) => `${e.name}:${e.kind}`).sort()).toEqual(['inbox:folder', 'tree:folder'])
      const { transferId } = (await win.request('files.download', { sessionId, folder: remote(remoteRoot), names: ['tree'] })) as { transferId: string }
      const view = await win.ended(transferId)
      expect(view.error).toBeUndefined()
      expect(view).toMatchObject({ state: 'done', filesDone: 3, filesTotal: 3 })
      expect(hashes(path.join(downloads, 'tree'))).toEqual(hashes(path.join(remoteRoot, 'tree')))
      expect(statSync(path.join(downloads, 'tree', 'empty')).isDirectory()).toBe(true)
    }, 120_000)

    it('asks before overwriting a downloaded file, and keeps both when told', async () => {
      const from = win.events.length
      const into = path.join(downloads, 'tree')
      const { transferId } = (await win.request('files.download', {
        sessionId,
        folder: remote(path.join(remoteRoot, 'tree')),
        names: ['a.txt'],
        localFolder: into,
      })) as {
        transferId: string
      }
      const { question } = (await win.next('files.question', (p) => p.question.transferId === transferId, from)) as { question: FileQuestion }
      expect(question).toMatchObject({ kind: 'exists', name: 'a.txt', direction: 'download' })
      await win.request('files.answer', { sessionId, questionId: question.questionId, answer: 'keep-both' })
      expect((await win.ended(transferId)).state).toBe('done')
      expect(readFileSync(path.join(into, 'a (2).txt'), 'utf8')).toBe('alpha\n')
      expect(readdirSync(into).sort()).toEqual(['a (2).txt', 'a.txt', 'empty', 'sub'])
      await expect(win.request('files.answer', { sessionId, questionId: question.questionId, answer: 'replace' })).rejects.toMatchObject({
        error: { code: 'FILES_NO_QUESTION' },
      })
    }, 60_000)

    it('uploads files the renderer holds, a chunk at a time, into new folders', async () => {
      const payload = [Buffer.from('first upload\n'), Buffer.from(Array.from({ length: 700_000 }, (_, i) => (i * 31) & 0xff))]
      const from = win.events.length
      const { transferId } = (await win.request('files.upload', {
        sessionId,
        folder: remote(path.join(remoteRoot, 'inbox')),
        files: [
          { path: 'up/one.txt', size: payload[0].length, modified: Date.now() },
          { path: 'up/two.bin', size: payload[1].length, modified: Date.now() },
        ],
      })) as { transferId: string }
      let seen = from
      let over = false
      const ended = win.ended(transferId).finally(() => (over = true))
      while (!over) {
        const need = await Promise.race([win.next('files.need', (p) => p.transferId === transferId, seen), ended.then(() => null)])
        if (!need) break
        seen = win.events.findIndex((e, i) => i >= seen && e.payload === need) + 1
        await win.request('files.data', {
          sessionId,
          transferId,
          file: need.file,
          offset: need.offset,
          data: new Uint8Array(payload[need.file].subarray(need.offset, need.offset + need.length)),
        })
      }
      const view = await ended
      expect(view.error).toBeUndefined()
      expect(view).toMatchObject({ state: 'done', filesDone: 2, bytesDone: payload[0].length + payload[1].length })
      expect(readFileSync(path.join(remoteRoot, 'inbox', 'up', 'one.txt'))).toEqual(payload[0])
      expect(sha(path.join(remoteRoot, 'inbox', 'up', 'two.bin'))).toBe(createHash('sha256').update(payload[1]).digest('hex'))
    }, 120_000)

    // UltraVNC only: its protocol layer drops a backslash name from listings, which the first half
    // checks; TightVNC's keeps it for the host, so there the whole first download would be refused
    // (the host's refusal is what the second half checks; TightVNC's name handling has byte-vector tests).
    it.skipIf(kind !== 'ultravnc')(
      'never writes a name a Linux server can really have but the local disk must not take',
      async () => {
        const odd = path.join(remoteRoot, 'odd')
        mkdirSync(odd)
        writeFileSync(path.join(odd, 'fine.txt'), 'ok')
        // Legal on Linux, a path separator elsewhere: the protocol layer drops it from the listing.
        writeFileSync(path.join(odd, 'a\\b'), 'backslash')
        const into = mkdtempSync(path.join(dir, 'into-'))
        const first = (await win.request('files.download', { sessionId, folder: remote(remoteRoot), names: ['odd'], localFolder: into })) as {
          transferId: string
        }
        expect((await win.ended(first.transferId)).state).toBe('done')
        expect(readdirSync(into, { recursive: true }).sort()).toEqual(['odd', path.join('odd', 'fine.txt')])

        // A right-to-left override passes the protocol's check; the host refuses it before anything is written.
        const spoof = path.join(remoteRoot, 'spoof')
        mkdirSync(spoof)
        writeFileSync(path.join(spoof, 'ok.txt'), 'ok')
        writeFileSync(path.join(spoof, 'invoice\u202etxt.exe'), 'MZ')
        const into2 = mkdtempSync(path.join(dir, 'into-'))
        const second = (await win.request('files.download', { sessionId, folder: remote(remoteRoot), names: ['spoof'], localFolder: into2 })) as {
          transferId: string
        }
        const view = await win.ended(second.transferId)
        expect(view).toMatchObject({ state: 'failed', error: { code: 'FILES_BAD_NAME' } })
        expect(readdirSync(into2)).toEqual([])
        expect(readdirSync(dir).sort()).toEqual(['data', 'downloads', path.basename(into), path.basename(into2), 'remote'].sort())
      },
      60_000,
    )
  })
}

describe('the app against a hostile scripted UltraVNC server', () => {
  let dir: string
  let host: Host
  let win: Window
  let stop: () => Promise<void>
  let sessionId: string

  beforeAll(async () => {
    // One level deeper than the system's temp folder, so a name that escaped by '../../' would land
    // in a folder of ours (checked below) rather than in /tmp, where anything may already be.
    dir = mkdtempSync(path.join(mkdtempSync(path.join(os.tmpdir(), 'tessera-ft-hostile-')), 'd-'))
    // The client asks for a folder with a trailing backslash, as UltraVNC's viewer does.
    const server = await startHostileUltraServer((p) => {
      if (p === 'C:\\')
        return [
          { name: 'evil', folder: true },
          { name: 'evil2', folder: true },
        ]
      if (p.endsWith('\\evil\\'))
        return [
          { name: '../../x', size: 4 },
          { name: '/etc/passwd', size: 4 },
          { name: 'a\\b', size: 4 },
          { name: Uint8Array.of(0x61, 0, 0x62), size: 4 },
          { name: '..', folder: true },
          { name: 'gpj\u202e.exe', size: 4 },
        ]
      // The same names as folders: what passes is made inside the chosen folder, and nothing else.
      if (p.endsWith('\\evil2\\'))
        return ['../../x', '/etc/passwd', 'a\\b', '..', 'C:', '\\\\host\\share', Uint8Array.of(0x61, 0, 0x2e, 0x2e)].map((name) => ({ name, folder: true }))
      return []
    })
    stop = server.stop
    host = (await createHost({ dataDir: path.join(dir, 'data'), keychain: null, downloadsFolder: dir, decodeImage: null })).host
    win = new Window(host)
    sessionId = ((await win.request('session.open', { address: `127.0.0.1::${server.port}` })) as { sessionId: string }).sessionId
    const state = await win.next('session.state', (p) => p.sessionId === sessionId && p.state === 'connected')
    expect(state.info?.fileTransfer).toBe('ultravnc')
    await win.request('files.open', { sessionId })
  }, 60_000)

  afterAll(async () => {
    win?.link.detach()
    await host?.shutdown()
    await stop?.()
    if (dir) rmSync(path.dirname(dir), { recursive: true, force: true })
  })

  it("lists '../../x', '/etc/passwd', 'a\\b' and a NUL name, and nothing lands outside the chosen folder", async () => {
    const into = mkdtempSync(path.join(dir, 'into-'))
    const first = (await win.request('files.download', { sessionId, folder: 'C:\\', names: ['evil'], localFolder: into })) as { transferId: string }
    const view = await win.ended(first.transferId)
    expect(view).toMatchObject({ state: 'failed', error: { code: 'FILES_BAD_NAME' } })
    expect(readdirSync(into)).toEqual([])

    const second = (await win.request('files.download', { sessionId, folder: 'C:\\', names: ['evil2'], localFolder: into })) as { transferId: string }
    expect((await win.ended(second.transferId)).state).toBe('done')
    // Only the plain names survive, as folders inside the chosen one ("a\0.." is read up to its NUL).
    expect(readdirSync(into, { recursive: true }).sort()).toEqual(['evil2', path.join('evil2', 'a'), path.join('evil2', 'C:')].sort())
    expect(readdirSync(dir).sort()).toEqual(['data', path.basename(into)].sort())
    expect(readdirSync(path.dirname(dir))).toEqual([path.basename(dir)])
  }, 60_000)
})
