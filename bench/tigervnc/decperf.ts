import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Encoding } from '@shared/encodings'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../src/main/rfb/images/node-image-decoder'
import { recordingStream, replayStream } from '../../src/main/rfb/record/replay'
import { CHUNK_BYTES } from '../novnc/replay'
import { median, type TigerVncResult } from '../suite'

const run = promisify(execFile)

/** Pixel encodings TigerVNC's client decodes (common/rfb/Decoder.cxx): no Zlib, CoRRE, ZYWRLE or TightPNG. */
const TIGERVNC_ENCODINGS = new Set<number>([Encoding.Raw, Encoding.CopyRect, Encoding.RRE, Encoding.Hextile, Encoding.Tight, Encoding.ZRLE])

/** Runs one decperf invocation times (after its own warm-up run); ours takes as many passes a round. */
export const DECPERF_RUNS = 9

/** The decperf binary: BENCH_DECPERF, else what bench/tigervnc/build-decperf.sh builds; null when neither exists. */
export function decperfBinary(root: string): string | null {
  const p = process.env.BENCH_DECPERF || join(root, 'out', 'bench', 'tigervnc', 'decperf')
  return existsSync(p) ? p : null
}

/** One decperf invocation on `file`: the median CPU ms of its 9 runs, or why there is none. */
async function decperfRun(binary: string, file: string): Promise<number | string> {
  try {
    const { stdout } = await run(binary, [file], { maxBuffer: 1 << 20 })
    const m = /CPU time: ([\d.e+-]+) s/.exec(stdout)
    return m ? Number(m[1]) * 1000 : `decperf printed no CPU time: ${stdout.trim().slice(0, 200)}`
  } catch (e) {
    const err = e as { stderr?: string; message?: string }
    return `decperf failed: ${(err.stderr || err.message || String(e)).trim().slice(0, 200)}`
  }
}

/**
 * TigerVNC's decperf and our engine on the same recording, in CPU time per pass, interleaved:
 * `rounds` rounds, each half of our {@link DECPERF_RUNS} passes, one decperf invocation (its
 * warm-up run, then 9 runs, of which it prints the median; getrusage around each
 * FramebufferUpdate, its decoder threads included), then our other half. A round's ratio is
 * decperf's median over the median of our passes around it (process.cpuUsage per whole replay,
 * our handshake included; JPEG and PNG decoded, as decperf does), so both sides of a ratio are
 * measured within the same second or two and a change of the machine's load moves both. The
 * result is the median of the rounds' ratios, with their spread; each side's figure is the
 * median over all its rounds.
 *
 * Both sides draw into a framebuffer that is already in memory, as a viewer does after its
 * first update: decperf runs its passes in one process, and from its second run on glibc
 * hands its 8 MB framebuffer back from the heap (the mmap threshold rises after the first free),
 * pages already mapped; ours reuses one FramebufferSink across passes (one warm-up pass first).
 * A fresh 1920x1080 framebuffer per pass costs its first touch of 2,000 pages (page faults and
 * the kernel zeroing them: 5-10 ms on this VM), which is not decoding and would count on our
 * side only.
 */
export async function compareWithDecperf(binary: string, fbs: Uint8Array, rounds: number): Promise<TigerVncResult> {
  const stream = recordingStream(fbs)
  const sink = new FramebufferSink(decodeImageNode)
  const warmUp = await replayStream(stream, sink, { chunkSize: CHUNK_BYTES })
  const ourPasses = async (n: number, into: number[]): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const before = process.cpuUsage()
      await replayStream(stream, sink, { chunkSize: CHUNK_BYTES })
      const used = process.cpuUsage(before)
      into.push((used.user + used.system) / 1000)
    }
  }
  const missing = [...warmUp.encodings].filter((e) => (e >= 0 || e === Encoding.TightPNG) && !TIGERVNC_ENCODINGS.has(e))
  if (missing.length) {
    const cpu: number[] = []
    await ourPasses(DECPERF_RUNS, cpu)
    return { ...noDecperf(median(cpu)), error: `TigerVNC has no decoder for encoding ${missing.join(', ')}` }
  }
  const dir = mkdtempSync(join(tmpdir(), 'tessera-decperf-'))
  try {
    const file = join(dir, 'stream.rfb')
    // decperf starts at ServerInit; our recording streams begin with RFB 3.3 and security None, 16 bytes.
    writeFileSync(file, stream.subarray(16))
    const ours: number[] = []
    const theirs: number[] = []
    const ratios: number[] = []
    for (let r = 0; r < rounds; r++) {
      const round: number[] = []
      await ourPasses(DECPERF_RUNS >> 1, round)
      const t = await decperfRun(binary, file)
      await ourPasses(DECPERF_RUNS - (DECPERF_RUNS >> 1), round)
      ours.push(...round)
      if (typeof t === 'string') return { ...noDecperf(median(ours)), error: t }
      theirs.push(t)
      ratios.push(t / median(round))
    }
    return {
      decperfCpuMs: median(theirs),
      oursCpuMs: median(ours),
      ratio: median(ratios),
      ratioMin: Math.min(...ratios),
      ratioMax: Math.max(...ratios),
      rounds,
      load: loadavg()[0],
      error: null,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function noDecperf(oursCpuMs: number): TigerVncResult {
  return { decperfCpuMs: null, oursCpuMs, ratio: null, ratioMin: null, ratioMax: null, rounds: 0, load: loadavg()[0], error: null }
}
