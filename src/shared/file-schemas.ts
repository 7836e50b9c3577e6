import * as v from 'valibot'
import { FILE_LIMITS } from './file-transfer'
import { array, boolean, checked, int, literal, object, optional, string } from './validate'

/**
 * The `files.*` requests' schemas (schemas.ts adds them to the table). Paths are the server's own
 * (any separator); the host checks every name again before it touches the local disk.
 */

const sessionId = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ })
/** A random UUID the host made. */
const hostId = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9-]+$/ })
const remotePath = string({ min: 1, max: FILE_LIMITS.path, pattern: /^[^\0]+$/ })
const remoteName = string({ min: 1, max: FILE_LIMITS.name, pattern: /^[^\0/\\]+$/ })
/** A local folder: an absolute path (Unix or Windows), nothing relative. */
/** An absolute local folder path (POSIX, drive letter or UNC), as the user typed or chose it. */
export const localFolder = string({ min: 1, max: FILE_LIMITS.path, pattern: /^(\/|[A-Za-z]:[\\/]|\\\\)[^\0]*$/ })
const bytes = int(0, Number.MAX_SAFE_INTEGER)

/** Bytes, at most `max` of them. */
function data(max: number) {
  return checked(
    v.pipe(
      v.custom<Uint8Array>((x) => x instanceof Uint8Array, 'must be bytes'),
      v.check((b) => b.length <= max, `must be at most ${max} bytes`),
    ),
  )
}

export const fileRequestSchemas = {
  'files.open': object({ sessionId }),
  'files.list': object({ sessionId, path: remotePath }),
  'files.download': object({ sessionId, folder: remotePath, names: array(remoteName, FILE_LIMITS.downloadPaths), localFolder: optional(localFolder) }),
  'files.upload': object({
    sessionId,
    folder: remotePath,
    files: array(object({ path: string({ min: 1, max: FILE_LIMITS.path, pattern: /^[^\0\\]+$/ }), size: bytes, modified: bytes }), FILE_LIMITS.uploadFiles),
  }),
  'files.data': object({ sessionId, transferId: hostId, file: int(0, FILE_LIMITS.uploadFiles), offset: bytes, data: data(FILE_LIMITS.chunk) }),
  'files.cancel': object({ sessionId, transferId: hostId }),
  'files.answer': object({ sessionId, questionId: hostId, answer: literal('replace', 'skip', 'keep-both', 'resume'), all: optional(boolean()) }),
  'files.mkdir': object({ sessionId, path: remotePath }),
  'files.delete': object({ sessionId, path: remotePath }),
  'files.rename': object({ sessionId, from: remotePath, to: remotePath }),
}
