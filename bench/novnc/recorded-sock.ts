import type { NoVncSock } from './types'

/**
 * A Websock-compatible receive queue over a recorded server stream that is entirely in memory
 * (the bench's `prefilled` mode): the state noVNC's Websock reaches once every message has
 * arrived, without its copying of each WebSocket message into the queue (so the peer is timed
 * favourably; the default `websock` mode runs noVNC's own Websock instead).
 *
 * Views handed out (`copy` false) point into `stream`; noVNC's decoders write alpha bytes into
 * such views, so give this class a copy of a recording that others still read.
 */
export class RecordedSock implements NoVncSock {
  /** Read position in `stream`. */
  pos: number
  private readonly end: number

  constructor(
    readonly stream: Uint8Array,
    start = 0,
  ) {
    this.pos = start
    this.end = stream.length
  }

  rQwait(_msg: string, num: number, goback?: number): boolean {
    if (this.end - this.pos >= num) return false
    if (goback) {
      if (this.pos < goback) throw new Error(`rQwait cannot back up ${goback} bytes`)
      this.pos -= goback
    }
    return true
  }

  rQlen(): number {
    return this.end - this.pos
  }

  rQpeek8(): number {
    return this.stream[this.pos]
  }

  rQskipBytes(n: number): void {
    this.pos += n
  }

  rQshift8(): number {
    return this.stream[this.pos++]
  }

  rQshift16(): number {
    const s = this.stream
    const p = this.pos
    this.pos = p + 2
    return (s[p] << 8) | s[p + 1]
  }

  rQshift32(): number {
    const s = this.stream
    const p = this.pos
    this.pos = p + 4
    return ((s[p] << 24) | (s[p + 1] << 16) | (s[p + 2] << 8) | s[p + 3]) >>> 0
  }

  rQshiftStr(len: number): string {
    let out = ''
    for (let i = 0; i < len; i += 4096) out += String.fromCharCode(...this.rQshiftBytes(Math.min(4096, len - i), false))
    return out
  }

  rQshiftBytes(len: number, copy = true): Uint8Array {
    const p = this.pos
    this.pos = p + len
    return copy ? this.stream.slice(p, p + len) : this.stream.subarray(p, p + len)
  }

  rQshiftTo(target: Uint8Array, len: number): void {
    target.set(this.stream.subarray(this.pos, this.pos + len))
    this.pos += len
  }

  rQpeekBytes(len: number, copy = true): Uint8Array {
    return copy ? this.stream.slice(this.pos, this.pos + len) : this.stream.subarray(this.pos, this.pos + len)
  }
}
