import { RfbProtocolError } from '../errors'
import { PALETTE_IN, PALETTE_MAX, PALETTE_OUT, type PaletteKernel, paletteKernel } from './palette-kernel'

/** Word loads see the first byte in the low bits only where words are little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1
/**
 * Palette rects at least this wide and this large go through the WebAssembly palette kernel:
 * below them the copies in and out and a call per row cost more than the loop saves.
 */
const KERNEL_MIN_WIDTH = 64
const KERNEL_MIN_PIXELS = 4096

function indexError(src: Uint8Array, from: number, to: number, size: number, at: number): void {
  for (let i = from; i < to; i++) {
    if (src[i] >= size) throw new RfbProtocolError(`Tight palette index ${src[i]} beyond the ${size}-colour palette`, at, 'RFB_ERR_TIGHT')
  }
}

/**
 * Tight's 2-colour palette filter: 1 bit per pixel, most significant bit leftmost, each row
 * padded to a whole byte; w*h pixels into rows `stride` apart from `out[o]`.
 */
export function drawMono(src: Uint8Array, out: Uint32Array, o: number, stride: number, w: number, h: number, palette: Uint32Array): void {
  const c0 = palette[0]
  const c1 = palette[1]
  const full = w >> 3
  let s = 0
  for (let r = 0; r < h; r++, o += stride) {
    let d = o
    // Eight pixels per byte, unrolled: the per-pixel shift and index were a quarter of Tight's time.
    for (let k = 0; k < full; k++, d += 8) {
      const b = src[s++]
      out[d] = b & 0x80 ? c1 : c0
      out[d + 1] = b & 0x40 ? c1 : c0
      out[d + 2] = b & 0x20 ? c1 : c0
      out[d + 3] = b & 0x10 ? c1 : c0
      out[d + 4] = b & 0x08 ? c1 : c0
      out[d + 5] = b & 0x04 ? c1 : c0
      out[d + 6] = b & 0x02 ? c1 : c0
      out[d + 7] = b & 0x01 ? c1 : c0
    }
    if (w & 7) {
      const b = src[s++]
      for (let c = 0, e = w & 7; c < e; c++) out[d + c] = (b << c) & 0x80 ? c1 : c0
    }
  }
}

/**
 * Tight's palette filter with 3-256 colours: one index byte per pixel. `palette` has 256
 * entries and those from `size` on are 0, which no palette colour is (they are opaque: alpha
 * 0xff sets bit 31), so instead of a compare and branch per pixel the words are ANDed and an
 * index out of range shows as a clear bit 31 at a row's (or kernel call's) end, before the
 * kernel's rows are stored; the indices are then scanned for the one to report.
 */
export function drawIndexed(
  src: Uint8Array,
  out: Uint32Array,
  o: number,
  stride: number,
  w: number,
  h: number,
  palette: Uint32Array,
  size: number,
  at: number,
): void {
  if (w >= KERNEL_MIN_WIDTH && w <= PALETTE_MAX && w * h >= KERNEL_MIN_PIXELS) {
    const k = paletteKernel()
    if (k) {
      indexedViaKernel(k, src, out, o, stride, w, h, palette, size, at)
      return
    }
  }
  // A view per rect, not kept: it would hold a closed session's inflate buffer.
  const words = new Uint32Array(src.buffer, 0, src.buffer.byteLength >> 2)
  for (let r = 0, s = 0; r < h; r++, o += stride) {
    let all = -1
    let d = o
    const e = o + w
    // Four indices per word load where the row starts on a word (inflated data starts at 0 of
    // the inflater's buffer and rows are often a multiple of 4 wide), then byte by byte.
    if (LITTLE_ENDIAN && ((src.byteOffset + s) & 3) === 0) {
      for (let i = (src.byteOffset + s) >> 2; d + 4 <= e; d += 4, s += 4, i++) {
        const v = words[i]
        const a = palette[v & 0xff]
        const b = palette[(v >>> 8) & 0xff]
        const c = palette[(v >>> 16) & 0xff]
        const f = palette[v >>> 24]
        out[d] = a
        out[d + 1] = b
        out[d + 2] = c
        out[d + 3] = f
        all &= a & b & c & f
      }
    }
    for (; d < e; d++, s++) {
      const v = palette[src[s]]
      out[d] = v
      all &= v
    }
    if (all >= 0) indexError(src, s - w, s, size, at)
  }
}

/** drawIndexed through the WebAssembly kernel: as many whole rows per call as its memory takes. */
function indexedViaKernel(
  k: PaletteKernel,
  src: Uint8Array,
  out: Uint32Array,
  o: number,
  stride: number,
  w: number,
  h: number,
  palette: Uint32Array,
  size: number,
  at: number,
): void {
  k.words.set(palette, 0)
  const rowsPerCall = Math.floor(PALETTE_MAX / w)
  const outWord = PALETTE_OUT >> 2
  for (let r = 0, s = 0; r < h;) {
    const rows = Math.min(rowsPerCall, h - r)
    const n = rows * w
    k.bytes.set(src.subarray(s, s + n), PALETTE_IN)
    if (k.lookup(n) >= 0) indexError(src, s, s + n, size, at)
    if (stride === w) {
      out.set(k.words.subarray(outWord, outWord + n), o)
      o += n
    } else {
      for (let i = 0; i < rows; i++, o += stride) out.set(k.words.subarray(outWord + i * w, outWord + i * w + w), o)
    }
    r += rows
    s += n
  }
}
