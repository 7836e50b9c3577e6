/** Sample formats of the QEMU Audio Client Message's set-format operation (rfbproto). */
export const enum SampleFormat {
  U8 = 0,
  S8 = 1,
  U16 = 2,
  S16 = 3,
  U32 = 4,
  S32 = 5,
}

/** What the client asks the server to send: samples are interleaved frames of `channels` samples. */
export interface AudioFormat {
  sampleFormat: SampleFormat
  /** 1 (mono) or 2 (stereo): the only counts rfbproto allows. */
  channels: 1 | 2
  /** Frames per second. */
  frequency: number
}

/**
 * What Tessera asks for: signed 16-bit stereo at 48 kHz, as TigerVNC's viewer does. QEMU converts
 * whatever its sound card plays into this; samples arrive little-endian (QEMU sends them in the
 * byte order of an x86 host and rfbproto says nothing else).
 */
export const DEFAULT_AUDIO_FORMAT: AudioFormat = { sampleFormat: SampleFormat.S16, channels: 2, frequency: 48_000 }

/** Frequencies a format may name: what sound cards play, with room on both sides. */
export const MIN_FREQUENCY = 1000
export const MAX_FREQUENCY = 192_000

/** Bytes one sample of `f` takes (rfbproto's table). */
export function bytesPerSample(f: SampleFormat): number {
  return f <= SampleFormat.S8 ? 1 : f <= SampleFormat.S16 ? 2 : 4
}

/** Bytes one frame (a sample per channel) takes. */
export function frameBytes(format: AudioFormat): number {
  return bytesPerSample(format.sampleFormat) * format.channels
}

/**
 * The largest data message accepted: one second of audio. QEMU sends a few milliseconds at a
 * time; anything longer would be held whole before it could be played, so it is refused.
 */
export function maxDataBytes(format: AudioFormat): number {
  return frameBytes(format) * format.frequency
}

/** Throws a RangeError for a format rfbproto does not allow or Tessera cannot play. */
export function checkAudioFormat(format: AudioFormat): AudioFormat {
  const { sampleFormat, channels, frequency } = format
  if (!Number.isInteger(sampleFormat) || sampleFormat < SampleFormat.U8 || sampleFormat > SampleFormat.S32)
    throw new RangeError(`unknown sample format ${sampleFormat}`)
  if (channels !== 1 && channels !== 2) throw new RangeError(`audio must be mono or stereo, not ${channels} channels`)
  if (!Number.isInteger(frequency) || frequency < MIN_FREQUENCY || frequency > MAX_FREQUENCY)
    throw new RangeError(`audio frequency ${frequency} Hz outside ${MIN_FREQUENCY}-${MAX_FREQUENCY}`)
  return format
}

/** "S16 stereo 48000 Hz", for traces and the stats overlay. */
export function describeAudioFormat(format: AudioFormat): string {
  const names = ['U8', 'S8', 'U16', 'S16', 'U32', 'S32']
  return `${names[format.sampleFormat]} ${format.channels === 2 ? 'stereo' : 'mono'} ${format.frequency} Hz`
}
