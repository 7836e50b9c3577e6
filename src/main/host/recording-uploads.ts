import { randomUUID } from 'node:crypto'
import { closeSync, linkSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { MAX_UPLOAD_BYTES } from '@shared/recording'
import { FBS_MAGIC } from '../rfb/record/fbs'
import type { HostClient } from './endpoint'
import { hostError } from './errors'
import type { RecordingsFolder } from './recordings'

interface Upload {
  name: string
  path: string
  fd: number
  size: number
}

/**
 * Free space an upload never goes below: a window (in browser mode, any page that got in) could
 * otherwise fill the disk a gigabyte at a time, with no limit on how many recordings it sends.
 */
export const UPLOAD_DISK_RESERVE = 1024 ** 3

/** Bytes free to an unprivileged writer on the file system holding `dir`. */
function freeBytes(dir: string): number {
  const s = statfsSync(dir)
  return s.bavail * s.bsize
}

/**
 * Recordings a window picked (browser mode has no other way to hand the host a file), copied into
 * the Recordings folder chunk by chunk, so the host, not the page, decodes them like any other.
 * One upload per window at a time, in order, bounded by the largest playable recording; it goes
 * to a hidden part file first and takes its name only when complete, never replacing a file.
 */
export class RecordingUploads {
  private readonly byOwner = new Map<HostClient | undefined, Upload>()

  constructor(
    private readonly folder: RecordingsFolder,
    private readonly free: (dir: string) => number = freeBytes,
  ) {}

  chunk(owner: HostClient | undefined, req: { name: string; offset: number; data: Uint8Array; done: boolean }): { name: string } | null {
    if (req.offset === 0) this.abort(owner)
    let u = this.byOwner.get(owner)
    if (req.offset === 0) {
      if (Buffer.from(req.data.subarray(0, FBS_MAGIC.length)).toString('latin1') !== FBS_MAGIC) {
        throw hostError('protocol', 'RFB_ERR_FBS', 'not an FBS 001.000 recording (bad magic)')
      }
      const path = join(this.folder.folder(), `.upload-${randomUUID()}.part`)
      u = { name: req.name, path, fd: openSync(path, 'wx', 0o600), size: 0 }
      this.byOwner.set(owner, u)
    }
    if (!u || u.name !== req.name || u.size !== req.offset) {
      this.abort(owner)
      throw hostError('refused', 'HOST_BAD_RECORDING', 'the upload arrived out of order; start again')
    }
    if (u.size + req.data.length > MAX_UPLOAD_BYTES) {
      this.abort(owner)
      throw hostError('refused', 'HOST_RECORDING_TOO_LARGE', `the recording is larger than ${MAX_UPLOAD_BYTES} bytes`)
    }
    if (this.free(this.folder.folder()) - req.data.length < UPLOAD_DISK_RESERVE) {
      this.abort(owner)
      throw hostError('refused', 'HOST_RECORDING_FAILED', `cannot copy the recording: less than ${UPLOAD_DISK_RESERVE} bytes would stay free on the disk`)
    }
    try {
      writeSync(u.fd, req.data)
    } catch (e) {
      this.abort(owner)
      throw hostError('refused', 'HOST_RECORDING_FAILED', `cannot copy the recording: ${(e as Error).message}`)
    }
    u.size += req.data.length
    if (!req.done) return null
    closeSync(u.fd)
    this.byOwner.delete(owner)
    try {
      return { name: this.place(u) }
    } finally {
      rmSync(u.path, { force: true })
    }
  }

  /** A link under the asked name, or "name (2).fbs", ...: linking never replaces an existing file. */
  private place(u: Upload): string {
    const base = u.name.replace(/\.fbs$/, '')
    for (let n = 1; n <= 100; n++) {
      const name = n === 1 ? u.name : `${base} (${n}).fbs`
      try {
        linkSync(u.path, join(this.folder.folder(), name))
        return name
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
          throw hostError('refused', 'HOST_RECORDING_FAILED', `cannot save the recording: ${(e as Error).message}`)
      }
    }
    throw hostError('refused', 'HOST_RECORDING_FAILED', 'no free name for the recording')
  }

  /** Drops `owner`'s unfinished upload (a new one started, the window went). */
  abort(owner: HostClient | undefined): void {
    const u = this.byOwner.get(owner)
    if (!u) return
    this.byOwner.delete(owner)
    try {
      closeSync(u.fd)
    } catch {
      // Already closed by a failed write.
    }
    rmSync(u.path, { force: true })
  }

  abortAll(): void {
    for (const owner of [...this.byOwner.keys()]) this.abort(owner)
  }
}
