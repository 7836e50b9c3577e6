import { closeSync, openSync, writeSync } from 'node:fs'
import type { ConnectionInfo } from '../session'
import { FBS_MAGIC, encodeFbsBlock } from './fbs'
import { canonicalHandshake } from './recorded-handshake'

/**
 * Writes the server-to-client stream of a live session as FBS 001.000. The handshake is
 * replaced by a canonical RFB 3.3 / None one carrying the pixel format the client used, so
 * the file replays anywhere and holds no authentication exchange.
 */
export class FbsRecorder {
  private readonly fd: number
  private pending: Uint8Array[] = []
  private seen = 0
  private started = 0
  private live = false
  bytes = 0

  constructor(path: string) {
    this.fd = openSync(path, 'w', 0o600)
    writeSync(this.fd, FBS_MAGIC)
  }

  /** Give every server chunk here (the session's `tap`). */
  tap(chunk: Uint8Array): void {
    if (this.live) return this.write(chunk)
    // Until ServerInit is parsed we cannot tell where the handshake ends: keep the bytes.
    this.pending.push(Uint8Array.from(chunk))
    this.seen += chunk.length
  }

  /** Call when the session is connected; writes the canonical handshake and what came after it. */
  connected(info: ConnectionInfo): void {
    this.started = performance.now()
    this.live = true
    this.write(canonicalHandshake(info.init, info.pixelFormat))
    let skip = info.handshakeBytes
    for (const c of this.pending) {
      if (skip >= c.length) {
        skip -= c.length
        continue
      }
      this.write(c.subarray(skip))
      skip = 0
    }
    this.pending = []
  }

  private write(data: Uint8Array): void {
    writeSync(this.fd, encodeFbsBlock(data, performance.now() - this.started))
    this.bytes += data.length
  }

  close(): void {
    closeSync(this.fd)
  }
}
