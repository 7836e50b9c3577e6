import { FILE_LIMITS } from '@shared/file-transfer'
import type { UploadSource } from '../../rfb/file-transfer/remote-files'
import { filesError } from './job-context'

/** What the renderer is asked for: `length` bytes of upload file `file` from `offset`. */
export interface ChunkRequest {
  file: number
  offset: number
  length: number
}

/**
 * An uploaded file whose bytes are in the renderer (a dropped or picked File): the host asks for
 * one chunk at a time (a `files.need` event) and the renderer answers with `files.data`. At most
 * one chunk (FILE_LIMITS.chunk) is held, and only what was asked for is taken: the renderer cannot
 * push more than the protocol reads.
 */
export class RendererSource implements UploadSource {
  private held: { offset: number; bytes: Uint8Array } | null = null
  private waiting: { request: ChunkRequest; resolve: (bytes: Uint8Array) => void; reject: (e: unknown) => void } | null = null

  constructor(
    readonly file: number,
    readonly size: number,
    readonly modified: number,
    private readonly ask: (request: ChunkRequest) => void,
  ) {}

  async read(offset: number, max: number): Promise<Uint8Array> {
    if (offset >= this.size || max <= 0) return new Uint8Array(0)
    const held = this.held
    if (held && offset >= held.offset && offset < held.offset + held.bytes.length) {
      const from = offset - held.offset
      return held.bytes.subarray(from, from + Math.min(max, held.bytes.length - from))
    }
    if (this.waiting) throw new Error('one read at a time')
    const request = { file: this.file, offset, length: Math.min(FILE_LIMITS.chunk, this.size - offset) }
    const bytes = await new Promise<Uint8Array>((resolve, reject) => {
      this.waiting = { request, resolve, reject }
      this.ask(request)
    })
    this.held = { offset, bytes }
    return bytes.subarray(0, Math.min(max, bytes.length))
  }

  /** The renderer's answer to the chunk asked for; anything else is refused. A short answer means the file ended early. */
  supply(file: number, offset: number, bytes: Uint8Array): void {
    const w = this.waiting
    if (!w || w.request.file !== file || w.request.offset !== offset || bytes.length > w.request.length)
      throw filesError('FILES_UNKNOWN_TRANSFER', 'no such chunk was asked for')
    this.waiting = null
    if (bytes.length === 0) w.reject(filesError('FILES_LOCAL', 'the file ended before its size: it changed or cannot be read any more'))
    else w.resolve(bytes)
  }

  /** Ends a waiting read (the transfer was cancelled or the session ended). */
  fail(e: unknown): void {
    const w = this.waiting
    this.waiting = null
    w?.reject(e)
  }
}
