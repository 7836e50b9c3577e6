/**
 * The streams the viewers and memory benches replay, made once into out/bench (deterministic,
 * so a file from an earlier run is the same stream): every one in a stateless encoding, one
 * FramebufferUpdate per FBS block, so the replay server can loop it and rewrite it into the
 * pixel format each viewer asks for (test/helpers/replay-updates.ts).
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { busyRecording, motionRecording, syntheticRecording } from '../synthetic'

export interface Stream {
  name: string
  /** The one encoding the viewers are asked to use (all three announce Raw and Hextile). */
  encoding: 'hextile' | 'raw'
  what: string
  /** Served idle: the first frame, then nothing changes (CPU is then reported per second, not per update). */
  idle?: boolean
  make: () => Uint8Array
}

export const STREAMS: Stream[] = [
  {
    name: 'idle',
    encoding: 'hextile',
    what: 'an idle desktop: one full frame, then nothing changes (CPU per second, not per update)',
    idle: true,
    make: () => busyRecording('hextile', 1920, 1080, 6),
  },
  {
    name: 'desktop-typing',
    encoding: 'hextile',
    what: 'desktop: typing bursts (16-row bands) between new window layouts, Hextile',
    make: () => syntheticRecording('hextile', 1920, 1080, 4),
  },
  {
    name: 'desktop-layouts',
    encoding: 'hextile',
    what: 'desktop: every update a new window layout (most of the screen), Hextile',
    make: () => busyRecording('hextile', 1920, 1080, 6),
  },
  {
    name: 'motion-hextile',
    encoding: 'hextile',
    what: 'full-screen motion (a moving colour field with noise, every pixel every update), Hextile',
    make: () => motionRecording('hextile', 1920, 1080, 12),
  },
  {
    name: 'motion-raw',
    encoding: 'raw',
    what: 'full-screen motion, Raw (8.3 MB per update)',
    make: () => motionRecording('raw', 1920, 1080, 12),
  },
]

/** The stream's file in out/bench, made on first use (seconds of CPU for the motion streams). */
export function streamFile(outDir: string, s: Stream): string {
  const file = join(outDir, `viewers-${s.idle ? 'desktop-layouts' : s.name}-1920x1080.fbs`)
  if (!existsSync(file)) writeFileSync(file, s.make())
  return file
}
