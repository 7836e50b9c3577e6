import { randomUUID } from 'node:crypto'
import type { SessionError } from '@shared/contract'
import {
  FILE_LIMITS,
  type FileAnswer,
  type FileEntry,
  type FileQuestion,
  type FilesInfo,
  type TransferDirection,
  type TransferState,
  type FilesEvents,
  type TransferView,
  type UploadItem,
} from '@shared/file-transfer'
import type { RemoteFiles } from '../../rfb/file-transfer/remote-files'
import { type ConflictQuestion, type JobContext, Tally, filesError, transferError } from './job-context'
import { planDownload, runDownload } from './download-job'
import { RendererSource } from './renderer-source'
import { runUpload } from './upload-job'

export type { FilesEvents }

/** What a session gives its file transfer. */
export interface FilesHost {
  readonly sessionId: string
  /** The server's file transfer on the connection now; rejects when not connected or not offered. */
  open(): Promise<RemoteFiles>
  emit<K extends keyof FilesEvents>(name: K, payload: FilesEvents[K]): void
  /** Where downloads go unless the user picks a folder. */
  downloadsFolder(): string
  /** How often progress is reported while bytes move; default every 100 ms. */
  progressMs?: number
}

interface Transfer {
  id: string
  direction: TransferDirection
  name: string
  state: TransferState
  tally: Tally
  controller: AbortController
  localFolder?: string
  error?: SessionError
  /** Answers the user gave "for all" in this transfer, by question kind. */
  forAll: Partial<Record<FileQuestion['kind'], FileAnswer>>
  sources: RendererSource[]
  run(ctx: JobContext): Promise<void>
  lastReport: number
}

/**
 * One session's file transfer: the server's files opened on demand, a queue of transfers run one
 * at a time (bounded), their progress, cancel, and the questions they ask before overwriting
 * (each answered once, all withdrawn when the session ends). The protocol is behind RemoteFiles.
 */
export class SessionFiles {
  private remote: Promise<RemoteFiles> | null = null
  private readonly transfers = new Map<string, Transfer>()
  private readonly queue: Transfer[] = []
  private running: Transfer | null = null
  private readonly questions = new Map<string, { transfer: Transfer; settle: (answer: FileAnswer) => void; question: FileQuestion }>()
  private closed = false

  constructor(private readonly host: FilesHost) {}

  /** Opens the server's file transfer (once per connection) and says what it can do. */
  async info(): Promise<FilesInfo> {
    const remote = await this.files()
    return {
      protocol: remote.protocol,
      separator: remote.separator,
      capabilities: { ...remote.capabilities },
      roots: await remote.roots(),
      localFolder: this.host.downloadsFolder(),
    }
  }

  async list(path: string): Promise<FileEntry[]> {
    const entries = await (await this.files()).list(path)
    return entries.map((e) => ({ name: e.name, kind: e.kind, size: e.size, modified: e.modified }))
  }

  async createFolder(path: string): Promise<void> {
    const remote = await this.files()
    if (!remote.capabilities.createFolder) throw filesError('FILES_UNSUPPORTED', 'this server cannot make folders')
    await remote.createFolder(path)
  }

  async delete(path: string): Promise<void> {
    const remote = await this.files()
    if (!remote.capabilities.delete) throw filesError('FILES_UNSUPPORTED', 'this server cannot delete files')
    await remote.delete(path)
  }

  async rename(from: string, to: string): Promise<void> {
    const remote = await this.files()
    if (!remote.capabilities.rename) throw filesError('FILES_UNSUPPORTED', 'this server cannot rename files')
    await remote.rename(from, to)
  }

  /** Queues a download of `names` in remote `folder` into `localFolder` (default the Downloads folder). */
  async download(folder: string, names: string[], localFolder?: string): Promise<{ transferId: string }> {
    await this.files()
    const target = localFolder ?? this.host.downloadsFolder()
    const t = this.add('download', names.length === 1 ? names[0] : `${names[0]} (+${names.length - 1})`, async (ctx) => {
      const plan = await planDownload(ctx, folder, names)
      await runDownload(ctx, plan, target)
    })
    t.localFolder = target
    this.report(t)
    return { transferId: t.id }
  }

  /** Queues an upload of files the renderer holds into remote `folder`; their bytes are asked for with `files.need`. */
  async upload(folder: string, items: UploadItem[]): Promise<{ transferId: string }> {
    await this.files()
    const sources: RendererSource[] = []
    const t = this.add('upload', items[0].path.split('/')[0], (ctx) =>
      runUpload(
        ctx,
        folder,
        items.map((item, i) => ({ path: item.path, source: sources[i] })),
      ),
    )
    items.forEach((item, i) => {
      sources.push(
        new RendererSource(i, item.size, item.modified, (request) =>
          this.host.emit('files.need', { sessionId: this.host.sessionId, transferId: t.id, ...request }),
        ),
      )
    })
    t.sources = sources
    this.report(t)
    return { transferId: t.id }
  }

  /** The renderer's bytes for a `files.need`. */
  data(transferId: string, file: number, offset: number, bytes: Uint8Array): void {
    const t = this.transfer(transferId)
    const source = t.sources[file]
    if (!source) throw filesError('FILES_UNKNOWN_TRANSFER', 'that transfer has no such file')
    source.supply(file, offset, bytes)
  }

  /** Stops a transfer: a queued one never starts, a running one stops on the wire (a partial download stays only if it can resume). */
  cancel(transferId: string): void {
    const t = this.transfer(transferId)
    this.stop(t, 'cancelled')
  }

  /** The user's answer to a `files.question`; `all` answers the same question for the rest of that transfer. */
  answer(questionId: string, answer: FileAnswer, all: boolean): void {
    const q = this.questions.get(questionId)
    if (!q) throw filesError('FILES_NO_QUESTION', 'that question was answered already or is no longer asked')
    if (answer === 'resume' && !q.question.canResume) throw filesError('FILES_NO_QUESTION', 'this file cannot be resumed')
    this.questions.delete(questionId)
    if (all) q.transfer.forAll[q.question.kind] = answer
    q.settle(answer)
  }

  /** The connection ended: what runs on it fails (the remote files are gone), and the next request opens them afresh. */
  connectionLost(): void {
    const remote = this.remote
    this.remote = null
    void remote?.then((r) => r.close()).catch(() => undefined)
  }

  /** The session ended: every transfer is cancelled and every question withdrawn. */
  close(): void {
    if (this.closed) return
    this.closed = true
    for (const t of [...this.transfers.values()]) this.stop(t, 'cancelled')
    this.connectionLost()
  }

  private async files(): Promise<RemoteFiles> {
    if (this.closed) throw filesError('FILES_UNSUPPORTED', 'the session has ended')
    if (!this.remote) {
      const opening = this.host.open()
      this.remote = opening
      opening.catch(() => {
        if (this.remote === opening) this.remote = null
      })
    }
    return this.remote
  }

  private transfer(id: string): Transfer {
    const t = this.transfers.get(id)
    if (!t) throw filesError('FILES_UNKNOWN_TRANSFER', 'that transfer has ended or never was')
    return t
  }

  private add(direction: TransferDirection, name: string, run: Transfer['run']): Transfer {
    if (this.transfers.size >= FILE_LIMITS.transfers) throw filesError('FILES_TOO_MANY', `at most ${FILE_LIMITS.transfers} transfers wait at once`)
    const t: Transfer = {
      id: randomUUID(),
      direction,
      name,
      state: 'queued',
      tally: new Tally(() => this.progressed(t)),
      controller: new AbortController(),
      forAll: {},
      sources: [],
      run,
      lastReport: 0,
    }
    this.transfers.set(t.id, t)
    this.queue.push(t)
    queueMicrotask(() => this.next())
    return t
  }

  private next(): void {
    if (this.running || this.closed) return
    const t = this.queue.shift()
    if (!t) return
    this.running = t
    t.state = 'running'
    this.report(t)
    void this.runOne(t).finally(() => {
      this.running = null
      this.next()
    })
  }

  private async runOne(t: Transfer): Promise<void> {
    try {
      const remote = await this.files()
      const ctx: JobContext = { remote, tally: t.tally, signal: t.controller.signal, ask: (q) => this.ask(t, q) }
      await t.run(ctx)
      this.finish(t, 'done')
    } catch (e) {
      if (t.controller.signal.aborted) this.finish(t, 'cancelled')
      else this.finish(t, 'failed', transferError(e))
    }
  }

  private ask(t: Transfer, question: ConflictQuestion): Promise<FileAnswer> {
    const remembered = t.forAll[question.kind]
    if (remembered && (remembered !== 'resume' || question.canResume)) return Promise.resolve(remembered)
    t.controller.signal.throwIfAborted()
    const q: FileQuestion = { ...question, questionId: randomUUID(), transferId: t.id, direction: t.direction }
    return new Promise<FileAnswer>((resolve, reject) => {
      const onAbort = (): void => {
        this.questions.delete(q.questionId)
        reject(t.controller.signal.reason)
      }
      t.controller.signal.addEventListener('abort', onAbort, { once: true })
      this.questions.set(q.questionId, {
        transfer: t,
        question: q,
        settle: (answer) => {
          t.controller.signal.removeEventListener('abort', onAbort)
          t.state = 'running'
          this.report(t)
          resolve(answer)
        },
      })
      t.state = 'asking'
      this.report(t)
      this.host.emit('files.question', { sessionId: this.host.sessionId, question: q })
    })
  }

  private stop(t: Transfer, state: 'cancelled'): void {
    const i = this.queue.indexOf(t)
    if (i >= 0) {
      this.queue.splice(i, 1)
      this.finish(t, state)
      return
    }
    t.controller.abort()
    for (const s of t.sources) s.fail(t.controller.signal.reason)
  }

  private finish(t: Transfer, state: 'done' | 'failed' | 'cancelled', error?: SessionError): void {
    if (!this.transfers.has(t.id)) return
    this.transfers.delete(t.id)
    t.state = state
    t.error = error
    for (const [id, q] of this.questions) if (q.transfer === t) this.questions.delete(id)
    this.report(t)
  }

  private progressed(t: Transfer): void {
    const now = performance.now()
    if (now - t.lastReport >= (this.host.progressMs ?? 100)) this.report(t)
  }

  private report(t: Transfer): void {
    t.lastReport = performance.now()
    const { bytesDone, bytesTotal, filesDone, filesTotal, filesSkipped, current } = t.tally
    const view: TransferView = {
      transferId: t.id,
      direction: t.direction,
      name: t.name,
      state: t.state,
      bytesDone,
      bytesTotal,
      filesDone,
      filesTotal,
      filesSkipped,
    }
    if (current !== undefined && (t.state === 'running' || t.state === 'asking')) view.current = current
    if (t.localFolder !== undefined) view.localFolder = t.localFolder
    if (t.error) view.error = t.error
    this.host.emit('files.transfer', { sessionId: this.host.sessionId, transfer: view })
  }
}
