import { FBS_MAGIC, encodeFbsBlock } from '../../src/main/rfb/record/fbs'
import type { Rng } from './rng'
import { Writer } from './writer'

/** A server stream (from "RFB 003.003\n") as a one-block FBS recording. */
export function toFbs(stream: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from(FBS_MAGIC, 'latin1'), encodeFbsBlock(stream, 0)])
}

/**
 * The stream as an FBS recording cut into blocks of random sizes, as a recorder writes socket
 * reads; sometimes with a block length or the file itself damaged, so the FBS reader is fuzzed too.
 */
export function wrapFbs(stream: Uint8Array, rng: Rng, damage: boolean): { fbs: Uint8Array; steps: string[] } {
  const out = new Writer().text(FBS_MAGIC)
  let ts = 0
  for (let o = 0; o < stream.length;) {
    const n = Math.min(stream.length - o, rng.chance(0.5) ? stream.length : rng.range(1, 4096))
    out.u32(n, 'block length').bytes(stream.subarray(o, o + n))
    for (let pad = n; pad % 4 !== 0; pad++) out.u8(0)
    out.u32((ts += rng.int(100)), 'block timestamp')
    o += n
  }
  let fbs = out.build()
  const steps: string[] = []
  // An empty stream makes no blocks, so no fields to damage.
  if (damage && out.fields.length > 0 && rng.chance(0.08)) {
    const f = rng.pick(out.fields)
    const v = rng.pick([0, 1, 3, 0xffffffff, 0xfffffffe, 0xfffffffc, 0x7fffffff, 0x80000000, rng.int(2 ** 32)])
    new DataView(fbs.buffer).setUint32(f.offset, v >>> 0)
    steps.push(`FBS ${f.what} at ${f.offset} = ${v >>> 0}`)
  }
  if (damage && rng.chance(0.03)) {
    const at = rng.range(0, fbs.length)
    fbs = fbs.slice(0, at)
    steps.push(`FBS truncated at ${at}`)
  }
  return { fbs, steps }
}
