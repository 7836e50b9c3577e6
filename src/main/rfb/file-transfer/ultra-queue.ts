import { TimeoutError } from '../errors'
import { type UltraMessage, contentName } from './ultra-wire'

/** What an operation may do while it is the one on the wire. */
export interface OperationIo {
  send(bytes: Uint8Array, trace: string): void
  /** Times the server's silence (true) while the operation waits for it, or stops timing (false). */
  waiting(on: boolean): void
  /** The operation is over on the wire: the next one may start. */
  finish(): void
}

/**
 * One request and everything the server answers to it. UltraVNC's messages carry no request
 * ids and the server answers in order, so operations run one at a time; an answer is matched by
 * its content type and by the path the server echoes back.
 */
export interface Operation {
  /** Names it in errors, e.g. "the listing of C:\\tmp". */
  readonly what: string
  /** Sends the request. */
  start(io: OperationIo): void
  /** A message came in; false when it is not this operation's (the queue then ignores it). */
  receive(m: UltraMessage, io: OperationIo): boolean
  /**
   * Ends the operation with `error` (silence, cancel, close). It may stay on the wire until the
   * server is quiet (then calls `io.finish()` itself); after a timeout it is finished for it.
   * May be called after the operation settled: it must then change nothing the caller sees.
   * `io` is null when the operation never started, or when the session is gone.
   */
  fail(error: Error, io: OperationIo | null): void
}

interface Running {
  op: Operation
  io: OperationIo
  timer: ReturnType<typeof setTimeout> | null
  waiting: boolean
  done: boolean
}

/**
 * Runs UltraVNC file-transfer operations one after another, routes each server message to the
 * running one, times its silences, and ignores answers to nothing we asked.
 */
export class UltraQueue {
  private current: Running | null = null
  private readonly queued: Operation[] = []
  private closedWith: Error | null = null
  /** Server messages no operation claimed (a stray answer, leftovers of a cancelled transfer). */
  ignored = 0

  constructor(
    private readonly send: (bytes: Uint8Array, trace: string) => void,
    readonly timeoutMs: number,
    private readonly onQuiet: () => void,
    private readonly trace?: (direction: 'in', line: string) => void,
  ) {}

  /** Whether no operation is on the wire or waiting. */
  get idle(): boolean {
    return this.current === null && this.queued.length === 0
  }

  /** Queues `op`; it starts once those before it finished. */
  run(op: Operation): void {
    if (this.closedWith) return op.fail(this.closedWith, null)
    this.queued.push(op)
    if (!this.current) this.next()
  }

  deliver(m: UltraMessage): void {
    const r = this.current
    if (r && r.op.receive(m, r.io)) {
      if (!r.done && r.waiting) this.arm(r)
      return
    }
    this.ignored++
    this.trace?.('in', `  (ignored: no request of ours asked for this ${contentName(m.contentType)})`)
  }

  /**
   * Fails every queued operation and the running one with `error`; `onQuiet` follows once the
   * wire is. With `gone` (the session ended) nothing more can arrive: nothing waits for it.
   */
  close(error: Error, gone = false): void {
    if (this.closedWith) return
    this.closedWith = error
    for (const op of this.queued.splice(0)) op.fail(error, null)
    const r = this.current
    if (!r) return this.onQuiet()
    r.op.fail(error, gone ? null : r.io)
    if (gone) r.io.finish()
  }

  private next(): void {
    const op = this.queued.shift()
    if (!op) {
      this.current = null
      if (this.closedWith) this.onQuiet()
      return
    }
    const r: Running = { op, timer: null, waiting: false, done: false, io: null! }
    r.io = {
      send: (bytes, trace) => {
        if (!r.done) this.send(bytes, trace)
      },
      waiting: (on) => {
        if (r.done) return
        r.waiting = on
        if (on) this.arm(r)
        else this.disarm(r)
      },
      finish: () => {
        if (r.done) return
        r.done = true
        this.disarm(r)
        if (this.current === r) this.next()
      },
    }
    this.current = r
    op.start(r.io)
  }

  private arm(r: Running): void {
    this.disarm(r)
    r.timer = setTimeout(() => {
      r.timer = null
      const error = new TimeoutError(`the server did not answer ${r.op.what} within ${this.timeoutMs / 1000} s`)
      r.op.fail(error, r.io)
      r.io.finish()
    }, this.timeoutMs)
  }

  private disarm(r: Running): void {
    if (r.timer) clearTimeout(r.timer)
    r.timer = null
  }
}
