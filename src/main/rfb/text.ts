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

/** Most characters of server text a message quotes: a reason may be 64 KiB, more than anyone reads in an error. */
export const MAX_QUOTED_CHARS = 300

// Controls (terminal escape sequences, line breaks) and bidi overrides, which could disguise the text around them.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g

const escaped = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/**
 * Server text (a reason, a desktop name) as a message or a terminal line may show it: every
 * control and bidi override written as \uXXXX, so it can neither start a terminal escape sequence
 * nor forge a line of its own, and cut to {@link MAX_QUOTED_CHARS} characters.
 */
export function quotable(text: string): string {
  const cut = text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text
  return cut.replace(UNPRINTABLE, escaped)
}

/** A line for a terminal: like {@link quotable} but uncut, and line breaks and tabs kept (help text, tables). */
export function terminalSafe(line: string): string {
  return line.replace(UNPRINTABLE, (c) => (c === '\n' || c === '\t' ? c : escaped(c)))
}
