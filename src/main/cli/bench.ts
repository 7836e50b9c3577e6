import { basename } from 'node:path'
import { encodingName } from '@shared/encodings'
import { FramebufferSink } from '../rfb/framebuffer'
import { decodeImageNode } from '../rfb/images/node-image-decoder'
import { recordingStream, replayStream } from '../rfb/record/replay'
import { numberOption, UsageError } from './args'
import { benchFrames, type FrameBenchResult } from '../host/frame-copy-bench'
import { parseCommandArgs } from './command-specs'
import { readLocalFile } from './files'
import { formatTable } from './table'

/** One recording's decode throughput, as `bench --json` prints it. */
export interface BenchResult {
  file: string
  encodings: string[]
  width: number
  height: number
  updates: number
  wireBytes: number
  pixels: number
  runs: number
  /** Median decode time of one pass over the recording. */
  medianMs: number
  wireMBps: number
  mpixelsPerSec: number
  updatesPerSec: number
}

/** Replays a recording repeatedly through the engine into a framebuffer and reports the median pass. */
export async function benchFile(file: string, minRuns = 5, minMs = 1000): Promise<BenchResult> {
  // Joined once: each pass then times only the engine.
  const stream = recordingStream(readLocalFile(file, 'recording'))
  const times: number[] = []
  let last: Awaited<ReturnType<typeof replayStream>> | undefined
  // Tight JPEG and TightPNG rects need an image decoder in the framebuffer.
  let fb = new FramebufferSink(decodeImageNode)
  const started = performance.now()
  while (times.length < minRuns || (performance.now() - started < minMs && times.length < 200)) {
    fb = new FramebufferSink(decodeImageNode)
    last = await replayStream(stream, fb)
    times.push(last.elapsedMs)
  }
  times.sort((a, b) => a - b)
  const medianMs = times[times.length >> 1]
  const r = last!
  return {
    file: basename(file),
    encodings: [...r.encodings].map(encodingName),
    width: fb.width,
    height: fb.height,
    updates: r.updates,
    wireBytes: r.bytes,
    pixels: r.pixels,
    runs: times.length,
    medianMs,
    wireMBps: r.bytes / 1e6 / (medianMs / 1000),
    mpixelsPerSec: r.pixels / 1e6 / (medianMs / 1000),
    updatesPerSec: r.updates / (medianMs / 1000),
  }
}

/** `WIDTHxHEIGHT` from --size, each side 1-8192. */
function frameSize(text: string | undefined): { width: number; height: number } {
  if (text === undefined) return { width: 1920, height: 1080 }
  const m = /^(\d{1,4})x(\d{1,4})$/.exec(text)
  const width = Number(m?.[1])
  const height = Number(m?.[2])
  if (!m || width < 1 || height < 1 || width > 8192 || height > 8192) throw new UsageError(`--size ${text}: expected WIDTHxHEIGHT, each 1-8192`)
  return { width, height }
}

/** `tessera bench [IN.fbs...] [--json] [--runs N] [--frames [--size WxH]]`. */
export async function benchCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseCommandArgs('bench', argv)
  const frames = args.options.has('frames')
  if (args.positional.length === 0 && !frames) throw new UsageError('missing IN.fbs (or --frames)')
  const runs = numberOption(args, 'runs', 1, 1000) ?? 5
  const size = frameSize(args.options.get('size') as string | undefined)
  const results: BenchResult[] = []
  for (const f of args.positional) results.push(await benchFile(f, runs))
  const handOff: FrameBenchResult | null = frames ? await benchFrames(size.width, size.height, Math.max(runs, 20)) : null
  if (args.options.has('json')) {
    out(JSON.stringify(frames ? { recordings: results, frames: handOff } : results, null, 2))
    return 0
  }
  if (results.length) {
    const rows = results.map((r) => [
      r.file,
      r.encodings.join(',') || '-',
      `${r.width}x${r.height}`,
      String(r.updates),
      r.wireMBps.toFixed(1),
      r.mpixelsPerSec.toFixed(1),
      r.updatesPerSec.toFixed(0),
    ])
    const header = ['file', 'encodings', 'size', 'updates', 'wire MB/s', 'Mpixel/s', 'updates/s']
    for (const line of formatTable([header, ...rows], ['left', 'left', 'left', 'right', 'right', 'right', 'right'])) out(line)
  }
  if (handOff) {
    if (results.length) out('')
    out(`One ${handOff.width}x${handOff.height} frame (${(handOff.frameBytes / 1e6).toFixed(1)} MB), ${handOff.passes} passes:`)
    const rows = handOff.steps.map((s) => [s.step, s.medianMs.toFixed(2), s.minMs.toFixed(2), s.gbPerSec.toFixed(2), s.standsFor])
    for (const line of formatTable([['step', 'median ms', 'min ms', 'GB/s', 'stands for'], ...rows], ['left', 'right', 'right', 'right', 'left'])) out(line)
  }
  return 0
}
