// Records test/fixtures/recordings/ways-in/*.fbs, one short stream per way in that issue 17 added,
// from the real servers the interop tests start, and writes manifest.json beside them:
//   node --import ./test/helpers/cli-register.mjs test/helpers/record-ways-in.ts      (as root: the trixie chroot)
// Each stream is recorded by the engine itself (its `tap`, after any RSA-AES decryption) through
// the real security type or connection, in R,G,B,X 32 bpp, a few updates on a small screen. The
// file is kept only if replaying it paints exactly what a live Raw snapshot of the same screen
// shows; manifest.json stores that snapshot's hash (test/unit/rfb/ways-in-recordings.test.ts).
import { createHash } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { spawn } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { connectRfb } from '../../src/main/rfb/connect'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../src/main/rfb/images/node-image-decoder'
import { FbsRecorder } from '../../src/main/rfb/record/recorder'
import { replayRecording } from '../../src/main/rfb/record/replay'
import type { Credentials } from '../../src/main/rfb/security/security-handler'
import type { SecurityOptions } from '../../src/main/rfb/security/policy'
import { MemoryTrustStore } from '../../src/main/rfb/trust/store'
import { Encoding } from '../../src/shared/encodings'
import { type Target, parseTarget } from '../../src/shared/target'
import { distinctColours, firstDifference } from './compare'
import { offerOnly } from './offer-only'
import { startTestRepeater } from './repeater'
import { startTrixieWayvnc } from './trixie-wayvnc'
import { ensureTrixieChroot, startTrixieXvnc } from './trixie-xvnc'
import { startServer } from './vnc-servers'

// A folder of their own: TigerVNC 1.15 answers pseudo-encodings noVNC 1.7 does not know
// (ExtendedMouseButtons), so they stay out of the noVNC parity test's fixtures.
const DIR = path.resolve(import.meta.dirname, '../fixtures/recordings/ways-in')
const PASSWORD = 'ways-in1'
const SIZE = { width: 240, height: 160 }

/** One entry of manifest.json: what was recorded and the picture it must replay to. */
export interface WaysInEntry {
  file: string
  server: string
  /** The security type's name as the engine reported it. */
  security: string
  /** How the connection was made (TCP, repeater mode II, unix:). */
  via: string
  encodings: string
  width: number
  height: number
  updates: number
  /** SHA-256 of the live Raw snapshot's R,G,B,X bytes, which the replay must equal. */
  rawSha256: string
  colours: number
}

interface Recipe {
  file: string
  server: string
  via: string
  target: Target
  /** Where the live Raw snapshot is taken, when not `target` (a repeater pairs once). */
  liveTarget?: Target
  encodings: number[]
  credentials: Credentials
  security?: SecurityOptions
}

const ENCODING_NAMES: Record<number, string> = { [Encoding.ZRLE]: 'zrle', [Encoding.Tight]: 'tight', [Encoding.Hextile]: 'hextile', [Encoding.Raw]: 'raw' }

/** Records until two updates carried pixels (TigerVNC sends pseudo-rects first), or 6 s. */
async function record(r: Recipe, file: string): Promise<{ updates: number; security: string }> {
  const recorder = new FbsRecorder(file)
  let updates = 0
  try {
    const { client, info } = await connectRfb(r.target, {
      sink: new FramebufferSink(decodeImageNode),
      encodings: r.encodings,
      pixelFormat: 'rgb888',
      autoUpdate: false,
      credentials: async () => r.credentials,
      security: r.security,
      tap: (c) => recorder.tap(c),
      connectTimeoutMs: 10_000,
      handshakeTimeoutMs: 10_000,
    })
    recorder.connected(info)
    // TigerVNC answers a full request after ExtendedDesktopSize with the size only and owes the
    // pixels to the next request: ask incrementally, and in full after a quiet moment.
    let painted = 0
    let quiet: NodeJS.Timeout | undefined
    const nudge = (): void => {
      clearTimeout(quiet)
      quiet = setTimeout(() => (client.requestUpdate(false), nudge()), 700)
    }
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(resolve, 6000)
      client.on('close', (e) => (e ? reject(e) : resolve()))
      client.on('update', (u) => {
        updates++
        if (u.pixels > 0 && ++painted >= 2) return (clearTimeout(deadline), resolve())
        client.requestUpdate(true)
        nudge()
      })
      nudge()
    })
    clearTimeout(quiet)
    client.close()
    return { updates, security: info.securityName }
  } finally {
    recorder.close()
  }
}

const pixelBytes = (fb: FramebufferSink): Buffer => Buffer.from(fb.words.buffer, fb.words.byteOffset, fb.words.byteLength)

/** Waits until two Raw snapshots a second apart agree: the screen is drawn and holds still. */
async function settled(r: Recipe): Promise<void> {
  const snap = async (): Promise<Buffer> =>
    pixelBytes(
      (await takeSnapshot(r.liveTarget ?? r.target, { encodings: [Encoding.Raw], credentials: async () => r.credentials, security: r.security })).framebuffer,
    )
  let prev = await snap()
  for (let i = 0; i < 20; i++) {
    await new Promise((ok) => setTimeout(ok, 1000))
    const cur = await snap()
    if (cur.equals(prev)) return
    prev = cur
  }
  throw new Error(`${r.file}: the screen never held still`)
}

async function keep(r: Recipe): Promise<WaysInEntry> {
  const file = path.join(DIR, r.file)
  await settled(r)
  const { updates, security } = await record(r, file)
  const replayed = new FramebufferSink(decodeImageNode)
  await replayRecording(readFileSync(file), replayed)
  const live = await takeSnapshot(r.liveTarget ?? r.target, {
    encodings: [Encoding.Raw],
    credentials: async () => r.credentials,
    security: r.security,
    timeoutMs: 20_000,
  })
  if (!pixelBytes(replayed).equals(pixelBytes(live.framebuffer)))
    throw new Error(`${r.file}: the replayed picture differs from a live Raw snapshot: ${firstDifference(replayed, live.framebuffer)}`)
  const entry: WaysInEntry = {
    file: r.file,
    server: r.server,
    security,
    via: r.via,
    encodings: r.encodings.map((e) => ENCODING_NAMES[e] ?? String(e)).join(','),
    width: replayed.width,
    height: replayed.height,
    updates,
    rawSha256: createHash('sha256').update(pixelBytes(live.framebuffer)).digest('hex'),
    colours: distinctColours(live.framebuffer),
  }
  process.stdout.write(`${r.file}: ${statSync(file).size} bytes, ${updates} updates, ${entry.colours} colours, ${security} via ${r.via}\n`)
  return entry
}

/** An xterm with coloured text on display `:n` (the host's xterm; the chroot's X servers listen on the abstract socket too). */
async function xterm(display: number): Promise<() => void> {
  const text = '\\033[?25lTessera: ways in\\n\\033[41m red \\033[42m green \\033[44m blue \\033[43m yellow \\033[45m magenta \\033[46m cyan \\033[0m\\n'
  const child = spawn('xterm', ['-geometry', '34x6+8+8', '-bg', '#203040', '-fg', '#e0e0a0', '-hold', '-e', 'sh', '-c', `printf '${text}'`], {
    env: { ...process.env, DISPLAY: `:${display}` },
    stdio: 'ignore',
  })
  await new Promise((r) => setTimeout(r, 2000))
  return () => child.kill()
}

const entries: WaysInEntry[] = []
const keys = { serverKeys: { store: new MemoryTrustStore() } }
ensureTrixieChroot()
for (const [type, encodings] of [
  ['RA2', [Encoding.ZRLE]],
  ['RA2ne', [Encoding.Tight]],
  ['RA2_256', [Encoding.Hextile]],
  ['RA2ne_256', [Encoding.ZRLE]],
] as const) {
  const server = await startTrixieXvnc({ securityTypes: [type], password: PASSWORD, geometry: `${SIZE.width}x${SIZE.height}` })
  const stop = await xterm(server.display)
  try {
    const target = { host: server.host, port: server.port }
    entries.push(
      await keep({
        file: `tigervnc-${type.toLowerCase().replace('_', '-')}.fbs`,
        server: 'TigerVNC 1.15 Xvnc (Debian 13)',
        via: 'TCP',
        target,
        encodings: [...encodings],
        credentials: { password: PASSWORD },
        security: keys,
      }),
    )
  } finally {
    stop()
    await server.stop()
  }
}

{
  const wayvnc = await startTrixieWayvnc({ username: 'tessera', password: PASSWORD, resolution: `${SIZE.width}x${SIZE.height}`, content: true })
  const ard = await offerOnly(wayvnc.port, 30)
  try {
    entries.push(
      await keep({
        file: 'wayvnc-ard.fbs',
        server: 'wayvnc 0.9.1 on headless sway (Debian 13)',
        via: 'TCP (types cut to ARD by a relay)',
        target: { host: '127.0.0.1', port: ard.port },
        encodings: [Encoding.ZRLE],
        credentials: { username: 'tessera', password: PASSWORD },
      }),
    )
  } finally {
    ard.close()
    await wayvnc.stop()
  }
}

{
  const repeater = await startTestRepeater({ blockTimeoutMs: 5_000 })
  const vnc = await startServer('x11vnc', { content: 'static', ...SIZE, password: PASSWORD })
  try {
    vnc.spawnClient('x11vnc', ['-display', `:${vnc.display}`, '-R', `connect:repeater=ID:4242+127.0.0.1:${repeater.serverPort}`])
    await repeater.waitFor('server ID:4242')
    entries.push(
      await keep({
        file: 'x11vnc-repeater.fbs',
        server: 'x11vnc 0.9.16 (Debian 12)',
        via: 'UltraVNC repeater mode II (test repeater)',
        target: parseTarget(`127.0.0.1:${repeater.viewerPort}/ID:4242`),
        liveTarget: { host: '127.0.0.1', port: vnc.port },
        encodings: [Encoding.ZRLE],
        credentials: { password: PASSWORD },
      }),
    )
  } finally {
    await repeater.close()
    await vnc.stop()
  }
}

{
  const socket = path.join(os.tmpdir(), `tessera-ways-in-${process.pid}.sock`)
  const vnc = await startServer('tigervnc', { content: 'static', ...SIZE, password: PASSWORD, extraArgs: ['-rfbunixpath', socket] })
  try {
    entries.push(
      await keep({
        file: 'xvnc-unix.fbs',
        server: 'TigerVNC 1.12 Xvnc (Debian 12)',
        via: 'unix: socket (-rfbunixpath)',
        target: parseTarget(`unix:${socket}`),
        encodings: [Encoding.Tight],
        credentials: { password: PASSWORD },
      }),
    )
  } finally {
    await vnc.stop()
  }
}

writeFileSync(path.join(DIR, 'manifest.json'), `${JSON.stringify(entries, null, 2)}\n`)
process.stdout.write(`${entries.length} recordings, manifest.json written\n`)
