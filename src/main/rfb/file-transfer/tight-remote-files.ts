import { NetworkError, TimeoutError, UnsupportedError } from '../errors'
import type { RfbClient } from '../session'
import type { DownloadSink, RemoteEntry, RemoteFileCapabilities, RemoteFiles, TransferOptions, UploadSource } from './remote-files'
import { TightDownload } from './tight-download'
import type { ParsedListing } from './tight-listing'
import * as m from './tight-messages'
import { type TightFileEvents, tightFileReaders } from './tight-readers'

/** What TightRemoteFiles uses of the session (RfbClient, or a fake in unit tests). */
export type TightFilesPeer = Pick<RfbClient, 'addMessageExtension' | 'sendExtensionMessage' | 'holdReading' | 'writeBacklog' | 'state'> & {
  once(event: 'close', listener: () => void): unknown
  off(event: 'close', listener: () => void): unknown
}

export interface TightFilesOptions {
  /** How long a listing may go unanswered; default 30 s. */
  timeoutMs?: number
  /** How long a download may go without data; default `timeoutMs`. */
  silenceMs?: number
  /** After a cancelled download, how long the server must stay quiet before the next transfer; default 500 ms. */
  drainQuietMs?: number
  trace?: (line: string) => void
}

/** Bytes per FileUploadData; TightVNC's viewer sends 8 KiB, the field allows 64 KiB - 1. */
const UPLOAD_CHUNK = 32 * 1024
/** Unsent bytes past which an upload waits for the socket (it would otherwise queue the whole file). */
const UPLOAD_BACKLOG = 2 ** 20
/** After close(), how long the server must be quiet before its messages are no longer read. */
const LINGER_MS = 2000
/** Bytes an upload sends between turns of the event loop. */
const YIELD_EVERY = 256 * 1024
/** Listings kept to learn a file's size before downloading it (the protocol does not say it). */
const LISTING_CACHE_MS = 10_000

const abortError = (signal: AbortSignal | undefined): unknown =>
  signal?.reason instanceof Error && signal.reason.name === 'AbortError' ? signal.reason : new DOMException('the transfer was cancelled', 'AbortError')

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function splitPath(path: string): { parent: string; name: string } {
  const at = path.lastIndexOf('/')
  return { parent: at <= 0 ? '/' : path.slice(0, at), name: path.slice(at + 1) }
}

/**
 * TightVNC 1.3's file transfer over one session. The protocol has no request ids: listings are
 * answered in order (a FIFO), and one transfer runs at a time (libvncserver's cancel ends uploads
 * and downloads alike). Nothing confirms an upload or a new folder, so each is followed by a
 * listing of its folder, which the server answers only after it handled what came before.
 */
export class TightRemoteFiles implements RemoteFiles {
  readonly protocol = 'tightvnc' as const
  readonly separator = '/' as const
  readonly capabilities: RemoteFileCapabilities

  private readonly lists: { folder: string; resolve: (e: RemoteEntry[]) => void; reject: (e: unknown) => void; timer: ReturnType<typeof setTimeout> }[] = []
  private lane: Promise<void> = Promise.resolve()
  private download_: TightDownload | null = null
  private upload_: { cancelled: string | null } | null = null
  /** After a cancel: file messages still in flight are dropped until the server is quiet. */
  private draining = false
  private lastMessageAt = 0
  private closedBy: unknown = null
  private readonly unregister: (() => void)[] = []
  private readonly cache = new Map<string, { at: number; entries: RemoteEntry[] }>()
  private readonly timeoutMs: number
  private readonly quietMs: number
  private readonly maxPath: number
  private readonly onSessionClose = (): void => {
    this.shutdown(new NetworkError('the connection to the server closed'), 'now')
    this.stopReading()
  }

  constructor(
    private readonly peer: TightFilesPeer,
    private readonly support: m.TightFileTransferSupport,
    private readonly options: TightFilesOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.quietMs = options.drainQuietMs ?? 500
    // TightVNC 1.3 drops a listing request over 255 bytes without reading its path (and so loses the stream).
    this.maxPath = support.dialect === 'tightvnc' ? 255 : m.MAX_REMOTE_PATH_BYTES
    this.capabilities = { createFolder: support.createFolder, delete: false, rename: false, resumeDownload: false, resumeUpload: false }
    for (const [type, reader] of tightFileReaders(this.events(), support.dialect)) this.unregister.push(peer.addMessageExtension(type, reader))
    peer.once('close', this.onSessionClose)
  }

  roots(): Promise<string[]> {
    // Both servers map '/' to their root: libvncserver's -ftproot (the user's home), TightVNC's drive list.
    return this.closedBy ? Promise.reject(this.closedBy) : Promise.resolve(['/'])
  }

  async list(folder: string, signal?: AbortSignal): Promise<RemoteEntry[]> {
    const entries = await this.listing(folder, signal)
    this.cache.set(folder, { at: Date.now(), entries })
    return entries
  }

  download(path: string, sink: DownloadSink, options: TransferOptions = {}): Promise<number> {
    const { signal } = options
    if (options.offset)
      return Promise.reject(new UnsupportedError('this server cannot resume a download (TightVNC file transfer starts every file at its beginning)'))
    return this.exclusive(signal, async (resolve: (n: number) => void, reject) => {
      const bytes = this.encode(path)
      const total = await this.fileSize(path, signal)
      if (signal?.aborted) throw abortError(signal)
      // Sent first: its answers are read on a later turn, once the download below is in place.
      this.send(m.fileDownloadRequest(bytes), `FileDownloadRequest ${path}`)
      const d = new TightDownload(
        path,
        sink,
        total,
        {
          holdReading: (held) => this.peer.holdReading(held),
          cancelOnWire: () => this.sendAlways(m.fileDownloadCancel('Cancelled by the user'), `FileDownloadCancel ${path}`),
          silenceMs: this.options.silenceMs ?? this.timeoutMs,
        },
        resolve,
        reject,
        options.onProgress,
      )
      const onAbort = (): void => d.cancel(abortError(signal))
      signal?.addEventListener('abort', onAbort, { once: true })
      this.download_ = d
      const cancelled = await d.ended
      signal?.removeEventListener('abort', onAbort)
      this.download_ = null
      if (cancelled) await this.drain(path)
    })
  }

  upload(path: string, source: UploadSource, options: TransferOptions = {}): Promise<void> {
    const { signal, onProgress } = options
    if (options.offset) return Promise.reject(new UnsupportedError('this server cannot resume an upload (TightVNC file transfer rewrites the whole file)'))
    return this.exclusive(signal, async (resolve: () => void) => {
      const bytes = this.encode(path)
      const { parent, name } = splitPath(path)
      const state = { cancelled: null as string | null }
      this.upload_ = state
      let sent = 0
      let told = false
      let ended = false
      try {
        this.send(m.fileUploadRequest(bytes), `FileUploadRequest ${path}`)
        for (;;) {
          if (state.cancelled !== null) throw new Error(`The server stopped the upload of ${path}: ${state.cancelled}.`)
          if (signal?.aborted) {
            told = true
            this.sendAlways(m.fileUploadFailed('Cancelled by the user'), `FileUploadFailed ${path}`)
            throw abortError(signal)
          }
          this.checkOpen()
          if (this.peer.writeBacklog > UPLOAD_BACKLOG) {
            await sleep(5)
            continue
          }
          const chunk = await source.read(sent, UPLOAD_CHUNK)
          if (chunk.length === 0) break
          for (let o = 0; o < chunk.length; o += m.MAX_UPLOAD_CHUNK) {
            this.send(m.fileUploadData(chunk.subarray(o, o + m.MAX_UPLOAD_CHUNK)), `FileUploadData ${Math.min(m.MAX_UPLOAD_CHUNK, chunk.length - o)} bytes`)
          }
          // Let the server's answers in now and then: a FileUploadCancel should stop the loop early.
          if (Math.floor((sent + chunk.length) / YIELD_EVERY) > Math.floor(sent / YIELD_EVERY)) await new Promise((r) => setImmediate(r))
          sent += chunk.length
          onProgress?.({ done: sent, total: Math.max(source.size, sent) })
        }
        this.send(m.fileUploadEnd(source.modified / 1000), `FileUploadData end of ${path}`)
        ended = true
        // The listing is answered after the server closed the file, and after any FileUploadCancel.
        const listed = await this.listing(parent, signal).then(
          (entries) => ({ entries, error: null }),
          (error: unknown) => ({ entries: [], error }),
        )
        if (state.cancelled !== null) throw new Error(`The server stopped the upload of ${path}: ${state.cancelled}.`)
        if (listed.error) throw listed.error
        const entries = listed.entries
        const stored = entries.find((e) => e.name === name)
        // The listing's sizes are u32: a file of 4 GiB or more shows its size modulo 2^32.
        if (!stored || stored.kind !== 'file' || stored.size !== sent % 2 ** 32) {
          throw new Error(`The server did not store all of ${path}: it lists ${stored ? `${stored.size} bytes` : 'no such file'} after ${sent} were sent.`)
        }
        this.cache.delete(parent)
        resolve()
      } catch (err) {
        // The server deletes what it has of the file (harmless when it already gave up or finished).
        if (!told) this.sendAlways(m.fileUploadFailed('Upload failed'), `FileUploadFailed ${path}`)
        // Answers to chunks already sent (one FileUploadCancel each) must not reach the next upload.
        if (!ended && (sent > 0 || state.cancelled !== null)) await this.drain(path)
        throw err
      } finally {
        this.upload_ = null
      }
    })
  }

  createFolder(path: string): Promise<void> {
    if (!this.capabilities.createFolder) return Promise.reject(new UnsupportedError('this server cannot create folders'))
    return this.exclusive(undefined, async (resolve: () => void) => {
      const bytes = this.encode(path)
      const { parent, name } = splitPath(path)
      this.send(m.fileCreateDirRequest(bytes), `FileCreateDirRequest ${path}`)
      // A folder above that cannot be listed does not exist (or cannot be read): nothing was made there.
      const made = (await this.listing(parent).catch(() => [])).find((e) => e.name === name)
      this.cache.delete(parent)
      if (made?.kind !== 'folder') {
        throw new Error(
          `The server did not create the folder ${path}${made ? ': a file of that name exists' : ' (the folder above may be missing or not writable)'}.`,
        )
      }
      resolve()
    })
  }

  delete(): Promise<void> {
    return Promise.reject(new UnsupportedError('this server cannot delete files (TightVNC file transfer as libvncserver speaks it has no delete)'))
  }

  rename(): Promise<void> {
    return Promise.reject(new UnsupportedError('this server cannot rename files (TightVNC file transfer as libvncserver speaks it has no rename)'))
  }

  close(): void {
    this.shutdown(new DOMException('file transfer was closed', 'AbortError'), 'when-quiet')
  }

  /** The readers' events, routed to whichever request they answer; answers to nothing are dropped. */
  private events(): TightFileEvents {
    const stray = (what: string): void => this.options.trace?.(`Tight file transfer: dropped ${what} that answers no request`)
    const seen = (): boolean => {
      this.lastMessageAt = Date.now()
      return this.closedBy === null
    }
    return {
      listing: (result: ParsedListing | Error) => {
        if (!seen()) return
        const p = this.lists.shift()
        if (!p) return stray('a file listing')
        clearTimeout(p.timer)
        if (result instanceof Error) return p.reject(new Error(`The server's listing of ${p.folder} is malformed: ${result.message}.`))
        if (result.unavailable) return p.reject(new Error(`The server could not open the folder ${p.folder} (it may not exist or not be readable).`))
        if (result.dropped > 0) this.options.trace?.(`Tight file transfer: ${result.dropped} entries of ${p.folder} with unusable names left out`)
        p.resolve(result.entries)
      },
      downloadData: (chunk) => {
        if (!seen()) return
        if (this.download_) this.download_.data(chunk)
        else if (!this.draining) stray('file data')
      },
      downloadEnd: () => {
        if (!seen()) return
        if (this.download_) this.download_.end()
        else if (!this.draining) stray('an end of file')
      },
      downloadFailed: (reason) => {
        if (!seen()) return
        if (this.download_) this.download_.failed(reason)
        else if (!this.draining) stray(`a download failure ("${reason}")`)
      },
      uploadCancelled: (reason) => {
        if (!seen()) return
        if (this.upload_) this.upload_.cancelled ??= reason
        else if (!this.draining) stray(`an upload cancel ("${reason}")`)
      },
    }
  }

  /**
   * Runs `work` when the transfers before it are done. `work` settles the caller's promise itself
   * (a cancelled download rejects at once, yet holds the lane until the server is drained); what
   * it throws rejects it too.
   */
  private exclusive<T>(signal: AbortSignal | undefined, work: (resolve: (v: T) => void, reject: (e: unknown) => void) => Promise<void>): Promise<T> {
    const before = this.lane
    let release!: () => void
    this.lane = new Promise<void>((r) => (release = r))
    return new Promise<T>((resolve, reject) => {
      // Cancelled while queued: settle now; the work then sees the signal and does nothing.
      signal?.addEventListener('abort', () => reject(abortError(signal)), { once: true })
      const run = async (): Promise<void> => {
        await before
        if (signal?.aborted) throw abortError(signal)
        this.checkOpen()
        await work(resolve, reject)
      }
      run()
        .catch(reject)
        .finally(() => release())
    })
  }

  /** Sends a FileListRequest and waits for its answer (in order); silence past the timeout stops file transfer. */
  private listing(folder: string, signal?: AbortSignal): Promise<RemoteEntry[]> {
    try {
      this.checkOpen()
      const bytes = this.encode(folder)
      if (signal?.aborted) throw abortError(signal)
      return new Promise<RemoteEntry[]>((resolve, reject) => {
        const s = this.timeoutMs / 1000
        // The answer may still come, however late: keep reading these messages for the session's life.
        const timer = setTimeout(
          () => this.shutdown(new TimeoutError(`the server did not answer the listing of ${folder} within ${s} s; file transfer stopped`), 'never'),
          this.timeoutMs,
        )
        // An abandoned listing keeps its place in the FIFO: its answer must still be matched to it.
        this.lists.push({ folder, resolve, reject, timer })
        signal?.addEventListener('abort', () => reject(abortError(signal)), { once: true })
        this.send(m.fileListRequest(bytes), `FileListRequest ${folder}`)
      })
    } catch (err) {
      return Promise.reject(err)
    }
  }

  /** The size of a remote file from its folder's listing (fresh, or listed moments ago). */
  private async fileSize(path: string, signal?: AbortSignal): Promise<number> {
    const { parent, name } = splitPath(path)
    const cached = this.cache.get(parent)
    const entries = cached && Date.now() - cached.at < LISTING_CACHE_MS ? cached.entries : await this.list(parent, signal)
    const entry = entries.find((e) => e.name === name)
    if (!entry) throw new Error(`The server has no file ${path}.`)
    if (entry.kind !== 'file') throw new Error(`${path} is a folder on the server; download its files one by one.`)
    return entry.size
  }

  /**
   * After a cancel the server may still be sending (libvncserver's download thread finishes its
   * block, then may report a failure): a listing marks where its main loop has got to, then the
   * file messages must stop for {@link TightFilesOptions.drainQuietMs} before the next transfer.
   */
  private async drain(path: string): Promise<void> {
    this.draining = true
    try {
      // Listing the file itself as a folder fails fast and small on every server.
      await this.listing(path).catch(() => {})
      while (this.closedBy === null) {
        const quiet = Date.now() - this.lastMessageAt
        if (quiet >= this.quietMs) break
        await sleep(this.quietMs - quiet)
      }
    } finally {
      this.draining = false
    }
  }

  private encode(path: string): Uint8Array {
    const bytes = m.encodeRemotePath(path)
    if (bytes.length > this.maxPath) throw new RangeError(`remote path of ${bytes.length} bytes is longer than this server takes (${this.maxPath})`)
    return bytes
  }

  private send(bytes: Uint8Array, trace: string): void {
    this.checkOpen()
    this.peer.sendExtensionMessage(bytes, trace)
  }

  /** For cancels, which must go out even while file transfer is closing (the server would go on sending). */
  private sendAlways(bytes: Uint8Array, trace: string): void {
    if (this.peer.state !== 'closed') this.peer.sendExtensionMessage(bytes, trace)
  }

  private checkOpen(): void {
    if (this.closedBy !== null) throw this.closedBy
    if (this.peer.state === 'closed') throw new NetworkError('the connection to the server closed')
  }

  /**
   * Rejects everything outstanding and stops for good. The readers stay registered until the
   * server has been quiet for a while (a download's data may still be on the way, and an unknown
   * message type would end the session), for the session's life after a request went unanswered
   * (its answer may come at any time), and go at once when the session itself is gone.
   */
  private shutdown(err: unknown, unregister: 'now' | 'when-quiet' | 'never'): void {
    if (this.closedBy !== null) return
    this.closedBy = err
    this.lastMessageAt = Date.now()
    for (const p of this.lists.splice(0)) {
      clearTimeout(p.timer)
      p.reject(err)
    }
    this.download_?.cancel(err)
    if (this.upload_) this.upload_.cancelled ??= 'file transfer was closed'
    const stop = (): void => this.stopReading()
    if (unregister === 'now' || this.peer.state === 'closed') return stop()
    if (unregister === 'never') return
    const quietMs = Math.max(this.quietMs, LINGER_MS)
    const linger = (): void => {
      const quiet = Date.now() - this.lastMessageAt
      if (quiet >= quietMs || this.peer.state === 'closed') stop()
      else setTimeout(linger, quietMs - quiet).unref?.()
    }
    linger()
  }

  private stopReading(): void {
    this.peer.off('close', this.onSessionClose)
    for (const u of this.unregister.splice(0)) u()
  }
}
