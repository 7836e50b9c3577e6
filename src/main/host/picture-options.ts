import type { ConnectionProfile } from '@shared/profile'
import type { PixelFormatName } from '../rfb/pixel-format'
import type { RfbClientOptions } from '../rfb/session'

const COLOUR_DEPTHS: Record<ConnectionProfile['colourDepth'], PixelFormatName> = { auto: 'rgb888', 24: 'rgb888', 16: 'rgb565', 8: 'bgr233' }

/** The engine options that shape the picture, as a profile (or none: a typed address) asks for them. */
export type PictureOptions = Pick<RfbClientOptions, 'autoSelect' | 'quality' | 'fineQuality' | 'subsampling' | 'compression' | 'pixelFormat'>

/**
 * A profile's picture settings as engine options; unset fields stay absent so the engine (or
 * the server) keeps its defaults. Automatic quality and depth (the defaults) let the engine pick
 * both from the measured link; a fine quality then still overrides the level it picks, and
 * subsampling applies whenever JPEG is on (see rfb/tuning.ts).
 */
export function pictureOptions(p: ConnectionProfile | null): PictureOptions {
  const out: PictureOptions = {
    autoSelect: (p?.quality ?? null) === null && (p?.colourDepth ?? 'auto') === 'auto',
    pixelFormat: COLOUR_DEPTHS[p?.colourDepth ?? 'auto'],
  }
  if (p?.quality != null) out.quality = p.quality
  if (p?.fineQuality !== undefined) out.fineQuality = p.fineQuality
  if (p?.subsampling !== undefined) out.subsampling = p.subsampling
  if (p?.compression != null) out.compression = p.compression
  return out
}
