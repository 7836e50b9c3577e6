/** Two RGBA pictures, row by row, R in the low byte of each word. */
export interface Picture {
  width: number
  height: number
  words: Uint32Array
}

/**
 * Where two pictures differ: null when identical, else the number of differing pixels, their
 * bounding box and the first one with both values (RGBA words as hex, R in the low byte).
 */
export function pictureDifference(ours: Picture, peer: Picture): string | null {
  if (ours.width !== peer.width || ours.height !== peer.height) {
    return `sizes differ: ${ours.width}x${ours.height} against ${peer.width}x${peer.height}`
  }
  const a = ours.words
  const b = peer.words
  const W = ours.width
  let count = 0
  let first = -1
  let x0 = W
  let y0 = ours.height
  let x1 = -1
  let y1 = -1
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue
    if (count++ === 0) first = i
    const x = i % W
    const y = (i - x) / W
    if (x < x0) x0 = x
    if (x > x1) x1 = x
    if (y < y0) y0 = y
    if (y > y1) y1 = y
  }
  if (count === 0) return null
  const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`
  return (
    `${count} pixels differ within ${x1 - x0 + 1}x${y1 - y0 + 1}+${x0}+${y0}; ` +
    `first at (${first % W},${Math.floor(first / W)}): ours ${hex(a[first])}, noVNC ${hex(b[first])}`
  )
}
