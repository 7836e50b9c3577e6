/** Longest entry name accepted from a server, in UTF-16 units (every common file system stops at 255). */
export const MAX_REMOTE_NAME_LENGTH = 255

/**
 * Whether a name a server listed can stand for one entry of a folder: not empty, not `.` or
 * `..`, no separator of either family, no NUL or other control character, not over-long. A
 * hostile server's `../x` or `a/b` never reaches a path the app builds.
 */
export function isPlainRemoteName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_REMOTE_NAME_LENGTH || name === '.' || name === '..') return false
  // eslint-disable-next-line no-control-regex
  return !/[/\\\u0000-\u001f\u007f]/.test(name)
}
