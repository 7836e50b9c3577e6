import type { HostEvents } from '@shared/contract'
import { Encoding } from '@shared/encodings'
import type { ConnectionProfile } from '@shared/profile'
import { frameBytes } from '../rfb/audio/audio-format'
import { QemuAudio } from '../rfb/audio/qemu-audio'
import type { RfbClient } from '../rfb/session'
import type { SessionHost } from './session-host'

/** Audio events sent and not yet acknowledged: one playing, one on its way. */
const MAX_IN_FLIGHT = 2
/** Audio held for a renderer that is behind; older samples are dropped first. */
const MAX_QUEUED_MS = 250

/** Whether a session plays its server's sound: a saved connection says so (absent: yes); a wall tile never does. */
export function wantsAudio(p: ConnectionProfile | null, watch: boolean): boolean {
  return !watch && p?.audio !== false
}

/**
 * A session's sound on its way to the renderer (QEMU audio): it announces -259 when the
 * connection wants sound, attaches {@link QemuAudio} to each connection attempt, and passes the
 * samples on as `session.audio` events with at most {@link MAX_IN_FLIGHT} unacknowledged. While the
 * renderer is behind, at most {@link MAX_QUEUED_MS} of audio waits; older samples are dropped
 * and counted, so a slow window never holds more.
 */
export class SessionAudio {
  private audio: QemuAudio | null = null
  private queue: Uint8Array[] = []
  private queued = 0
  private seq = 0
  private acked = 0
  private dropped = 0
  /** Muted by the window that shows the session: the server is asked to stop sending. Outlives reconnects and hand-overs. */
  private muted = false

  constructor(
    private readonly sessionId: string,
    private readonly host: Pick<SessionHost, 'emit'>,
  ) {}

  /** The pseudo-encodings a connection attempt announces: -259 when it wants sound (`on`). */
  encodings(on: boolean): number[] {
    return on ? [Encoding.QEMUAudio] : []
  }

  /** Reads `client`'s audio when `on` (replacing a previous attempt's). */
  follow(client: RfbClient, on: boolean): void {
    this.audio?.detach()
    this.audio = null
    this.queue = []
    this.queued = 0
    if (!on) return
    this.audio = new QemuAudio(client, { start: () => {}, stop: () => {}, data: (s) => this.push(s) }, undefined, undefined, this.muted)
  }

  /**
   * Mute asks the server to stop the stream (QEMU audio disable), unmute to send it again
   * (enable); a connection attempt made while muted never enables it. What was on its way
   * when muting is dropped here, not sent to a window that would not play it.
   */
  setMuted(muted: boolean): void {
    if (muted === this.muted) return
    this.muted = muted
    if (muted) {
      this.audio?.disable()
      this.queue = []
      this.queued = 0
    } else {
      this.audio?.enable()
    }
  }

  /**
   * Another window shows the session now (a moved tab): the old window's unacknowledged events
   * will never be acknowledged, so they no longer count, or the sound would stop for good.
   */
  handOver(): void {
    this.acked = this.seq
    this.flush()
  }

  /** The renderer played (or dropped) every event up to `seq`. */
  ack(seq: number): void {
    if (seq <= this.acked || seq > this.seq) return
    this.acked = seq
    this.flush()
  }

  private push(samples: Uint8Array): void {
    // An empty data message is valid but carries nothing: queued, it would never count against the cap.
    if (samples.length === 0 || this.muted) return
    const format = this.audio!.format
    const cap = Math.floor((format.frequency * MAX_QUEUED_MS) / 1000) * frameBytes(format)
    this.queue.push(samples.slice())
    this.queued += samples.length
    while (this.queued > cap) {
      // Whole chunks go first; QEMU's are a few ms, far smaller than the cap.
      const old = this.queue.shift()!
      this.queued -= old.length
      this.dropped += old.length / frameBytes(format)
    }
    this.flush()
  }

  private flush(): void {
    if (this.queued === 0 || this.seq - this.acked >= MAX_IN_FLIGHT || !this.audio) return
    const samples = new Uint8Array(this.queued)
    let at = 0
    for (const c of this.queue) {
      samples.set(c, at)
      at += c.length
    }
    this.queue = []
    this.queued = 0
    const { channels, frequency } = this.audio.format
    const event: HostEvents['session.audio'] = { sessionId: this.sessionId, seq: ++this.seq, channels, rate: frequency, samples, hostDropped: this.dropped }
    this.host.emit('session.audio', event)
  }
}
