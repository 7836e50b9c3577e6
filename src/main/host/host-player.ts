import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HostEvents } from '@shared/contract'
import type { PlaybackSpeed, PlayerInfo, PlayerState } from '@shared/recording'
import type { ImageDecoder } from '../rfb/framebuffer'
import { encodePng } from '../rfb/png'
import { Playback } from '../rfb/record/playback'
import { BatchSink } from './batch-sink'
import type { HostClient } from './endpoint'
import { hostError, toSessionError } from './errors'

/** How often the clock moves while playing, and how often the window hears the position. */
const TICK_MS = 25
const STATE_EVERY_MS = 250

/** Pictures one clip export writes at most. */
export const MAX_CLIP_FRAMES = 3000

export interface PlayerHost {
  emit<K extends 'session.frame' | 'session.cursor' | 'player.state'>(name: K, payload: HostEvents[K]): void
  decodeImage: ImageDecoder | null
  ackTimeoutMs: number
}

/**
 * A recording opened in a window: the host decodes it (the engine stays in Node, like a live
 * session's), paints it in that window through the same frame batches and acks as a session, and
 * keeps the clock. The clock only runs while the window keeps up: with batches unacked, the
 * engine waits and so does the position, so a slow window never skips or queues pictures.
 */
export class HostPlayer {
  private playing = false
  private speed: PlaybackSpeed = 1
  private timer: NodeJS.Timeout | null = null
  private lastTick = 0
  private lastState = 0
  private sink: BatchSink | null = null
  private busy: Promise<void> = Promise.resolve()
  private closed = false

  constructor(
    readonly id: string,
    readonly owner: HostClient | undefined,
    readonly name: string,
    private readonly playback: Playback,
    private readonly host: PlayerHost,
    private readonly exportsDir: () => string,
  ) {
    playback.onUpdate = () => this.checkFailure()
  }

  info(): PlayerInfo {
    const fb = this.playback.framebuffer
    return { playerId: this.id, name: this.name, durationMs: this.playback.durationMs, width: fb.width, height: fb.height }
  }

  /** Shows the first picture (after the response, so the window knows the id first). */
  begin(): void {
    void this.serial(async () => this.repaint())
  }

  control(playing: boolean | undefined, speed: PlaybackSpeed | undefined): void {
    if (speed !== undefined) this.speed = speed
    if (playing === true && !this.playing) {
      // Play at the end starts again from the beginning, as media players do.
      if (this.playback.atEnd) void this.seek(0)
      this.playing = true
      this.lastTick = performance.now()
      this.timer = setInterval(() => this.tick(), TICK_MS)
    }
    if (playing === false) this.pause()
    this.state()
  }

  seek(timeMs: number): Promise<void> {
    return this.serial(async () => {
      await this.playback.seek(timeMs)
      this.lastTick = performance.now()
      this.repaint()
      this.state()
    })
  }

  ack(seq: number): void {
    this.sink?.ack(seq)
  }

  /** The current picture as PNG in this recording's exports folder. */
  async exportFrame(): Promise<{ file: string }> {
    let file = ''
    await this.serial(async () => {
      const fb = this.playback.framebuffer
      if (fb.width === 0) throw hostError('refused', 'HOST_NOT_CONNECTED', 'the recording has no picture yet')
      file = join(this.exportsDir(), `frame-${String(Math.round(this.playback.positionMs)).padStart(8, '0')}ms.png`)
      writeFileSync(file, encodePng(fb.width, fb.height, fb.data))
    })
    return { file }
  }

  /**
   * The pictures from `fromMs` to `toMs`, `fps` a second, as frame-00001.png... in a new folder.
   * Uses this player's decoding (keyframes too), then goes back to where it was.
   */
  async exportClip(fromMs: number, toMs: number, fps: number): Promise<{ folder: string; frames: number }> {
    const to = Math.min(toMs, this.playback.durationMs)
    if (to < fromMs) throw hostError('refused', 'HOST_BAD_RECORDING', 'the clip ends before it starts')
    const count = Math.floor(((to - fromMs) * fps) / 1000) + 1
    if (count > MAX_CLIP_FRAMES) throw hostError('refused', 'HOST_BAD_RECORDING', `a clip holds at most ${MAX_CLIP_FRAMES} pictures`)
    this.pause()
    const folder = join(this.exportsDir(), `clip-${fromMs}-${to}ms-${Date.now()}`)
    let frames = 0
    await this.serial(async () => {
      const back = this.playback.positionMs
      mkdirSync(folder, { recursive: true, mode: 0o700 })
      const fb = this.playback.framebuffer
      const output = this.playback.output
      this.playback.output = null
      try {
        for (let i = 0; i < count; i++) {
          await this.playback.seek(fromMs + (i * 1000) / fps)
          writeFileSync(join(folder, `frame-${String(i + 1).padStart(5, '0')}.png`), encodePng(fb.width, fb.height, fb.data))
          frames++
        }
        await this.playback.seek(back)
      } finally {
        this.playback.output = output
      }
      this.repaint()
    })
    this.state()
    return { folder, frames }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.pause()
    this.sink?.dispose()
    this.sink = null
    this.playback.close()
  }

  private pause(): void {
    this.playing = false
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private tick(): void {
    const now = performance.now()
    const dt = now - this.lastTick
    this.lastTick = now
    // A window behind on its pictures holds the clock, as does a seek in progress.
    if (this.playback.waiting || this.seeking) return
    this.playback.advance(this.playback.positionMs + dt * this.speed)
    if (this.playback.atEnd) {
      this.pause()
      this.state()
      return
    }
    if (now - this.lastState >= STATE_EVERY_MS) this.state()
  }

  private seeking = false

  /** One seek or export at a time, in the order asked. */
  private serial(work: () => Promise<void>): Promise<void> {
    const run = this.busy.then(async () => {
      if (this.closed) return
      this.seeking = true
      try {
        await work()
      } finally {
        this.seeking = false
      }
    })
    this.busy = run.catch(() => undefined)
    return run
  }

  /** A fresh batch sink (the old one's unacked batches are forgotten) and the whole picture in it. */
  private repaint(): void {
    this.sink?.dispose()
    const sink = new BatchSink({
      sessionId: this.id,
      ackTimeoutMs: this.host.ackTimeoutMs,
      onBatch: (batch) => this.host.emit('session.frame', batch),
      onCursor: (cursor) => this.host.emit('session.cursor', { sessionId: this.id, cursor }),
    })
    this.sink = sink
    this.playback.output = null
    // Not awaited: a window that is slow to ack holds the engine (and the clock), not the caller.
    void this.playback.paintAll(sink)
    this.playback.output = sink
  }

  private checkFailure(): void {
    const e = this.playback.error
    if (!e || !this.playing) return
    this.pause()
    this.state()
  }

  private state(): void {
    if (this.closed) return
    this.lastState = performance.now()
    const p = this.playback
    const state: PlayerState = {
      sessionId: this.id,
      playing: this.playing,
      speed: this.speed,
      positionMs: Math.round(p.positionMs),
      durationMs: p.durationMs,
      ended: p.atEnd,
    }
    if (p.error) state.error = toSessionError(p.error).error
    this.host.emit('player.state', state)
  }
}
