/** The compressed image formats VNC servers send (Tight JPEG, JPEG 21, TightPNG). */
export type ImageFormat = 'jpeg' | 'png'

/** Width and height read from an image's header, before any pixel is decoded. */
export interface ImageSize {
  width: number
  height: number
}

/**
 * Most scans one JPEG may have. Baseline images have one per component group (at most 4) and
 * libjpeg's progressive script 10; every scan makes a decoder walk the whole image again, so
 * a few kilobytes of empty scans could otherwise hold a decoder for seconds.
 */
export const MAX_JPEG_SCANS = 16

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** PNG (ISO 15948 §5.2, §11.2.2): the signature, then IHDR first with width and height as u32. */
function pngSize(b: Uint8Array): ImageSize | null {
  if (b.length < 24) return null
  for (let i = 0; i < 8; i++) if (b[i] !== PNG_SIGNATURE[i]) return null
  if (b[12] !== 0x49 || b[13] !== 0x48 || b[14] !== 0x44 || b[15] !== 0x52) return null // "IHDR"
  const u32 = (o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0
  return { width: u32(16), height: u32(20) }
}

/** SOFn markers (T.81 B.1.1.3): C0-CF except DHT (C4), JPG (C8) and DAC (CC). */
function isFrameHeader(type: number): boolean {
  return type >= 0xc0 && type <= 0xcf && type !== 0xc4 && type !== 0xc8 && type !== 0xcc
}

/** What a walk over a JPEG's markers found. */
interface JpegLayout {
  size: ImageSize | null
  scans: number
}

/**
 * Walks a JPEG's marker segments (ITU-T T.81 B.2) from SOI. With `untilFrame` it stops at the
 * first frame header; otherwise it skips each scan's entropy-coded data (where 0xFF is followed
 * by a stuffed 0x00 or a restart marker) to count the scans, up to EOI or the end of the data.
 */
function walkJpeg(b: Uint8Array, untilFrame: boolean): JpegLayout | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null
  let size: ImageSize | null = null
  let scans = 0
  let i = 2
  while (i + 2 <= b.length) {
    if (b[i] !== 0xff) return null
    const type = b[i + 1]
    if (type === 0xff) {
      i++ // fill byte
      continue
    }
    if (type === 0xd9) break // EOI
    if (type === 0x01 || (type >= 0xd0 && type <= 0xd7)) {
      i += 2
      continue
    }
    if (i + 4 > b.length) break
    const length = (b[i + 2] << 8) | b[i + 3]
    if (length < 2) return null
    if (isFrameHeader(type)) {
      if (length < 7 || i + 9 > b.length) return null
      if (size) return null // a second frame header: not one image
      size = { width: (b[i + 7] << 8) | b[i + 8], height: (b[i + 5] << 8) | b[i + 6] }
      if (untilFrame) break
    }
    i += 2 + length
    if (type !== 0xda) continue
    if (!size) return null // a scan before any frame header
    scans++
    // Entropy-coded data: on to the next 0xFF that starts a real marker.
    for (;;) {
      const j = b.indexOf(0xff, i)
      if (j < 0 || j + 1 >= b.length) return { size, scans }
      const next = b[j + 1]
      if (next === 0 || (next >= 0xd0 && next <= 0xd7)) i = j + 2
      else {
        i = j
        break
      }
    }
  }
  return { size, scans }
}

/** The size an image declares, or null when its header is missing or malformed. */
export function imageSize(kind: ImageFormat, data: Uint8Array): ImageSize | null {
  return kind === 'png' ? pngSize(data) : (walkJpeg(data, true)?.size ?? null)
}

/**
 * Why an image must not be decoded for a `width` x `height` rect, or null when it may: every
 * sink (Node framebuffer, thumbnails, the renderer's canvas) asks this before handing bytes to
 * a decoder, so a decoder's memory and time are bounded by the rect and never by what the image
 * says about itself. The image must declare exactly the rect's size (as TigerVNC requires), and a
 * JPEG may have at most {@link MAX_JPEG_SCANS} scans. The answer is a sentence for an error.
 */
export function imageProblem(kind: ImageFormat, data: Uint8Array, width: number, height: number): string | null {
  const name = kind.toUpperCase()
  let size: ImageSize | null
  if (kind === 'png') size = pngSize(data)
  else {
    const layout = walkJpeg(data, false)
    size = layout?.size ?? null
    if (layout && size && layout.scans > MAX_JPEG_SCANS) return `JPEG image with ${layout.scans} scans (at most ${MAX_JPEG_SCANS} are accepted)`
  }
  if (!size) return `not a ${name} image (${data.length} bytes with no readable header)`
  if (size.width === 0 || size.height === 0) return `${name} image of ${size.width}x${size.height}, which has no pixels`
  if (size.width !== width || size.height !== height) return `${name} image of ${size.width}x${size.height} in a ${width}x${height} rect`
  return null
}
