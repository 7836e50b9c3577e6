import type { FuzzPool, Verdict } from './pool'

/** What makes two failures the same bug: kind, code, and the message without numbers. */
export function signature(v: Verdict): string {
  const where =
    v.stack
      ?.split('\n')
      .find((l) => l.includes('/src/'))
      ?.trim()
      .replace(/:\d+:\d+\)?$/, '') ?? ''
  return `${v.kind} ${v.code} ${v.message.replace(/\d+/g, 'N')} ${where}`
}

/**
 * Shrinks failing bytes (a server stream, or the FBS file itself when that was damaged) while
 * the recording `asRecording` makes of them keeps failing the same way: first the shortest
 * failing prefix, then deleting ever smaller chunks after `keep`, each run as `run` says (chunk
 * size, thumbnail mirror). Bounded by `budget` runs.
 * Returns the smallest failing recording.
 */
export async function minimize(
  pool: FuzzPool,
  bytes: Uint8Array,
  keep: number,
  want: string,
  run: { chunkSize: number; thumbnail?: boolean },
  asRecording: (b: Uint8Array) => Uint8Array,
  budget = 250,
): Promise<Uint8Array> {
  let best = bytes
  let runs = 0
  const fails = async (s: Uint8Array): Promise<boolean> => {
    runs++
    return signature(await pool.run(asRecording(s), run.chunkSize, { thumbnail: run.thumbnail })) === want
  }
  // Shortest failing prefix by bisection (failures usually happen where parsing stops).
  let lo = keep
  let hi = best.length
  while (lo < hi && runs < budget / 3) {
    const mid = (lo + hi) >> 1
    if (await fails(best.subarray(0, mid))) hi = mid
    else lo = mid + 1
  }
  if (hi < best.length && (await fails(best.subarray(0, hi)))) best = best.slice(0, hi)
  for (let size = Math.max(1, (best.length - keep) >> 1); size >= 1 && runs < budget; size >>= 1) {
    for (let at = keep; at + size <= best.length && runs < budget;) {
      const candidate = new Uint8Array(best.length - size)
      candidate.set(best.subarray(0, at), 0)
      candidate.set(best.subarray(at + size), at)
      if (await fails(candidate)) best = candidate
      else at += size
    }
  }
  return asRecording(best)
}
