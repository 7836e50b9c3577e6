import { closeSync, openSync, writeSync } from 'node:fs'

/** RIFF/WAVE PCM header for `dataBytes` of `channels` x `bits`-bit samples at `rate` Hz. */
export function wavHeader(channels: number, rate: number, bits: number, dataBytes: number): Uint8Array {
  const h = new Uint8Array(44)
  const v = new DataView(h.buffer)
  const ascii = (at: number, s: string): void => {
    for (let i = 0; i < s.length; i++) h[at + i] = s.charCodeAt(i)
  }
  const blockAlign = (channels * bits) / 8
  ascii(0, 'RIFF')
  v.setUint32(4, 36 + dataBytes, true)
  ascii(8, 'WAVE')
  ascii(12, 'fmt ')
  v.setUint32(16, 16, true)
  v.setUint16(20, 1, true) // PCM
  v.setUint16(22, channels, true)
  v.setUint32(24, rate, true)
  v.setUint32(28, rate * blockAlign, true)
  v.setUint16(32, blockAlign, true)
  v.setUint16(34, bits, true)
  ascii(36, 'data')
  v.setUint32(40, dataBytes, true)
  return h
}

/** The most sample bytes a WAV file can say it holds: the RIFF size (u32) counts 36 header bytes too. */
export const MAX_WAV_DATA_BYTES = 0xffffffff - 36

/**
 * A WAV file written as samples come: the header's sizes are filled in on close, so nothing is
 * held in memory. It takes at most `maxBytes` (whole frames, never past what the header can
 * say: 6.2 hours of 48 kHz stereo); the rest is dropped and `full` turns true.
 */
export class WavWriter {
  private readonly fd: number
  private readonly maxBytes: number
  bytes = 0
  full = false

  /** Throws the file system's error when `path` cannot be created. */
  constructor(
    path: string,
    private readonly channels: number,
    private readonly rate: number,
    maxBytes = MAX_WAV_DATA_BYTES,
  ) {
    const frame = channels * 2
    this.maxBytes = Math.floor(Math.min(maxBytes, MAX_WAV_DATA_BYTES) / frame) * frame
    this.fd = openSync(path, 'w')
    writeSync(this.fd, wavHeader(channels, rate, 16, 0))
  }

  write(samples: Uint8Array): void {
    const room = this.maxBytes - this.bytes
    if (samples.length > room) this.full = true
    const take = samples.length > room ? samples.subarray(0, room) : samples
    if (take.length === 0) return
    writeSync(this.fd, take)
    this.bytes += take.length
  }

  close(): void {
    writeSync(this.fd, wavHeader(this.channels, this.rate, 16, this.bytes), 0, 44, 0)
    closeSync(this.fd)
  }
}
