import { basename } from 'node:path'
import { encodingName } from '@shared/encodings'
import { FramebufferSink } from '../rfb/framebuffer'
import { decodeImageNode } from '../rfb/images/node-image-decoder'
import { recordingStream, replayStream } from '../rfb/record/replay'
import { numberOption, UsageError } from './args'
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

/** `tessera bench IN.fbs... [--json] [--runs N]`. */
export async function benchCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseCommandArgs('bench', argv)
  if (args.positional.length === 0) throw new UsageError('missing IN.fbs')
  const runs = numberOption(args, 'runs', 1, 1000) ?? 5
  const results: BenchResult[] = []
  for (const f of args.positional) results.push(await benchFile(f, runs))
  if (args.options.has('json')) {
    out(JSON.stringify(results, null, 2))
    return 0
  }
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
  return 0
}
