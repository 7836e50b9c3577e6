/**
 * Real screen frames (screen-frames.ts) as the Tight updates Xtigervnc sends for them, lossless
 * or with JPEG at TigerVNC's quality level 8, for the viewers bench. The rects are cut as
 * TigerVNC's EncodeManager cuts a full-screen change: full-width single-colour bands of at least
 * 2048 pixels as fills (its solid-area search, narrowed to whole rows, which is what this content
 * has: the xterm's empty last row), the rest in strips of at most 65536 pixels (1920x34), and each
 * strip by its colours: one → fill, two → mono palette (zlib stream 1), up to the palette limit →
 * indexed palette (stream 2), more → full colour: the copy filter with 3-byte R,G,B TPIXELs on
 * stream 0 (lossless) or a JPEG (level 8: quality 92, no chroma subsampling, TigerVNC's
 * TightJPEGEncoder table, encoded by libjpeg-turbo's cjpeg with the fast DCT as TigerVNC's
 * JpegCompressor uses below quality 96). zlib levels are TightEncoder's at compression level 2
 * (its default): 2 for full colour, 3 for palettes. Unlike a live server, every rect that uses a
 * zlib stream resets it first (the compression-control reset bits) and its data starts a new zlib
 * stream, so each update stands alone and the replay server can loop them.
 */
import { spawnSync } from 'node:child_process'
import { constants, deflateSync } from 'node:zlib'
import { Encoding } from '@shared/encodings'
import { RGBX8888 } from '../../src/main/rfb/pixel-format'
import { FBS_MAGIC, encodeFbsBlock } from '../../src/main/rfb/record/fbs'
import { canonicalHandshake } from '../../src/main/rfb/record/recorded-handshake'
import { type Area, Writer, compactLength, rectHeader } from '../synthetic'

export type TightKind = 'lossless' | 'jpeg8'

// TigerVNC common/rfb/EncodeManager.cxx: SubRectMaxArea, SubRectMaxWidth, SolidBlockMinArea.
const SUB_RECT_MAX_AREA = 65536
const SUB_RECT_MAX_WIDTH = 2048
const SOLID_MIN_AREA = 2048
/** TightJPEGEncoder's level 8. */
const JPEG_QUALITY = 92
/** TightEncoder conf[2]: rawZlibLevel, and idx/monoZlibLevel. */
const ZLIB_FULL_COLOUR = 2
const ZLIB_PALETTE = 3

/** Whether libjpeg-turbo's cjpeg is installed (`apt-get install libjpeg-turbo-progs`), needed for the JPEG stream. */
export function cjpegAvailable(): boolean {
  return spawnSync('cjpeg', ['-version'], { stdio: 'ignore' }).status === 0
}

/** Baseline JPEG of an R,G,B buffer, quality 92, 4:4:4, as TigerVNC makes it at level 8. */
function jpeg(rgb: Uint8Array, w: number, h: number): Uint8Array {
  const ppm = Buffer.concat([Buffer.from(`P6\n${w} ${h}\n255\n`, 'latin1'), rgb])
  const r = spawnSync('cjpeg', ['-quality', String(JPEG_QUALITY), '-sample', '1x1', '-dct', 'fast', '-baseline'], { input: ppm, maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`cjpeg failed (${r.status}): ${r.stderr?.toString().trim() || r.error?.message}`)
  return r.stdout
}

/** The distinct colours of an area, in order of first appearance, or null when more than `max`. */
function paletteOf(px: Uint32Array, stride: number, a: Area, max: number): number[] | null {
  const seen = new Map<number, number>()
  for (let y = a.y; y < a.y + a.h; y++) {
    let last = -1
    for (let i = y * stride + a.x, e = i + a.w; i < e; i++) {
      const c = px[i]
      if (c === last || seen.has(c)) {
        last = c
        continue
      }
      if (seen.size === max) return null
      seen.set(c, seen.size)
      last = c
    }
  }
  return [...seen.keys()]
}

/** Tight's basic compression: the control byte (resetting `stream`), the filter, then the data, zlib'd from 12 bytes on. */
function basic(out: Writer, stream: number, filter: Uint8Array | null, data: Uint8Array, level: number): void {
  const zlib = data.length >= 12
  out.u8(((stream | (filter ? 4 : 0)) << 4) | (zlib ? 1 << stream : 0))
  if (filter) out.bytes(filter)
  if (!zlib) return out.bytes(data)
  // A new zlib stream ending in a sync flush, as a server's first rect after a reset.
  const z = deflateSync(data, { level, finishFlush: constants.Z_SYNC_FLUSH })
  compactLength(out, z.length)
  out.bytes(z)
}

function tpixels(colours: number[]): Uint8Array {
  const b = new Uint8Array(colours.length * 3)
  colours.forEach((c, i) => b.set([c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff], i * 3))
  return b
}

/** One strip as a Tight rect (header included). */
function writeStrip(out: Writer, px: Uint32Array, stride: number, a: Area, kind: TightKind): void {
  rectHeader(out, a, Encoding.Tight)
  // EncodeManager's palette limit: area / 16 (compression level 2), at most 256; 96 when JPEG is on.
  const max = kind === 'jpeg8' ? 96 : Math.min(256, Math.floor((a.w * a.h) / 16))
  const palette = paletteOf(px, stride, a, max)
  if (palette && palette.length === 1) {
    out.u8(0x80)
    return out.bytes(tpixels(palette))
  }
  if (palette) {
    const index = new Map(palette.map((c, i) => [c, i]))
    const mono = palette.length === 2
    const rowBytes = mono ? (a.w + 7) >> 3 : a.w
    const data = new Uint8Array(rowBytes * a.h)
    for (let y = 0; y < a.h; y++)
      for (let x = 0, i = (a.y + y) * stride + a.x; x < a.w; x++, i++) {
        const k = index.get(px[i])!
        if (!mono) data[y * rowBytes + x] = k
        else if (k) data[y * rowBytes + (x >> 3)] |= 0x80 >> (x & 7)
      }
    const filter = new Uint8Array(2 + palette.length * 3)
    filter[0] = 1 // palette filter
    filter[1] = palette.length - 1
    filter.set(tpixels(palette), 2)
    return basic(out, mono ? 1 : 2, filter, data, ZLIB_PALETTE)
  }
  const rgb = new Uint8Array(a.w * a.h * 3)
  for (let y = 0, o = 0; y < a.h; y++)
    for (let i = (a.y + y) * stride + a.x, e = i + a.w; i < e; i++) {
      const c = px[i]
      rgb[o++] = c & 0xff
      rgb[o++] = (c >>> 8) & 0xff
      rgb[o++] = (c >>> 16) & 0xff
    }
  if (kind === 'lossless') return basic(out, 0, null, rgb, ZLIB_FULL_COLOUR)
  const j = jpeg(rgb, a.w, a.h)
  out.u8(0x90)
  compactLength(out, j.length)
  out.bytes(j)
}

/** The rects of a full-screen change: solid full-width bands, then strips of the rest. */
function layout(px: Uint32Array, width: number, height: number): { area: Area; fill: number | null }[] {
  const rowColour = (y: number): number => {
    const c = px[y * width]
    for (let i = y * width + 1, e = (y + 1) * width; i < e; i++) if (px[i] !== c) return -1
    return c
  }
  const rects: { area: Area; fill: number | null }[] = []
  const stripRows = Math.max(1, Math.floor(SUB_RECT_MAX_AREA / Math.min(width, SUB_RECT_MAX_WIDTH)))
  const strips = (y0: number, y1: number): void => {
    for (let y = y0; y < y1; y += stripRows)
      for (let x = 0; x < width; x += SUB_RECT_MAX_WIDTH)
        rects.push({ area: { x, y, w: Math.min(SUB_RECT_MAX_WIDTH, width - x), h: Math.min(stripRows, y1 - y) }, fill: null })
  }
  let from = 0
  for (let y = 0; y < height;) {
    const c = rowColour(y)
    let end = y + 1
    if (c >= 0) while (end < height && rowColour(end) === c) end++
    if (c >= 0 && (end - y) * width >= SOLID_MIN_AREA) {
      strips(from, y)
      rects.push({ area: { x: 0, y, w: width, h: end - y }, fill: c })
      from = end
    }
    y = end
  }
  strips(from, height)
  return rects
}

/**
 * An FBS recording (canonical handshake in RGBX8888, then one FramebufferUpdate per block) of
 * `frames` (RGBA, width x height), each a full-screen Tight update. Deterministic for given frames.
 */
export function tightScreenRecording(frames: Uint8Array[], width: number, height: number, kind: TightKind): Uint8Array {
  const blocks: Buffer[] = [Buffer.from(FBS_MAGIC, 'latin1')]
  blocks.push(encodeFbsBlock(canonicalHandshake({ width, height, pixelFormat: RGBX8888, name: `screen tight ${kind}` }, RGBX8888), 0))
  const out = new Writer()
  frames.forEach((f, t) => {
    const px = new Uint32Array(f.buffer, f.byteOffset, width * height)
    const rects = layout(px, width, height)
    out.u8(0)
    out.u8(0)
    out.u16(rects.length)
    for (const r of rects) {
      if (r.fill === null) {
        writeStrip(out, px, width, r.area, kind)
        continue
      }
      rectHeader(out, r.area, Encoding.Tight)
      out.u8(0x80)
      out.bytes(tpixels([r.fill]))
    }
    blocks.push(encodeFbsBlock(out.take(), (t + 1) * 40))
  })
  return Buffer.concat(blocks)
}
