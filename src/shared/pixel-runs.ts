/**
 * "Pixel runs": a lossless transfer encoding for a FrameBatch's decoded RGBA, so desktop-like
 * pictures cross from the host to the page in a fraction of their bytes. Not an RFB encoding:
 * the host still decodes every rect; this is only how the decoded words travel (ws-codec.ts).
 *
 * A stream of little-endian u32 words, a token at a time. Each token starts with a header word:
 *   header = count * 2 + 1, then 1 word:     that word `count` times (a run)
 *   header = count * 2,     then count words: those words as they are (a literal stretch)
 * with 1 <= count < 2^31. The stream unpacks to exactly the sum of the counts; anything else
 * (a zero count, a token past the end, more or fewer words than announced) is refused.
 *
 * Runs of one word are what desktops are made of (backgrounds, window fills, the space between
 * glyphs), and filling or copying whole stretches is what typed arrays do fastest on both ends.
 */

/** Shortest repeat worth a run token (2 words); shorter ones stay in the literal stretch. */
const MIN_RUN = 3

/**
 * Most bytes a packed blob may unpack to: a whole framebuffer at the engine's size limit
 * (MAX_FRAMEBUFFER_PIXELS, 64 Mpixel of 4 bytes). The encoder leaves larger buffers plain.
 */
export const MAX_UNPACKED_BYTES = 1 << 28

/** By default packing is abandoned once its output passes this fraction of the input. */
export const DEFAULT_PACK_LIMIT = 0.5

/** A packed stream that does not unpack to what it announces. */
export class PixelRunsError extends Error {
  override name = 'PixelRunsError'
}

/** What packs a frame's pixel words: the words packed, or null when packing does not pay. */
export interface PixelPacker {
  pack(words: Uint32Array): Uint8Array | null
}

/**
 * Packs pixel words into reusable memory (grown by doubling, never per pixel or per token).
 * One encoder per sender: each `pack` overwrites the previous result.
 */
export class PixelRunEncoder implements PixelPacker {
  private out = new Uint32Array(16 * 1024)

  /**
   * The words packed, as a view of this encoder's memory valid until the next call, or null
   * when packing does not pay: the output would pass `limit` of the input (noise, motion), or
   * the input is empty or too large. It gives up as soon as that is certain, and after the
   * first eighth of the input when that eighth packed to more than 1.5 `limit` of its size
   * (3/4 by default), so a picture that does not pack costs a fraction of a pass over it.
   */
  pack(words: Uint32Array, limit = DEFAULT_PACK_LIMIT): Uint8Array | null {
    const n = words.length
    if (n === 0 || n * 4 > MAX_UNPACKED_BYTES) return null
    // Packing never makes more than n + 1 words (a literal stretch of everything), whatever the limit.
    const budget = Math.min(Math.floor(n * limit), n + 1)
    this.reserve(budget + 2)
    const out = this.out
    const probeAt = n >> 3
    let probed = false
    let o = 0
    let lit = 0 // start of the pending literal stretch
    let i = 0
    while (i < n) {
      const v = words[i]
      let j = i + 1
      while (j < n && words[j] === v) j++
      if (j - i >= MIN_RUN) {
        o = flushLiteral(words, lit, i, out, o)
        out[o++] = (j - i) * 2 + 1
        out[o++] = v
        lit = j
      }
      i = j
      // What is written plus the pending literal's header and words.
      const size = o + (i > lit ? i - lit + 1 : 0)
      if (size > budget) return null
      if (!probed && i >= probeAt) {
        probed = true
        if (size > i * limit * 1.5) return null
      }
    }
    o = flushLiteral(words, lit, n, out, o)
    return new Uint8Array(out.buffer, 0, o * 4)
  }

  private reserve(words: number): void {
    if (words <= this.out.length) return
    let size = this.out.length * 2
    while (size < words) size *= 2
    this.out = new Uint32Array(size)
  }
}

/** Writes words [from, to) as one literal token (none when empty); returns the new output position. */
function flushLiteral(words: Uint32Array, from: number, to: number, out: Uint32Array, o: number): number {
  if (to <= from) return o
  // Counts fit a header (below 2^31): inputs are at most MAX_UNPACKED_BYTES / 4 words.
  out[o++] = (to - from) * 2
  for (let k = from; k < to; k++) out[o++] = words[k]
  return o
}

/**
 * The number of words `packed` unpacks to, after checking every token lies inside it and the
 * total stays within `maxWords`. Reads only headers, so the caller learns the size it must
 * allocate from a checked stream, not from a length it was told.
 */
export function unpackedWords(packed: Uint32Array, maxWords = MAX_UNPACKED_BYTES / 4): number {
  const n = packed.length
  let total = 0
  let i = 0
  while (i < n) {
    const h = packed[i]
    const count = h >>> 1
    if (count === 0) throw new PixelRunsError(`token at word ${i} has a zero count`)
    const next = i + 1 + (h & 1 ? 1 : count)
    if (next > n) throw new PixelRunsError(`token at word ${i} runs past the end (${next} of ${n} words)`)
    total += count
    if (total > maxWords) throw new PixelRunsError(`unpacks to more than ${maxWords} words`)
    i = next
  }
  return total
}

/**
 * Unpacks `packed` into `out`, which must hold exactly as many words as it unpacks to. Checks
 * as it goes, so it never writes outside `out` whatever it is given; throws PixelRunsError on a
 * malformed stream (then `out` holds a partial picture and must not be used).
 */
export function unpackPixelRuns(packed: Uint32Array, out: Uint32Array): void {
  const n = packed.length
  const end = out.length
  let o = 0
  let i = 0
  while (i < n) {
    const h = packed[i++]
    const count = h >>> 1
    if (count === 0) throw new PixelRunsError(`token at word ${i - 1} has a zero count`)
    if (count > end - o) throw new PixelRunsError(`unpacks to more than the ${end} words announced`)
    if (h & 1) {
      if (i >= n) throw new PixelRunsError('run without its word')
      const v = packed[i++]
      // Short runs by hand: fill()'s call costs more than a few stores.
      if (count < 16) for (let k = 0; k < count; k++) out[o + k] = v
      else out.fill(v, o, o + count)
    } else {
      if (count > n - i) throw new PixelRunsError(`literal at word ${i - 1} runs past the end`)
      if (count < 16) for (let k = 0; k < count; k++) out[o + k] = packed[i + k]
      else out.set(packed.subarray(i, i + count), o)
      i += count
    }
    o += count
  }
  if (o !== end) throw new PixelRunsError(`unpacks to ${o} words, not the ${end} announced`)
}
