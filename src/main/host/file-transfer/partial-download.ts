import type { FileHandle } from 'node:fs/promises'
import { rename, unlink } from 'node:fs/promises'
import type { DownloadSink } from '../../rfb/file-transfer/remote-files'
import type { LocalFolder } from './local-folder'

/** The suffix of a download still on its way: `name.part` until the last byte is written. */
export const PART_SUFFIX = '.part'

/**
 * One download on the local disk: its bytes go to `name.part`, which becomes `name` only once
 * complete, so a cancelled or failed download never leaves a file that looks whole. What is
 * left of it then is kept for a later resume, or removed.
 */
export class PartialDownload implements DownloadSink {
  private written = 0

  private constructor(
    private readonly folder: LocalFolder,
    private readonly name: string,
    private readonly handle: FileHandle,
    /** Bytes already in the partial file when it was opened to resume. */
    readonly startAt: number,
  ) {}

  /** Opens `name.part` in `folder`: a new one (anything left there removed first), or the one there to go on from (`resumeAt` its size). */
  static async open(folder: LocalFolder, name: string, resumeAt: number | null): Promise<PartialDownload> {
    const part = `${name}${PART_SUFFIX}`
    if (resumeAt === null) await removeIfThere(folder.pathOf(part))
    const handle = await folder.openForWrite(part, resumeAt === null ? 'new' : 'append')
    return new PartialDownload(folder, name, handle, resumeAt ?? 0)
  }

  /** Bytes in the partial file now. */
  get size(): number {
    return this.startAt + this.written
  }

  async write(chunk: Uint8Array): Promise<void> {
    let at = 0
    while (at < chunk.length) {
      const { bytesWritten } = await this.handle.write(chunk, at, chunk.length - at)
      at += bytesWritten
    }
    this.written += chunk.length
  }

  /** Makes the complete file `name`: flushed, then renamed into place (over an old one the user said to replace). */
  async complete(): Promise<void> {
    await this.handle.sync()
    await this.handle.close()
    await rename(this.folder.pathOf(`${this.name}${PART_SUFFIX}`), this.folder.pathOf(this.name))
  }

  /** Ends an unfinished download: the partial file stays for a resume when `keep`, and is removed otherwise. */
  async abandon(keep: boolean): Promise<void> {
    await this.handle.close().catch(() => undefined)
    if (!keep || this.size === 0) await removeIfThere(this.folder.pathOf(`${this.name}${PART_SUFFIX}`))
  }
}

async function removeIfThere(path: string): Promise<void> {
  try {
    await unlink(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
}
