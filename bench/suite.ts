import { Encoding, encodingName } from '@shared/encodings'
import { type DecodedImage, FramebufferSink, type ImageDecoder } from '../src/main/rfb/framebuffer'
import { decodeImageNode } from '../src/main/rfb/images/node-image-decoder'
import { recordingStream, replayStream, type ReplayResult } from '../src/main/rfb/record/replay'
import { pictureDifference } from './framebuffer-diff'
import { type NoVncBase64, loadNoVncBase64, loadNoVncWebsock, type NoVncDecoders } from './novnc/load'
import { CHUNK_BYTES, type NoVncQueueMode, type NoVncReplayResult, prepareStream, replayWithNoVnc } from './novnc/replay'

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

/** Both sides' throughput over the same passes. */
export interface Comparison {
  ours: SideResult
  /** Null when noVNC lacks one of the encodings or failed (see `novncError`). */
  novnc: SideResult | null
  /** Ours over noVNC in Mpixel/s (the same as in wire MB/s: both decode the same bytes). */
  ratio: number | null
}

export interface WorkloadResult extends Comparison {
  name: string
  encodings: string[]
  width: number
  height: number
  updates: number
  wireBytes: number
  pixels: number
  /** JPEG/PNG rects in the stream. */
  images: number
  novncQueue: NoVncQueueMode
  /** With images copied, not decoded, on both sides (see {@link recordImage}); null without images. */
  protocolOnly: Comparison | null
  /** Set when the final framebuffers differ: the bench run fails. */
  mismatch: string | null
  novncError: string | null
  /** The same stream in server-native B,G,R,X (Raw recordings only; bench/bgrx.ts). */
  bgrx?: BgrxResult
  /** TigerVNC's decperf on the same stream (bench/tigervnc/decperf.ts), when it is built. */
  tigervnc?: TigerVncResult
}

/** Our engine on a Raw stream in R,G,B,X and in B,G,R,X, passes alternating. */
export interface BgrxResult {
  rgbxMs: number
  bgrxMs: number
  /** B,G,R,X speed over R,G,B,X speed. */
  ratio: number
  /** Set when the two final framebuffers differ (the bench then fails). */
  mismatch: string | null
}

/** CPU ms per pass of TigerVNC's decperf and of our engine, in interleaved rounds (bench/tigervnc/decperf.ts). */
export interface TigerVncResult {
  /** Medians over all rounds. */
  decperfCpuMs: number | null
  oursCpuMs: number
  /** TigerVNC's CPU time over ours, the median of the rounds' ratios: above 1, ours is faster. */
  ratio: number | null
  /** The lowest and highest of the rounds' ratios. */
  ratioMin: number | null
  ratioMax: number | null
  rounds: number
  /** The 1-minute load average when the last round ended. */
  load: number
  /** Why decperf gave no number (an encoding it lacks, a failure). */
  error: string | null
}

export interface SuiteOptions {
  /** At least this many timed passes per side... */
  minRuns: number
  /** ...and passes until this much time per side (capped by `maxRuns`). */
  minMs: number
  maxRuns: number
  /** How noVNC's receive queue is fed (see {@link NoVncQueueMode}). */
  novncQueue: NoVncQueueMode
  /** What noVNC does with an image in protocol-only rows (see {@link NoVncImageMode}). */
  novncImages: NoVncImageMode
}

/**
 * `data-url`: what noVNC's Display.imageRect does before the browser decodes ({@link noVncImageHandoff});
 * `copy`: the bytes copied, as on our side ({@link recordImage}), noVNC's base64 not timed.
 */
export type NoVncImageMode = 'data-url' | 'copy'

export const DEFAULT_OPTIONS: SuiteOptions = { minRuns: 5, minMs: 1500, maxRuns: 200, novncQueue: 'websock', novncImages: 'data-url' }

/** The median of `xs` (not modified). */
export function median(xs: number[]): number {
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

/** An image decoder that counts the images it decodes. */
function countingDecoder(decode: ImageDecoder): { decode: ImageDecoder; count: () => number } {
  let n = 0
  return { decode: (kind, data, w, h) => (n++, decode(kind, data, w, h)), count: () => n }
}

const NO_IMAGE: DecodedImage = { width: 0, height: 0, rgba: new Uint8Array(0) }
let recorded = new Uint8Array(1 << 16)

/**
 * Our image "decoder" in protocol-only passes: copies the file, as the app's BatchSink copies it
 * into the batch for the renderer, and returns an empty image, which FramebufferSink leaves undrawn.
 */
export const recordImage: ImageDecoder = (_kind, data) => {
  if (data.length > recorded.length) recorded = new Uint8Array(Math.max(recorded.length * 2, data.length))
  recorded.set(data)
  return NO_IMAGE
}

/** Characters of the data: URLs made, so the work cannot be skipped as unused. */
export let noVncUrlChars = 0

/**
 * noVNC's side of protocol-only passes: what its Display.imageRect does with a file before the
 * browser decodes it (noVNC 1.7 core/display.js): a `data:` URL from its own Base64.encode, which
 * an Image then loads. The Image is left out; it returns an empty image, drawn by nobody.
 */
export function noVncImageHandoff(b64: NoVncBase64): ImageDecoder {
  return (kind, data) => {
    const url = 'data: ' + (kind === 'png' ? 'image/png' : 'image/jpeg') + ';base64,' + b64.encode(data)
    noVncUrlChars += url.length
    return NO_IMAGE
  }
}

/** One decoding of a recording by each side, and how their final framebuffers compare. */
export interface ParityResult {
  ours: FramebufferSink
  replay: ReplayResult
  /** JPEG/PNG rects in the stream (as our engine decoded them). */
  images: number
  /** Times another pass of our engine over the same stream, in ms, images handled by `decodeImage`. */
  ourPass: (decodeImage: ImageDecoder) => Promise<number>
  /** Null when noVNC lacks one of the encodings or failed (see `novncError`). */
  peer: NoVncReplayResult | null
  /** Runs another noVNC pass over the same stream, images handled by `decodeImage`; its time is `elapsedMs`. */
  peerPass: ((decodeImage: ImageDecoder) => NoVncReplayResult) | null
  /** Set when the framebuffers (or what each parsed) differ. */
  mismatch: string | null
  novncError: string | null
}

/**
 * Decodes `fbs` with our engine and with noVNC's decoders (its receive queue as `queue` says)
 * and compares the final framebuffers. Both sides get the stream in {@link CHUNK_BYTES} pieces.
 */
export async function decodeBoth(fbs: Uint8Array, novnc: NoVncDecoders, queue: NoVncQueueMode = 'websock'): Promise<ParityResult> {
  const stream = recordingStream(fbs)
  const chunks = { chunkSize: CHUNK_BYTES }
  const counting = countingDecoder(decodeImageNode)
  const ours = new FramebufferSink(counting.decode)
  const replay = await replayStream(stream, ours, chunks)
  const ourPass = async (decodeImage: ImageDecoder): Promise<number> => (await replayStream(stream, new FramebufferSink(decodeImage), chunks)).elapsedMs
  const result: ParityResult = { ours, replay, images: counting.count(), ourPass, peer: null, peerPass: null, mismatch: null, novncError: null }
  const missing = pixelEncodings(replay.encodings).filter((e) => !novnc.has(e))
  if (missing.length > 0) {
    result.novncError = `noVNC has no ${missing.map(encodingName).join(', ')} decoder`
    return result
  }
  const peerSide = { decoders: novnc, Websock: await loadNoVncWebsock() }
  try {
    const prepared = prepareStream(stream, queue)
    const p = replayWithNoVnc(prepared, peerSide, decodeImageNode, queue)
    result.peer = p
    result.peerPass = (decodeImage) => replayWithNoVnc(prepared, peerSide, decodeImage, queue)
    const r = replay
    let mismatch = pictureDifference(ours, p.display)
    if (p.updates !== r.updates || p.bytes !== r.bytes || p.pixels !== r.pixels) {
      mismatch =
        `${mismatch ? `${mismatch}; ` : ''}streams parsed differently: ` +
        `ours ${r.updates} updates, ${r.bytes} bytes, ${r.pixels} pixels; noVNC ${p.updates}, ${p.bytes}, ${p.pixels}`
    }
    result.mismatch = mismatch
  } catch (e) {
    result.novncError = `noVNC failed: ${e instanceof Error ? e.message : String(e)}`
  }
  return result
}

/** Timed passes of each side, alternating, until each has `minRuns` and `minMs` (or `maxRuns`). */
async function alternate(ourPass: () => Promise<number>, peerPass: (() => number) | null, opts: SuiteOptions): Promise<{ ours: number[]; theirs: number[] }> {
  const ours: number[] = []
  const theirs: number[] = []
  let oursTotal = 0
  let theirsTotal = 0
  const enough = (t: number[], total: number): boolean => t.length >= opts.maxRuns || (t.length >= opts.minRuns && total >= opts.minMs)
  for (;;) {
    const oursDone = enough(ours, oursTotal)
    const theirsDone = !peerPass || enough(theirs, theirsTotal)
    if (oursDone && theirsDone) break
    if (!oursDone) {
      const t = await ourPass()
      ours.push(t)
      oursTotal += t
    }
    if (peerPass && !theirsDone) {
      const t = peerPass()
      theirs.push(t)
      theirsTotal += t
    }
  }
  return { ours, theirs }
}

/**
 * Decodes one recording with our engine and with noVNC's decoders, compares the final
 * framebuffers, then times alternating passes of each (fresh decoders and framebuffer per
 * pass, the whole stream in memory, only the decoding timed) and reports the medians. A
 * recording with JPEG/PNG rects is timed again with {@link recordImage} on both sides.
 */
export async function runWorkload(w: Workload, novnc: NoVncDecoders, opts: SuiteOptions = DEFAULT_OPTIONS): Promise<WorkloadResult> {
  const first = await decodeBoth(w.fbs, novnc, opts.novncQueue)
  const r = first.replay
  const fb = first.ours
  const result: WorkloadResult = {
    name: w.name,
    encodings: pixelEncodings(r.encodings).map(encodingName),
    width: fb.width,
    height: fb.height,
    updates: r.updates,
    wireBytes: r.bytes,
    pixels: r.pixels,
    images: first.images,
    novncQueue: opts.novncQueue,
    ours: side([r.elapsedMs], r.bytes, r.pixels, r.updates),
    novnc: null,
    ratio: null,
    protocolOnly: null,
    mismatch: first.mismatch,
    novncError: first.novncError,
  }
  const peer = first.peerPass
  const compare = async (decodeImage: ImageDecoder, peerImage = decodeImage): Promise<Comparison> => {
    const t = await alternate(() => first.ourPass(decodeImage), peer && (() => peer(peerImage).elapsedMs), opts)
    const ours = side(t.ours, r.bytes, r.pixels, r.updates)
    const theirs = t.theirs.length > 0 ? side(t.theirs, r.bytes, r.pixels, r.updates) : null
    return { ours, novnc: theirs, ratio: theirs ? theirs.medianMs / ours.medianMs : null }
  }
  Object.assign(result, await compare(decodeImageNode))
  if (first.images > 0) {
    const peerImage = opts.novncImages === 'copy' ? recordImage : noVncImageHandoff(await loadNoVncBase64())
    result.protocolOnly = await compare(recordImage, peerImage)
  }
  return result
}

const f1 = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1))

/** Appended to the recording's name on the row timed with {@link recordImage}. */
const PROTOCOL_ONLY = ' (no img decode)'

/**
 * The results as a fixed-width table, mismatches and noVNC failures listed below it. A recording
 * with JPEG/PNG rects has a second row, its name marked "(no img decode)": both sides timed
 * without decoding the images ({@link recordImage}).
 */
export function formatTable(results: readonly WorkloadResult[]): string {
  const head =
    `${'recording'.padEnd(38)}${'encodings'.padEnd(22)}${'size'.padEnd(10)}${'updates'.padStart(8)}${'wire MB'.padStart(9)}` +
    ` |${'ours MB/s'.padStart(10)}${'Mpx/s'.padStart(8)}${'upd/s'.padStart(8)}` +
    ` |${'noVNC MB/s'.padStart(11)}${'Mpx/s'.padStart(8)}${'upd/s'.padStart(8)} |${'ours/noVNC'.padStart(11)}`
  const lines = [head, '-'.repeat(head.length)]
  const row = (r: WorkloadResult, name: string, c: Comparison): string => {
    const n = c.novnc
    return (
      `${name.slice(0, 37).padEnd(38)}${r.encodings.join(',').slice(0, 21).padEnd(22)}${`${r.width}x${r.height}`.padEnd(10)}` +
      `${String(r.updates).padStart(8)}${(r.wireBytes / 1e6).toFixed(1).padStart(9)}` +
      ` |${f1(c.ours.wireMBps).padStart(10)}${f1(c.ours.mpixelsPerSec).padStart(8)}${f1(c.ours.updatesPerSec).padStart(8)}` +
      ` |${(n ? f1(n.wireMBps) : '-').padStart(11)}${(n ? f1(n.mpixelsPerSec) : '-').padStart(8)}${(n ? f1(n.updatesPerSec) : '-').padStart(8)}` +
      ` |${(c.ratio !== null ? `${c.ratio.toFixed(2)}x` : '-').padStart(11)}`
    )
  }
  for (const r of results) {
    lines.push(`${row(r, r.name, r)}${r.mismatch ? '  MISMATCH' : ''}`)
    if (r.protocolOnly) lines.push(row(r, `${r.name}${PROTOCOL_ONLY}`, r.protocolOnly))
  }
  for (const r of results) {
    if (r.mismatch) lines.push(`MISMATCH in ${r.name}: ${r.mismatch}`)
    if (r.novncError) lines.push(`note: ${r.name}: ${r.novncError}`)
  }
  return lines.join('\n')
}
