/**
 * Storing a colour into runs of RGBA words two at a time: a Float64Array over the same memory,
 * and the double whose 8 bytes are the colour twice. Half the stores of a word loop, for the
 * run and fill loops of ZRLE and Hextile. V8 stores a double read from a typed array bit for
 * bit into another, NaN patterns included (an opaque colour with blue >= 0xf0 is one);
 * test/unit/decoders/zrle-pairs.test.ts and hextile.test.ts check such colours.
 */

const pairWord = new Float64Array(1)
const pair = new Uint32Array(pairWord.buffer)

/** The double whose bytes are `colour` twice. */
export function pairOf(colour: number): number {
  pair[0] = colour
  pair[1] = colour
  return pairWord[0]
}

/** Stores `colour` into `out[k, e)`: word pairs through `pairs` (the same memory) as `two` = pairOf(colour). */
export function fillPairs(out: Uint32Array, pairs: Float64Array, k: number, e: number, colour: number, two: number): void {
  if (k >= e) return
  if (k & 1) out[k++] = colour
  const pe = e >> 1
  for (let q = k >> 1; q < pe; q++) pairs[q] = two
  if (e & 1) out[e - 1] = colour
}

/** A Float64Array view of the last word array asked for, or null where it is not 8-byte aligned. */
export class PairView {
  private of: Uint32Array | null = null
  private view: Float64Array | null = null

  over(out: Uint32Array): Float64Array | null {
    if (this.of === out) return this.view
    this.of = out
    this.view = out.byteOffset % 8 === 0 ? new Float64Array(out.buffer, out.byteOffset, out.length >> 1) : null
    return this.view
  }
}
