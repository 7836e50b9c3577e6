import type { SessionError } from '@shared/contract'
import type { ErrorCode } from '@shared/error-codes'
import type { FileAnswer, FileQuestion } from '@shared/file-transfer'
import type { RemoteFiles } from '../../rfb/file-transfer/remote-files'
import { HostError, hostError, toSessionError } from '../errors'
import { LocalFolderError } from './local-folder'
import { UnsafeNameError } from './safe-name'

/** Bounds on what one transfer walks, whatever the server lists. */
export const WALK_LIMITS = {
  /** Folders deep below what was asked for. */
  depth: 32,
  /** Files and folders in one transfer. */
  entries: 10_000,
  /** Bytes a download may run past the size the listing gave (a file growing meanwhile) before it is stopped. */
  overrun: 16 * 1024 * 1024,
  /** "name (2)" ... "name (999)": then the folder is too full of copies. */
  copies: 999,
} as const

/** What a job asks the user before it would overwrite; the manager adds the ids. */
export type ConflictQuestion = Omit<FileQuestion, 'questionId' | 'transferId' | 'direction'>

/** Counts what a transfer has done, for its progress events. */
export class Tally {
  bytesDone = 0
  bytesTotal = 0
  filesDone = 0
  filesTotal = 0
  filesSkipped = 0
  current: string | undefined

  constructor(private readonly changed: () => void) {}

  /** Bytes moved (or found already there on a resume). */
  addBytes(n: number): void {
    this.bytesDone += n
    if (this.bytesDone > this.bytesTotal) this.bytesTotal = this.bytesDone
    this.changed()
  }

  /** One more file done, or skipped (its bytes then leave the total). */
  fileEnded(skipped: boolean, size = 0): void {
    if (skipped) {
      this.filesSkipped++
      this.bytesTotal = Math.max(this.bytesDone, this.bytesTotal - size)
    } else this.filesDone++
    this.changed()
  }
}

/** What a job is given: the server's files, the user to ask, its tally, and its cancel signal. */
export interface JobContext {
  remote: RemoteFiles
  ask(question: ConflictQuestion): Promise<FileAnswer>
  tally: Tally
  signal: AbortSignal
}

/** A file-transfer error with a code from the closed list. */
export function filesError(code: ErrorCode, message: string): HostError {
  const kind = code === 'FILES_UNSUPPORTED' ? 'unsupported' : code === 'FILES_BAD_NAME' || code === 'FILES_LIMIT' ? 'protocol' : 'refused'
  return hostError(kind, code, message)
}

/** Any failure of a transfer as the user is shown it: names, local folders and disk errors get their own codes. */
export function transferError(e: unknown): SessionError {
  if (e instanceof UnsafeNameError) return { kind: 'protocol', code: 'FILES_BAD_NAME', message: e.message }
  if (e instanceof LocalFolderError) return { kind: 'refused', code: 'FILES_LOCAL', message: e.message }
  if (e instanceof HostError) return e.error
  const errno = e as NodeJS.ErrnoException
  if (e instanceof Error && typeof errno.code === 'string' && typeof errno.syscall === 'string')
    return { kind: 'refused', code: 'FILES_LOCAL', message: `cannot write ${errno.path ?? 'a local file'}: ${e.message.replace(/^E[A-Z]+: /, '')}` }
  return toSessionError(e).error
}

/** Checks a size the server gave before it is added up or compared. */
export function checkSize(size: number, name: string): number {
  if (!Number.isSafeInteger(size) || size < 0) throw filesError('FILES_LIMIT', `the server gave an impossible size for "${name}"`)
  return size
}
