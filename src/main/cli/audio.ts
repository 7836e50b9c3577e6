import { Encoding } from '@shared/encodings'
import { DEFAULT_AUDIO_FORMAT } from '../rfb/audio/audio-format'
import { QemuAudio } from '../rfb/audio/qemu-audio'
import { connectRfb } from '../rfb/connect'
import { FramebufferSink } from '../rfb/framebuffer'
import { decodeImageNode } from '../rfb/images/node-image-decoder'
import type { RfbClient, UpdateStats } from '../rfb/session'
import { UsageError, numberOption } from './args'
import { parseCommandArgs } from './command-specs'
import { CliError, EXIT, errnoWords } from './exit-codes'
import { FileError, checkWritable } from './files'
import { credentialsFrom, securityArg, sshArg, targetArg, timeoutArg } from './session-options'
import { WavWriter } from './wav'

/**
 * Resolves true once `client` acknowledged QEMU audio; false at the first update with pixels (the
 * answer to the request sent after SetEncodings, so the server has read it), a close, or `ms`.
 */
function acknowledged(client: RfbClient, ms: number): Promise<boolean> {
  if (client.features.qemuAudio) return Promise.resolve(true)
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer)
      client.off('features', onFeatures)
      client.off('update', onUpdate)
      client.off('close', onClose)
      resolve(ok)
    }
    const onFeatures = (): void => void (client.features.qemuAudio && done(true))
    // QEMU acknowledges each pseudo-encoding in an update of its own, before it answers the request after SetEncodings.
    const onUpdate = (u: UpdateStats): void => void ((client.features.qemuAudio || u.pixels > 0) && done(client.features.qemuAudio))
    const onClose = (): void => done(false)
    const timer = setTimeout(() => done(false), ms)
    client.on('features', onFeatures)
    client.on('update', onUpdate)
    client.on('close', onClose)
  })
}

/** `tessera audio TARGET OUT.wav [--seconds N]`: the server's sound (QEMU audio) as a WAV file. */
export async function audioCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseCommandArgs('audio', argv)
  const [targetText, file] = args.positional
  const target = targetArg(targetText, args)
  if (!file) throw new UsageError('missing OUT.wav')
  const seconds = numberOption(args, 'seconds', 0.1, 86400) ?? 10
  const timeoutMs = timeoutArg(args, 15)
  const credentials = credentialsFrom(args, target)
  checkWritable(file, 'sound file')
  const { client } = await connectRfb(target, {
    sink: new FramebufferSink(decodeImageNode),
    extraEncodings: [Encoding.QEMUAudio],
    autoUpdate: false,
    credentials,
    connectTimeoutMs: timeoutMs,
    handshakeTimeoutMs: timeoutMs,
    security: securityArg(args),
    ssh: sshArg(args),
  })
  let wav: WavWriter | null = null
  try {
    client.requestUpdate(false)
    if (!(await acknowledged(client, timeoutMs))) throw new CliError(EXIT.UNSUPPORTED, 'this server sends no sound (it did not acknowledge QEMU audio)')
    const { channels, frequency } = DEFAULT_AUDIO_FORMAT
    try {
      // No more than the seconds asked for: a server sending faster than it plays would fill the disk.
      wav = new WavWriter(file, channels, frequency, Math.ceil(seconds * frequency) * channels * 2)
    } catch (e) {
      throw new FileError(`cannot write the sound file ${file}: ${errnoWords(e as NodeJS.ErrnoException)}`, e)
    }
    const writer = wav
    // Samples start when the sound card plays; the time counts from the acknowledgement.
    new QemuAudio(client, { start: () => {}, stop: () => {}, data: (s) => writer.write(s) })
    await new Promise<void>((resolve, reject) => {
      const finish = (err: Error | null): void => {
        clearTimeout(timer)
        process.off('SIGINT', stop)
        client.off('close', finish)
        if (err) reject(err)
        else resolve()
      }
      const stop = (): void => finish(null)
      const timer = setTimeout(stop, seconds * 1000)
      process.once('SIGINT', stop)
      client.once('close', finish)
    })
  } finally {
    client.close()
    wav?.close()
  }
  const frames = wav.bytes / 4
  out(`${file}: ${(frames / DEFAULT_AUDIO_FORMAT.frequency).toFixed(2)} s of 16-bit stereo at ${DEFAULT_AUDIO_FORMAT.frequency} Hz`)
  if (wav.full) out('the server sent more sound than the time asked for; the rest was left out')
  return EXIT.OK
}
