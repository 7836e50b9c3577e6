import type { PixelFormatName } from './pixel-format'

/** One measured FramebufferUpdate. */
export interface LinkSample {
  bytes: number
  /** From the update's first byte to its last. */
  transferMs: number
  /** From our request to the update's first byte. */
  latencyMs: number
}

export interface AutoChoice {
  /** JPEG quality level 0-9, or null for lossless (the link is fast enough not to need JPEG). */
  quality: number | null
  pixelFormat: PixelFormatName
}

/**
 * Throughput thresholds (bit/s) for each quality level, best first. Above the first, JPEG is
 * dropped altogether: measured on loopback at 1920x1080, quality 9 sent ~10x the bytes of
 * lossless Tight for desktop content and halved the frame rate (bench/pipeline).
 */
const LOSSLESS_BPS = 50e6
const QUALITY_STEPS: readonly [number, number][] = [
  [16e6, 8],
  [8e6, 7],
  [4e6, 6],
  [2e6, 5],
  [1e6, 4],
  [0, 3],
]

/** Below these (bit/s), fewer colours: 16 bpp first, then 8 bpp. */
const FULL_COLOUR_BPS = 256e3
const HIGH_COLOUR_BPS = 96e3
/** A threshold must be crossed by this factor before we switch, so the choice does not flap. */
const HYSTERESIS = 1.25
/** Updates smaller than this say more about latency than bandwidth. */
const MIN_SAMPLE_BYTES = 4096

/**
 * Chooses JPEG quality and colour depth from the measured link, as TigerVNC's AutoSelect does
 * (throughput estimate blended over about a second), with finer quality steps, lossless on fast
 * links, a 16 bpp middle step, hysteresis, and latency taken into account: on a link with long round trips each update
 * costs a round trip anyway, so quality is lowered one step to keep the transfer part short.
 * It picks the coarse level only, as TigerVNC's does: chroma subsampling stays the user's, and a
 * fine quality the user set overrides the level at the server (tuning.ts), so the two never fight.
 */
export class AutoSelect {
  /** Estimated throughput in bit/s; starts optimistic like TigerVNC (20 Mbit/s). */
  bitsPerSecond = 20e6
  /** Smoothed request-to-first-byte time. */
  latencyMs = 0
  private choice: AutoChoice = { quality: 8, pixelFormat: 'rgb888' }

  get current(): AutoChoice {
    return this.choice
  }

  /** Feeds one update; returns the new choice when it changed, else null. */
  sample(s: LinkSample): AutoChoice | null {
    this.latencyMs = this.latencyMs === 0 ? s.latencyMs : this.latencyMs * 0.8 + s.latencyMs * 0.2
    if (s.bytes >= MIN_SAMPLE_BYTES && s.transferMs > 0) {
      const bps = (s.bytes * 8 * 1000) / s.transferMs
      // Weight by how long the sample lasted, at most a fifth, as TigerVNC does.
      const w = Math.min(s.transferMs / 1000, 0.2)
      this.bitsPerSecond = this.bitsPerSecond * (1 - w) + bps * w
    }
    const next = this.decide()
    if (next.quality === this.choice.quality && next.pixelFormat === this.choice.pixelFormat) return null
    this.choice = next
    return next
  }

  private decide(): AutoChoice {
    const bps = this.bitsPerSecond
    const pixelFormat = this.colourFor(bps)
    if (bps >= LOSSLESS_BPS && this.latencyMs <= 150) return { quality: null, pixelFormat }
    let quality = QUALITY_STEPS.find(([min]) => bps >= min)![1]
    if (this.latencyMs > 150) quality = Math.max(0, quality - 1)
    return { quality, pixelFormat }
  }

  private colourFor(bps: number): PixelFormatName {
    const now = this.choice.pixelFormat
    const level = (name: PixelFormatName): number => (name === 'bgr233' ? 0 : name === 'rgb565' ? 1 : 2)
    const wanted: PixelFormatName = bps >= FULL_COLOUR_BPS ? 'rgb888' : bps >= HIGH_COLOUR_BPS ? 'rgb565' : 'bgr233'
    if (level(wanted) === level(now)) return now
    // Only move when the estimate is clearly past the boundary between the two levels.
    const boundary = Math.max(level(wanted), level(now)) === 2 ? FULL_COLOUR_BPS : HIGH_COLOUR_BPS
    const clear = level(wanted) > level(now) ? bps >= boundary * HYSTERESIS : bps <= boundary / HYSTERESIS
    return clear ? wanted : now
  }
}
