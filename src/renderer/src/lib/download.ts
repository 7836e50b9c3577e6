/**
 * Saves a blob as a file through the browser's download path (Electron shows its save dialog).
 * The object URL is revoked after the click has been handled.
 */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** A file-name-safe stamp like 2024-05-01-13-45-07. */
export function fileStamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`
}

/** A string usable in a file name: no path separators or control characters. */
export function safeFileName(s: string): string {
  let out = ''
  for (const ch of s) out += ch < ' ' || '\\/:*?"<>|'.includes(ch) ? '_' : ch
  return out.replace(/_+/g, '_').trim() || 'tessera'
}
