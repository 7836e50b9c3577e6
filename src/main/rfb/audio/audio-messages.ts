import type { AudioFormat } from './audio-format'

/** rfbproto QEMU Client Message (type 255) and its audio submessage (1). */
export const QEMU_MESSAGE = 255
export const QEMU_AUDIO_SUBMESSAGE = 1

/** Operations of the QEMU Audio Client Message. */
export const enum AudioClientOperation {
  Enable = 0,
  Disable = 1,
  SetFormat = 2,
}

/** Operations of the QEMU Audio Server Message. */
export const enum AudioServerOperation {
  Stop = 0,
  Start = 1,
  Data = 2,
}

function header(op: AudioClientOperation, extra: number): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(4 + extra)
  const view = new DataView(bytes.buffer)
  bytes[0] = QEMU_MESSAGE
  bytes[1] = QEMU_AUDIO_SUBMESSAGE
  view.setUint16(2, op)
  return { bytes, view }
}

/** Asks the server to start sending audio (a Start, then Data, once its sound card plays). */
export function audioEnableMessage(): Uint8Array {
  return header(AudioClientOperation.Enable, 0).bytes
}

/** Asks the server to stop sending audio; a few Data messages may still be on their way. */
export function audioDisableMessage(): Uint8Array {
  return header(AudioClientOperation.Disable, 0).bytes
}

/** Tells the server how to send samples: format code, channel count, frequency (u32). */
export function audioSetFormatMessage(format: AudioFormat): Uint8Array {
  const { bytes, view } = header(AudioClientOperation.SetFormat, 6)
  bytes[4] = format.sampleFormat
  bytes[5] = format.channels
  view.setUint32(6, format.frequency)
  return bytes
}
