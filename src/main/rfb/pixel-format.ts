import { UnsupportedError } from './errors'

/** RFC 6143 §7.4: how a server pixel is laid out. Flags are booleans here (x11vnc sends 255 for true). */
export interface PixelFormat {
  bitsPerPixel: number
  depth: number
  bigEndian: boolean
  trueColour: boolean
  redMax: number
  greenMax: number
  blueMax: number
  redShift: number
  greenShift: number
  blueShift: number
}

/**
 * What the engine asks for by default: 32 bpp little-endian with R,G,B,X in memory, so pixels
 * reach a canvas (RGBA) with only the alpha byte set.
 */
export const RGBX8888: PixelFormat = {
  bitsPerPixel: 32,
  depth: 24,
  bigEndian: false,
  trueColour: true,
  redMax: 255,
  greenMax: 255,
  blueMax: 255,
  redShift: 0,
  greenShift: 8,
  blueShift: 16,
}

/** Named formats a user or the CLI may pick for slow links (`--depth`). */
export const PIXEL_FORMATS = {
  rgb888: RGBX8888,
  /** 32 bpp big-endian, same channels: exercises the byte-swapping paths. */
  rgb888be: { ...RGBX8888, bigEndian: true, redShift: 24, greenShift: 16, blueShift: 8 },
  rgb565: {
    bitsPerPixel: 16,
    depth: 16,
    bigEndian: false,
    trueColour: true,
    redMax: 31,
    greenMax: 63,
    blueMax: 31,
    redShift: 11,
    greenShift: 5,
    blueShift: 0,
  },
  bgr233: {
    bitsPerPixel: 8,
    depth: 8,
    bigEndian: false,
    trueColour: true,
    redMax: 7,
    greenMax: 7,
    blueMax: 3,
    redShift: 0,
    greenShift: 3,
    blueShift: 6,
  },
} as const satisfies Record<string, PixelFormat>

export type PixelFormatName = keyof typeof PIXEL_FORMATS

/** Parses the 16-byte PIXEL_FORMAT structure (RFC 6143 §7.4). */
export function readPixelFormat(b: Uint8Array, o = 0): PixelFormat {
  const u16 = (i: number): number => (b[o + i] << 8) | b[o + i + 1]
  return {
    bitsPerPixel: b[o],
    depth: b[o + 1],
    bigEndian: b[o + 2] !== 0,
    trueColour: b[o + 3] !== 0,
    redMax: u16(4),
    greenMax: u16(6),
    blueMax: u16(8),
    redShift: b[o + 10],
    greenShift: b[o + 11],
    blueShift: b[o + 12],
  }
}

/** Serialises PIXEL_FORMAT with zeroed padding. */
export function writePixelFormat(pf: PixelFormat, b: Uint8Array, o = 0): void {
  b[o] = pf.bitsPerPixel
  b[o + 1] = pf.depth
  b[o + 2] = pf.bigEndian ? 1 : 0
  b[o + 3] = pf.trueColour ? 1 : 0
  b[o + 4] = pf.redMax >> 8
  b[o + 5] = pf.redMax & 0xff
  b[o + 6] = pf.greenMax >> 8
  b[o + 7] = pf.greenMax & 0xff
  b[o + 8] = pf.blueMax >> 8
  b[o + 9] = pf.blueMax & 0xff
  b[o + 10] = pf.redShift
  b[o + 11] = pf.greenShift
  b[o + 12] = pf.blueShift
  b[o + 13] = 0
  b[o + 14] = 0
  b[o + 15] = 0
}

/** Throws UnsupportedError for formats no decoder can represent; we never guess at those. */
export function validatePixelFormat(pf: PixelFormat): void {
  const bpp = pf.bitsPerPixel
  if (bpp !== 8 && bpp !== 16 && bpp !== 32) throw new UnsupportedError(`unsupported bits-per-pixel ${bpp}`)
  if (!pf.trueColour) return
  for (const [max, shift, name] of [
    [pf.redMax, pf.redShift, 'red'],
    [pf.greenMax, pf.greenShift, 'green'],
    [pf.blueMax, pf.blueShift, 'blue'],
  ] as const) {
    // A max must be 2^n - 1 and fit in the pixel at its shift.
    if (max === 0 || (max & (max + 1)) !== 0 || shift >= bpp || max * 2 ** shift >= 2 ** bpp) {
      throw new UnsupportedError(`unsupported pixel format: ${name} max ${max} shift ${shift} in ${bpp} bpp`)
    }
  }
}

/** One line naming the format, for traces and the CLI. */
export function describePixelFormat(pf: PixelFormat): string {
  if (!pf.trueColour) return `${pf.bitsPerPixel} bpp colour map`
  return (
    `${pf.bitsPerPixel} bpp depth ${pf.depth} ${pf.bigEndian ? 'BE' : 'LE'} ` +
    `r${pf.redMax}<<${pf.redShift} g${pf.greenMax}<<${pf.greenShift} b${pf.blueMax}<<${pf.blueShift}`
  )
}
