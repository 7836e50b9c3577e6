import { deflateSync } from 'node:zlib'
import { encode as encodeJpegJs } from 'jpeg-js'

/** RGBA bytes of a w x h picture whose pixel (x, y) is `colour(x, y)` as [r, g, b]. */
export function picture(w: number, h: number, colour: (x: number, y: number) => [number, number, number]): Uint8Array {
  const out = new Uint8Array(w * h * 4)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = colour(x, y)
      out.set([r, g, b, 255], (y * w + x) * 4)
    }
  }
  return out
}

/** A smooth picture, which JPEG keeps within a few levels. */
export function smooth(w: number, h: number): Uint8Array {
  return picture(w, h, (x, y) => [Math.round((x * 255) / w), Math.round((y * 255) / h), 128])
}

/** A baseline JFIF JPEG made by jpeg-js (an encoder independent of the decoder under test). */
export function encodeJpeg(w: number, h: number, rgba: Uint8Array, quality = 90): Uint8Array {
  return new Uint8Array(encodeJpegJs({ width: w, height: h, data: rgba }, quality).data)
}

/** JPEG marker segments (T.81 B.1.1.4) of `jpeg` up to its first scan, as [type, start, end). */
export function jpegSegments(jpeg: Uint8Array): [number, number, number][] {
  const out: [number, number, number][] = []
  let i = 2
  while (i + 4 <= jpeg.length) {
    const type = jpeg[i + 1]
    const end = i + 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3])
    out.push([type, i, end])
    if (type === 0xda) break
    i = end
  }
  return out
}

/** `jpeg` without its DQT and DHT segments: an "abbreviated" stream that relies on earlier tables. */
export function withoutTables(jpeg: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [jpeg.subarray(0, 2)]
  const segs = jpegSegments(jpeg)
  for (const [type, start, end] of segs) if (type !== 0xdb && type !== 0xc4) parts.push(jpeg.subarray(start, end))
  parts.push(jpeg.subarray(segs[segs.length - 1][2]))
  return new Uint8Array(Buffer.concat(parts))
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function pngChunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length)
  out.writeUInt32BE(body.length, 0)
  out.write(type, 4, 'latin1')
  out.set(body, 8)
  let crc = 0xffffffff
  for (const b of out.subarray(4, 8 + body.length)) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8)
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0, 8 + body.length)
  return out
}

/**
 * A PNG written by hand (ISO 15948): 8-bit samples, filter type 0 on every row. Colour type 3
 * takes `palette` (RGB triples) and one index byte per pixel in `samples`; 2 and 6 take RGB or
 * RGBA samples.
 */
export function handMadePng(w: number, h: number, colourType: 2 | 3 | 6, samples: Uint8Array, palette?: Uint8Array): Uint8Array {
  const channels = colourType === 3 ? 1 : colourType === 2 ? 3 : 4
  const raw = Buffer.alloc((w * channels + 1) * h)
  for (let y = 0; y < h; y++) raw.set(samples.subarray(y * w * channels, (y + 1) * w * channels), y * (w * channels + 1) + 1)
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8
  ihdr[9] = colourType
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', ihdr),
      ...(palette ? [pngChunk('PLTE', palette)] : []),
      pngChunk('IDAT', deflateSync(raw)),
      pngChunk('IEND', new Uint8Array(0)),
    ]),
  )
}

/** Largest difference of any R, G or B sample between two RGBA buffers. */
export function maxChannelDiff(a: Uint8Array, b: Uint8Array): number {
  let max = 0
  for (let i = 0; i < a.length; i++) if ((i & 3) !== 3) max = Math.max(max, Math.abs(a[i] - b[i]))
  return max
}

/**
 * An XWD file (X Window Dump, version 7, 24-bit TrueColor ZPixmap, MSB first) of a smooth
 * photo-like picture, for `xwud -in FILE` to show on a test X display: such areas make Tight
 * servers choose the gradient filter, or JPEG when a quality level is announced.
 */
export function photoXwd(w: number, h: number): Buffer {
  const name = Buffer.from('photo\0', 'latin1')
  const header = Buffer.alloc(100)
  // header size, version, ZPixmap, depth, width, height, x offset, byte order, bitmap unit, bit order,
  // pad, bpp, bytes per line, TrueColor, RGB masks, bits per RGB, colormap entries, ncolors, window geometry.
  const fields = [100 + name.length, 7, 2, 24, w, h, 0, 1, 32, 1, 32, 32, w * 4, 4, 0xff0000, 0xff00, 0xff, 8, 256, 0, w, h, 0, 0, 0]
  fields.forEach((v, i) => header.writeUInt32BE(v >>> 0, i * 4))
  const px = Buffer.alloc(w * h * 4)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const r = Math.round(128 + 100 * Math.sin(x / 23))
      const g = Math.round(128 + 90 * Math.cos(y / 17))
      const b = Math.round((x + y) / 4) & 0xff
      px.writeUInt32BE(((r << 16) | (g << 8) | b) >>> 0, (y * w + x) * 4)
    }
  }
  return Buffer.concat([header, name, px])
}

/**
 * `length` bytes that every sink's header check accepts as a w x h JPEG (SOI, SOF0, a scan header,
 * entropy bytes without 0xFF, EOI) but that no decoder can decode: for tests of the framing.
 */
export function jpegShell(w: number, h: number, length = 40): Uint8Array {
  const head = [
    0xff,
    0xd8,
    0xff,
    0xc0,
    0x00,
    0x0b,
    0x08,
    h >> 8,
    h & 255,
    w >> 8,
    w & 255,
    0x01,
    0x01,
    0x11,
    0x00,
    0xff,
    0xda,
    0x00,
    0x08,
    0x01,
    0x01,
    0x00,
    0x00,
    0x3f,
    0x00,
  ]
  const fill = Math.max(0, length - head.length - 2)
  return Uint8Array.from([...head, ...Array.from({ length: fill }, (_, i) => (i * 7) & 0x7f), 0xff, 0xd9])
}

/** `length` bytes that start like a w x h PNG (signature and IHDR) followed by filler: for tests of the framing. */
export function pngShell(w: number, h: number, length = 40): Uint8Array {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8
  ihdr[9] = 2
  const head = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr)])
  const fill = Math.max(0, length - head.length)
  return Uint8Array.from([...head, ...Array.from({ length: fill }, (_, i) => (i * 13) & 0xff)])
}
