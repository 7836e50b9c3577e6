/**
 * Paths on the server, in its own separator ('/' on Unix servers, '\\' on Windows ones). The host
 * builds them only by joining a folder the server listed (or the user typed) with one checked name.
 */

type Separator = '/' | '\\'

/** `folder` + `name`, with one separator between them ("C:\\" + "x" is "C:\\x", "/" + "x" is "/x"). */
export function remoteJoin(folder: string, name: string, sep: Separator): string {
  if (folder === '') return name
  return folder.endsWith(sep) ? `${folder}${name}` : `${folder}${sep}${name}`
}

/** The last name of a remote path ("/a/b/" gives "b"). */
export function remoteBaseName(path: string, sep: Separator): string {
  const trimmed = trimEnd(path, sep)
  return trimmed.slice(trimmed.lastIndexOf(sep) + 1)
}

/** The folder holding a remote path ("/a/b" gives "/a", "/a" gives "/", "C:\\x" gives "C:\\"), or null for a root. */
export function remoteParent(path: string, sep: Separator): string | null {
  const trimmed = trimEnd(path, sep)
  if (trimmed === sep || /^[A-Za-z]:[\\/]?$/.test(trimmed)) return null
  const at = trimmed.lastIndexOf(sep)
  if (at < 0) return null
  const parent = trimmed.slice(0, at)
  // The root itself keeps its separator: "/" on Unix, "C:\\" on Windows.
  return parent === '' || /^[A-Za-z]:$/.test(parent) ? `${parent}${sep}` : parent
}

function trimEnd(path: string, sep: Separator): string {
  let end = path.length
  while (end > 1 && path[end - 1] === sep && !/^[A-Za-z]:$/.test(path.slice(0, end - 1))) end--
  return path.slice(0, end)
}
