import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
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

/** The decperf binary: BENCH_DECPERF, else what bench/tigervnc/build-decperf.sh builds; null when neither exists. */
export function decperfBinary(root: string): string | null {
  const p = process.env.BENCH_DECPERF || join(root, 'out', 'bench', 'tigervnc', 'decperf')
  return existsSync(p) ? p : null
}

/**
 * TigerVNC's decperf and our engine on the same recording, in CPU time per pass: decperf's
 * median of 9 runs after a warm-up (getrusage around each FramebufferUpdate, its decoder
 * threads included), and ours the median of `passes` whole replays after a warm-up pass
 * (process.cpuUsage, our handshake included; JPEG and PNG decoded, as decperf does). Ours runs
 * first, then decperf, back to back.
 *
 * Both sides draw into a framebuffer that is already in memory, as a viewer does after its
 * first update: decperf runs its passes in one process, and from its second run on glibc
 * hands its 8 MB framebuffer back from the heap (the mmap threshold rises after the first free),
 * pages already mapped; ours reuses one FramebufferSink across passes. A fresh 1920x1080
 * framebuffer per pass costs its first touch of 2,000 pages (page faults and the kernel zeroing
 * them: 5-10 ms on this VM), which is not decoding and would count on our side only.
 */
export async function compareWithDecperf(binary: string, fbs: Uint8Array, passes: number): Promise<TigerVncResult> {
  const stream = recordingStream(fbs)
  const cpu: number[] = []
  let encodings: number[] = []
  const sink = new FramebufferSink(decodeImageNode)
  for (let i = -1; i < passes; i++) {
    const before = process.cpuUsage()
    const r = await replayStream(stream, sink, { chunkSize: CHUNK_BYTES })
    const used = process.cpuUsage(before)
    encodings = [...r.encodings]
    if (i >= 0) cpu.push((used.user + used.system) / 1000) // pass -1 is the warm-up
  }
  const oursCpuMs = median(cpu)
  const missing = encodings.filter((e) => (e >= 0 || e === Encoding.TightPNG) && !TIGERVNC_ENCODINGS.has(e))
  if (missing.length) return { decperfCpuMs: null, oursCpuMs, ratio: null, error: `TigerVNC has no decoder for encoding ${missing.join(', ')}` }
  const dir = mkdtempSync(join(tmpdir(), 'tessera-decperf-'))
  try {
    const file = join(dir, 'stream.rfb')
    // decperf starts at ServerInit; our recording streams begin with RFB 3.3 and security None, 16 bytes.
    writeFileSync(file, stream.subarray(16))
    const { stdout } = await run(binary, [file], { maxBuffer: 1 << 20 })
    const m = /CPU time: ([\d.e+-]+) s/.exec(stdout)
    if (!m) return { decperfCpuMs: null, oursCpuMs, ratio: null, error: `decperf printed no CPU time: ${stdout.trim().slice(0, 200)}` }
    const decperfCpuMs = Number(m[1]) * 1000
    return { decperfCpuMs, oursCpuMs, ratio: decperfCpuMs / oursCpuMs, error: null }
  } catch (e) {
    const err = e as { stderr?: string; message?: string }
    return { decperfCpuMs: null, oursCpuMs, ratio: null, error: `decperf failed: ${(err.stderr || err.message || String(e)).trim().slice(0, 200)}` }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
