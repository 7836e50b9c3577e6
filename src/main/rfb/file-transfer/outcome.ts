import { RfbError } from '../errors'

/** A promise with its settle functions, settled once: later calls change nothing. */
export class Outcome<T> {
  readonly promise: Promise<T>
  settled = false
  private res!: (value: T) => void
  private rej!: (error: unknown) => void

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.res = resolve
      this.rej = reject
    })
  }

  resolve(value: T): void {
    if (this.settled) return
    this.settled = true
    this.res(value)
  }

  reject(error: unknown): void {
    if (this.settled) return
    this.settled = true
    this.rej(error)
  }
}

/** The server answered a file-transfer request with a failure (no such folder, no permission, ...). */
export class RemoteFileRefusedError extends RfbError {
  constructor(message: string) {
    super('refused', 'RFB_ERR_SERVER_REFUSED', message)
  }
}

/** What a cancelled transfer rejects with, as `TransferOptions.signal` promises. */
export function abortError(): DOMException {
  return new DOMException('the transfer was cancelled', 'AbortError')
}
