import type { SessionPreview } from '@shared/contract'

/** The mirror a preview is drawn from: RGBA words (R in the low byte), `width * height` of them. */
export interface MirrorPicture {
  width: number
  height: number
  words: Uint32Array
}

/**
 * A picture that fits in a `maxWidth` x `maxWidth` box with the mirror's aspect ratio (each side
 * at least 1), each output pixel the average of the mirror pixels it covers (a box filter, so fine
 * text becomes grey rather than noise); opaque. Never larger than the mirror: it is not scaled up.
 * The box, not just the width, bounds the reply: a server may report a desktop 16384 pixels tall
 * and a few hundred wide, and a wall polls previews every second or two. Reads each mirror pixel
 * once, so it costs in proportion to the mirror (480 columns for a 1920-wide desktop), not the
 * desktop. The result is a fresh copy.
 */
export function scalePreview(mirror: MirrorPicture, maxWidth: number): SessionPreview {
  const { width: mw, height: mh, words } = mirror
  const side = Math.max(1, Math.floor(maxWidth))
  let width = Math.max(1, Math.min(mw, side))
  let height = Math.max(1, Math.round((mh * width) / mw))
  if (height > side) {
    height = Math.min(mh, side)
    width = Math.max(1, Math.round((mw * height) / mh))
  }
  const rgba = new Uint8Array(width * height * 4)
  // Column spans first: every row of the output covers the same mirror columns.
  const x0 = new Int32Array(width)
  const x1 = new Int32Array(width)
  for (let x = 0; x < width; x++) {
    x0[x] = Math.floor((x * mw) / width)
    x1[x] = Math.max(x0[x] + 1, Math.floor(((x + 1) * mw) / width))
  }
  const sums = new Float64Array(width * 3)
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * mh) / height)
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * mh) / height))
    sums.fill(0)
    for (let my = y0; my < y1; my++) {
      const row = my * mw
      for (let x = 0; x < width; x++) {
        let r = 0
        let g = 0
        let b = 0
        for (let mx = x0[x]; mx < x1[x]; mx++) {
          const c = words[row + mx]
          r += c & 0xff
          g += (c >>> 8) & 0xff
          b += (c >>> 16) & 0xff
        }
        sums[x * 3] += r
        sums[x * 3 + 1] += g
        sums[x * 3 + 2] += b
      }
    }
    for (let x = 0; x < width; x++) {
      const n = (x1[x] - x0[x]) * (y1 - y0)
      const o = (y * width + x) * 4
      rgba[o] = Math.round(sums[x * 3] / n)
      rgba[o + 1] = Math.round(sums[x * 3 + 1] / n)
      rgba[o + 2] = Math.round(sums[x * 3 + 2] / n)
      rgba[o + 3] = 255
    }
  }
  return { width, height, rgba }
}
