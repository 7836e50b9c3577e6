import type { Target } from '@shared/target'
import { type ConnectOptions, connectRfb, startRfb } from '../rfb/connect'
import { TimeoutError, UnsupportedError } from '../rfb/errors'
import { FramebufferSink } from '../rfb/framebuffer'
import { decodeImageNode } from '../rfb/images/node-image-decoder'
import { encodePng } from '../rfb/png'
import type { SecurityOptions } from '../rfb/security/policy'
import type { Credentials } from '../rfb/security/security-handler'
import type { ConnectionInfo, RfbClient } from '../rfb/session'
import type { SshOptions } from '../rfb/transport/ssh'
import type { Transport } from '../rfb/transport/transport'
import { type ParsedArgs, UsageError } from './args'
import { parseCommandArgs } from './command-specs'
import { CoverageSink } from './coverage'
import { checkWritable, writeLocalFile } from './files'
import { type TuningArgs, credentialsFrom, encodingsArg, tuningArgs, securityArg, sshArg, targetArg, timeoutArg } from './session-options'
import { quotable } from '../rfb/text'

/** Encodings, and the picture and link tuning the command line takes (see {@link TuningArgs}). */
export interface SnapshotOptions extends TuningArgs {
  encodings?: number[]
  /** Quality, compression and other pseudo-encodings to announce. */
  extraEncodings?: number[]
  credentials?: () => Promise<Credentials | null>
  timeoutMs?: number
  /** Policy and certificate trust (see security/policy.ts). */
  security?: SecurityOptions
  /** A server that already connected (reverse connection); `target` then only names it. */
  transport?: Transport
  /** Reach the target through an SSH tunnel. */
  ssh?: SshOptions
}

export interface Snapshot {
  framebuffer: FramebufferSink
  info: ConnectionInfo
  updates: number
  /** Every encoding the server used while the snapshot was taken. */
  encodings: Set<number>
}

/** Connects, waits until every pixel of the screen has arrived, and disconnects. */
export async function takeSnapshot(target: Target, opts: SnapshotOptions = {}): Promise<Snapshot> {
  const timeoutMs = opts.timeoutMs ?? 30_000
  const framebuffer = new FramebufferSink(decodeImageNode)
  const coverage = new CoverageSink(framebuffer)
  let timer: NodeJS.Timeout | undefined
  let client: RfbClient | undefined
  let updates = 0
  // Which step stalled tells a stuck login from a server that sends no picture.
  const stalled = (): string =>
    !client?.info
      ? `the connection was not ready within ${timeoutMs / 1000} s`
      : updates === 0
        ? `connected, but the server sent no picture within ${timeoutMs / 1000} s`
        : `no complete screen within ${timeoutMs / 1000} s (${updates} updates arrived)`
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(stalled())), timeoutMs)
  })
  try {
    let settle!: { resolve: (s: Snapshot) => void; reject: (e: unknown) => void }
    const finished = new Promise<Snapshot>((resolve, reject) => (settle = { resolve, reject }))
    // Listeners go on before the handshake: a server may send the whole picture (or hang up) in
    // the same chunk as ServerInit, which the engine parses before the connect resolves.
    const watch = (c: RfbClient): void => {
      client = c
      updates = 0
      const encodings = new Set<number>()
      c.on('update', (u) => {
        updates++
        for (const e of u.encodings) encodings.add(e)
        // A server may answer in several updates (or resize first): ask again until all is painted.
        if (c.width === 0 || c.height === 0) settle.reject(new UnsupportedError(`the server's desktop is ${c.width}x${c.height}: there is no picture to take`))
        else if (coverage.complete) settle.resolve({ framebuffer, info: c.info!, updates, encodings })
        else if (updates > 100) settle.reject(new TimeoutError(`the screen was still incomplete after ${updates} updates`))
        // TigerVNC answers every full request that follows ExtendedDesktopSize with a size-only
        // update and owes the pixels to the next request: ask incrementally after such an update,
        // and for everything again only after an update that painted but left gaps.
        else c.requestUpdate(u.pixels === 0)
      })
      c.on('close', (err) => settle.reject(err ?? new Error('closed')))
    }
    const done = (async () => {
      const options: ConnectOptions = {
        sink: coverage,
        encodings: opts.encodings,
        extraEncodings: opts.extraEncodings,
        pixelFormat: opts.pixelFormat,
        autoUpdate: false,
        quality: opts.quality,
        fineQuality: opts.fineQuality,
        subsampling: opts.subsampling,
        compression: opts.compression,
        autoSelect: opts.autoSelect,
        credentials: opts.credentials,
        connectTimeoutMs: timeoutMs,
        handshakeTimeoutMs: timeoutMs,
        security: opts.security,
        ssh: opts.ssh,
        onClient: watch,
      }
      await (opts.transport ? startRfb(opts.transport, target, options) : connectRfb(target, options))
      return await finished
    })()
    // A failure before the handshake ends rejects `done` as well; this one must not go unhandled.
    finished.catch(() => undefined)
    return await Promise.race([done, deadline])
  } finally {
    clearTimeout(timer)
    client?.close()
  }
}

/** `tessera snapshot TARGET OUT.png`: {@link takeSnapshot}, written as PNG. */
export async function snapshotCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args: ParsedArgs = parseCommandArgs('snapshot', argv)
  const [targetText, file] = args.positional
  const target = targetArg(targetText, args)
  if (!file) throw new UsageError('missing OUT.png')
  // Before connecting: nobody should wait for a screen that cannot be saved.
  checkWritable(file, 'picture')
  const snap = await takeSnapshot(target, {
    encodings: encodingsArg(args),
    ...tuningArgs(args),
    credentials: credentialsFrom(args, target),
    timeoutMs: timeoutArg(args, 30),
    security: securityArg(args),
    ssh: sshArg(args),
  })
  const fb = snap.framebuffer
  writeLocalFile(file, encodePng(fb.width, fb.height, fb.data), 'picture')
  out(`${file}: ${fb.width}x${fb.height} from "${quotable(snap.info.init.name)}"`)
  return 0
}
