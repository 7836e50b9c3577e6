/**
 * The encoding lists of every SetEncodings message (RFC 6143 §7.5.2) among the client's writes,
 * oldest first; each write the engine makes is one whole message.
 */
export function setEncodingsSent(written: readonly Uint8Array[]): number[][] {
  const lists: number[][] = []
  for (const w of written) {
    if (w.length < 4 || w[0] !== 2) continue
    const view = new DataView(w.buffer, w.byteOffset, w.byteLength)
    const count = view.getUint16(2)
    if (w.length !== 4 + 4 * count) continue
    lists.push(Array.from({ length: count }, (_, i) => view.getInt32(4 + 4 * i)))
  }
  return lists
}

/** The encoding list of the latest SetEncodings message; fails the test when there is none. */
export function lastSetEncodings(written: readonly Uint8Array[]): number[] {
  const all = setEncodingsSent(written)
  if (!all.length) throw new Error('the client sent no SetEncodings message')
  return all[all.length - 1]
}

/** The pseudo-encodings that tune JPEG and zlib (quality, fine quality, subsampling, compression), in sent order. */
export function tuningOf(encodings: readonly number[]): number[] {
  return encodings.filter((e) => (e >= -32 && e <= -23) || (e >= -512 && e <= -412) || (e >= -768 && e <= -763) || (e >= -256 && e <= -247))
}
