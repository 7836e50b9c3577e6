import { inflateSync } from 'node:zlib'
import { RfbProtocolError } from '../errors'
import { Outcome, RemoteFileRefusedError, abortError } from './outcome'
import type { DownloadSink, TransferOptions } from './remote-files'
import { echoes } from './ultra-entries'
import type { Operation, OperationIo } from './ultra-queue'
import { isBarrierAnswer, sendAbort, sendBarrier, startTransfer } from './ultra-transfer'
import { BLOCK_SIZE, Content, ERROR_SIZE, type UltraMessage, ultraMessage } from './ultra-wire'

/** Bytes handed to the sink and not yet written beyond which the session stops reading the server. */
export const DOWNLOAD_HIGH_WATER = 1024 * 1024
/** ... and below which it reads again. */
export const DOWNLOAD_LOW_WATER = 256 * 1024

const COMMA = 0x2c

/**
 * rfbFileTransferRequest. The server answers rfbFileHeader (the path echoed with ",date", the
 * size, and its high half in 4 more bytes; size -1 when it cannot read the file), waits for our
 * rfbFileHeader, then sends rfbFilePacket blocks of at most 8 KiB and rfbEndOfFile, or
 * rfbAbortFileTransfer when reading fails. The protocol has no offset: no resume.
 *
 * Cancelling sends rfbAbortFileTransfer, which has no answer; blocks already on their way would
 * be taken for the next request's, so a drives-list request follows as a barrier and the
 * operation stays on the wire, dropping file messages, until its answer is in.
 */
export class DownloadOperation implements Operation {
  readonly what: string
  readonly out = new Outcome<number>()
  private state: 'header' | 'data' | 'quieting' | 'ended' = 'header'
  private io: OperationIo | null = null
  private total = 0
  private received = 0
  private written = 0
  private chain: Promise<void> = Promise.resolve()
  private release: (() => void) | null = null
  private readonly onAbort = (): void => this.stop(abortError())

  constructor(
    private readonly remotePath: string,
    private readonly path: Uint8Array,
    private readonly sink: DownloadSink,
    private readonly options: TransferOptions,
    private readonly holdReading: (until: Promise<unknown>) => void,
  ) {
    this.what = `the download of ${remotePath}`
    // Bytes held back for a sink that will take no more must not hold the session's reading.
    void this.out.promise.then(
      () => this.resume(),
      () => this.resume(),
    )
  }

  start(io: OperationIo): void {
    this.io = io
    if (!startTransfer(io, this.out, this.options.signal, this.onAbort)) return
    // size 0: we take no compressed blocks (libvncserver compresses when it is 1).
    io.send(ultraMessage(Content.FileTransferRequest, 0, 0, this.path), `FileTransfer FileTransferRequest ${this.remotePath}`)
    io.waiting(true)
  }

  receive(m: UltraMessage, io: OperationIo): boolean {
    switch (this.state) {
      case 'header':
        if (m.contentType !== Content.FileHeader || !echoes(m.body, this.path, [COMMA])) return false
        return this.header(m, io)
      case 'data':
        if (m.contentType === Content.FilePacket) return this.packet(m)
        if (m.contentType === Content.EndOfFile) return this.end(io)
        if (m.contentType === Content.AbortFileTransfer) {
          this.state = 'ended'
          this.out.reject(new RemoteFileRefusedError(`the server stopped sending ${this.remotePath} after ${this.received} bytes`))
          io.finish()
          return true
        }
        return false
      case 'quieting':
        if (isBarrierAnswer(m)) {
          io.finish()
          return true
        }
        return (
          m.contentType === Content.FileHeader ||
          m.contentType === Content.FilePacket ||
          m.contentType === Content.EndOfFile ||
          m.contentType === Content.AbortFileTransfer
        )
      case 'ended':
        return false
    }
  }

  fail(error: Error, io: OperationIo | null): void {
    if (!io) return this.out.reject(error)
    this.stop(error)
  }

  private header(m: UltraMessage, io: OperationIo): boolean {
    if (m.size === ERROR_SIZE) {
      this.state = 'ended'
      this.out.reject(new RemoteFileRefusedError(`the server cannot read ${this.remotePath}`))
      io.finish()
      return true
    }
    const total = m.sizeHigh * 2 ** 32 + m.size
    if (total > Number.MAX_SAFE_INTEGER) {
      // Refuse it: the server then closes the file and sends nothing more.
      io.send(ultraMessage(Content.FileHeader, 0, ERROR_SIZE), 'FileTransfer FileHeader refused')
      this.state = 'ended'
      this.out.reject(new RfbProtocolError(`the server announced ${this.remotePath} as ${total} bytes, more than Tessera can count`, m.at, 'RFB_ERR_LIMIT'))
      io.finish()
      return true
    }
    this.total = total
    this.state = 'data'
    io.send(ultraMessage(Content.FileHeader, 0, 0), 'FileTransfer FileHeader ready')
    this.options.onProgress?.({ done: 0, total })
    return true
  }

  private packet(m: UltraMessage): boolean {
    let data = m.body
    if (m.size === 1) {
      try {
        data = new Uint8Array(inflateSync(m.body, { maxOutputLength: BLOCK_SIZE }))
      } catch (err) {
        this.stop(
          new RfbProtocolError(`a compressed block of ${this.remotePath} that does not inflate to at most ${BLOCK_SIZE} bytes`, m.at, 'RFB_ERR_ZLIB', {
            cause: err,
          }),
        )
        return true
      }
    }
    this.received += data.length
    if (this.received > this.total) {
      this.stop(new RfbProtocolError(`the server sent more of ${this.remotePath} than the ${this.total} bytes it announced`, m.at, 'RFB_ERR_LIMIT'))
      return true
    }
    this.write(data)
    return true
  }

  /** Writes in order through the sink; past the high-water mark the session reads nothing until it drains. */
  private write(chunk: Uint8Array): void {
    this.chain = this.chain
      .then(() => (this.out.settled ? undefined : this.sink.write(chunk)))
      .then(
        () => {
          this.written += chunk.length
          if (!this.out.settled) this.options.onProgress?.({ done: this.written, total: this.total })
          if (this.received - this.written <= DOWNLOAD_LOW_WATER) this.resume()
        },
        (err: unknown) => this.stop(err instanceof Error ? err : new Error(String(err))),
      )
    if (!this.release && this.received - this.written > DOWNLOAD_HIGH_WATER) {
      // The server's silence is ours meanwhile: no timeout while we hold it back.
      this.io?.waiting(false)
      this.holdReading(new Promise<void>((resolve) => (this.release = resolve)))
    }
  }

  private resume(): void {
    const release = this.release
    if (!release) return
    this.release = null
    if (this.state === 'data' || this.state === 'quieting') this.io?.waiting(true)
    release()
  }

  private end(io: OperationIo): boolean {
    this.state = 'ended'
    io.finish()
    void this.chain.then(() => {
      if (this.received < this.total) this.out.reject(new RemoteFileRefusedError(`${this.remotePath} ended after ${this.received} of its ${this.total} bytes`))
      else this.out.resolve(this.written)
    })
    return true
  }

  /** Ends the download with `error`; a transfer the server may still be sending is aborted on the wire. */
  private stop(error: Error): void {
    this.out.reject(error)
    this.resume()
    const io = this.io
    if (!io || this.state === 'ended' || this.state === 'quieting') return
    sendAbort(io)
    sendBarrier(io)
    this.state = 'quieting'
    io.waiting(true)
  }
}
