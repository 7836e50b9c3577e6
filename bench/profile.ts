import { readFile } from 'node:fs/promises'
import { FramebufferSink } from '../src/main/rfb/framebuffer'
import { decodeImageNode } from '../src/main/rfb/images/node-image-decoder'
import { recordingStream, replayStream } from '../src/main/rfb/record/replay'
import { CHUNK_BYTES } from './novnc/replay'

/**
 * `node bench/run.mjs profile FILE.fbs [passes]`: replays one recording with our engine only,
 * `passes` times (default 20), and prints the median pass. Run it under `node --cpu-prof`
 * (`PROFILE_NODE_ARGS`, see run.mjs) to see where our decoders spend their time without
 * noVNC's passes in the profile.
 */
export async function main(_root: string, args: string[]): Promise<number> {
  const [file, passesArg] = args
  if (!file) {
    process.stderr.write('usage: node bench/run.mjs profile FILE.fbs [passes]\n')
    return 2
  }
  const passes = Number(passesArg ?? 20)
  const times = await timePasses(new Uint8Array(await readFile(file)), passes)
  times.sort((a, b) => a - b)
  process.stdout.write(`${file}: ${passes} passes, median ${times[passes >> 1].toFixed(1)} ms, min ${times[0].toFixed(1)} ms\n`)
  return 0
}

/** Joined streams of the recordings timed so far, so a call of one pass times no join (41 MB for QEMU's Hextile). */
const streams = new WeakMap<Uint8Array, Uint8Array>()
let warmSink: FramebufferSink | null = null

/**
 * Elapsed ms of each of `passes` replays of the recording `fbs` (fresh decoders each; a fresh
 * framebuffer each too, unless PROFILE_WARM_FB=1 keeps one, as the decperf comparison does).
 * The joined stream and the warm framebuffer are kept across calls, so a scratch script can
 * measure `process.cpuUsage` around a call of one pass and see the replay alone.
 */
export async function timePasses(fbs: Uint8Array, passes: number): Promise<number[]> {
  let stream = streams.get(fbs)
  if (!stream) streams.set(fbs, (stream = recordingStream(fbs)))
  const times: number[] = []
  const warm = process.env.PROFILE_WARM_FB === '1' ? (warmSink ??= new FramebufferSink(decodeImageNode)) : null
  for (let i = 0; i < passes; i++) {
    const r = await replayStream(stream, warm ?? new FramebufferSink(decodeImageNode), { chunkSize: CHUNK_BYTES })
    times.push(r.elapsedMs)
  }
  return times
}
