// libjpeg keeps a progressive image's coefficients for the whole image (6 bytes a pixel at 4:4:4):
// glue.c caps those buffers, so a hostile server's huge progressive rect fails with libjpeg's own
// message instead of taking hundreds of MB (docs/security.md, "Hostile servers").
import { decode as cwasmJpeg } from '@cwasm/jpeg-turbo'
import { describe, expect, it } from 'vitest'
import { JpegError, decodeJpeg } from '../../../src/main/rfb/images/jpeg-decoder'
import { progressiveJpeg } from '../../helpers/crafted-images'

describe("the JPEG decoder's memory for whole-image buffers", () => {
  it('refuses a progressive image whose coefficients pass 96 MiB (4608x4096, 113 MB)', () => {
    const huge = progressiveJpeg(4608, 4096)
    expect(() => decodeJpeg(huge, 4608, 4096)).toThrow(JpegError)
    expect(() => decodeJpeg(huge, 4608, 4096)).toThrow(/Backing store not supported/)
  })

  it('still decodes a 9-megapixel progressive image (54 MB of coefficients) as @cwasm does', () => {
    const jpeg = progressiveJpeg(3000, 3000)
    const ours = decodeJpeg(jpeg, 3000, 3000)
    const theirs = cwasmJpeg(jpeg).data
    expect(ours.length).toBe(3000 * 3000 * 4)
    expect(Buffer.compare(ours, new Uint8Array(theirs.buffer, theirs.byteOffset, theirs.length))).toBe(0)
  })
})
