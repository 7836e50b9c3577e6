// A ZYWRLE forward transform for tests, written from the structure of libvncserver's encoder
// (ZYWRLE_ANALYZE without its lossy coefficient filter): it turns a tile of pixel values into
// the coefficient pixels a server sends in the nested tile, so the decoder can be checked to
// reproduce the tile exactly for pixels whose colour transform loses nothing.

// The PLHaar step is its own inverse, so the encoder uses the decoder's.
import { harr } from '../../src/main/rfb/decoders/zywrle'

export type ZywrleLayout = 'rgb888' | 'rgb565' | 'rgb555'

function load(layout: ZywrleLayout, v: number): [number, number, number] {
  switch (layout) {
    case 'rgb888':
      return [(v >>> 16) & 255, (v >>> 8) & 255, v & 255]
    case 'rgb565':
      return [(v >>> 8) & 0xf8, (v >>> 3) & 0xfc, (v << 3) & 0xf8]
    case 'rgb555':
      return [(v >>> 7) & 0xf8, (v >>> 2) & 0xf8, (v << 3) & 0xf8]
  }
}

function save(layout: ZywrleLayout, r: number, g: number, b: number): number {
  switch (layout) {
    case 'rgb888':
      return (((r & 255) << 16) | ((g & 255) << 8) | (b & 255)) >>> 0
    case 'rgb565':
      return ((r & 0xf8) << 8) | ((g & 0xfc) << 3) | ((b & 0xf8) >> 3)
    case 'rgb555':
      return ((r & 0xf8) << 7) | ((g & 0xf8) << 2) | ((b & 0xf8) >> 3)
  }
}

/** `values` is a W*H tile of pixel values, row by row; returns the nested tile's pixels in order. */
export function zywrleAnalyze(values: ArrayLike<number>, W: number, H: number, level: number, layout: ZywrleLayout): number[] {
  const w = W & ~((1 << level) - 1)
  const h = H & ~((1 << level) - 1)
  if (w === 0 || h === 0) return Array.from(values)
  const rest: number[] = []
  for (let r = 0; r < h; r++) for (let c = w; c < W; c++) rest.push(values[r * W + c])
  for (let r = h; r < H; r++) for (let c = 0; c < w; c++) rest.push(values[r * W + c])
  for (let r = h; r < H; r++) for (let c = w; c < W; c++) rest.push(values[r * W + c])

  const yMask = layout === 'rgb888' ? -1 : layout === 'rgb565' ? -4 : -8
  const uvMask = layout === 'rgb888' ? -1 : -8
  const u = new Int8Array(w * h)
  const y = new Int8Array(w * h)
  const v = new Int8Array(w * h)
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const [R, G, B] = load(layout, values[r * W + c])
      let Y = ((R + 2 * G + B) >> 2) - 128
      let U = (B - G) >> 1
      let V = (R - G) >> 1
      Y &= yMask
      U &= uvMask
      V &= uvMask
      // The reference keeps coefficients in -127..127, where PLHaar is exactly reversible.
      if (Y === -128) Y -= yMask
      if (U === -128) U -= uvMask
      if (V === -128) V -= uvMask
      const i = r * w + c
      y[i] = Y
      u[i] = U
      v[i] = V
    }
  }
  for (let l = 0; l < level; l++) {
    const half = 1 << l
    const step = 2 << l
    for (let r = 0; r < h; r += half) {
      for (let k = 0, i = r * w; k < w >> (l + 1); k++, i += step) for (const p of [u, y, v]) harr(p, i, i + half)
    }
    for (let c = 0; c < w; c += half) {
      for (let k = 0, i = c; k < h >> (l + 1); k++, i += step * w) for (const p of [u, y, v]) harr(p, i, i + half * w)
    }
  }
  const out: number[] = []
  for (let l = 0; l < level; l++) {
    const step = 2 << l
    const half = step >> 1
    const bands = l === level - 1 ? [3, 2, 1, 0] : [3, 2, 1]
    for (const band of bands) {
      for (let r = band & 2 ? half : 0; r < h; r += step) {
        for (let c = band & 1 ? half : 0; c < w; c += step) {
          const i = r * w + c
          out.push(save(layout, v[i], y[i], u[i]))
        }
      }
    }
  }
  return [...out, ...rest]
}
