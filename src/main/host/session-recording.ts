import { basename } from 'node:path'
import type { EventName, HostEvents } from '@shared/contract'
import type { CursorImage } from '@shared/ops'
import type { RecordingStop } from '@shared/recording'
import type { CursorShape } from '../rfb/sink'
import { hostError } from './errors'
import type { RecordingsFolder } from './recordings'
import { DEFAULT_RECORDING_CAP, SessionRecorder } from './session-recorder'

/** What the recording of a session starts from: the picture's size, the desktop's name, the pointer. */
export interface RecordingStartPoint {
  label: string
  /** The connected engine: its size, and a full picture asked of it. */
  client: { width: number; height: number; requestUpdate(incremental: boolean): void }
  desktopName: string
  cursor: CursorImage | null
}

/**
 * A session's recording, if any: started and stopped by the user, stopped by itself when the
 * session ends, the disk fails or the size limit is reached. Every start and stop is told to the
 * session's window (`session.recording`), which shows the REC indicator and says why it stopped.
 */
export class SessionRecording {
  private recorder: SessionRecorder | null = null
  private file = ''

  constructor(
    private readonly sessionId: string,
    private readonly emit: <K extends EventName>(name: K, payload: HostEvents[K]) => void,
    private readonly capBytes = DEFAULT_RECORDING_CAP,
  ) {}

  /** The recorder while recording (the session's sink feeds it). */
  current(): SessionRecorder | null {
    return this.recorder
  }

  /**
   * `folder` null stops; otherwise starts from `from` (null: the session is not connected, or is
   * a live-wall tile, refused), asking the server for the whole picture, since the file must start
   * with one. A second start while recording is the same recording.
   */
  toggle(folder: RecordingsFolder | null, from: RecordingStartPoint | null): { file: string } | null {
    if (!folder) return (this.stop('user'), null)
    if (!from) throw hostError('refused', 'HOST_NOT_CONNECTED', 'only a connected session can be recorded')
    const started = this.start(folder, from)
    from.client.requestUpdate(false)
    return started
  }

  private start(folder: RecordingsFolder, from: RecordingStartPoint): { file: string } {
    if (this.recorder) return { file: this.file }
    let recorder: SessionRecorder | null = null
    let lastError: Error | null = null
    // The name has the time to the second: a second recording in the same second gets a number.
    for (let attempt = 0; attempt < 20 && !recorder; attempt++) {
      const path = folder.newRecordingPath(from.label, new Date(), attempt)
      try {
        recorder = new SessionRecorder({
          path,
          width: from.client.width,
          height: from.client.height,
          name: from.desktopName,
          cursor: cursorShape(from.cursor),
          capBytes: this.capBytes,
          stopped: (reason, message) => this.ended(reason, message),
        })
        this.file = basename(path)
      } catch (e) {
        lastError = e as Error
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') break
      }
    }
    if (!recorder) throw hostError('refused', 'HOST_RECORDING_FAILED', `cannot create the recording: ${lastError?.message ?? 'no free name'}`)
    this.recorder = recorder
    this.emit('session.recording', { sessionId: this.sessionId, recording: { file: this.file, startedAt: Date.now() } })
    return { file: this.file }
  }

  /** Stops recording, if it is (the file ends after the last whole update). */
  stop(reason: RecordingStop['reason']): void {
    const r = this.recorder
    if (!r) return
    r.close()
    this.ended(reason)
  }

  private ended(reason: RecordingStop['reason'], message?: string): void {
    this.recorder = null
    this.emit('session.recording', {
      sessionId: this.sessionId,
      recording: null,
      stopped: { reason, file: this.file, ...(message ? { message } : {}) },
    })
  }
}

function cursorShape(c: CursorImage | null): CursorShape | null {
  if (!c) return null
  return { width: c.width, height: c.height, hotX: c.hotX, hotY: c.hotY, rgba: new Uint32Array(c.rgba.slice().buffer) }
}
