/**
 * Checks a name that came from the server (or from a dropped folder) before it becomes part of a
 * local path. A name is one path component and nothing else: a server that lists "../../x",
 * "/etc/passwd", "a\\b" or "con" must not make us write anywhere but inside the chosen folder.
 */

/** Longest name in UTF-8 bytes: what ext4, NTFS (UTF-16 units, which this bounds) and APFS take. */
export const MAX_NAME_BYTES = 255

/** Windows refuses these as file names, with any extension ("con.txt" too), in any case. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i

/** Characters Windows does not allow in names. */
const WINDOWS_FORBIDDEN = /[<>:"|?*]/

/**
 * C0 and C1 controls, DEL, and the bidirectional overrides and isolates that make "gpj.exe"
 * look like "exe.jpg" in a list.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

/** Why a name was refused, in words for the user. */
export class UnsafeNameError extends Error {
  override name = 'UnsafeNameError'
  constructor(
    readonly badName: string,
    reason: string,
  ) {
    super(`the name "${printable(badName)}" was refused: ${reason}`)
  }
}

/** The name with controls shown as \uXXXX and cut to 80 characters, safe to put in a message or a log. */
export function printable(name: string): string {
  const shown = name.slice(0, 80).replace(new RegExp(CONTROL_OR_BIDI, 'g'), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return name.length > 80 ? `${shown}…` : shown
}

/** Why `name` may not be used as one local path component, or null when it may. */
export function unsafeNameReason(name: string, platform: NodeJS.Platform = process.platform): string | null {
  if (name.length === 0) return 'it is empty'
  if (name === '.' || name === '..') return 'it names a folder above or itself'
  if (name.includes('/') || name.includes('\\')) return 'it holds a path separator'
  if (CONTROL_OR_BIDI.test(name)) return 'it holds control characters'
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return `it is longer than ${MAX_NAME_BYTES} bytes`
  if (platform === 'win32') {
    // Windows drops trailing dots and spaces, so "x." would land on "x"; "con.txt" opens the console device.
    if (/[. ]$/.test(name)) return 'it ends in a dot or a space'
    if (WINDOWS_FORBIDDEN.test(name)) return 'it holds a character Windows does not allow'
    if (WINDOWS_RESERVED.test(name)) return 'it is a device name on Windows'
  }
  return null
}

/** Returns `name` when it is safe as one local path component; throws UnsafeNameError otherwise. */
export function checkName(name: string, platform: NodeJS.Platform = process.platform): string {
  const reason = unsafeNameReason(name, platform)
  if (reason) throw new UnsafeNameError(name, reason)
  return name
}

/**
 * Splits a relative path from the renderer ("photos/2026/a.jpg", of a dropped folder) into its
 * names, each checked; at most `maxDepth` of them.
 */
export function checkRelativePath(path: string, maxDepth: number, platform: NodeJS.Platform = process.platform): string[] {
  const parts = path.split('/')
  if (parts.length > maxDepth) throw new UnsafeNameError(path, `it is more than ${maxDepth} folders deep`)
  return parts.map((p) => checkName(p, platform))
}

/**
 * "name (2).ext" for the n-th copy: the number goes before the last extension, as file managers
 * do; a name that starts with a dot (".bashrc") has no extension.
 */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.')
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, '']
  return `${stem} (${n})${ext}`
}
