import { imageProblem } from '@shared/image-header'
import { RfbProtocolError } from '../errors'
import type { DecodedImage, ImageDecoder } from '../framebuffer'
import type { ImageKind } from '../sink'
import { JpegError, decodeJpeg } from './jpeg-decoder'
import { PngError, decodePng } from './png-decoder'

/**
 * Most pixels one image may have (256 MiB of RGBA), whatever rect it arrives in: the ceiling
 * on what a decoder may allocate for one image.
 */
export const MAX_IMAGE_PIXELS = 1 << 26

function imageError(message: string): RfbProtocolError {
  return new RfbProtocolError(message, -1, 'RFB_ERR_IMAGE')
}

/**
 * Decodes a Tight JPEG / TightPNG image for a `width` x `height` rect to RGBA in Node: JPEG with
 * libjpeg-turbo compiled to WebAssembly (what Chromium decodes with too, so both sinks upsample
 * chroma alike; 5-7x jpeg-js in bench/image-decoders), PNG with our own decoder over node:zlib,
 * whose inflate stops at the exact size the rect needs. Before any decoding the image must
 * declare exactly the rect's size (imageProblem), so the decoders' memory and time are bounded
 * by the rect. Anything else is RfbProtocolError `RFB_ERR_IMAGE`. PNG alpha is forced opaque,
 * as the framebuffer has none.
 */
export function decodeImage(kind: ImageKind, data: Uint8Array, width: number, height: number): DecodedImage {
  const name = kind.toUpperCase()
  const problem = imageProblem(kind, data, width, height)
  if (problem) throw imageError(problem)
  if (width * height > MAX_IMAGE_PIXELS) throw imageError(`${name} image of ${width}x${height} is larger than any screen`)
  try {
    if (kind === 'jpeg') return { width, height, rgba: decodeJpeg(data, width, height) }
    const png = decodePng(data, width, height)
    return { width, height, rgba: new Uint8Array(png.words.buffer, png.words.byteOffset, width * height * 4) }
  } catch (err) {
    if (err instanceof JpegError || err instanceof PngError) throw imageError(`corrupt ${name} image: ${err.message}`)
    throw err
  }
}

/** {@link decodeImage} as the framebuffer's {@link ImageDecoder} (the CLI, replay, thumbnails, tests). */
export const decodeImageNode: ImageDecoder = (kind, data, width, height) => decodeImage(kind, data, width, height)
