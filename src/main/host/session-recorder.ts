import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs'
import type { RecordingStop } from '@shared/recording'
import { FBS_MAGIC, encodeFbsBlock } from '../rfb/record/fbs'
import { UpdateEncoder, opStreamHandshake } from '../rfb/record/update-encoder'
import type { CursorShape, DrawSink, PixelTarget } from '../rfb/sink'

/** A recording stops at this size unless told otherwise: 4 GiB, what FBS's u32 timestamps and most file systems take in stride. */
export const DEFAULT_RECORDING_CAP = 4 * 1024 ** 3

/** One update the encoder may hold before it is written: a 8K desktop's whole picture in Raw, and some. */
const MAX_UPDATE_BYTES = 160 * 1024 * 1024

export interface RecorderStart {
  path: string
  width: number
  height: number
  name: string
  cursor: CursorShape | null
  /** Bytes of file after which the recording stops (limit). */
  capBytes: number
  /** Called once when the recording stops by itself (disk, limit); not after stop(). */
  stopped: (reason: RecordingStop['reason'], message: string) => void
}

/**
 * Records a live session from any moment as FBS 001.000, from the draw ops its engine decodes
 * (UpdateEncoder: stateless encodings, so the file replays without the server's earlier zlib
 * state). Writes synchronously, one block per update, stamped with the time since the start;
 * the file is created exclusively (an existing file is never overwritten). A write that fails, or
 * a file reaching its cap, stops the recording with a reason; what was written stays valid.
 */
export class SessionRecorder {
  private fd: number | null
  private readonly started = performance.now()
  private readonly encoder: UpdateEncoder
  bytes = 0

  constructor(private readonly start: RecorderStart) {
    // 'wx': never overwrite; 0600: a recording shows whatever was on the remote screen.
    this.fd = openSync(start.path, 'wx', 0o600)
    this.encoder = new UpdateEncoder((m) => this.block(m))
    try {
      writeSync(this.fd, FBS_MAGIC)
      this.block(opStreamHandshake(start.width, start.height, start.name))
      if (start.cursor) {
        this.encoder.cursor(start.cursor)
        this.encoder.endUpdate()
      }
    } catch (e) {
      this.close()
      throw e
    }
  }

  /** Milliseconds recorded so far. */
  get elapsedMs(): number {
    return performance.now() - this.started
  }

  get active(): boolean {
    return this.fd !== null
  }

  /** The ops of the session's picture go here while recording. */
  get sink(): DrawSink {
    return this.encoder
  }

  /** Call after each op: an update growing past any sane size stops the recording rather than memory. */
  checkHeld(): void {
    if (this.encoder.held > MAX_UPDATE_BYTES) this.fail('limit', 'one update is larger than a recording may hold')
  }

  private block(message: Uint8Array): void {
    const fd = this.fd
    if (fd === null) return
    const block = encodeFbsBlock(message, this.elapsedMs)
    if (this.bytes + block.length > this.start.capBytes) return this.fail('limit', `the recording reached its size limit (${this.start.capBytes} bytes)`)
    try {
      // A full disk can take part of a block: the file must then end before it, or no player reads it.
      const written = writeSync(fd, block)
      if (written !== block.length) throw new Error(`the disk took ${written} of ${block.length} bytes (is it full?)`)
      this.bytes += block.length
    } catch (e) {
      try {
        ftruncateSync(fd, FBS_MAGIC.length + this.bytes)
      } catch {
        // The descriptor failed too: the reason below is already the disk's.
      }
      this.fail('disk', (e as Error).message)
    }
  }

  private fail(reason: RecordingStop['reason'], message: string): void {
    if (this.fd === null) return
    this.close()
    this.start.stopped(reason, message)
  }

  /** Ends the file after the last whole update (a half-built one is dropped, so the file ends on a message). */
  close(): void {
    const fd = this.fd
    this.fd = null
    if (fd === null) return
    try {
      closeSync(fd)
    } catch {
      // Closing a descriptor whose disk failed: the failure was already reported.
    }
  }
}

/**
 * The session's sink with a recorder beside it when there is one (`current`), for every op,
 * including those a decoder writes into memory the session's sink lends (pixelTarget): they reach
 * the recorder at the next call, once written.
 */
export function recordingTee(inner: DrawSink, current: () => SessionRecorder | null): DrawSink {
  let lent: { x: number; y: number; w: number; h: number; target: PixelTarget } | null = null
  const rec = (): DrawSink | null => {
    const r = current()
    if (lent) {
      const l = lent
      lent = null
      if (r?.active) r.sink.pixels(l.x, l.y, l.w, l.h, packed(l.target, l.w, l.h))
    }
    return r?.active ? r.sink : null
  }
  const after = (): void => current()?.checkHeld()
  const tee: DrawSink = {
    resize: (w, h) => (rec()?.resize(w, h), inner.resize(w, h)),
    fill: (x, y, w, h, c) => (rec()?.fill(x, y, w, h, c), after(), inner.fill(x, y, w, h, c)),
    copy: (sx, sy, x, y, w, h) => (rec()?.copy(sx, sy, x, y, w, h), after(), inner.copy(sx, sy, x, y, w, h)),
    pixels: (x, y, w, h, rgba) => (rec()?.pixels(x, y, w, h, rgba), after(), inner.pixels(x, y, w, h, rgba)),
    image: (x, y, w, h, kind, data) => (rec()?.image(x, y, w, h, kind, data), after(), inner.image(x, y, w, h, kind, data)),
    cursor: (shape) => (rec()?.cursor(shape), inner.cursor(shape)),
    endUpdate: () => (rec()?.endUpdate(), inner.endUpdate()),
  }
  const video = inner.video?.bind(inner)
  if (video) tee.video = (x, y, w, h, context, flags, data) => (rec()?.video?.(x, y, w, h, context, flags, data), video(x, y, w, h, context, flags, data))
  const lend = inner.pixelTarget?.bind(inner)
  if (lend) {
    tee.pixelTarget = (x, y, w, h) => {
      rec()
      const target = lend(x, y, w, h)
      if (target && current()?.active) lent = { x, y, w, h, target }
      return target
    }
  }
  return tee
}

/** The lent rect's words, row after row. */
function packed(t: PixelTarget, w: number, h: number): Uint32Array {
  if (t.stride === w) return t.words.subarray(t.offset, t.offset + w * h)
  const out = new Uint32Array(w * h)
  for (let r = 0; r < h; r++) out.set(t.words.subarray(t.offset + r * t.stride, t.offset + r * t.stride + w), r * w)
  return out
}
