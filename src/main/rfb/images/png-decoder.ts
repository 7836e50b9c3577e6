import { crc32, inflateSync } from 'node:zlib'

/** Why a PNG could not be decoded; the caller turns it into its own protocol error. */
export class PngError extends Error {}

/** A PNG's pixels as RGBA words (R in the low byte), alpha forced opaque. */
export interface PngPixels {
  width: number
  height: number
  words: Uint32Array
}

/** IHDR fields (ISO 15948 §11.2.2). */
interface Header {
  width: number
  height: number
  depth: number
  colourType: number
  interlaced: boolean
}

/** Bit depths allowed per colour type (§11.2.2 Table 11.1). */
const DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
}
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }

/** Adam7 passes (§8.2): first column, first row, column step, row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const

const u32 = (b: Uint8Array, o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0

function readHeader(b: Uint8Array): Header {
  const width = u32(b, 0)
  const height = u32(b, 4)
  const depth = b[8]
  const colourType = b[9]
  if (!DEPTHS[colourType]?.includes(depth)) throw new PngError(`colour type ${colourType} with bit depth ${depth}`)
  if (b[10] !== 0 || b[11] !== 0 || b[12] > 1) throw new PngError('unknown compression, filter or interlace method')
  return { width, height, depth, colourType, interlaced: b[12] === 1 }
}

/** Bytes of one filtered row of `w` pixels, without its filter byte. */
function rowBytes(h: Header, w: number): number {
  return Math.ceil((w * CHANNELS[h.colourType] * h.depth) / 8)
}

/** The passes' sizes in pixels (one pass when not interlaced). */
function passes(h: Header): { x0: number; y0: number; dx: number; dy: number; w: number; h: number }[] {
  if (!h.interlaced) return [{ x0: 0, y0: 0, dx: 1, dy: 1, w: h.width, h: h.height }]
  return ADAM7.map(([x0, y0, dx, dy]) => ({
    x0,
    y0,
    dx,
    dy,
    w: h.width > x0 ? Math.ceil((h.width - x0) / dx) : 0,
    h: h.height > y0 ? Math.ceil((h.height - y0) / dy) : 0,
  }))
}

/** Exactly how many bytes the image data inflates to (§7.2, §8.2): rows with their filter bytes. */
function inflatedSize(h: Header): number {
  let n = 0
  for (const p of passes(h)) if (p.w > 0 && p.h > 0) n += p.h * (1 + rowBytes(h, p.w))
  return n
}

/** Reverses the filter of every row in place (§9); `bpp` is the bytes per complete pixel, at least 1. */
function unfilter(data: Uint8Array, start: number, rows: number, stride: number, bpp: number): void {
  for (let r = 0; r < rows; r++) {
    const f = start + r * (stride + 1)
    const o = f + 1
    const up = r === 0 ? -1 : o - stride - 1
    const type = data[f]
    switch (type) {
      case 0:
        break
      case 1:
        for (let i = bpp; i < stride; i++) data[o + i] = (data[o + i] + data[o + i - bpp]) & 255
        break
      case 2:
        if (up >= 0) for (let i = 0; i < stride; i++) data[o + i] = (data[o + i] + data[up + i]) & 255
        break
      case 3:
        for (let i = 0; i < stride; i++) {
          const a = i >= bpp ? data[o + i - bpp] : 0
          const b = up >= 0 ? data[up + i] : 0
          data[o + i] = (data[o + i] + ((a + b) >> 1)) & 255
        }
        break
      case 4:
        for (let i = 0; i < stride; i++) {
          const a = i >= bpp ? data[o + i - bpp] : 0
          const b = up >= 0 ? data[up + i] : 0
          const c = i >= bpp && up >= 0 ? data[up + i - bpp] : 0
          const p = a + b - c
          const pa = Math.abs(p - a)
          const pb = Math.abs(p - b)
          const pc = Math.abs(p - c)
          data[o + i] = (data[o + i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 255
        }
        break
      default:
        throw new PngError(`unknown row filter ${type}`)
    }
  }
}

/** Turns unfiltered rows of one pass into opaque RGBA words at their places in `out`. */
function place(h: Header, palette: Uint32Array, data: Uint8Array, start: number, p: ReturnType<typeof passes>[number], out: Uint32Array): void {
  const stride = rowBytes(h, p.w)
  const { depth, colourType } = h
  const big = depth === 16 ? 2 : 1
  for (let r = 0; r < p.h; r++) {
    const row = start + r * (stride + 1) + 1
    let o = (p.y0 + r * p.dy) * h.width + p.x0
    if (depth < 8) {
      // Grey or palette samples packed high bit first; grey is scaled to 0-255 as lodepng does.
      const max = (1 << depth) - 1
      for (let x = 0; x < p.w; x++, o += p.dx) {
        const bit = x * depth
        const v = (data[row + (bit >> 3)] >> (8 - depth - (bit & 7))) & max
        out[o] = colourType === 3 ? palette[v] : 0xff000000 | (((v * 255) / max) * 0x010101)
      }
      continue
    }
    // 8 and 16 bits: the most significant byte of each sample (lodepng's conversion to 8 bits).
    const step = CHANNELS[colourType] * big
    let s = row
    if (colourType === 2 || colourType === 6) {
      for (let x = 0; x < p.w; x++, o += p.dx, s += step) out[o] = 0xff000000 | (data[s + 2 * big] << 16) | (data[s + big] << 8) | data[s]
    } else if (colourType === 3) {
      for (let x = 0; x < p.w; x++, o += p.dx, s += step) out[o] = palette[data[s]]
    } else {
      for (let x = 0; x < p.w; x++, o += p.dx, s += step) out[o] = 0xff000000 | (data[s] * 0x010101)
    }
  }
}

/**
 * Decodes a PNG (ISO 15948) to opaque RGBA, all colour types, bit depths and interlacing, with
 * the size fixed in advance: IHDR must declare exactly `width` x `height`, and the image data is
 * inflated with its output capped at the exact size such an image needs, so a small PNG that
 * inflates to gigabytes stops at the first byte too many. Chunk CRCs are checked; ancillary
 * chunks are skipped; a palette index past the palette is black (as lodepng and browsers do).
 * Throws PngError for anything malformed.
 */
export function decodePng(data: Uint8Array, width: number, height: number): PngPixels {
  let header: Header | null = null
  let palette: Uint32Array | null = null
  const idat: Uint8Array[] = []
  let idatBytes = 0
  let ended = false
  let at = 8
  while (at < data.length) {
    if (at + 12 > data.length) throw new PngError('truncated chunk')
    const length = u32(data, at)
    if (length > data.length - at - 12) throw new PngError('truncated chunk')
    const type = String.fromCharCode(data[at + 4], data[at + 5], data[at + 6], data[at + 7])
    const body = data.subarray(at + 8, at + 8 + length)
    if (crc32(data.subarray(at + 4, at + 8 + length)) !== u32(data, at + 8 + length)) throw new PngError(`bad CRC in ${type}`)
    at += 12 + length
    if (!header && type !== 'IHDR') throw new PngError(`${type} before IHDR`)
    if (type === 'IHDR') {
      if (header || length !== 13) throw new PngError('bad IHDR')
      header = readHeader(body)
      if (header.width !== width || header.height !== height) {
        throw new PngError(`image of ${header.width}x${header.height} in a ${width}x${height} rect`)
      }
    } else if (type === 'PLTE') {
      if (length % 3 !== 0 || length > 768) throw new PngError('bad PLTE')
      palette = new Uint32Array(256).fill(0xff000000)
      for (let i = 0; i < length / 3; i++) palette[i] = 0xff000000 | (body[i * 3 + 2] << 16) | (body[i * 3 + 1] << 8) | body[i * 3]
    } else if (type === 'IDAT') {
      idat.push(body)
      idatBytes += length
    } else if (type === 'IEND') {
      ended = true
      break
    } else if (!(type.charCodeAt(0) & 0x20)) {
      throw new PngError(`unknown critical chunk ${type}`) // §5.4: a lower-case first letter means ancillary
    }
  }
  if (!header || !ended) throw new PngError('no IEND')
  if (header.colourType === 3 && !palette) throw new PngError('indexed colour without PLTE')
  const expected = inflatedSize(header)
  let raw: Uint8Array
  try {
    raw = inflateSync(idat.length === 1 ? idat[0] : Buffer.concat(idat, idatBytes), { maxOutputLength: expected })
  } catch (err) {
    const tooLarge = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
    throw new PngError(tooLarge ? `image data inflates past the ${expected} bytes a ${width}x${height} image needs` : `image data: ${(err as Error).message}`)
  }
  if (raw.length !== expected) throw new PngError(`image data inflates to ${raw.length} bytes, not ${expected}`)
  const words = new Uint32Array(width * height)
  const bpp = Math.max(1, (CHANNELS[header.colourType] * header.depth) >> 3)
  let start = 0
  for (const p of passes(header)) {
    if (p.w === 0 || p.h === 0) continue
    const stride = rowBytes(header, p.w)
    unfilter(raw, start, p.h, stride, bpp)
    place(header, palette ?? new Uint32Array(0), raw, start, p, words)
    start += p.h * (stride + 1)
  }
  return { width, height, words }
}
