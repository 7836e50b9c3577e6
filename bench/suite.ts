import { Encoding, encodingName } from '@shared/encodings'
import { FramebufferSink } from '../src/main/rfb/framebuffer'
import { decodeImageNode } from '../src/main/rfb/images/node-image-decoder'
import { recordingStream, replayStream, type ReplayResult } from '../src/main/rfb/record/replay'
import { pictureDifference } from './framebuffer-diff'
import type { NoVncDecoders } from './novnc/load'
import { type NoVncReplayResult, prepareRecording, replayWithNoVnc } from './novnc/replay'

/** One stream to decode: an FBS recording in memory. */
export interface Workload {
  name: string
  fbs: Uint8Array
}

/** Throughput of one side: the median pass. */
export interface SideResult {
  runs: number
  medianMs: number
  wireMBps: number
  mpixelsPerSec: number
  updatesPerSec: number
}

export interface WorkloadResult {
  name: string
  encodings: string[]
  width: number
  height: number
  updates: number
  wireBytes: number
  pixels: number
  ours: SideResult
  /** Null when noVNC lacks one of the encodings or failed (see `novncError`). */
  novnc: SideResult | null
  /** Ours over noVNC in Mpixel/s (the same as in wire MB/s: both decode the same bytes). */
  ratio: number | null
  /** Set when the final framebuffers differ: the bench run fails. */
  mismatch: string | null
  novncError: string | null
}

export interface SuiteOptions {
  /** At least this many timed passes per side... */
  minRuns: number
  /** ...and passes until this much time per side (capped by `maxRuns`). */
  minMs: number
  maxRuns: number
}

export const DEFAULT_OPTIONS: SuiteOptions = { minRuns: 5, minMs: 1500, maxRuns: 200 }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function side(times: number[], wireBytes: number, pixels: number, updates: number): SideResult {
  const medianMs = median(times)
  const s = medianMs / 1000
  return { runs: times.length, medianMs, wireMBps: wireBytes / 1e6 / s, mpixelsPerSec: pixels / 1e6 / s, updatesPerSec: updates / s }
}

/** The pixel encodings among those an update used (pseudo-encodings are negative, TightPNG aside). */
function pixelEncodings(all: Iterable<number>): number[] {
  return [...all].filter((e) => e >= 0 || e === Encoding.TightPNG)
}

/** One decoding of a recording by each side, and how their final framebuffers compare. */
export interface ParityResult {
  ours: FramebufferSink
  replay: ReplayResult
  /** Times another pass of our engine over the same stream, in ms. */
  ourPass: () => Promise<number>
  /** Null when noVNC lacks one of the encodings or failed (see `novncError`). */
  peer: NoVncReplayResult | null
  /** Times another noVNC pass over the same stream, in ms. */
  peerPass: (() => number) | null
  /** Set when the framebuffers (or what each parsed) differ. */
  mismatch: string | null
  novncError: string | null
}

/** Decodes `fbs` with our engine and with noVNC's decoders and compares the final framebuffers. */
export async function decodeBoth(fbs: Uint8Array, novnc: NoVncDecoders): Promise<ParityResult> {
  const stream = recordingStream(fbs)
  const ours = new FramebufferSink(decodeImageNode)
  const replay = await replayStream(stream, ours)
  const ourPass = async (): Promise<number> => (await replayStream(stream, new FramebufferSink(decodeImageNode))).elapsedMs
  const result: ParityResult = { ours, replay, ourPass, peer: null, peerPass: null, mismatch: null, novncError: null }
  const missing = pixelEncodings(replay.encodings).filter((e) => !novnc.has(e))
  if (missing.length > 0) {
    result.novncError = `noVNC has no ${missing.map(encodingName).join(', ')} decoder`
    return result
  }
  const prepared = prepareRecording(fbs)
  // noVNC's decoders write into views of the stream: they get their own copy.
  const own = { ...prepared, stream: prepared.stream.slice() }
  try {
    const p = replayWithNoVnc(own, novnc, decodeImageNode)
    result.peer = p
    result.peerPass = () => replayWithNoVnc(own, novnc, decodeImageNode).elapsedMs
    const r = replay
    let mismatch = pictureDifference(ours, p.display)
    if (p.updates !== r.updates || p.bytes !== r.bytes || p.pixels !== r.pixels) {
      mismatch = `${mismatch ? `${mismatch}; ` : ''}streams parsed differently: ` +
        `ours ${r.updates} updates, ${r.bytes} bytes, ${r.pixels} pixels; noVNC ${p.updates}, ${p.bytes}, ${p.pixels}`
    }
    result.mismatch = mismatch
  } catch (e) {
    result.novncError = `noVNC failed: ${e instanceof Error ? e.message : String(e)}`
  }
  return result
}

/**
 * Decodes one recording with our engine and with noVNC's decoders, compares the final
 * framebuffers, then times alternating passes of each (fresh decoders and framebuffer per
 * pass, the whole stream in memory, only the decoding timed) and reports the medians.
 */
export async function runWorkload(w: Workload, novnc: NoVncDecoders, opts: SuiteOptions = DEFAULT_OPTIONS): Promise<WorkloadResult> {
  const first = await decodeBoth(w.fbs, novnc)
  const r = first.replay
  const fb = first.ours
  const result: WorkloadResult = {
    name: w.name, encodings: pixelEncodings(r.encodings).map(encodingName), width: fb.width, height: fb.height, updates: r.updates,
    wireBytes: r.bytes, pixels: r.pixels, ours: side([r.elapsedMs], r.bytes, r.pixels, r.updates), novnc: null, ratio: null,
    mismatch: first.mismatch, novncError: first.novncError,
  }
  const peer = first.peerPass
  const ourPass = first.ourPass

  const ours: number[] = []
  const theirs: number[] = []
  let oursTotal = 0
  let theirsTotal = 0
  while (ours.length < opts.maxRuns) {
    const enough = (t: number[], total: number): boolean => t.length >= opts.minRuns && total >= opts.minMs
    const oursDone = enough(ours, oursTotal)
    const theirsDone = !peer || enough(theirs, theirsTotal)
    if (oursDone && theirsDone) break
    if (!oursDone) {
      const t = await ourPass()
      ours.push(t)
      oursTotal += t
    }
    if (peer && !theirsDone && theirs.length < opts.maxRuns) {
      const t = peer()
      theirs.push(t)
      theirsTotal += t
    }
  }
  result.ours = side(ours, r.bytes, r.pixels, r.updates)
  if (peer && theirs.length > 0) {
    result.novnc = side(theirs, r.bytes, r.pixels, r.updates)
    result.ratio = result.novnc.medianMs / result.ours.medianMs
  }
  return result
}

const f1 = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1))

/** The results as a fixed-width table, mismatches and noVNC failures listed below it. */
export function formatTable(results: readonly WorkloadResult[]): string {
  const head = `${'recording'.padEnd(34)}${'encodings'.padEnd(22)}${'size'.padEnd(10)}${'updates'.padStart(8)}${'wire MB'.padStart(9)}` +
    ` |${'ours MB/s'.padStart(10)}${'Mpx/s'.padStart(8)}${'upd/s'.padStart(8)}` +
    ` |${'noVNC MB/s'.padStart(11)}${'Mpx/s'.padStart(8)}${'upd/s'.padStart(8)} |${'ours/noVNC'.padStart(11)}`
  const lines = [head, '-'.repeat(head.length)]
  for (const r of results) {
    const n = r.novnc
    lines.push(`${r.name.slice(0, 33).padEnd(34)}${r.encodings.join(',').slice(0, 21).padEnd(22)}${`${r.width}x${r.height}`.padEnd(10)}` +
      `${String(r.updates).padStart(8)}${(r.wireBytes / 1e6).toFixed(1).padStart(9)}` +
      ` |${f1(r.ours.wireMBps).padStart(10)}${f1(r.ours.mpixelsPerSec).padStart(8)}${f1(r.ours.updatesPerSec).padStart(8)}` +
      ` |${(n ? f1(n.wireMBps) : '-').padStart(11)}${(n ? f1(n.mpixelsPerSec) : '-').padStart(8)}${(n ? f1(n.updatesPerSec) : '-').padStart(8)}` +
      ` |${(r.ratio !== null ? `${r.ratio.toFixed(2)}x` : '-').padStart(11)}${r.mismatch ? '  MISMATCH' : ''}`)
  }
  for (const r of results) {
    if (r.mismatch) lines.push(`MISMATCH in ${r.name}: ${r.mismatch}`)
    if (r.novncError) lines.push(`note: ${r.name}: ${r.novncError}`)
  }
  return lines.join('\n')
}
