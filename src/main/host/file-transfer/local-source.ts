import { type FileHandle, lstat, open, opendir } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { UploadSource } from '../../rfb/file-transfer/remote-files'
import { WALK_LIMITS, filesError } from './job-context'
import type { UploadFile } from './upload-job'

/** A local file read as it is uploaded (the CLI's `put`); opened on the first read, so a folder of thousands holds one handle at a time. */
export class LocalFileSource implements UploadSource {
  private handle: FileHandle | null = null

  constructor(
    private readonly path: string,
    readonly size: number,
    readonly modified: number,
  ) {}

  async read(offset: number, max: number): Promise<Uint8Array> {
    const length = Math.max(0, Math.min(max, this.size - offset, 1 << 20))
    if (length === 0) {
      await this.close()
      return new Uint8Array(0)
    }
    this.handle ??= await open(this.path, 'r')
    const buffer = new Uint8Array(length)
    const { bytesRead } = await this.handle.read(buffer, 0, length, offset)
    if (bytesRead === 0) throw filesError('FILES_LOCAL', `${this.path} ended before its size: it changed while it was uploaded`)
    return buffer.subarray(0, bytesRead)
  }

  async close(): Promise<void> {
    const h = this.handle
    this.handle = null
    await h?.close().catch(() => undefined)
  }
}

/**
 * The files to upload for a local path: the file itself, or every file below a folder (links
 * are not followed, at most WALK_LIMITS deep and long). Paths are relative, with '/'.
 */
export async function localUploadList(path: string): Promise<(UploadFile & { source: LocalFileSource })[]> {
  const top = await lstat(path)
  const name = basename(path)
  if (top.isFile()) return [{ path: name, source: new LocalFileSource(path, top.size, top.mtimeMs) }]
  if (!top.isDirectory()) throw filesError('FILES_LOCAL', `${path} is neither a file nor a folder`)
  const out: (UploadFile & { source: LocalFileSource })[] = []
  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    if (depth > WALK_LIMITS.depth) throw filesError('FILES_LIMIT', `${dir} is more than ${WALK_LIMITS.depth} folders deep`)
    for await (const e of await opendir(dir)) {
      if (out.length >= WALK_LIMITS.entries) throw filesError('FILES_LIMIT', `more than ${WALK_LIMITS.entries} files`)
      const full = join(dir, e.name)
      if (e.isDirectory()) await walk(full, `${rel}/${e.name}`, depth + 1)
      else if (e.isFile()) {
        const s = await lstat(full)
        out.push({ path: `${rel}/${e.name}`, source: new LocalFileSource(full, s.size, s.mtimeMs) })
      }
    }
  }
  await walk(path, name, 1)
  return out
}
