import { describe, expect, it } from 'vitest'
import { RfbProtocolError } from '../../../../src/main/rfb/errors'
import { type InflateStream, PakoInflateStream, createInflateStream } from '../../../../src/main/rfb/zlib/inflate-stream'
import { NodeInflateStream } from '../../../../src/main/rfb/zlib/node-inflate-stream'
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
  it('matches pako on randomized sync-flushed streams from pako\'s deflater', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const parts = randomParts(seed)
      const z = new SyncDeflater(seed % 10)
      const chunks = parts.map((p) => z.chunk(p))
      inflateAll(node(), chunks, parts)
      inflateAll(new PakoInflateStream(), chunks, parts)
    }
  })

  it('matches pako on randomized sync-flushed streams from Node\'s deflater', async () => {
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

  it('is what the decoders get', () => {
    expect(createInflateStream()).toBeInstanceOf(NodeInflateStream)
  })
})
