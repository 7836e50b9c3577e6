import { type Outcome, abortError } from './outcome'
import type { OperationIo } from './ultra-queue'
import { Content, DirAnswer, DirRequest, type UltraMessage, ultraMessage } from './ultra-wire'

/**
 * How a download or upload starts on the wire: unless its `signal` is already aborted (then
 * `out` is rejected and the wire freed at once: false), `onAbort` runs on a later abort, until
 * `out` settles.
 */
export function startTransfer<T>(io: OperationIo, out: Outcome<T>, signal: AbortSignal | undefined, onAbort: () => void): boolean {
  if (signal?.aborted) {
    out.reject(abortError())
    io.finish()
    return false
  }
  if (signal) {
    signal.addEventListener('abort', onAbort, { once: true })
    const stopListening = (): void => signal.removeEventListener('abort', onAbort)
    void out.promise.then(stopListening, stopListening)
  }
  return true
}

/** rfbAbortFileTransfer: the server stops the transfer, and answers nothing. */
export function sendAbort(io: OperationIo): void {
  io.send(ultraMessage(Content.AbortFileTransfer, 0, 0), 'FileTransfer AbortFileTransfer')
}

/**
 * After an abort, a drives-list request: the server answers it in order, so its answer
 * ({@link isBarrierAnswer}) comes after anything it still sent for the aborted transfer.
 */
export function sendBarrier(io: OperationIo): void {
  io.send(ultraMessage(Content.DirContentRequest, DirRequest.DrivesList, 0), 'FileTransfer DirContentRequest drives (barrier)')
}

/** The answer to {@link sendBarrier}: the aborted transfer's leftovers are all in. */
export function isBarrierAnswer(m: UltraMessage): boolean {
  return m.contentType === Content.DirPacket && m.contentParam === DirAnswer.DrivesList
}
