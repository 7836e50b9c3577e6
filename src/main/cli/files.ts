import { accessSync, constants, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { CliError, EXIT, errnoWords } from './exit-codes'

/** A local file that cannot be read or written (exit code 9); the message names it and says why. */
export class FileError extends CliError {
  constructor(message: string, cause?: unknown) {
    super(EXIT.FILE, message, { cause })
  }
}

function because(e: unknown): string {
  return errnoWords(e as NodeJS.ErrnoException)
}

/** Reads `path` whole; `what` names it for the user ("password file", "recording"). */
export function readLocalFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path)
  } catch (e) {
    throw new FileError(`cannot read the ${what} ${path}: ${because(e)}`, e)
  }
}

/**
 * Fails early, before any connection is made, when `path` cannot be written: its folder missing,
 * not a folder or not writable, or `path` itself a folder or read-only. Writing may still fail
 * later (a full disk); {@link writeLocalFile} reports that the same way.
 */
export function checkWritable(path: string, what: string): void {
  const folder = dirname(resolve(path))
  try {
    if (!statSync(folder).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' })
    accessSync(folder, constants.W_OK)
  } catch (e) {
    throw new FileError(`cannot write the ${what} ${path}: the folder ${folder}: ${because(e)}`, e)
  }
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' })
    accessSync(path, constants.W_OK)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
    throw new FileError(`cannot write the ${what} ${path}: ${because(e)}`, e)
  }
}

/** Writes `data` to `path` (replacing it); a failure becomes a {@link FileError}. */
export function writeLocalFile(path: string, data: Uint8Array, what: string): void {
  try {
    writeFileSync(path, data)
  } catch (e) {
    throw new FileError(`cannot write the ${what} ${path}: ${because(e)}`, e)
  }
}
