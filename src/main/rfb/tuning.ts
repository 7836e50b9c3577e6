import { Encoding, FINE_QUALITY_MAX, SUBSAMPLINGS, SUBSAMPLING_ENCODINGS, type Subsampling } from '@shared/encodings'

/** What the viewer asks of the server's lossy and zlib encoders; null leaves a knob unset. */
export interface Tuning {
  /** JPEG quality level 0-9; null for lossless unless `fineQuality` is set. */
  quality: number | null
  /** JPEG quality 0-100; overrides `quality` and switches JPEG on by itself. */
  fineQuality: number | null
  /** Chroma subsampling; only announced while JPEG is on. */
  subsampling: Subsampling | null
  /** zlib compression level 0-9. */
  compression: number | null
}

/**
 * The JPEG quality each level stands for, as TigerVNC's TightJPEGEncoder and libvncserver's
 * tight2turbo_qual map them; used backwards to find the level nearest a fine quality.
 */
const LEVEL_QUALITY: readonly number[] = [15, 29, 41, 42, 62, 77, 79, 86, 92, 100]

/** The highest quality level whose JPEG quality does not exceed `fineQuality` (0 below 15). */
export function levelForFineQuality(fineQuality: number): number {
  let level = 0
  for (let i = 0; i < LEVEL_QUALITY.length; i++) if (LEVEL_QUALITY[i] <= fineQuality) level = i
  return level
}

/** `value` as a fine quality, or a RangeError naming what is wrong. */
export function checkFineQuality(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > FINE_QUALITY_MAX) {
    throw new RangeError(`fine JPEG quality must be a whole number from 0 to ${FINE_QUALITY_MAX}, not ${String(value)}`)
  }
  return value
}

/** `value` as a subsampling name, or a RangeError listing the known ones (values may come from IPC or plain JS). */
export function checkSubsampling(value: string): Subsampling {
  if (!(SUBSAMPLINGS as readonly string[]).includes(value)) {
    throw new RangeError(`unknown JPEG subsampling "${String(value)}" (known: ${SUBSAMPLINGS.join(', ')})`)
  }
  return value as Subsampling
}

/**
 * The pseudo-encodings announcing `t`, in the order they must go: QualityLevel, FineQuality,
 * Subsample, CompressLevel. libvncserver applies them first to last and a QualityLevel resets
 * its JPEG quality and subsampling, so the fine settings come after it; TigerVNC reads each kind
 * once and takes fine settings over the level (TightJPEGEncoder::writeRect).
 *
 * A fine quality replaces the level with the nearest one, so servers that only know levels (and
 * our ZYWRLE decoder, which follows the announced level) still get a matching JPEG quality.
 * Without a level or fine quality nothing JPEG-related is sent, subsampling included: TigerVNC
 * switches JPEG on for any one of the three (TightJPEGEncoder::isSupported), and lossless must
 * stay lossless.
 */
export function tuningEncodings(t: Tuning): number[] {
  const out: number[] = []
  const level = t.fineQuality !== null ? levelForFineQuality(t.fineQuality) : t.quality
  if (level !== null) {
    out.push(Encoding.QualityLevel0 + level)
    if (t.fineQuality !== null) out.push(Encoding.FineQualityLevel0 + t.fineQuality)
    if (t.subsampling !== null) out.push(SUBSAMPLING_ENCODINGS[t.subsampling])
  }
  if (t.compression !== null) out.push(Encoding.CompressLevel0 + t.compression)
  return out
}
