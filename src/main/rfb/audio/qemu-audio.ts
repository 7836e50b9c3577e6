import type { RfbClient } from '../session'
import { type AudioFormat, DEFAULT_AUDIO_FORMAT, checkAudioFormat, describeAudioFormat } from './audio-format'
import { audioDisableMessage, audioEnableMessage, audioSetFormatMessage, QEMU_MESSAGE } from './audio-messages'
import { AudioMessageReader, type AudioStreamHandler } from './audio-reader'

/**
 * The QEMU audio extension on one connection. The session announces -259 (its options'
 * `extraEncodings`, see {@link QEMU_AUDIO_ENCODINGS}); once the server acknowledges it with the
 * pseudo-rect, this sends the format and enables the stream, never before: QEMU drops a client
 * that sends an audio message first. Samples go to `output` in `format`.
 */
export class QemuAudio {
  readonly format: AudioFormat
  private enabled = false
  private readonly removeReader: () => void
  private readonly onFeatures = (): void => this.acknowledged()

  /** Throws a RangeError for a format rfbproto does not allow. */
  constructor(
    private readonly client: RfbClient,
    output: AudioStreamHandler,
    format: AudioFormat = DEFAULT_AUDIO_FORMAT,
    trace?: (direction: 'in', line: string) => void,
  ) {
    this.format = checkAudioFormat({ ...format })
    this.removeReader = client.addMessageExtension(QEMU_MESSAGE, new AudioMessageReader(this.format, output, trace))
    client.on('features', this.onFeatures)
    this.acknowledged()
  }

  /** True once the server acknowledged the extension and we asked for the stream. */
  get active(): boolean {
    return this.enabled
  }

  /** Asks the server to stop the stream; messages already on their way are still read. */
  disable(): void {
    if (!this.enabled) return
    this.enabled = false
    this.client.sendExtensionMessage(audioDisableMessage(), 'QEMU audio disable')
  }

  /** Leaves the connection: later QEMU messages are unknown messages again. */
  detach(): void {
    this.client.off('features', this.onFeatures)
    this.removeReader()
  }

  private acknowledged(): void {
    if (this.enabled || !this.client.features.qemuAudio) return
    this.enabled = true
    this.client.sendExtensionMessage(audioSetFormatMessage(this.format), `QEMU audio format ${describeAudioFormat(this.format)}`)
    this.client.sendExtensionMessage(audioEnableMessage(), 'QEMU audio enable')
  }
}
