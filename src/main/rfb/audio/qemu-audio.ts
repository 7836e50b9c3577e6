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
  private formatSent = false
  /** Whether the stream should flow (not muted); it does once the server acknowledged -259. */
  private wanted: boolean
  private readonly removeReader: () => void
  private readonly onFeatures = (): void => this.acknowledged()

  /** Throws a RangeError for a format rfbproto does not allow. */
  constructor(
    private readonly client: RfbClient,
    output: AudioStreamHandler,
    format: AudioFormat = DEFAULT_AUDIO_FORMAT,
    trace?: (direction: 'in', line: string) => void,
    muted = false,
  ) {
    this.wanted = !muted
    this.format = checkAudioFormat({ ...format })
    this.removeReader = client.addMessageExtension(QEMU_MESSAGE, new AudioMessageReader(this.format, output, trace))
    client.on('features', this.onFeatures)
    this.acknowledged()
  }

  /** True once the server acknowledged the extension and we asked for the stream. */
  get active(): boolean {
    return this.enabled
  }

  /** True once the server acknowledged the extension (whether or not the stream flows). */
  get acknowledgedByServer(): boolean {
    return this.formatSent
  }

  /**
   * Asks the server to (re)start the stream: at once when it acknowledged -259, else on the
   * acknowledgement. The format is not sent again: QEMU keeps it per client across disable.
   */
  enable(): void {
    this.wanted = true
    this.acknowledged()
  }

  /**
   * Asks the server to stop the stream (mute); messages already on their way are still read.
   * QEMU sends no Stop for it. Before the acknowledgement it only means "do not enable then".
   */
  disable(): void {
    this.wanted = false
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
    if (!this.client.features.qemuAudio) return
    if (!this.formatSent) {
      this.formatSent = true
      this.client.sendExtensionMessage(audioSetFormatMessage(this.format), `QEMU audio format ${describeAudioFormat(this.format)}`)
    }
    // QEMU logs "audio already running" for a second enable: send one per disable only.
    if (this.enabled || !this.wanted) return
    this.enabled = true
    this.client.sendExtensionMessage(audioEnableMessage(), 'QEMU audio enable')
  }
}
