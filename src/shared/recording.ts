import type { SessionError } from './contract'

/** Why a recording stopped: the user; the session ended; the disk refused a write; the size limit. */
export interface RecordingStop {
  reason: 'user' | 'ended' | 'disk' | 'limit'
  /** The file system's or the limit's words (for 'disk' and 'limit'). */
  message?: string
}

/** A session's recording as its window shows it (the REC indicator), and how the last one ended. */
export interface RecordingState {
  sessionId: string
  /** `file`: the recording's name in the Recordings folder, or its path if the user chose one. */
  recording: { file: string; startedAt: number } | null
  stopped?: RecordingStop & { file: string }
}

/** Playback speeds the player offers. */
export const PLAYBACK_SPEEDS = [0.25, 0.5, 1, 2, 4, 8] as const
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number]

/** One recording in the Recordings folder. */
export interface RecordingEntry {
  name: string
  bytes: number
  modifiedMs: number
}

/** A recording opened in a player. */
export interface PlayerInfo {
  playerId: string
  name: string
  durationMs: number
  width: number
  height: number
}

/** A player's clock, sent on every change and a few times a second while playing (`sessionId` is the player's id). */
export interface PlayerState {
  sessionId: string
  playing: boolean
  speed: PlaybackSpeed
  positionMs: number
  durationMs: number
  /** The position is the end of the recording. */
  ended: boolean
  /** The recording turned out malformed at this point: playback stopped. */
  error?: SessionError
}

/** A recording file names: no folders, ends in .fbs. */
export const RECORDING_NAME_PATTERN = /^[^/\\\0<>:"|?*]{1,200}\.fbs$/

/** An uploaded recording arrives in chunks of at most this many bytes (`recordings.upload`). */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024

/** The largest recording a player opens, and so the largest upload (it is held in memory while it plays). */
export const MAX_UPLOAD_BYTES = 1024 ** 3

/** The requests of recording and playback: name → [argument, result] (part of HostRequests). */
export interface RecordingRequests {
  /** Starts (on) or stops recording an owned session into the Recordings folder; the file's name, or null when stopped. */
  'session.record': [{ sessionId: string; on: boolean }, { file: string } | null]
  /** The recordings in the Recordings folder, newest first. */
  'recordings.list': [void, RecordingEntry[]]
  /**
   * A recording picked in the window, copied into the Recordings folder in order, chunk by chunk
   * (offset 0 starts over); the last chunk (`done`) gives the name it was saved under (never
   * replacing a file), the others null.
   */
  'recordings.upload': [{ name: string; offset: number; data: Uint8Array; done: boolean }, { name: string } | null]
  /** Opens a recording of the Recordings folder in a player owned by the asker (paused at the start). */
  'player.open': [{ name: string }, PlayerInfo]
  'player.close': [{ playerId: string }, void]
  'player.control': [{ playerId: string; playing?: boolean; speed?: PlaybackSpeed }, void]
  /** Moves to a stream time (clamped to the recording); the whole picture follows as one frame. */
  'player.seek': [{ playerId: string; timeMs: number }, void]
  'player.ack': [{ playerId: string; seq: number }, void]
  /** The current picture as a PNG in the Recordings folder's exports; its path. */
  'player.exportFrame': [{ playerId: string }, { file: string }]
  /** The pictures from `fromMs` to `toMs`, `fps` a second, as numbered PNGs in a new folder there. */
  'player.exportClip': [{ playerId: string; fromMs: number; toMs: number; fps: number }, { folder: string; frames: number }]
}

/** The events of recording and playback: name → payload (part of HostEvents). */
export interface RecordingEvents {
  'session.recording': RecordingState
  'player.state': PlayerState
}
