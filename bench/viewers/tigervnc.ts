/**
 * TigerVNC's own viewer (Debian's `tigervnc-viewer`, `xtigervncviewer`) on an Xvfb of its own:
 * full colour, automatic selection off, the stream's encoding preferred, its window at 0,0
 * showing the whole 1920x1080 desktop. It draws with the MIT-SHM extension into Xvfb, so Xvfb's
 * CPU is its paint and is reported beside the viewer's own.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodePng } from '../../src/main/rfb/png'

export const TIGERVNC_VIEWER = '/usr/bin/xtigervncviewer'

/** Whether Debian's tigervnc-viewer and xvfb are installed. */
export function tigervncAvailable(): boolean {
  return existsSync(TIGERVNC_VIEWER) && existsSync('/usr/bin/Xvfb')
}

/** The viewer's version line (e.g. "TigerVNC Viewer 64-bit v1.12.0"). */
export function tigervncVersion(): string {
  const r = spawnSync(TIGERVNC_VIEWER, ['-help'], { encoding: 'utf8' })
  return /TigerVNC Viewer[^\n]*/.exec(`${r.stdout}${r.stderr}`)?.[0]?.trim() ?? '?'
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return
  const gone = new Promise<void>((ok) => c.once('exit', () => ok()))
  c.kill('SIGTERM')
  const t = setTimeout(() => c.kill('SIGKILL'), 5000)
  await gone
  clearTimeout(t)
}

/**
 * The top-left `w`x`h` of an XWD dump (X11 XWDFile.h: a header of big-endian 32-bit fields, the
 * colour map, then the pixels) of a 32 bpp TrueColor screen, as a PNG.
 */
function xwdToPng(d: Buffer, w: number, h: number): Buffer {
  const field = (i: number): number => d.readUInt32BE(i * 4)
  const [headerSize, byteOrder, bpp, bytesPerLine, ncolours] = [field(0), field(7), field(11), field(12), field(19)]
  const masks = [field(14), field(15), field(16)]
  if (bpp !== 32 || field(4) < w || field(5) < h) throw new Error(`xwd: a ${field(4)}x${field(5)} dump at ${bpp} bpp, not 32 bpp of at least ${w}x${h}`)
  const shifts = masks.map((m) => 31 - Math.clz32(m & -m))
  const start = headerSize + ncolours * 12
  const rgba = new Uint8Array(w * h * 4)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = start + y * bytesPerLine + x * 4
      const v = byteOrder === 0 ? d.readUInt32LE(o) : d.readUInt32BE(o)
      rgba.set([(v >>> shifts[0]) & 255, (v >>> shifts[1]) & 255, (v >>> shifts[2]) & 255, 255], (y * w + x) * 4)
    }
  return encodePng(w, h, rgba)
}

export class TigerVncDisplay {
  private constructor(
    readonly display: string,
    readonly xvfb: ChildProcess,
    private readonly home: string,
  ) {}

  /** An Xvfb on the first free display number from 140 up, big enough for a 1920x1080 window. */
  static async start(): Promise<TigerVncDisplay> {
    let n = 140
    while (existsSync(`/tmp/.X${n}-lock`) || existsSync(`/tmp/.X11-unix/X${n}`)) n++
    const xvfb = spawn('Xvfb', [`:${n}`, '-screen', '0', '2048x1200x24', '-nolisten', 'tcp', '-noreset'], { stdio: 'ignore' })
    for (let i = 0; !existsSync(`/tmp/.X11-unix/X${n}`); i++) {
      if (xvfb.exitCode !== null || i > 300) throw new Error(`Xvfb :${n} did not start`)
      await sleep(100)
    }
    // The viewer keeps its settings under $HOME/.vnc: a scratch home, not the user's.
    return new TigerVncDisplay(`:${n}`, xvfb, mkdtempSync(join(tmpdir(), 'tessera-bench-tigervnc-')))
  }

  /**
   * Starts the viewer on 127.0.0.1:`port`; resolves once it has run for a moment without exiting.
   * Tight: JPEG at `quality` (-QualityLevel), or lossless without it (-NoJPEG: no quality
   * pseudo-encoding is sent).
   */
  async open(port: number, encoding: 'hextile' | 'raw' | 'tight', quality?: number): Promise<{ pid: number; close(): Promise<void> }> {
    const tight = encoding !== 'tight' ? [] : quality === undefined ? ['-NoJPEG=1'] : ['-NoJPEG=0', `-QualityLevel=${quality}`]
    const viewer = spawn(
      TIGERVNC_VIEWER,
      [
        '-SecurityTypes=None',
        '-AutoSelect=0',
        '-FullColor=1',
        `-PreferredEncoding=${{ raw: 'Raw', hextile: 'Hextile', tight: 'Tight' }[encoding]}`,
        ...tight,
        '-Shared=1',
        '-RemoteResize=0',
        '-geometry=1920x1080+0+0',
        '-AlertOnFatalError=0',
        `127.0.0.1::${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DISPLAY: this.display, HOME: this.home } },
    )
    let log = ''
    viewer.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-2000)))
    await sleep(1000)
    if (viewer.exitCode !== null) throw new Error(`xtigervncviewer exited at once: ${log.trim()}`)
    return { pid: viewer.pid!, close: () => stopChild(viewer) }
  }

  /** The Xvfb's screen (the viewer's window at 0,0), 1920x1080, as a PNG: xwd's dump of the root window. */
  screenshot(file: string): void {
    const xwd = spawnSync('xwd', ['-root', '-silent', '-display', this.display], { maxBuffer: 64 << 20 })
    if (xwd.status !== 0) throw new Error(`xwd failed: ${xwd.stderr?.toString().trim()}`)
    writeFileSync(file, xwdToPng(xwd.stdout, 1920, 1080))
  }

  async stop(): Promise<void> {
    await stopChild(this.xvfb)
    rmSync(this.home, { recursive: true, force: true })
  }
}
