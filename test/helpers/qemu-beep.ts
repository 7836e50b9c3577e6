import { writeFileSync } from 'node:fs'

/** The PIT's input clock (Hz): a channel divides it by its count. */
const PIT_HZ = 1_193_182

/**
 * Writes a 1.44 MB floppy whose boot sector makes the PC speaker sound at about `hz`: PIT channel 2
 * as a square-wave generator (mode 3) with count PIT_HZ / hz, the speaker gate and data bits of
 * port 0x61 on, then the CPU halts with interrupts off. Returns the frequency the count gives.
 */
export function beepFloppy(file: string, hz: number): number {
  const count = Math.round(PIT_HZ / hz)
  if (count < 2 || count > 0xffff) throw new RangeError(`no PIT count gives ${hz} Hz`)
  const code = [
    [0xb0, 0xb6], // mov al, 0b10110110: channel 2, low byte then high byte, mode 3, binary
    [0xe6, 0x43], // out 0x43, al (PIT mode/command)
    [0xb8, count & 0xff, count >> 8], // mov ax, count
    [0xe6, 0x42], // out 0x42, al (channel 2, low byte)
    [0x88, 0xe0], // mov al, ah
    [0xe6, 0x42], // out 0x42, al (high byte)
    [0xe4, 0x61], // in al, 0x61
    [0x0c, 0x03], // or al, 3: bit 0 gates channel 2, bit 1 connects it to the speaker
    [0xe6, 0x61], // out 0x61, al
    [0xfa], // cli
    [0xf4], // hlt
    [0xeb, 0xfd], // jmp back to hlt (an NMI could wake it)
  ].flat()
  const disk = Buffer.alloc(1_474_560)
  Buffer.from(code).copy(disk)
  disk[510] = 0x55
  disk[511] = 0xaa
  writeFileSync(file, disk)
  return PIT_HZ / count
}

/**
 * The dominant frequency of one channel of interleaved signed 16-bit little-endian frames,
 * counted from zero crossings (a square wave crosses twice a period).
 */
export function zeroCrossingHz(s16le: Uint8Array, channels: number, rate: number): { hz: number; frames: number; peak: number } {
  const view = new DataView(s16le.buffer, s16le.byteOffset, s16le.byteLength)
  const frames = Math.floor(s16le.byteLength / (2 * channels))
  let crossings = 0
  let peak = 0
  let prev = 0
  for (let i = 0; i < frames; i++) {
    const v = view.getInt16(i * 2 * channels, true)
    peak = Math.max(peak, Math.abs(v))
    if (i > 0 && prev < 0 !== v < 0) crossings++
    prev = v
  }
  return { hz: frames > 1 ? crossings / 2 / (frames / rate) : 0, frames, peak }
}
