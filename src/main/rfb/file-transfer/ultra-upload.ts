import { Outcome, RemoteFileRefusedError, abortError } from './outcome'
import type { TransferOptions, UploadSource } from './remote-files'
import { echoes, ultraDate } from './ultra-entries'
import type { ListOperation } from './ultra-operations'
import type { Operation, OperationIo } from './ultra-queue'
import { isBarrierAnswer, sendAbort, sendBarrier, startTransfer } from './ultra-transfer'
import { BLOCK_SIZE, Content, ERROR_SIZE, type UltraMessage, ultraMessage } from './ultra-wire'

/** Unsent bytes beyond which the upload waits for the socket, so a big file never queues whole in memory. */
export const UPLOAD_MAX_BACKLOG = 1024 * 1024

/** How often a paused upload looks at the socket's backlog again. */
const BACKLOG_POLL_MS = 5

const encoder = new TextEncoder()

/**
 * rfbFileTransferOffer: the path and ",date", the size, and its high half in 4 more bytes. The
 * server answers rfbFileAcceptHeader (size -1 when it cannot create the file) and then reads
 * rfbFilePacket blocks and rfbEndOfFile, answering none of them; the file is truncated first, so
 * there is no resume either. Cancelling sends rfbAbortFileTransfer (the partial file stays).
 *
 * So the upload ends by listing the file's folder (`verify`): the server answers once it has
 * written every block, with the size it has, and nothing queued behind can come first.
 */
export class UploadOperation implements Operation {
  readonly what: string
  readonly out = new Outcome<void>()
  private state: 'offer' | 'sending' | 'verifying' | 'quieting' | 'ended' = 'offer'
  private io: OperationIo | null = null
  private readonly onAbort = (): void => this.stop(abortError())

  constructor(
    private readonly remotePath: string,
    private readonly path: Uint8Array,
    private readonly source: UploadSource,
    private readonly options: TransferOptions,
    private readonly writeBacklog: () => number,
    private readonly verify: { listing: ListOperation; name: string },
  ) {
    this.what = `the upload of ${remotePath}`
  }

  start(io: OperationIo): void {
    this.io = io
    if (!startTransfer(io, this.out, this.options.signal, this.onAbort)) return
    const date = encoder.encode(`,${ultraDate(this.source.modified)}`)
    const text = new Uint8Array(this.path.length + date.length)
    text.set(this.path)
    text.set(date, this.path.length)
    const size = this.source.size
    io.send(
      ultraMessage(Content.FileTransferOffer, 0, size % 2 ** 32, text, Math.floor(size / 2 ** 32)),
      `FileTransfer FileTransferOffer ${this.remotePath} ${size} bytes`,
    )
    io.waiting(true)
  }

  receive(m: UltraMessage, io: OperationIo): boolean {
    if (this.state === 'verifying') return this.verify.listing.receive(m, io)
    if (this.state === 'quieting') {
      if (isBarrierAnswer(m)) io.finish()
      return m.contentType === Content.FileAcceptHeader || m.contentType === Content.DirPacket || m.contentType === Content.AbortFileTransfer
    }
    // libvncserver cuts the echo at the date's comma with a NUL.
    if (this.state !== 'offer' || m.contentType !== Content.FileAcceptHeader || !echoes(m.body, this.path, [0, 0x2c])) return false
    if (m.size === ERROR_SIZE) {
      this.state = 'ended'
      this.out.reject(new RemoteFileRefusedError(`the server cannot write ${this.remotePath}`))
      io.finish()
      return true
    }
    this.state = 'sending'
    io.waiting(false)
    void this.send(io)
    return true
  }

  fail(error: Error, io: OperationIo | null): void {
    if (!io) return this.out.reject(error)
    if (this.state === 'verifying') return this.verify.listing.fail(error)
    this.stop(error)
  }

  private async send(io: OperationIo): Promise<void> {
    const size = this.source.size
    let offset = 0
    try {
      this.options.onProgress?.({ done: 0, total: size })
      while (offset < size) {
        while (this.writeBacklog() > UPLOAD_MAX_BACKLOG && !this.out.settled) await new Promise((r) => setTimeout(r, BACKLOG_POLL_MS))
        const want = Math.min(BLOCK_SIZE, size - offset)
        const chunk = this.out.settled ? null : await this.source.read(offset, want)
        if (this.out.settled || !chunk) return
        if (chunk.length === 0 || chunk.length > want) throw new Error(`the local file changed while it was sent (${offset} of ${size} bytes read)`)
        io.send(ultraMessage(Content.FilePacket, 0, 0, chunk), `FileTransfer FilePacket ${chunk.length} bytes`)
        offset += chunk.length
        this.options.onProgress?.({ done: offset, total: size })
      }
      io.send(ultraMessage(Content.EndOfFile, 0, 0), 'FileTransfer EndOfFile')
      this.state = 'verifying'
      this.verify.listing.out.promise.then(
        (entries) => {
          const entry = entries.find((e) => e.name === this.verify.name)
          // libvncserver lists only the low 32 bits of a size.
          if (entry && (entry.size === size || entry.size === size % 2 ** 32)) return this.out.resolve()
          this.out.reject(
            new RemoteFileRefusedError(`the server stored ${entry ? `${entry.size} bytes` : 'nothing'} of the ${size} sent for ${this.remotePath}`),
          )
        },
        (err: unknown) => this.out.reject(err),
      )
      this.verify.listing.start(io)
    } catch (err) {
      this.stop(err instanceof Error ? err : new Error(String(err)))
    }
  }

  /** Ends the upload with `error`, closing the server's file. */
  private stop(error: Error): void {
    this.out.reject(error)
    const io = this.io
    if (!io || this.state === 'ended' || this.state === 'quieting' || this.state === 'verifying') return
    sendAbort(io)
    if (this.state === 'sending') {
      // The server answers nothing while it receives: the wire is quiet once the abort went out.
      this.state = 'ended'
      return io.finish()
    }
    // The accept for our offer is still to come: a drives request marks where it has passed.
    sendBarrier(io)
    this.state = 'quieting'
    io.waiting(true)
  }
}
