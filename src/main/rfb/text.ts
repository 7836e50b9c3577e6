const utf8 = new TextDecoder('utf-8', { fatal: true })
const latin1 = new TextDecoder('latin1')

/**
 * Server strings (reasons, desktop names): UTF-8 when valid, else Latin-1, which RFB used
 * historically. Trailing NULs are dropped (QEMU ends its reasons with one); nothing else changes.
 */
export function decodeServerString(bytes: Uint8Array): string {
  let end = bytes.length
  while (end > 0 && bytes[end - 1] === 0) end--
  const b = bytes.subarray(0, end)
  try {
    return utf8.decode(b)
  } catch {
    return latin1.decode(b)
  }
}

/** ISO 8859-1 text, as ServerCutText carries it (RFC 6143 §7.6.4). */
export function decodeLatin1(bytes: Uint8Array): string {
  return latin1.decode(bytes)
}
