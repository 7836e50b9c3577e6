/**
 * The server's sound as the renderer sees it (QEMU audio, `session.audio*`): the host forwards
 * the stream to the session's owner, which acknowledges each chunk and may mute it.
 */

/** The sound's requests: name → [argument, result] (part of HostRequests). */
export interface AudioRequests {
  /** The renderer took the `session.audio` event `seq` (played or dropped it). */
  'session.audioAck': [{ sessionId: string; seq: number }, void]
  /**
   * The window mutes (or unmutes) the session's sound: the host asks the server to stop (QEMU
   * audio disable) or resume (enable) the stream. It stays so across reconnects and hand-overs.
   */
  'session.audioMute': [{ sessionId: string; muted: boolean }, void]
}

/** The sound's events: name → payload (part of HostEvents). */
export interface AudioEvents {
  /**
   * The server's sound (QEMU audio): interleaved signed 16-bit little-endian frames of `channels`
   * samples at `rate` Hz. Acknowledge each with `session.audioAck`; while two are unacknowledged
   * the host holds at most 250 ms and drops the oldest, counting dropped frames in `hostDropped`.
   */
  'session.audio': { sessionId: string; seq: number; channels: number; rate: number; samples: Uint8Array; hostDropped: number }
}
