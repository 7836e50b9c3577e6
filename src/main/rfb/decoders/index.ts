import { Encoding } from '@shared/encodings'
import { CoRreDecoder } from './co-rre'
import { CopyRectDecoder } from './copy-rect'
import type { RectDecoder } from './decoder'
import { H264Decoder } from './h264'
import { HextileDecoder } from './hextile'
import { JpegDecoder } from './jpeg'
import { RawDecoder } from './raw'
import { RreDecoder } from './rre'
import { TightDecoder } from './tight'
import { TightPngDecoder } from './tight-png'
import { ZlibDecoder } from './zlib'
import { ZlibHexDecoder } from './zlib-hex'
import { ZrleDecoder } from './zrle'
import { ZywrleDecoder } from './zywrle'

/** Every pixel encoding this build decodes, keyed by number; one instance per connection. */
export function createDecoders(): Map<number, RectDecoder> {
  return new Map<number, RectDecoder>([
    [Encoding.Raw, new RawDecoder()],
    [Encoding.CopyRect, new CopyRectDecoder()],
    [Encoding.RRE, new RreDecoder()],
    [Encoding.CoRRE, new CoRreDecoder()],
    [Encoding.Hextile, new HextileDecoder()],
    [Encoding.Zlib, new ZlibDecoder()],
    [Encoding.Tight, new TightDecoder()],
    [Encoding.ZlibHex, new ZlibHexDecoder()],
    [Encoding.ZRLE, new ZrleDecoder()],
    [Encoding.ZYWRLE, new ZywrleDecoder()],
    [Encoding.JPEG, new JpegDecoder()],
    [Encoding.TightPNG, new TightPngDecoder()],
    [Encoding.OpenH264, new H264Decoder()],
  ])
}

/**
 * Preference, best first, after TigerVNC's: its preferred Tight, CopyRect right after it, then
 * ZRLE and Hextile; the encodings TigerVNC lacks go after those (ZlibHex, which only
 * UltraVNC-style servers speak, then Zlib, RRE, CoRRE). ZYWRLE is lossy, so it is only asked for
 * on purpose. Raw is last: every server must support it, and it only pays on a very fast link.
 */
const PREFERENCE: readonly number[] = [
  Encoding.Tight,
  Encoding.CopyRect,
  Encoding.ZRLE,
  Encoding.Hextile,
  Encoding.ZlibHex,
  Encoding.Zlib,
  Encoding.RRE,
  Encoding.CoRRE,
  Encoding.Raw,
]

/** Every pixel encoding this build decodes, for a client that must accept whatever a stream holds (replay). */
export const DECODABLE_ENCODINGS: readonly number[] = [...createDecoders().keys()]

/** The default SetEncodings order: {@link PREFERENCE} less anything this build cannot decode. */
export const DEFAULT_ENCODINGS: readonly number[] = (() => {
  const have = createDecoders()
  return PREFERENCE.filter((e) => have.has(e))
})()
