import { decode as decodeJpeg } from '@cwasm/jpeg-turbo'
import { decode as decodePng } from '@cwasm/lodepng'
import { RfbProtocolError } from '../errors'
import type { DecodedImage, ImageDecoder } from '../framebuffer'
import { MAX_FRAMEBUFFER_SIDE } from '../handshake'
import type { ImageKind } from '../sink'
import { imageSize } from './image-size'

/**
 * Most pixels one image may declare (256 MiB of RGBA). The header is checked before decoding,
 * so a forged size cannot make the decoder allocate more.
 */
export const MAX_IMAGE_PIXELS = 1 << 26

function imageError(message: string): RfbProtocolError {
  return new RfbProtocolError(message, -1, 'RFB_ERR_IMAGE')
}

/**
 * Decodes a Tight JPEG / TightPNG image to RGBA in Node with libjpeg-turbo and lodepng compiled
 * to WebAssembly: synchronous, no native module, and the fastest measured (bench/image-decoders:
 * JPEG 5-7x jpeg-js; PNG ahead of pngjs, fast-png and upng-js but at 1920x1080, where fast-png is
 * close). libjpeg-turbo is also what Chromium decodes with, so both sinks upsample chroma alike.
 * The declared size is checked before decoding: never larger than `maxWidth` x `maxHeight` (the
 * rect, when the caller knows it) nor than any framebuffer. Corrupt or truncated data and a size
 * that disagrees with the header are RfbProtocolError `RFB_ERR_IMAGE`. PNG alpha is forced
 * opaque, as the framebuffer has none.
 */
export function decodeImage(kind: ImageKind, data: Uint8Array, maxWidth = MAX_FRAMEBUFFER_SIDE, maxHeight = MAX_FRAMEBUFFER_SIDE): DecodedImage {
  const name = kind.toUpperCase()
  const size = imageSize(kind, data)
  if (!size) throw imageError(`not a ${name} image (${data.length} bytes with no readable header)`)
  const { width, height } = size
  if (width === 0 || height === 0 || width > maxWidth || height > maxHeight || width * height > MAX_IMAGE_PIXELS) {
    throw imageError(`${name} image of ${width}x${height} where at most ${maxWidth}x${maxHeight} fits`)
  }
  let img: { width: number; height: number; data: Uint8ClampedArray }
  try {
    img = kind === 'jpeg' ? decodeJpeg(data) : decodePng(data)
  } catch (err) {
    throw imageError(`corrupt ${name} image: ${err instanceof Error ? err.message : String(err)}`)
  }
  if (img.width !== width || img.height !== height) {
    throw imageError(`${name} image decoded to ${img.width}x${img.height}, its header says ${width}x${height}`)
  }
  const rgba = new Uint8Array(img.data.buffer, img.data.byteOffset, width * height * 4)
  if (kind === 'png') {
    const words = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height)
    for (let i = 0; i < words.length; i++) words[i] |= 0xff000000
  }
  return { width, height, rgba }
}

/** {@link decodeImage} as the framebuffer's {@link ImageDecoder} (the CLI, replay, tests). */
export const decodeImageNode: ImageDecoder = (kind, data, maxWidth, maxHeight) => decodeImage(kind, data, maxWidth, maxHeight)
