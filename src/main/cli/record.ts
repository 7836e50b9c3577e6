import { connectRfb } from '../rfb/connect'
import { FramebufferSink } from '../rfb/framebuffer'
import { decodeImageNode } from '../rfb/images/node-image-decoder'
import { FbsRecorder } from '../rfb/record/recorder'
import { numberOption, UsageError } from './args'
import { parseCommandArgs } from './command-specs'
import { FileError, checkWritable } from './files'
import { errnoWords } from './exit-codes'
import { credentialsFrom, encodingsArg, tuningArgs, securityArg, sshArg, targetArg, timeoutArg } from './session-options'

/** `tessera record TARGET OUT.fbs [--seconds N]`: the server's stream as FBS 001.000. */
export async function recordCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseCommandArgs('record', argv)
  const [targetText, file] = args.positional
  const target = targetArg(targetText, args)
  if (!file) throw new UsageError('missing OUT.fbs')
  const seconds = numberOption(args, 'seconds', 0.1, 86400) ?? 10
  const timeoutMs = timeoutArg(args, 30)
  // Every option is read before the file is created and the server is called.
  const options = {
    // H.264 is recorded as it comes (`--encodings h264,...`), for the app's renderer to decode on replay.
    encodings: encodingsArg(args, { h264: true }),
    ...tuningArgs(args),
    credentials: credentialsFrom(args, target),
    security: securityArg(args),
    ssh: sshArg(args),
  }
  checkWritable(file, 'recording')
  let recorder: FbsRecorder
  try {
    recorder = new FbsRecorder(file)
  } catch (e) {
    throw new FileError(`cannot write the recording ${file}: ${errnoWords(e as NodeJS.ErrnoException)}`, e)
  }
  let updates = 0
  // The end may come in the same chunk as ServerInit, before the connect resolves: keep it.
  let ended: { error: Error | null } | null = null
  try {
    const { client, info } = await connectRfb(target, {
      // Decoding while recording proves the stream is sound before anyone replays it.
      sink: new FramebufferSink(decodeImageNode),
      ...options,
      tap: (c) => recorder.tap(c),
      connectTimeoutMs: timeoutMs,
      handshakeTimeoutMs: timeoutMs,
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
