import type { SessionPreview } from '@shared/contract'
import type { CursorImage } from '@shared/ops'
import type { ConnectionProfile } from '@shared/profile'
import type { RfbClient, RfbClientOptions } from '../rfb/session'
import type { DrawSink } from '../rfb/sink'
import { BatchSink } from './batch-sink'
import { EventThrottle } from './event-throttle'
import { hostError } from './errors'
import { pictureOptions } from './picture-options'
import { SERVER_EVENT_INTERVAL_MS } from './session-events'
import type { SessionHost } from './session-host'
import { scalePreview } from './session-preview'
import { SessionRecording } from './session-recording'
import { recordingTee } from './session-recorder'
import { ThumbnailSink, teeSink } from './thumbnail'
import { encodePng } from '../rfb/png'
import { WATCH_DECODE_LIMITS, WATCH_PICTURE, type WatchSink, watchSink, watchWantsLowerDepth } from './watch-mode'

/** The window's thumbnails of a session are kept at most this often; extra ones are dropped. */
const PAINTED_MIN_INTERVAL_MS = 1000

/**
 * Where one session's picture goes. A normal session streams frame batches to its window
 * (BatchSink, paced by the window's acks) and keeps a small mirror beside them for thumbnails
 * and previews; a watch session (a live-wall tile) feeds only the mirror, one update a second,
 * and no batch is ever built. Each connection attempt gets fresh sinks; the mirror and the last
 * cursor outlive attempts, so previews and a window that adopts the session see them.
 */
export class SessionPicture {
  /** The host's copy of the picture: thumbnails, previews. */
  readonly mirror: ThumbnailSink
  private sink: BatchSink | null = null
  private paced: WatchSink | null = null
  /** A watch session nobody sees (its wall is hidden): no updates asked for, across reconnects too. */
  private watchPaused = false
  private lastCursor: CursorImage | null = null
  /**
   * Cursor shapes reach the windows at most every SERVER_EVENT_INTERVAL_MS, the latest always:
   * updates carrying only a cursor are not paced by the window's acks, and a server could send
   * thousands of 512x512 shapes a second.
   */
  private readonly cursors = new EventThrottle<CursorImage | null>(
    SERVER_EVENT_INTERVAL_MS,
    (cursor) => this.host.emit('session.cursor', { sessionId: this.sessionId, cursor }),
    true,
  )
  private thumbnailTimer: NodeJS.Timeout | null = null
  /** Nobody shows the session (orphaned during a hand-off): batches go nowhere, so none is waited for. */
  private unwatched = false
  /** The last thumbnail the window sent of what it painted (H.264 areas the mirror cannot draw), and when it came. */
  private painted: { width: number; height: number; rgba: Uint8Array; at: number } | null = null
  /** The recording of this picture, if the user started one (never for a watch session). */
  readonly recording: SessionRecording

  constructor(
    private readonly sessionId: string,
    private readonly host: Pick<SessionHost, 'emit' | 'decodeImage' | 'timings'>,
    private readonly watch: boolean,
  ) {
    this.mirror = new ThumbnailSink(host.decodeImage, undefined, watch ? WATCH_DECODE_LIMITS : undefined)
    this.recording = new SessionRecording(sessionId, (name, payload) => host.emit(name, payload))
  }

  /** The sink for a new connection attempt, replacing the last attempt's. */
  attemptSink(): DrawSink {
    this.drop()
    if (this.watch) {
      this.paced = watchSink(this.mirror, this.host.timings.watchIntervalMs)
      this.paced.pause(this.watchPaused)
      return this.paced
    }
    const id = this.sessionId
    const sink: BatchSink = new BatchSink({
      sessionId: id,
      ackTimeoutMs: this.host.timings.ackTimeoutMs,
      onBatch: (batch) => {
        this.host.emit('session.frame', batch)
        if (this.unwatched) sink.forgetInFlight()
      },
      onCursor: (cursor) => this.cursors.push((this.lastCursor = cursor)),
    })
    this.sink = sink
    return recordingTee(teeSink(sink, this.mirror), () => this.recording.current())
  }

  /** The engine's picture options: the profile's, or a watch session's cheap ones with updates asked for, not pushed. */
  clientOptions(p: ConnectionProfile | null): Partial<RfbClientOptions> {
    return this.watch ? { ...WATCH_PICTURE, continuousUpdates: false } : pictureOptions(p)
  }

  /**
   * For a watch session: follows `client`'s updates and drops it to 16-bit colour once the server
   * shows it will not send JPEG (watchWantsLowerDepth). Nothing for a normal session.
   */
  follow(client: RfbClient): void {
    if (!this.watch) return
    let decided = false
    client.on('update', (u) => {
      const lower = decided ? undefined : watchWantsLowerDepth(u.encodings)
      if (lower !== undefined) decided = true
      if (lower) client.setPixelFormat('rgb565')
    })
  }

  /**
   * Pauses or resumes a watch session's updates (the wall's page was hidden or shown); refused
   * for a normal session, whose pace its window's acks set.
   */
  pauseWatch(paused: boolean): void {
    if (!this.watch) throw hostError('refused', 'HOST_NOT_WATCHING', 'only a live-wall tile can be paused')
    this.watchPaused = paused
    this.paced?.pause(paused)
  }

  /** The renderer painted batch `seq`. */
  ack(seq: number): void {
    this.sink?.ack(seq)
  }

  /**
   * The session moved to another window, or to none yet (`toNobody`, orphaned during a hand-off):
   * the batches the old one never acked will not be, nor, until the next handOver, any new ones.
   */
  handOver(toNobody = false): void {
    this.unwatched = toNobody
    this.sink?.forgetInFlight()
  }

  /** The last cursor shape sent (null: none or hidden). */
  get cursor(): CursorImage | null {
    return this.lastCursor
  }

  /** A picture fitting in a `maxWidth` square, scaled from the mirror (no decoding here); null before the first frame. */
  preview(maxWidth: number): SessionPreview | null {
    const picture = this.mirror.picture()
    return picture && scalePreview(picture, maxWidth)
  }

  /**
   * Keeps the window's own small picture of the session (`session.thumbnail`, checked by the
   * schema: at most 240 on a side, exactly width x height RGBA). At most one a second is kept, so
   * a runaway renderer costs nothing but the dropped requests; a wall tile has no window painting it.
   */
  takePainted(width: number, height: number, rgba: Uint8Array, now = performance.now()): void {
    if (this.watch || (this.painted && now - this.painted.at < PAINTED_MIN_INTERVAL_MS)) return
    this.painted = { width, height, rgba: rgba.slice(), at: now }
  }

  /**
   * The thumbnail to save: from the mirror when it holds a whole picture; otherwise (an H.264
   * session, whose video only the window decodes) from what the window painted, if it sent one;
   * else null.
   */
  thumbnailPng(): Uint8Array | null {
    if (this.mirror.complete) return this.mirror.png()
    const p = this.painted
    if (!p) return null
    // Opaque, as the mirror's are: the window's alpha means nothing on a VNC picture.
    const rgba = p.rgba.slice()
    for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255
    return encodePng(p.width, p.height, rgba)
  }

  /** Calls `save` once the thumbnail delay has passed (a thumbnail of the settled desktop); null cancels. */
  thumbnailLater(save: (() => void) | null): void {
    if (this.thumbnailTimer) clearTimeout(this.thumbnailTimer)
    this.thumbnailTimer = save && setTimeout(save, this.host.timings.thumbnailDelayMs)
  }

  /** Ends the attempt's sinks: a waiting engine is let go, later updates are dropped. */
  drop(): void {
    // A shape held back goes now, before the session says it is reconnecting or closed.
    this.cursors.flush()
    this.sink?.dispose()
    this.sink = null
    this.paced?.dispose()
    this.paced = null
  }
}
