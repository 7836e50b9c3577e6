/**
 * `npm run bench:record` (bench/run.mjs bundles this and runs it in Node): recreates the recordings `npm run bench` decodes, from real servers
 * (TigerVNC, x11vnc, TightVNC; see docs/servers.md for the packages) showing lively content
 * (bench/recording/scene.ts), one recording per encoding each server really sends, recorded by
 * our engine in its default pixel format RGBX8888 (the format noVNC asks for). Also writes the
 * synthetic Raw/RRE/Hextile streams (bench/synthetic.ts).
 *
 * RECORD_SET=bench (default): 1920x1080 into bench/recordings/ (large, not in git).
 * RECORD_SET=fixtures: small recordings (< 300 KB) into test/fixtures/recordings/ for the tests.
 * RECORD_ONLY: a substring of the recording names to make; RECORD_SECONDS: length of each.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Encoding } from '@shared/encodings'
import { type ServerKind, serverAvailable, startServer } from '../test/helpers/vnc-servers'
import { type CaptureOptions, capture, untilScreenSize } from './recording/capture'
import { qemuDemoKernel } from './recording/qemu-demo'
import { startScene } from './recording/scene'
import { syntheticRecording } from './synthetic'

interface Take extends Omit<CaptureOptions, 'seconds'> {
  name: string
  seconds?: number
}

interface Session {
  server: ServerKind
  /** The X screen, or for QEMU the mode its demo kernel (recording/qemu-demo.ts) sets. */
  width: number
  height: number
  takes: Take[]
}

const Q6 = 6

/** 1920x1080, one recording per encoding the server really sends. */
const BENCH: Session[] = [
  {
    server: 'tigervnc',
    width: 1920,
    height: 1080,
    takes: [
      { name: 'tigervnc-raw', encodings: [Encoding.Raw], seconds: 4 },
      { name: 'tigervnc-copyrect', encodings: [Encoding.CopyRect, Encoding.Raw], seconds: 4 },
      { name: 'tigervnc-rre', encodings: [Encoding.RRE] },
      { name: 'tigervnc-hextile', encodings: [Encoding.Hextile] },
      { name: 'tigervnc-tight', encodings: [Encoding.Tight] },
      { name: 'tigervnc-tight-jpeg', encodings: [Encoding.Tight], quality: Q6 },
      { name: 'tigervnc-zrle', encodings: [Encoding.ZRLE] },
    ],
  },
  {
    server: 'x11vnc',
    width: 1920,
    height: 1080,
    takes: [
      { name: 'x11vnc-zlib', encodings: [Encoding.Zlib] },
      { name: 'x11vnc-hextile', encodings: [Encoding.Hextile] },
      { name: 'x11vnc-tight', encodings: [Encoding.Tight] },
      { name: 'x11vnc-zrle', encodings: [Encoding.ZRLE] },
      { name: 'x11vnc-corre', encodings: [Encoding.CoRRE] },
      { name: 'x11vnc-zywrle', encodings: [Encoding.ZYWRLE], quality: Q6 },
    ],
  },
  {
    server: 'tightvnc',
    width: 1920,
    height: 1080,
    takes: [
      { name: 'tightvnc-zlib', encodings: [Encoding.Zlib] },
      { name: 'tightvnc-tight-jpeg', encodings: [Encoding.Tight, Encoding.CopyRect], quality: Q6 },
    ],
  },
  {
    server: 'qemu',
    width: 1920,
    height: 1080,
    takes: [
      { name: 'qemu-raw', encodings: [Encoding.Raw], seconds: 4 },
      { name: 'qemu-hextile', encodings: [Encoding.Hextile] },
      { name: 'qemu-zlib', encodings: [Encoding.Zlib] },
      { name: 'qemu-tight', encodings: [Encoding.Tight] },
      { name: 'qemu-tightpng', encodings: [Encoding.TightPNG] },
      { name: 'qemu-zrle', encodings: [Encoding.ZRLE] },
    ],
  },
]

/** Small recordings for the parity test: each stops asking for updates at 250 KB unless it says otherwise. */
const FIXTURES: Session[] = [
  {
    server: 'tigervnc',
    width: 400,
    height: 300,
    takes: [
      { name: 'tigervnc-hextile', encodings: [Encoding.Hextile] },
      { name: 'tigervnc-tight', encodings: [Encoding.Tight] },
      { name: 'tigervnc-tight-jpeg', encodings: [Encoding.Tight], quality: Q6 },
      { name: 'tigervnc-zrle', encodings: [Encoding.ZRLE] },
      { name: 'tigervnc-copyrect-hextile', encodings: [Encoding.CopyRect, Encoding.Hextile] },
    ],
  },
  {
    // A full frame in Raw (or in RRE, which TigerVNC mixes with Raw) is 4 bytes a pixel: a small screen.
    server: 'tigervnc',
    width: 200,
    height: 150,
    takes: [
      { name: 'tigervnc-raw', encodings: [Encoding.Raw], maxBytes: 150_000 },
      { name: 'tigervnc-rre', encodings: [Encoding.RRE], maxBytes: 150_000 },
    ],
  },
  {
    server: 'x11vnc',
    width: 400,
    height: 300,
    takes: [{ name: 'x11vnc-zlib', encodings: [Encoding.Zlib] }],
  },
  {
    server: 'qemu',
    width: 320,
    height: 200,
    takes: [{ name: 'qemu-tightpng', encodings: [Encoding.TightPNG] }],
  },
]

/** Makes the recordings of RECORD_SET; returns the exit code. */
export async function main(root: string): Promise<number> {
  const set = process.env.RECORD_SET ?? 'bench'
  const fixtures = set === 'fixtures'
  if (set !== 'bench' && set !== 'fixtures') {
    process.stderr.write(`RECORD_SET must be bench or fixtures, not ${set}\n`)
    return 2
  }
  const dir = fixtures ? join(root, 'test', 'fixtures', 'recordings') : join(root, 'bench', 'recordings')
  mkdirSync(dir, { recursive: true })
  const only = process.env.RECORD_ONLY
  const seconds = Number(process.env.RECORD_SECONDS) || (fixtures ? 3 : 8)
  const log = (s: string): boolean => process.stdout.write(`${s}\n`)
  if (!fixtures) {
    for (const enc of ['raw', 'rre', 'hextile'] as const) {
      const name = `synthetic-${enc}`
      if (only && !name.includes(only)) continue
      const fbs = syntheticRecording(enc)
      writeFileSync(join(dir, `${name}.fbs`), fbs)
      log(`${name}.fbs: ${(fbs.length / 1e6).toFixed(1)} MB (generated)`)
    }
  }
  for (const s of fixtures ? FIXTURES : BENCH) {
    const takes = s.takes.filter((t) => !only || t.name.includes(only))
    if (takes.length === 0) continue
    if (!serverAvailable(s.server)) {
      log(`${s.server}: not installed, skipping ${takes.map((t) => t.name).join(', ')}`)
      continue
    }
    const tmp = mkdtempSync(join(tmpdir(), 'tessera-bench-'))
    let extraArgs: string[] = []
    if (s.server === 'qemu') {
      const kernel = join(tmp, 'qemu-demo.bin')
      writeFileSync(kernel, qemuDemoKernel(s.width, s.height))
      extraArgs = ['-kernel', kernel]
    }
    const server = await startServer(s.server, { width: s.width, height: s.height, extraArgs })
    try {
      if (s.server === 'qemu') await untilScreenSize(server, s.width, s.height)
      else await startScene(server, { width: s.width, height: s.height, colours: join(root, 'bench', 'recording', 'colours.mjs') })
      for (const t of takes) {
        const file = join(dir, `${t.name}.fbs`)
        const r = await capture(server, file, { ...t, seconds: t.seconds ?? seconds, maxBytes: t.maxBytes ?? (fixtures ? 250_000 : undefined) })
        log(`${t.name}.fbs: ${(r.bytes / 1e6).toFixed(2)} MB, ${r.updates} updates, ${r.encodings.join(', ')} (${s.server} ${s.width}x${s.height})`)
      }
    } finally {
      await server.stop()
      rmSync(tmp, { recursive: true, force: true })
    }
  }
  return 0
}
