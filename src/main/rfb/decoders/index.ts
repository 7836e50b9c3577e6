import { Encoding } from '@shared/encodings'
import { CopyRectDecoder } from './copy-rect'
import type { RectDecoder } from './decoder'
import { RawDecoder } from './raw'

/** Every pixel encoding this build decodes, keyed by number; one instance per connection. */
export function createDecoders(): Map<number, RectDecoder> {
  return new Map<number, RectDecoder>([
    [Encoding.Raw, new RawDecoder()],
    [Encoding.CopyRect, new CopyRectDecoder()],
  ])
}

/**
 * Default preference, best first (the order TigerVNC uses where both apply). Raw is last: every
 * server must support it, and it is only worth choosing on a very fast link.
 */
export const DEFAULT_ENCODINGS: readonly number[] = [Encoding.CopyRect, Encoding.Raw]
