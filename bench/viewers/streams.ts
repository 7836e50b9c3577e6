/**
 * The streams the viewers and memory benches replay, made once into out/bench (deterministic,
 * so a file from an earlier run is the same stream): every one in a stateless encoding, one
 * FramebufferUpdate per FBS block, so the replay server can loop it and rewrite it into the
 * pixel format each viewer asks for (test/helpers/replay-updates.ts).
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { busyRecording, motionRecording, syntheticRecording } from '../synthetic'
import { captureScreenFrames } from './screen-frames'
import { type TightKind, cjpegAvailable, tightScreenRecording } from './tight-screen'

export interface Stream {
  name: string
  /** The one encoding the viewers are asked to use (all three announce Raw and Hextile). */
  encoding: 'hextile' | 'raw' | 'tight'
  /** Tight only: the JPEG quality level the viewers ask for; absent: lossless (no quality pseudo-encoding where the viewer allows). */
  quality?: number
  what: string
  /** Served idle: the first frame, then nothing changes (CPU is then reported per second, not per update). */
  idle?: boolean
  /** Synthetic streams: made in memory. */
  make?: () => Uint8Array
  /** Streams of real screen frames (screen-frames.ts), made by tight-screen.ts. */
  screen?: TightKind
}

/** Real frames in the Tight streams (a dozen: each update is a different full screen). */
const SCREEN_FRAMES = 12

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
  {
    name: 'tight-lossless',
    encoding: 'tight',
    what: `a real screen (Xtigervnc's plasma xterm, ${SCREEN_FRAMES} frames), full-screen updates as Xtigervnc sends them lossless: Tight, copy filter + zlib, 1920x34 strips`,
    screen: 'lossless',
  },
  {
    name: 'tight-jpeg8',
    encoding: 'tight',
    quality: 8,
    what: 'the same frames and strips as Tight JPEG at quality level 8 (JPEG quality 92, 4:4:4)',
    screen: 'jpeg8',
  },
]

const fileOf = (outDir: string, name: string): string => join(outDir, `viewers-${name}-1920x1080.fbs`)

/**
 * The stream's file in out/bench, made on first use (seconds of CPU for the motion streams). The
 * Tight streams are made together from one capture (an Xtigervnc for about 15 s, then cjpeg), so
 * both always hold the same frames.
 */
export async function streamFile(outDir: string, s: Stream): Promise<string> {
  const file = fileOf(outDir, s.idle ? 'desktop-layouts' : s.name)
  if (existsSync(file)) return file
  if (s.make) {
    writeFileSync(file, s.make())
    return file
  }
  if (!cjpegAvailable()) throw new Error("the Tight streams need libjpeg-turbo's cjpeg: apt-get install libjpeg-turbo-progs")
  const root = join(outDir, '..', '..')
  const frames = await captureScreenFrames(root, 1920, 1080, SCREEN_FRAMES)
  for (const t of STREAMS.filter((x) => x.screen)) writeFileSync(fileOf(outDir, t.name), tightScreenRecording(frames, 1920, 1080, t.screen!))
  return file
}
