import { connectRfb } from '../rfb/connect'
import { FramebufferSink } from '../rfb/framebuffer'
import { decodeImageNode } from '../rfb/images/node-image-decoder'
import { FbsRecorder } from '../rfb/record/recorder'
import { numberOption, parseArgs, UsageError } from './args'
import { CONNECT_FLAGS, CONNECT_OPTIONS, credentialsFrom, encodingsArg, tuningArgs, securityArg, sshArg, targetArg, timeoutArg } from './session-options'

/** `tessera record TARGET OUT.fbs [--seconds N]`: the server's stream as FBS 001.000. */
export async function recordCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseArgs(argv, [...CONNECT_OPTIONS, 'seconds'], CONNECT_FLAGS)
  const [targetText, file] = args.positional
  const target = targetArg(targetText, args)
  if (!file) throw new UsageError('missing OUT.fbs')
  const seconds = numberOption(args, 'seconds', 0.1, 86400) ?? 10
  const timeoutMs = timeoutArg(args, 30)
  const recorder = new FbsRecorder(file)
  let updates = 0
  // The end may come in the same chunk as ServerInit, before the connect resolves: keep it.
  let ended: { error: Error | null } | null = null
  try {
    const { client, info } = await connectRfb(target, {
      // Decoding while recording proves the stream is sound before anyone replays it.
      sink: new FramebufferSink(decodeImageNode),
      // H.264 is recorded as it comes (`--encodings h264,...`), for the app's renderer to decode on replay.
      encodings: encodingsArg(args, { h264: true }),
      ...tuningArgs(args),
      credentials: credentialsFrom(args, target),
      tap: (c) => recorder.tap(c),
      connectTimeoutMs: timeoutMs,
      handshakeTimeoutMs: timeoutMs,
      security: securityArg(args),
      ssh: sshArg(args),
      // Counted from the start: updates in the same chunk as ServerInit are parsed before the connect resolves.
      onClient: (c) => {
        c.on('update', () => updates++)
        c.once('close', (error) => (ended = { error }))
      },
    })
    recorder.connected(info)
    await new Promise<void>((resolve, reject) => {
      const finish = (err: Error | null): void => {
        clearTimeout(timer)
        process.off('SIGINT', stop)
        if (err) reject(err)
        else resolve()
      }
      const stop = (): void => resolve()
      const timer = setTimeout(stop, seconds * 1000)
      process.once('SIGINT', stop)
      const early = ended as { error: Error | null } | null
      if (early) return finish(early.error)
      client.once('close', finish)
    })
    client.close()
  } finally {
    recorder.close()
  }
  out(`${file}: ${updates} updates, ${recorder.bytes} bytes in ${seconds} s`)
  return 0
}
