import type { FramebufferSink } from '../../src/main/rfb/framebuffer'
import type { PixelFormat } from '../../src/main/rfb/pixel-format'

/** First differing pixel of two framebuffers, or null when they are identical. */
export function firstDifference(a: FramebufferSink, b: FramebufferSink): string | null {
  if (a.width !== b.width || a.height !== b.height) return `sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`
  for (let i = 0; i < a.words.length; i++) {
    if (a.words[i] !== b.words[i]) {
      const diffs = countDifferent(a, b)
      return `pixel (${i % a.width},${Math.floor(i / a.width)}): 0x${a.words[i].toString(16)} vs 0x${b.words[i].toString(16)}; ${diffs} pixels differ`
    }
  }
  return null
}

function countDifferent(a: FramebufferSink, b: FramebufferSink): number {
  let n = 0
  for (let i = 0; i < a.words.length; i++) if (a.words[i] !== b.words[i]) n++
  return n
}

/**
 * Compares a picture decoded at a reduced depth with the 32 bpp reference: each channel may be
 * off by at most one step of that channel's precision in `pf` (servers truncate or round).
 */
export function differenceBeyondPrecision(reference: FramebufferSink, reduced: FramebufferSink, pf: PixelFormat): string | null {
  if (reference.width !== reduced.width || reference.height !== reduced.height) return 'sizes differ'
  const tol = [255 / pf.redMax, 255 / pf.greenMax, 255 / pf.blueMax].map((s) => Math.ceil(s) + 1)
  let bad = 0
  let first = ''
  for (let i = 0; i < reference.words.length; i++) {
    const a = reference.words[i]
    const b = reduced.words[i]
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(((a >>> (8 * c)) & 255) - ((b >>> (8 * c)) & 255))
      if (d > tol[c]) {
        if (!bad) first = `pixel (${i % reference.width},${Math.floor(i / reference.width)}) channel ${c}: 0x${a.toString(16)} vs 0x${b.toString(16)}`
        bad++
        break
      }
    }
  }
  return bad ? `${bad} pixels beyond precision; first at ${first}` : null
}

/** Number of distinct colours, to prove a picture is not blank. */
export function distinctColours(fb: FramebufferSink): number {
  return new Set(fb.words).size
}

/** Peak signal-to-noise ratio over R, G and B in dB (Infinity when identical). */
export function psnr(reference: FramebufferSink, test: FramebufferSink): number {
  if (reference.width !== test.width || reference.height !== test.height) return 0
  let se = 0
  for (let i = 0; i < reference.words.length; i++) {
    const a = reference.words[i]
    const b = test.words[i]
    for (let c = 0; c < 24; c += 8) {
      const d = ((a >>> c) & 255) - ((b >>> c) & 255)
      se += d * d
    }
  }
  if (se === 0) return Infinity
  const mse = se / (reference.words.length * 3)
  return 10 * Math.log10((255 * 255) / mse)
}
