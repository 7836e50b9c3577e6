import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BatchSink } from '../../../src/main/host/batch-sink'
import { replayRecording } from '../../../src/main/rfb/record/replay'
import { MAX_UNPACKED_BYTES, PixelRunEncoder, PixelRunsError, unpackPixelRuns, unpackedWords } from '../../../src/shared/pixel-runs'
import { prng } from '../../helpers/desktop'

const RECORDINGS = join(__dirname, '../../fixtures/recordings')
/** Guard words around every unpack target: a write outside it shows there. */
const GUARD = 0x5a5a5a5a

/** Packs with any limit up to "always", copies the result out of the encoder's memory. */
function pack(words: Uint32Array, limit = 2): Uint32Array | null {
  const bytes = new PixelRunEncoder().pack(words, limit)
  return bytes && new Uint32Array(bytes.slice().buffer)
}

/** Unpacks into the middle of a guarded buffer; returns the words, and checks the guards. */
function unpack(packed: Uint32Array, words = unpackedWords(packed)): Uint32Array {
  const memory = new Uint32Array(words + 2).fill(GUARD)
  const out = memory.subarray(1, 1 + words)
  try {
    unpackPixelRuns(packed, out)
  } finally {
    expect(memory[0]).toBe(GUARD)
    expect(memory[words + 1]).toBe(GUARD)
  }
  return out.slice()
}

/** The first index where the two differ (a length mismatch counts), or -1: vitest's deep equality is slow on megabytes. */
function firstDifference(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length)
  if (Buffer.compare(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength)) === 0) return -1
  return a.findIndex((v, i) => v !== b[i])
}

function roundTrip(words: Uint32Array, limit = 2): Uint32Array {
  const packed = pack(words, limit)
  expect(packed).not.toBeNull()
  expect(firstDifference(unpack(packed!), words)).toBe(-1)
  return packed!
}

describe('pixel runs', () => {
  it('packs nothing from nothing, and an empty stream unpacks to nothing', () => {
    expect(new PixelRunEncoder().pack(new Uint32Array(0), 2)).toBeNull()
    expect(unpackedWords(new Uint32Array(0))).toBe(0)
    expect(unpack(new Uint32Array(0), 0)).toEqual(new Uint32Array(0))
  })

  it('one word: a literal of one, which never pays under the default limit', () => {
    const one = Uint32Array.of(0xff112233)
    expect(new PixelRunEncoder().pack(one)).toBeNull()
    expect([...roundTrip(one)]).toEqual([2, 0xff112233])
  })

  it('a run of 2 stays literal, a run of 3 becomes a run token, at the start, middle and end', () => {
    expect([...roundTrip(Uint32Array.of(7, 7))]).toEqual([4, 7, 7])
    expect([...roundTrip(Uint32Array.of(7, 7, 7))]).toEqual([7, 7])
    expect([...roundTrip(Uint32Array.of(7, 7, 7, 1, 2, 9, 9, 9))]).toEqual([7, 7, 4, 1, 2, 7, 9])
    expect([...roundTrip(Uint32Array.of(1, 5, 5, 5, 5, 2))]).toEqual([2, 1, 9, 5, 2, 2])
  })

  it('alternating words: one literal stretch, n + 1 words, left plain by default', () => {
    const alt = new Uint32Array(1000).map((_, i) => (i & 1 ? 0xffffffff : 0))
    expect(roundTrip(alt).length).toBe(1001)
    expect(new PixelRunEncoder().pack(alt)).toBeNull()
  })

  it('long runs: a million equal words pack to one token; short and long stretches either side of the fill/set switch', () => {
    const flat = new Uint32Array(1 << 20).fill(0xff00ff00)
    expect([...roundTrip(flat, 0.5)]).toEqual([(1 << 20) * 2 + 1, 0xff00ff00])
    for (const n of [15, 16, 17]) {
      const lit = new Uint32Array(n).map((_, i) => i)
      const mixed = new Uint32Array([...new Uint32Array(n).fill(3), ...lit, ...new Uint32Array(n).fill(4)])
      roundTrip(mixed)
    }
  })

  it('gives up early on noise: null, under the default limit', () => {
    const random = prng(42)
    const noise = new Uint32Array(100_000).map(() => random() * 0x100000000)
    expect(new PixelRunEncoder().pack(noise)).toBeNull()
    roundTrip(noise)
  })

  it('one encoder reuses its memory, growing it when needed; results are views of it', () => {
    const enc = new PixelRunEncoder()
    const a = enc.pack(new Uint32Array(10).fill(1), 2)!
    const b = enc.pack(
      new Uint32Array(100_000).map((_, i) => (i >> 4) & 3),
      2,
    )!
    expect(b.byteLength).toBeLessThan(100_000)
    const c = enc.pack(new Uint32Array(10).fill(2), 2)!
    expect(c.buffer).toBe(b.buffer)
    expect(a.buffer).not.toBe(b.buffer)
    expect([...new Uint32Array(c.buffer, 0, 2)]).toEqual([21, 2])
  })

  it('round-trips every update of every fixture recording exactly, as BatchSink packs them', async () => {
    const enc = new PixelRunEncoder()
    let packedBytes = 0
    let plainBytes = 0
    let batches = 0
    for (const name of readdirSync(RECORDINGS).filter((f) => f.endsWith('.fbs'))) {
      const sink: BatchSink = new BatchSink({
        sessionId: name,
        onBatch: (b) => {
          batches++
          const words = new Uint32Array(b.pixels.buffer, b.pixels.byteOffset, b.pixels.byteLength / 4)
          // Always packed here (limit 2), so every frame is checked, not just those that pay.
          const packed = enc.pack(words, 2)
          if (words.length === 0) expect(packed).toBeNull()
          else expect(firstDifference(unpack(new Uint32Array(packed!.slice().buffer)), words)).toBe(-1)
          const paying = enc.pack(words)
          plainBytes += b.pixels.byteLength
          packedBytes += paying ? paying.byteLength : b.pixels.byteLength
          sink.ack(b.seq)
        },
        onCursor: () => {},
      })
      await replayRecording(readFileSync(join(RECORDINGS, name)), sink)
    }
    expect(batches).toBeGreaterThan(20)
    // Desktops recorded from real servers: packing pays on them.
    expect(packedBytes).toBeLessThan(plainBytes / 2)
  })

  it('refuses every truncation of a real stream, without writing outside its target', () => {
    const random = prng(7)
    const words = new Uint32Array(3000).map((_, i) => ((i / 37) & 1 ? 0xff000000 : (random() * 4) | 0))
    const packed = roundTrip(words, 0.9)
    for (let cut = 0; cut < packed.length; cut++) {
      expect(() => unpack(packed.subarray(0, cut), words.length)).toThrow(PixelRunsError)
      // The header walk refuses the cut too, or counts fewer words than the whole.
      let counted = -1
      try {
        counted = unpackedWords(packed.subarray(0, cut))
      } catch (e) {
        expect(e).toBeInstanceOf(PixelRunsError)
      }
      expect(counted).toBeLessThan(words.length)
    }
  })

  it('refuses corrupt streams: any word changed throws or unpacks in bounds; zero counts, overlong tokens', () => {
    const random = prng(11)
    const words = new Uint32Array(2000).map((_, i) => ((i / 50) & 1 ? 0xffeeddcc : (random() * 3) | 0))
    const packed = roundTrip(words, 0.9)
    for (let k = 0; k < 2000; k++) {
      const bad = packed.slice()
      bad[(random() * bad.length) | 0] = (random() * 0x100000000) >>> 0
      // Either an error or a picture of the announced size, never a write outside it (unpack checks the guards).
      try {
        expect(unpack(bad, words.length)).toHaveLength(words.length)
      } catch (e) {
        if (!(e instanceof PixelRunsError)) throw e
      }
    }
    expect(() => unpack(Uint32Array.of(0), 0)).toThrow('zero count')
    expect(() => unpack(Uint32Array.of(1), 0)).toThrow('zero count')
    expect(() => unpackedWords(Uint32Array.of(1))).toThrow('zero count')
    // The largest run a header holds, into 4 words: refused before any write.
    expect(() => unpack(Uint32Array.of(0xffffffff, 9), 4)).toThrow('more than the 4 words')
    expect(() => unpackedWords(Uint32Array.of(0xffffffff, 9))).toThrow(`more than ${MAX_UNPACKED_BYTES / 4} words`)
    expect(() => unpackedWords(Uint32Array.of(41, 9), 10)).toThrow('more than 10 words')
    expect(() => unpack(Uint32Array.of(7), 3)).toThrow('run without its word')
    expect(() => unpack(Uint32Array.of(6, 1, 2), 3)).toThrow('runs past the end')
    expect(() => unpackedWords(Uint32Array.of(6, 1, 2))).toThrow('runs past the end')
    expect(() => unpack(Uint32Array.of(7, 1), 4)).toThrow('3 words, not the 4 announced')
  })
})
