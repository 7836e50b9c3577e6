import type { FuzzCase } from './generate'
import type { Rng } from './rng'

/** What a mutation did, so a crash report can say how its input was made. */
export interface Mutated {
  stream: Uint8Array
  steps: string[]
}

const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xfe, 0xff]

/** Values a length field is set to: empty, tiny, and the largest the field can hold. */
function interesting(size: 1 | 2 | 4, rng: Rng): number {
  const max = size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff
  // 16384 and 16383 are the engine's framebuffer side limit and just under it.
  return rng.pick(
    [0, 1, max, max - 1, 0x7fffffff & max, 0x80000000 & max, rng.int(max + 1), 2, 3, 16, 255, 256, 4096, 16383, 16384, 65535].filter((v) => v <= max),
  )
}

function writeUint(b: Uint8Array, at: number, size: 1 | 2 | 4, v: number): void {
  for (let i = 0; i < size; i++) b[at + i] = (v >>> (8 * (size - 1 - i))) & 0xff
}

/**
 * Applies 1-3 random mutations to a case's stream: bit flips, interesting bytes, length fields set
 * to 0, 1, max and max-1, truncation, splices from a donor, deletions, duplications, insertions.
 * With `protectHandshake`, the bytes before the first message are left alone (a broken handshake
 * only exercises the handshake, and replay of one waits for the handshake timeout).
 */
export function mutate(c: FuzzCase, rng: Rng, donor: FuzzCase | null, protectHandshake: boolean): Mutated {
  let b = Uint8Array.from(c.stream)
  const steps: string[] = []
  const lo = protectHandshake ? c.handshakeEnd : 0
  const n = rng.range(1, 3)
  for (let i = 0; i < n && b.length > lo; i++) {
    const at = rng.range(lo, b.length - 1)
    switch (rng.int(9)) {
      case 0: {
        const bits = rng.range(1, 4)
        for (let k = 0; k < bits; k++) {
          const p = rng.range(lo, b.length - 1)
          b[p] ^= 1 << rng.int(8)
        }
        steps.push(`flip ${bits} bits`)
        break
      }
      case 1:
        b[at] = rng.pick(INTERESTING_8)
        steps.push(`byte ${at} = 0x${b[at].toString(16)}`)
        break
      case 2:
      case 3: {
        const fields = c.fields.filter((f) => f.offset >= lo && f.offset + f.size <= b.length)
        if (fields.length > 0) {
          const f = rng.pick(fields)
          const v = interesting(f.size, rng)
          writeUint(b, f.offset, f.size, v)
          steps.push(`${f.what} at ${f.offset} = ${v}`)
        } else {
          const size = rng.pick([2, 4] as const)
          if (at + size <= b.length) {
            const v = interesting(size, rng)
            writeUint(b, at, size, v)
            steps.push(`u${size * 8} at ${at} = ${v}`)
          }
        }
        break
      }
      case 4:
        b = b.slice(0, at)
        steps.push(`truncate at ${at}`)
        break
      case 5: {
        if (!donor || donor.stream.length <= donor.handshakeEnd) break
        const from = rng.range(donor.handshakeEnd, donor.stream.length - 1)
        const len = Math.min(rng.range(1, 4096), donor.stream.length - from)
        const piece = donor.stream.subarray(from, from + len)
        const out = new Uint8Array(b.length + len)
        out.set(b.subarray(0, at), 0)
        out.set(piece, at)
        out.set(b.subarray(at), at + len)
        b = out
        steps.push(`splice ${len} donor bytes at ${at}`)
        break
      }
      case 6: {
        const len = Math.min(rng.range(1, 64), b.length - at)
        const out = new Uint8Array(b.length - len)
        out.set(b.subarray(0, at), 0)
        out.set(b.subarray(at + len), at)
        b = out
        steps.push(`delete ${len} at ${at}`)
        break
      }
      case 7: {
        const len = Math.min(rng.range(1, 256), b.length - at)
        const out = new Uint8Array(b.length + len)
        out.set(b.subarray(0, at + len), 0)
        out.set(b.subarray(at, at + len), at + len)
        out.set(b.subarray(at + len), at + 2 * len)
        b = out
        steps.push(`duplicate ${len} at ${at}`)
        break
      }
      default: {
        const extra = rng.bytes(rng.range(1, 16))
        const out = new Uint8Array(b.length + extra.length)
        out.set(b.subarray(0, at), 0)
        out.set(extra, at)
        out.set(b.subarray(at), at + extra.length)
        b = out
        steps.push(`insert ${extra.length} random at ${at}`)
      }
    }
  }
  return { stream: b, steps }
}
