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

/** A WAV file written as samples come: the header's sizes are filled in on close, so nothing is held in memory. */
export class WavWriter {
  private readonly fd: number
  bytes = 0

  /** Throws the file system's error when `path` cannot be created. */
  constructor(
    path: string,
    private readonly channels: number,
    private readonly rate: number,
  ) {
    this.fd = openSync(path, 'w')
    writeSync(this.fd, wavHeader(channels, rate, 16, 0))
  }

  write(samples: Uint8Array): void {
    writeSync(this.fd, samples)
    this.bytes += samples.length
  }

  close(): void {
    writeSync(this.fd, wavHeader(this.channels, this.rate, 16, this.bytes), 0, 44, 0)
    closeSync(this.fd)
  }
}
