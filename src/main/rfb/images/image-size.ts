import type { ImageKind } from '../sink'

/** Width and height read from an image's header, before any pixel is decoded. */
export interface ImageSize {
  width: number
  height: number
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** PNG (ISO 15948 §5.2, §11.2.2): the signature, then IHDR first with width and height as u32. */
function pngSize(b: Uint8Array): ImageSize | null {
  if (b.length < 24) return null
  for (let i = 0; i < 8; i++) if (b[i] !== PNG_SIGNATURE[i]) return null
  if (b[12] !== 0x49 || b[13] !== 0x48 || b[14] !== 0x44 || b[15] !== 0x52) return null // "IHDR"
  const u32 = (o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0
  return { width: u32(16), height: u32(20) }
}

/** JPEG (ITU-T T.81 B.2.2): walks marker segments from SOI to the first frame header (SOFn). */
function jpegSize(b: Uint8Array): ImageSize | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null
  let i = 2
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null
    const type = b[i + 1]
    if (type === 0xff) {
      i++ // fill byte
      continue
    }
    if (type === 0xd9 || type === 0xda) return null // EOI or a scan before any frame header
    if (type === 0x01 || (type >= 0xd0 && type <= 0xd7)) {
      i += 2
      continue
    }
    const length = (b[i + 2] << 8) | b[i + 3]
    if (length < 2) return null
    const sof = type >= 0xc0 && type <= 0xcf && type !== 0xc4 && type !== 0xc8 && type !== 0xcc
    if (sof) {
      if (length < 7 || i + 9 > b.length) return null
      return { width: (b[i + 7] << 8) | b[i + 8], height: (b[i + 5] << 8) | b[i + 6] }
    }
    i += 2 + length
  }
  return null
}

/** The size an image declares, or null when its header is missing or malformed. */
export function imageSize(kind: ImageKind, data: Uint8Array): ImageSize | null {
  return kind === 'png' ? pngSize(data) : jpegSize(data)
}
