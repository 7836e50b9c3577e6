import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_WAV_DATA_BYTES, WavWriter } from '../../../src/main/cli/wav'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tessera-wav-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('WavWriter bounds', () => {
  it('takes no more than it was allowed, in whole frames, and says so; the header counts what was written', () => {
    const path = join(dir, 'a.wav')
    // 10 stereo S16 frames allowed, 7 bytes short of an 11th.
    const wav = new WavWriter(path, 2, 48_000, 10 * 4 + 3)
    for (let i = 0; i < 100; i++) wav.write(new Uint8Array(4 * 3).fill(i + 1))
    expect(wav.full).toBe(true)
    expect(wav.bytes).toBe(40)
    wav.close()
    const f = readFileSync(path)
    expect(f.length).toBe(44 + 40)
    expect(f.readUInt32LE(4)).toBe(36 + 40)
    expect(f.readUInt32LE(40)).toBe(40)
  })

  it('never lets the header sizes wrap: a day of 48 kHz stereo (16.6 GB) stops at the u32 limit', () => {
    const wav = new WavWriter(join(dir, 'b.wav'), 2, 48_000, 86_400 * 48_000 * 4)
    const max = (wav as unknown as { maxBytes: number }).maxBytes
    expect(max % 4).toBe(0)
    expect(max).toBeLessThanOrEqual(MAX_WAV_DATA_BYTES)
    expect(36 + max).toBeLessThanOrEqual(0xffffffff)
    wav.close()
  })
})
