import { NetworkError, UnsupportedError } from '../errors'
import type { ServerMessageExtension } from '../server-message-reader'
import { type Outcome, RemoteFileRefusedError, abortError } from './outcome'
import type { DownloadSink, RemoteEntry, RemoteFileCapabilities, RemoteFiles, TransferOptions, UploadSource } from './remote-files'
import { encodeFolder, encodePath } from './ultra-entries'
import { CommandOperation, DrivesOperation, ListOperation, PermissionOperation } from './ultra-operations'
import { DownloadOperation } from './ultra-download'
import { type Operation, UltraQueue } from './ultra-queue'
import { UploadOperation } from './ultra-upload'
import { Command, FILE_TRANSFER_MESSAGE, TRAILING_SIZE_HIGH, TrailingSizeHighReader, UltraMessageReader } from './ultra-wire'

/** What a file-transfer protocol needs of the session (RfbClient has it all). */
export interface FileTransferLink {
  addMessageExtension(type: number, extension: ServerMessageExtension): () => void
  sendExtensionMessage(bytes: Uint8Array, trace: string): void
  holdReading(until: Promise<unknown>): void
  readonly writeBacklog: number
}

export interface UltraFilesOptions {
  /** How long the server may stay silent while a request waits for it (default 30 s). */
  timeoutMs?: number
  trace?: (direction: 'in', line: string) => void
  /** Subscribes to the session's end (returns the unsubscribe): pending requests then fail at once. */
  sessionEnded?: (listener: () => void) => () => void
}

/**
 * Protocol versions with which a server says it speaks UltraVNC file transfer: what UltraVNC
 * announces, and what x11vnc's `-ultrafilexfer` sets (`-rfbversion 3.6`). libvncserver drops a
 * client that sends a file-transfer message it was not allowed, so nothing is sent without one.
 */
const ULTRA_VERSIONS = new Set(['RFB 003.004', 'RFB 003.006', 'RFB 003.014', 'RFB 003.016'])

/** Whether the server's version line announces UltraVNC file transfer. */
export function announcesUltraFileTransfer(serverVersion: string): boolean {
  return ULTRA_VERSIONS.has(serverVersion)
}

/**
 * UltraVNC's file transfer (rfbFileTransferMsg), as UltraVNC's servers and libvncserver's (x11vnc
 * `-ultrafilexfer`) speak it. Paths are Windows-style (`C:\dir\file`): x11vnc maps `C:` to `/`
 * and every `\` to `/`.
 */
export class UltraFiles implements RemoteFiles {
  readonly protocol = 'ultravnc'
  readonly separator = '\\'
  readonly capabilities: RemoteFileCapabilities = { createFolder: true, delete: true, rename: true, resumeDownload: false, resumeUpload: false }
  private readonly queue: UltraQueue
  private unregister: (() => void) | null
  private readonly forgetSession: (() => void) | undefined

  private constructor(
    private readonly link: FileTransferLink,
    options: UltraFilesOptions,
  ) {
    this.queue = new UltraQueue(
      (bytes, trace) => link.sendExtensionMessage(bytes, trace),
      options.timeoutMs ?? 30_000,
      () => this.stopReading(),
      options.trace,
    )
    const stop = [
      link.addMessageExtension(FILE_TRANSFER_MESSAGE, new UltraMessageReader((m) => this.queue.deliver(m), options.trace)),
      link.addMessageExtension(TRAILING_SIZE_HIGH, new TrailingSizeHighReader(options.trace)),
    ]
    this.unregister = () => stop.forEach((f) => f())
    this.forgetSession = options.sessionEnded?.(() => this.queue.close(new NetworkError('the connection to the server closed'), true))
  }

  /**
   * Asks the server for file-transfer permission; resolves with the protocol once granted. Call
   * only for a server that announced it ({@link announcesUltraFileTransfer}).
   */
  static async open(link: FileTransferLink, options: UltraFilesOptions = {}): Promise<UltraFiles> {
    const files = new UltraFiles(link, options)
    const permission = new PermissionOperation()
    files.queue.run(permission)
    let granted: boolean
    try {
      granted = await permission.out.promise
    } catch (err) {
      files.close()
      throw err
    }
    if (!granted) {
      files.close()
      throw new RemoteFileRefusedError('the server does not allow file transfer to this connection')
    }
    return files
  }

  /** Server messages no request asked for (for tests and diagnostics). */
  get ignoredMessages(): number {
    return this.queue.ignored
  }

  roots(signal?: AbortSignal): Promise<string[]> {
    return this.run(new DrivesOperation(), signal)
  }

  async list(folder: string, signal?: AbortSignal): Promise<RemoteEntry[]> {
    return this.run(new ListOperation(folder, encodeFolder(folder)), signal)
  }

  async download(path: string, sink: DownloadSink, options: TransferOptions = {}): Promise<number> {
    if (options.offset) throw new UnsupportedError('UltraVNC file transfer cannot resume a download')
    const op = new DownloadOperation(path, encodePath(path), sink, options, (until) => this.link.holdReading(until))
    this.queue.run(op)
    return op.out.promise
  }

  async upload(path: string, source: UploadSource, options: TransferOptions = {}): Promise<void> {
    if (options.offset) throw new UnsupportedError('UltraVNC file transfer cannot resume an upload')
    const cut = path.lastIndexOf('\\')
    if (cut < 0) throw new UnsupportedError(`the remote path ${path} names no folder`)
    const folder = cut === 2 && path[1] === ':' ? path.slice(0, 3) : path.slice(0, cut)
    const verify = { listing: new ListOperation(folder, encodeFolder(folder)), name: path.slice(cut + 1) }
    const op = new UploadOperation(path, encodePath(path), source, options, () => this.link.writeBacklog, verify)
    this.queue.run(op)
    return op.out.promise
  }

  async createFolder(path: string): Promise<void> {
    return this.command(Command.DirCreate, encodePath(path), path)
  }

  /** A file, or an empty folder (x11vnc removes folders with rmdir). */
  async delete(path: string): Promise<void> {
    return this.command(Command.FileDelete, encodePath(path), path)
  }

  async rename(from: string, to: string): Promise<void> {
    // One text, "from*to": '*' cannot be in either (Windows forbids it in names anyway).
    const a = encodePath(from, '*')
    const b = encodePath(to, '*')
    const text = new Uint8Array(a.length + 1 + b.length)
    text.set(a)
    text[a.length] = 0x2a
    text.set(b, a.length + 1)
    return this.command(Command.FileRename, text, `${from} to ${to}`)
  }

  /** See {@link RemoteFiles.close}; `reason` is what pending requests reject with. */
  close(reason: Error = new NetworkError('file transfer was closed')): void {
    this.queue.close(reason)
  }

  private command(command: Command, text: Uint8Array, subject: string): Promise<void> {
    return this.run(new CommandOperation(command, text, subject))
  }

  /** Queues `op`; aborting `signal` rejects its promise (the operation still reads its answer off the wire). */
  private run<T>(op: Operation & { out: Outcome<T> }, signal?: AbortSignal): Promise<T> {
    if (signal) {
      const abort = (): void => op.fail(abortError(), null)
      if (signal.aborted) abort()
      else {
        signal.addEventListener('abort', abort, { once: true })
        const forget = (): void => signal.removeEventListener('abort', abort)
        op.out.promise.then(forget, forget)
      }
    }
    this.queue.run(op)
    return op.out.promise
  }

  /** Stops reading type 7 once no transfer can still have messages on their way. */
  private stopReading(): void {
    this.unregister?.()
    this.unregister = null
    this.forgetSession?.()
  }
}
