import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { RfbProtocolError } from '../../../../src/main/rfb/errors'
import { createInflateStream } from '../../../../src/main/rfb/zlib/create-inflate-stream'
import type { InflateStream } from '../../../../src/main/rfb/zlib/inflate-stream'
import { NativeInflateStream, nativeInflateAvailable } from '../../../../src/main/rfb/zlib/native-inflate-stream'
import { NodeInflateStream } from '../../../../src/main/rfb/zlib/node-inflate-stream'
import { PakoInflateStream } from '../../../../src/main/rfb/zlib/pako-inflate-stream'
import { crop, desktopFrame, prng } from '../../../helpers/desktop'
import { SyncDeflater, nodeDeflateChunks } from '../../../helpers/zlib'

const node = (): NodeInflateStream => new NodeInflateStream((dictionary) => new PakoInflateStream({ raw: true, dictionary }))
const FRAME = desktopFrame(256, 256)

/** Random parts of the kinds a session inflates, some empty and some far over 32 KiB. */
function randomParts(seed: number): Uint8Array[] {
  const rnd = prng(seed)
  const parts: Uint8Array[] = []
  const count = 4 + Math.floor(rnd() * 12)
  for (let i = 0; i < count; i++) {
    const kind = Math.floor(rnd() * 6)
    const len = Math.floor(rnd() * (rnd() < 0.2 ? 150_000 : 6000))
    let p: Uint8Array
    if (kind === 0) p = new Uint8Array(0)
    else if (kind === 1) p = Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256))
    else if (kind === 2) p = Uint8Array.from({ length: len }, (_, j) => (j * 7) % 13)
    else if (kind === 3 && parts.length > 0) {
      // Repeats of earlier parts make back-references that reach into earlier chunks' output.
      const a = parts[Math.floor(rnd() * parts.length)]
      const b = parts[parts.length - 1]
      p = Uint8Array.from([...a.subarray(0, 20_000), ...b.subarray(0, 20_000)])
    } else {
      const w = 1 + Math.floor(rnd() * 255)
      const h = 1 + Math.floor(rnd() * 255)
      p = crop(FRAME, 256, Math.floor(rnd() * (256 - w)), Math.floor(rnd() * (256 - h)), w, h)
    }
    parts.push(p)
  }
  return parts
}

function inflateAll(s: InflateStream, chunks: Uint8Array[], parts: Uint8Array[]): void {
  for (let i = 0; i < chunks.length; i++) {
    const out = s.inflate(chunks[i], parts[i].length)
    if (Buffer.compare(Buffer.from(out), Buffer.from(parts[i])) !== 0) {
      expect.fail(`chunk ${i} of ${chunks.length} (${chunks[i].length} bytes in) inflated to ${out.length} wrong bytes, wanted ${parts[i].length}`)
    }
  }
}

function expectZlibError(run: () => unknown, message: RegExp): void {
  try {
    run()
  } catch (err) {
    expect(err).toBeInstanceOf(RfbProtocolError)
    expect((err as RfbProtocolError).code).toBe('RFB_ERR_ZLIB')
    expect((err as Error).message).toMatch(message)
    return
  }
  expect.fail(`no error; expected ${message}`)
}

describe('NodeInflateStream', () => {
  it("matches pako on randomized sync-flushed streams from pako's deflater", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const parts = randomParts(seed)
      const z = new SyncDeflater(seed % 10)
      const chunks = parts.map((p) => z.chunk(p))
      inflateAll(node(), chunks, parts)
      inflateAll(new PakoInflateStream(), chunks, parts)
    }
  })

  it("matches pako on randomized sync-flushed streams from Node's deflater", async () => {
    for (let seed = 100; seed <= 120; seed++) {
      const parts = randomParts(seed)
      const chunks = await nodeDeflateChunks(parts, 1 + (seed % 9))
      inflateAll(node(), chunks, parts)
      inflateAll(new PakoInflateStream(), chunks, parts)
    }
  })

  it('gives nothing for an empty chunk or an empty flush block', () => {
    const s = node()
    const z = new SyncDeflater()
    const a = Uint8Array.from([1, 2, 3, 1, 2, 3])
    expect(Array.from(s.inflate(z.chunk(a), 6))).toEqual(Array.from(a))
    expect(s.inflate(new Uint8Array(0), 0).length).toBe(0)
    expect(s.inflate(Uint8Array.of(0, 0, 0, 0xff, 0xff), 0).length).toBe(0)
    expect(Array.from(s.inflate(z.chunk(a), 6))).toEqual(Array.from(a))
  })

  it('reads a zlib header split across calls', () => {
    const z = new SyncDeflater()
    const part = crop(FRAME, 256, 0, 0, 40, 40)
    const chunk = z.chunk(part)
    const s = node()
    expect(s.inflate(chunk.subarray(0, 1), 0).length).toBe(0)
    expect(Buffer.compare(Buffer.from(s.inflate(chunk.subarray(1), part.length)), Buffer.from(part))).toBe(0)
  })

  it('refuses what is not a zlib stream, bad check bits and a preset dictionary', () => {
    expectZlibError(() => node().inflate(Uint8Array.of(0x79, 0x9c, 0, 0, 0, 0xff, 0xff), 10), /not a zlib stream \(CMF byte 0x79\)/)
    expectZlibError(() => node().inflate(Uint8Array.of(0x78, 0x9d, 0, 0, 0, 0xff, 0xff), 10), /check bits/)
    expectZlibError(() => node().inflate(Uint8Array.of(0x78, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff), 10), /preset dictionary/)
  })

  it('stops at maxOut instead of inflating everything', () => {
    const z = new SyncDeflater()
    const bomb = z.chunk(new Uint8Array(10_000_000))
    expect(bomb.length).toBeLessThan(20_000)
    expectZlibError(() => node().inflate(bomb, 1000), /inflates past the 1000 bytes/)
    const one = new SyncDeflater().chunk(Uint8Array.of(7))
    expectZlibError(() => node().inflate(one, 0), /inflates past the 0 bytes/)
  })

  it('refuses corrupt data', () => {
    const chunk = new SyncDeflater().chunk(crop(FRAME, 256, 0, 0, 16, 16))
    chunk[2] = 0xff
    expectZlibError(() => node().inflate(chunk, 2000), /corrupt zlib data/)
  })

  it('continues in pako, with the same window, once data is not cut at sync flushes', () => {
    for (let seed = 200; seed < 210; seed++) {
      const parts = randomParts(seed)
      const z = new SyncDeflater(6)
      const chunks = parts.map((p) => z.chunk(p))
      let fallbacks = 0
      const s = new NodeInflateStream((dictionary) => {
        fallbacks++
        return new PakoInflateStream({ raw: true, dictionary })
      })
      // The first half arrives as servers send it; the rest in arbitrary pieces.
      const half = chunks.length >> 1
      inflateAll(s, chunks.slice(0, half), parts.slice(0, half))
      const rest = Buffer.concat(chunks.slice(half))
      const want = Buffer.concat(parts.slice(half))
      const rnd = prng(seed)
      const got: Buffer[] = []
      for (let at = 0; at < rest.length;) {
        const n = Math.min(rest.length - at, 1 + Math.floor(rnd() * Math.min(5000, rest.length / 3)))
        got.push(Buffer.from(s.inflate(rest.subarray(at, at + n), want.length)))
        at += n
      }
      expect(Buffer.compare(Buffer.concat(got), want), `seed ${seed}`).toBe(0)
      expect(fallbacks, `seed ${seed}`).toBe(1)
    }
  })

  it('starts a new stream after reset()', () => {
    const s = node()
    const a = crop(FRAME, 256, 10, 10, 30, 30)
    s.inflate(new SyncDeflater().chunk(a), a.length)
    s.reset()
    const chunk = new SyncDeflater().chunk(a)
    expect(Buffer.compare(Buffer.from(s.inflate(chunk, a.length)), Buffer.from(a))).toBe(0)
  })

  it('is what the decoders get where Node lacks the native handle', () => {
    expect(createInflateStream()).toBeInstanceOf(nativeInflateAvailable() ? NativeInflateStream : NodeInflateStream)
  })
})

describe('NativeInflateStream', () => {
  it('is available on the Node the tests run on, and is then what the decoders get', () => {
    // Electron and CI run the same Node major lines; losing the handle would silently cost speed.
    expect(nativeInflateAvailable()).toBe(true)
    expect(createInflateStream()).toBeInstanceOf(NativeInflateStream)
  })

  it('matches pako on randomized sync-flushed streams from both deflaters', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const parts = randomParts(seed)
      const z = new SyncDeflater(seed % 10)
      inflateAll(
        new NativeInflateStream(),
        parts.map((p) => z.chunk(p)),
        parts,
      )
      inflateAll(new NativeInflateStream(), await nodeDeflateChunks(parts, 1 + (seed % 9)), parts)
    }
  })

  it('inflates input cut anywhere, not only at sync flushes, with output growing past its first buffer', () => {
    for (let seed = 300; seed < 310; seed++) {
      const parts = randomParts(seed)
      const z = new SyncDeflater(6)
      const all = Buffer.concat(parts.map((p) => z.chunk(p)))
      const want = Buffer.concat(parts)
      const rnd = prng(seed)
      const s = new NativeInflateStream()
      const got: Buffer[] = []
      for (let at = 0; at < all.length;) {
        const n = Math.min(all.length - at, 1 + Math.floor(rnd() * Math.min(40_000, all.length / 3)))
        got.push(Buffer.from(s.inflate(all.subarray(at, at + n), want.length)))
        at += n
      }
      expect(Buffer.compare(Buffer.concat(got), want), `seed ${seed}`).toBe(0)
    }
  })

  it('reuses its output buffer: the view of one call is overwritten by the next', () => {
    const z = new SyncDeflater()
    const s = new NativeInflateStream()
    const a = s.inflate(z.chunk(Uint8Array.of(1, 2, 3)), 3)
    const b = s.inflate(z.chunk(Uint8Array.of(4, 5, 6)), 3)
    expect(a.buffer).toBe(b.buffer)
    expect(Array.from(b)).toEqual([4, 5, 6])
  })

  it('gives nothing for an empty chunk or an empty flush block, and reads a split header', () => {
    const s = new NativeInflateStream()
    const z = new SyncDeflater()
    const a = Uint8Array.from([1, 2, 3, 1, 2, 3])
    const first = z.chunk(a)
    expect(s.inflate(first.subarray(0, 1), 0).length).toBe(0)
    expect(Array.from(s.inflate(first.subarray(1), 6))).toEqual(Array.from(a))
    expect(s.inflate(new Uint8Array(0), 0).length).toBe(0)
    expect(s.inflate(Uint8Array.of(0, 0, 0, 0xff, 0xff), 0).length).toBe(0)
    expect(Array.from(s.inflate(z.chunk(a), 6))).toEqual(Array.from(a))
  })

  it('refuses what is not a zlib stream, bad check bits and a preset dictionary, as NodeInflateStream does', () => {
    const native = (): NativeInflateStream => new NativeInflateStream()
    expectZlibError(() => native().inflate(Uint8Array.of(0x79, 0x9c, 0, 0, 0, 0xff, 0xff), 10), /not a zlib stream \(CMF byte 0x79\)/)
    expectZlibError(() => native().inflate(Uint8Array.of(0x78, 0x9d, 0, 0, 0, 0xff, 0xff), 10), /check bits/)
    expectZlibError(() => native().inflate(Uint8Array.of(0x78, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff), 10), /preset dictionary/)
  })

  it('stops at maxOut instead of inflating everything', () => {
    const bomb = new SyncDeflater().chunk(new Uint8Array(10_000_000))
    expectZlibError(() => new NativeInflateStream().inflate(bomb, 1000), /inflates past the 1000 bytes/)
    expectZlibError(() => new NativeInflateStream().inflate(bomb, 200_000), /inflates past the 200000 bytes/)
    const one = new SyncDeflater().chunk(Uint8Array.of(7))
    expectZlibError(() => new NativeInflateStream().inflate(one, 0), /inflates past the 0 bytes/)
    // The stream stopped inside a block: it refuses to go on until reset().
    const s = new NativeInflateStream()
    expectZlibError(() => s.inflate(bomb, 1000), /inflates past/)
    expectZlibError(() => s.inflate(new Uint8Array(5), 10), /earlier rect inflated past its 1000 bytes/)
    s.reset()
    expect(Array.from(s.inflate(one, 1))).toEqual([7])
  })

  it('refuses corrupt data, and keeps refusing until reset()', async () => {
    const a = crop(FRAME, 256, 0, 0, 16, 16)
    const chunk = new SyncDeflater().chunk(a)
    const bad = chunk.slice()
    bad[2] = 0xff
    const s = new NativeInflateStream()
    expectZlibError(() => s.inflate(bad, 2000), /corrupt zlib data/)
    expectZlibError(() => s.inflate(chunk, 2000), /corrupt zlib data/)
    s.reset()
    expect(Buffer.compare(Buffer.from(s.inflate(chunk, a.length)), Buffer.from(a))).toBe(0)
    // Node also reports the error as an event on the next tick: it must not become an uncaught one.
    await new Promise((resolve) => setTimeout(resolve, 10))
  })

  it('refuses input after the deflate stream ended', () => {
    const final = new Uint8Array(deflateSync(Buffer.from('abc')))
    const s = new NativeInflateStream()
    expectZlibError(() => s.inflate(Buffer.concat([final.subarray(0, final.length - 4), Buffer.from([1, 2, 3])]), 100), /ended before its input/)
  })

  it('starts a new stream after reset()', () => {
    const s = new NativeInflateStream()
    const a = crop(FRAME, 256, 10, 10, 30, 30)
    s.inflate(new SyncDeflater().chunk(a), a.length)
    s.reset()
    const chunk = new SyncDeflater().chunk(a)
    expect(Buffer.compare(Buffer.from(s.inflate(chunk, a.length)), Buffer.from(a))).toBe(0)
  })
})
