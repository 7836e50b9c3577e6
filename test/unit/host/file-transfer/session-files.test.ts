import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FileQuestion, TransferView } from '../../../../src/shared/file-transfer'
import { type FilesEvents, SessionFiles } from '../../../../src/main/host/file-transfer/session-files'
import { MemoryRemoteFiles, type Tree, bytes } from './memory-remote-files'

let base: string
let dir: string

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'tessera-files-'))
  dir = join(base, 'chosen')
  await mkdir(dir)
})
afterEach(() => rm(base, { recursive: true, force: true }))

/** A session's file transfer over `remote`, with every event it sends kept in order. */
function setUp(remote: MemoryRemoteFiles) {
  const events: { name: keyof FilesEvents; payload: FilesEvents[keyof FilesEvents] }[] = []
  const waiters: (() => void)[] = []
  const files = new SessionFiles({
    sessionId: 's1',
    open: async () => remote,
    downloadsFolder: () => dir,
    progressMs: 0,
    emit: (name, payload) => {
      events.push({ name, payload })
      for (const w of waiters.splice(0)) w()
    },
  })
  const next = <K extends keyof FilesEvents>(name: K, pred: (p: FilesEvents[K]) => boolean = () => true): Promise<FilesEvents[K]> =>
    new Promise((resolve) => {
      let seen = 0
      const check = (): void => {
        for (; seen < events.length; seen++) {
          const e = events[seen]
          if (e.name === name && pred(e.payload as FilesEvents[K])) return resolve(e.payload as FilesEvents[K])
        }
        waiters.push(check)
      }
      check()
    })
  const ended = async (transferId: string): Promise<TransferView> =>
    (await next('files.transfer', (p) => p.transfer.transferId === transferId && ['done', 'failed', 'cancelled'].includes(p.transfer.state))).transfer
  /** The first question not in `answered`. */
  const question = async (...answered: string[]): Promise<FileQuestion> =>
    (await next('files.question', (p) => !answered.includes(p.question.questionId))).question
  return { files, events, next, ended, question }
}

const tree = (): Tree => ({ docs: { 'a.txt': bytes('alpha'), sub: { 'b.bin': bytes('bravo-bravo') }, empty: {} }, 'top.txt': bytes('top!') })

describe('downloads', () => {
  it('copies a folder tree entry by entry, with progress, into the chosen folder', async () => {
    const { files, ended, events } = setUp(new MemoryRemoteFiles(tree()))
    const { transferId } = await files.download('/', ['docs', 'top.txt'])
    const view = await ended(transferId)
    expect(view).toMatchObject({ state: 'done', filesDone: 3, filesTotal: 3, bytesDone: 20, bytesTotal: 20, localFolder: dir })
    expect(await readFile(join(dir, 'docs/a.txt'), 'utf8')).toBe('alpha')
    expect(await readFile(join(dir, 'docs/sub/b.bin'), 'utf8')).toBe('bravo-bravo')
    expect(await readFile(join(dir, 'top.txt'), 'utf8')).toBe('top!')
    expect(existsSync(join(dir, 'docs/empty'))).toBe(true)
    const progress = events.filter((e) => e.name === 'files.transfer').map((e) => (e.payload as FilesEvents['files.transfer']).transfer.bytesDone)
    expect(new Set(progress).size).toBeGreaterThan(3)
    expect((await readdir(dir, { recursive: true })).filter((n) => n.endsWith('.part'))).toEqual([])
  })

  it.each([['../../x'], ['/etc/passwd'], ['a\\b'], ['a\0b'], ['..'], ['']])('a server listing %j writes nothing at all', async (hostile) => {
    const remote = new MemoryRemoteFiles(tree())
    remote.listing = (folder) =>
      folder === '/docs'
        ? [
            { name: 'ok.txt', kind: 'file', size: 1, modified: 0 },
            { name: hostile, kind: 'file', size: 4, modified: null },
          ]
        : undefined
    const { files, ended } = setUp(remote)
    const view = await ended((await files.download('/', ['docs'])).transferId)
    expect(view.state).toBe('failed')
    expect(view.error?.code).toBe('FILES_BAD_NAME')
    expect(await readdir(dir)).toEqual([])
    expect((await readdir(base)).sort()).toEqual(['chosen'])
    expect(remote.downloads).toEqual([])
  })

  it('refuses impossible sizes and servers that send more than the size they listed', async () => {
    const remote = new MemoryRemoteFiles(tree())
    remote.listing = (f) => (f === '/' ? [{ name: 'top.txt', kind: 'file', size: -1, modified: null }] : undefined)
    const a = setUp(remote)
    expect((await a.ended((await a.files.download('/', ['top.txt'])).transferId)).error?.code).toBe('FILES_LIMIT')

    const liar = new MemoryRemoteFiles({ 'small.txt': bytes('tiny') })
    liar.extra = 16 * 1024 * 1024 + 1
    liar.chunk = 1 << 20
    const b = setUp(liar)
    const view = await b.ended((await b.files.download('/', ['small.txt'])).transferId)
    expect(view.error?.code).toBe('FILES_LIMIT')
    expect(await readdir(dir)).toEqual([])
  })

  it('stops walking a folder that goes on for ever', async () => {
    const remote = new MemoryRemoteFiles({})
    remote.listing = () => [{ name: 'deeper', kind: 'folder', size: 0, modified: null }]
    const { files, ended } = setUp(remote)
    const view = await ended((await files.download('/', ['deeper'])).transferId)
    expect(view.error).toMatchObject({ code: 'FILES_LIMIT' })
    expect(view.error?.message).toMatch(/more than 32 folders deep/)
    expect(await readdir(dir)).toEqual([])

    const wide = new MemoryRemoteFiles({})
    wide.listing = (f) =>
      f === '/'
        ? [{ name: 'w', kind: 'folder', size: 0, modified: null }]
        : Array.from({ length: 10_001 }, (_, i) => ({ name: `f${i}`, kind: 'file' as const, size: 1, modified: null }))
    const w = setUp(wide)
    expect((await w.ended((await w.files.download('/', ['w'])).transferId)).error?.message).toMatch(/more than 10000/)
  })

  it('does not follow a link in the chosen folder', async () => {
    const outside = join(base, 'outside')
    await mkdir(outside)
    await symlink(outside, join(dir, 'docs'))
    const { files, ended } = setUp(new MemoryRemoteFiles(tree()))
    const view = await ended((await files.download('/', ['docs'])).transferId)
    expect(view.error?.code).toBe('FILES_LOCAL')
    expect(await readdir(outside)).toEqual([])
  })

  it('asks before overwriting: skip leaves the file, keep both numbers the new one, replace replaces', async () => {
    await writeFile(join(dir, 'top.txt'), 'mine')
    const { files, ended, question } = setUp(new MemoryRemoteFiles(tree()))
    const first = (await files.download('/', ['top.txt'])).transferId
    const q1 = await question()
    expect(q1).toMatchObject({ kind: 'exists', name: 'top.txt', existingSize: 4, incomingSize: 4, canResume: false, direction: 'download', transferId: first })
    files.answer(q1.questionId, 'skip', false)
    expect(await ended(first)).toMatchObject({ state: 'done', filesSkipped: 1, filesDone: 0 })
    expect(await readFile(join(dir, 'top.txt'), 'utf8')).toBe('mine')
    // Answered once: the same answer again is refused.
    expect(() => files.answer(q1.questionId, 'replace', false)).toThrow(/answered already/)

    const second = (await files.download('/', ['top.txt'])).transferId
    const q2 = await question(q1.questionId)
    files.answer(q2.questionId, 'keep-both', false)
    await ended(second)
    expect(await readFile(join(dir, 'top (2).txt'), 'utf8')).toBe('top!')
    expect(await readFile(join(dir, 'top.txt'), 'utf8')).toBe('mine')
  })

  it('a cancelled download leaves a partial file that resumes where it stopped', async () => {
    const remote = new MemoryRemoteFiles({ 'big.bin': bytes('0123456789abcdef') })
    let open!: () => void
    remote.gate = new Promise((r) => (open = r))
    const { files, ended, next, question } = setUp(remote)
    const id = (await files.download('/', ['big.bin'])).transferId
    await next('files.transfer', (p) => p.transfer.bytesDone === 4)
    files.cancel(id)
    open()
    expect((await ended(id)).state).toBe('cancelled')
    expect(await readFile(join(dir, 'big.bin.part'), 'utf8')).toBe('0123')
    expect(existsSync(join(dir, 'big.bin'))).toBe(false)

    remote.gate = null
    const again = (await files.download('/', ['big.bin'])).transferId
    const q = await question()
    expect(q).toMatchObject({ kind: 'partial', existingSize: 4, incomingSize: 16, canResume: true })
    files.answer(q.questionId, 'resume', false)
    expect(await ended(again)).toMatchObject({ state: 'done', bytesDone: 16 })
    expect(remote.downloads.at(-1)).toEqual({ path: '/big.bin', offset: 4 })
    expect(await readFile(join(dir, 'big.bin'), 'utf8')).toBe('0123456789abcdef')
    expect(existsSync(join(dir, 'big.bin.part'))).toBe(false)
  })

  it('removes the partial file when the server cannot resume', async () => {
    const remote = new MemoryRemoteFiles({ 'big.bin': bytes('0123456789abcdef') })
    remote.capabilities = { ...remote.capabilities, resumeDownload: false }
    let open!: () => void
    remote.gate = new Promise((r) => (open = r))
    const { files, ended, next } = setUp(remote)
    const id = (await files.download('/', ['big.bin'])).transferId
    await next('files.transfer', (p) => p.transfer.bytesDone === 4)
    files.cancel(id)
    open()
    await ended(id)
    expect(await readdir(dir)).toEqual([])
  })

  it('ending the session withdraws its question and cancels what waits', async () => {
    await writeFile(join(dir, 'top.txt'), 'mine')
    const { files, ended, question } = setUp(new MemoryRemoteFiles(tree()))
    const a = (await files.download('/', ['top.txt'])).transferId
    const q = await question()
    const b = (await files.download('/', ['docs'])).transferId
    files.close()
    expect((await ended(a)).state).toBe('cancelled')
    expect((await ended(b)).state).toBe('cancelled')
    expect(() => files.answer(q.questionId, 'replace', false)).toThrow(/no longer asked/)
    expect(await readFile(join(dir, 'top.txt'), 'utf8')).toBe('mine')
    await expect(files.list('/')).rejects.toThrow(/ended/)
  })

  it('holds at most 64 transfers', async () => {
    const remote = new MemoryRemoteFiles(tree())
    remote.gate = new Promise(() => undefined)
    const { files } = setUp(remote)
    for (let i = 0; i < 64; i++) await files.download('/', ['top.txt'], join(base, 'nowhere'))
    await expect(files.download('/', ['top.txt'])).rejects.toMatchObject({ error: { code: 'FILES_TOO_MANY' } })
    files.close()
  })
})

describe('uploads from the renderer', () => {
  it('asks the renderer for each chunk and builds the folders the paths name', async () => {
    const remote = new MemoryRemoteFiles({ inbox: {} })
    const { files, ended, events } = setUp(remote)
    const data = [bytes('hello upload'), bytes('second file!')]
    const { transferId } = await files.upload('/inbox', [
      { path: 'pics/one.txt', size: 12, modified: 0 },
      { path: 'pics/deep/two.txt', size: 12, modified: 0 },
    ])
    let answered = 0
    const feed = setInterval(() => {
      for (const e of events.slice(answered)) {
        answered++
        if (e.name !== 'files.need') continue
        const n = e.payload as FilesEvents['files.need']
        files.data(transferId, n.file, n.offset, data[n.file].subarray(n.offset, n.offset + n.length))
      }
    }, 1)
    const view = await ended(transferId)
    clearInterval(feed)
    expect(view).toMatchObject({ state: 'done', filesDone: 2, bytesDone: 24 })
    const inbox = remote.root.inbox as Tree
    expect(new TextDecoder().decode((inbox.pics as Tree)['one.txt'] as Uint8Array)).toBe('hello upload')
    expect(new TextDecoder().decode(((inbox.pics as Tree).deep as Tree)['two.txt'] as Uint8Array)).toBe('second file!')
    // Only what was asked for is taken.
    expect(() => files.data(transferId, 0, 0, bytes('x'))).toThrow(/ended/)
  })

  it('refuses a dropped path that climbs out, before anything is sent', async () => {
    const remote = new MemoryRemoteFiles({ inbox: {} })
    const { files, ended } = setUp(remote)
    const view = await ended((await files.upload('/inbox', [{ path: '../etc/x', size: 1, modified: 0 }])).transferId)
    expect(view.error?.code).toBe('FILES_BAD_NAME')
    expect(remote.root).toEqual({ inbox: {} })
  })

  it('asks before replacing a remote file, and "for all" answers the rest', async () => {
    const remote = new MemoryRemoteFiles({ inbox: { 'a.txt': bytes('old'), 'b.txt': bytes('old') } })
    const { files, ended, question, events } = setUp(remote)
    const { transferId } = await files.upload('/inbox', [
      { path: 'a.txt', size: 3, modified: 0 },
      { path: 'b.txt', size: 3, modified: 0 },
    ])
    const q = await question()
    expect(q).toMatchObject({ direction: 'upload', kind: 'exists', name: 'a.txt', existingSize: 3 })
    files.answer(q.questionId, 'skip', true)
    const view = await ended(transferId)
    expect(view).toMatchObject({ state: 'done', filesSkipped: 2 })
    expect(events.filter((e) => e.name === 'files.question')).toHaveLength(1)
    expect(events.filter((e) => e.name === 'files.need')).toHaveLength(0)
  })
})
