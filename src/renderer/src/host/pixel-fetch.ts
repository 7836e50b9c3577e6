import { PIXELS_CREDENTIAL_HEADER, PIXELS_PATH } from '@shared/ws-codec'

/** Longest a fetch of a frame's pixels may take (8 MB over localhost takes tens of ms). */
const FETCH_TIMEOUT_MS = 20_000

/**
 * Reads pixels the host offered by ticket (ws-codec.ts "Fetched pixels") into `into`, with a BYOB
 * reader: the body lands in memory the page reuses, with no ArrayBuffer made per frame. The read
 * moves `into`'s buffer; what comes back is the same memory in a new buffer, `length` bytes
 * filled. Throws unless the body is exactly `length` bytes.
 */
export async function fetchPixels(credential: string, ticket: string, into: Uint8Array, length: number): Promise<Uint8Array> {
  if (into.length < length) throw new RangeError(`${into.length} bytes of memory for ${length}`)
  const r = await fetch(`${PIXELS_PATH}?t=${encodeURIComponent(ticket)}`, {
    headers: { [PIXELS_CREDENTIAL_HEADER]: credential },
    credentials: 'omit',
    cache: 'no-store',
    // A host that never answers must not hold the page's messages back for ever.
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  })
  if (!r.ok || !r.body) throw new Error(`pixels not fetched (HTTP ${r.status})`)
  if (r.headers.get('content-length') !== String(length)) throw new Error(`pixels of ${r.headers.get('content-length')} bytes, not ${length}`)
  const reader = r.body.getReader({ mode: 'byob' })
  let buffer = into.buffer as ArrayBuffer
  // Read now: once the first read has moved the buffer, `into` is empty.
  const start = into.byteOffset
  const size = into.length
  let at = 0
  let done = false
  try {
    while (at < length) {
      const r = await reader.read(new Uint8Array(buffer, start + at, length - at))
      // The view passed in is transferred: what comes back (empty at the end) holds the memory.
      if (r.value) buffer = r.value.buffer as ArrayBuffer
      if ((done = r.done)) break
      at += r.value.byteLength
    }
    // The end seen, not cancelled: a cancelled body would cost the connection, and a new one per frame.
    if (!done) done = (await reader.read(new Uint8Array(1))).done
  } finally {
    if (!done) void reader.cancel().catch(() => {})
  }
  if (at !== length || !done) throw new Error(`pixels of a size other than ${length} bytes`)
  return new Uint8Array(buffer, start, size)
}
