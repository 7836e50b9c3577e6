import { TimeoutError } from '../errors'
import type { DownloadSink, TransferProgress } from './remote-files'

/** Above this many received bytes not yet written, the session stops reading until the sink catches up. */
export const DOWNLOAD_HIGH_WATER = 4 * 2 ** 20
const DOWNLOAD_LOW_WATER = 2 ** 20

export interface DownloadIo {
  holdReading(held: boolean): void
  /** Tells the server to stop sending (FileDownloadCancel). */
  cancelOnWire(): void
  silenceMs: number
}

/**
 * One download's bytes on their way to the sink: written in order, one at a time, the session's
 * reading held while too many wait (TCP then slows the server), the server's silence timed. It
 * settles exactly once; `ended` then says whether the server still has to be drained (it was
 * told to cancel while it may still be sending).
 */
export class TightDownload {
  done = 0
  private unwritten = 0
  private held = false
  private chain: Promise<void> = Promise.resolve()
  private settled = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private finished!: (cancelled: boolean) => void
  /** Resolves once the download is over, with true when the server was told to cancel. */
  readonly ended = new Promise<boolean>((resolve) => (this.finished = resolve))

  constructor(
    readonly path: string,
    private readonly sink: DownloadSink,
    private readonly total: number,
    private readonly io: DownloadIo,
    private readonly resolve: (bytes: number) => void,
    private readonly reject: (err: unknown) => void,
    private readonly onProgress?: (p: TransferProgress) => void,
  ) {
    this.armSilence()
  }

  data(chunk: Uint8Array | Error): void {
    if (this.settled) return
    if (chunk instanceof Error) return this.cancel(new Error(`The server sent bad data for ${this.path}: ${chunk.message}.`))
    if (!this.held) this.armSilence()
    const n = chunk.length
    this.done += n
    this.unwritten += n
    if (!this.held && this.unwritten > DOWNLOAD_HIGH_WATER) this.hold(true)
    this.chain = this.chain.then(async () => {
      if (this.settled) return
      await this.sink.write(chunk)
      this.unwritten -= n
      if (this.held && this.unwritten < DOWNLOAD_LOW_WATER) this.hold(false)
    })
    this.chain.catch((err: unknown) => this.cancel(err))
    this.onProgress?.({ done: this.done, total: Math.max(this.total, this.done) })
  }

  /** The end-of-file marker: resolves once every byte is written. */
  end(): void {
    if (this.settled) return
    clearTimeout(this.timer)
    this.chain.then(
      () => this.settle(false, () => this.resolve(this.done)),
      () => {},
    )
  }

  /** The server gave up on the file (FileDownloadFailed). */
  failed(reason: string): void {
    this.settle(false, () => this.reject(new Error(`The server could not send ${this.path}${reason ? `: ${reason}` : ''}.`)))
  }

  /** Stops the download on our side (abort, a sink error, bad data, silence) and tells the server. */
  cancel(err: unknown): void {
    if (this.settled) return
    this.io.cancelOnWire()
    this.settle(true, () => this.reject(err))
  }

  private settle(cancelled: boolean, report: () => void): void {
    if (this.settled) return
    this.settled = true
    clearTimeout(this.timer)
    if (this.held) this.hold(false)
    report()
    this.finished(cancelled)
  }

  private hold(held: boolean): void {
    this.held = held
    this.io.holdReading(held)
    // Waiting for our own sink is not the server's silence.
    if (held) clearTimeout(this.timer)
    else if (!this.settled) this.armSilence()
  }

  private armSilence(): void {
    clearTimeout(this.timer)
    const ms = this.io.silenceMs
    this.timer = setTimeout(() => this.cancel(new TimeoutError(`the server sent no data of ${this.path} for ${ms / 1000} s`)), ms)
  }
}
