import { describe, expect, it } from 'vitest'
import { PixelRunEncoder } from '../../../src/shared/pixel-runs'
import { FetchedBlob, WireError, decodeClientMessage, decodeServerMessage, encodeClientMessage, encodeServerMessage } from '../../../src/shared/ws-codec'

const toArrayBuffer = (u: Uint8Array): ArrayBuffer => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer

describe('ws-codec', () => {
  it('requests round-trip as JSON text', () => {
    const wire = encodeClientMessage({ type: 'request', id: 7, name: 'session.key', arg: { sessionId: 's', keysym: 65, down: true } })
    expect(typeof wire).toBe('string')
    expect(decodeClientMessage(wire)).toEqual({ type: 'request', id: 7, name: 'session.key', arg: { sessionId: 's', keysym: 65, down: true } })
  })

  it('responses and errors round-trip; a void result stays undefined', () => {
    expect(decodeServerMessage(encodeServerMessage({ type: 'response', id: 1, result: [1, 'a'] }))).toEqual({ type: 'response', id: 1, result: [1, 'a'] })
    expect(decodeServerMessage(encodeServerMessage({ type: 'response', id: 2 }))).toEqual({ type: 'response', id: 2, result: undefined })
    const error = { kind: 'auth' as const, code: 'RFB_ERR_AUTH_FAILED' as const, message: 'no' }
    expect(decodeServerMessage(encodeServerMessage({ type: 'response', id: 3, error }))).toEqual({ type: 'response', id: 3, error })
  })

  it('reads a response error with readSessionError: a code outside the list arrives as HOST_UNKNOWN_ERROR', () => {
    const wire = JSON.stringify({ type: 'response', id: 4, error: { kind: 'refused', code: 'INJECTED TEXT', message: 'no', stack: 'at x' } })
    expect(decodeServerMessage(wire)).toEqual({ type: 'response', id: 4, error: { kind: 'refused', code: 'HOST_UNKNOWN_ERROR', message: 'no' } })
  })

  it('frame batches travel as one binary frame with typed arrays intact', () => {
    const ops = Int32Array.of(3, 0, 0, 2, 1, 0, 0, 0, 1, 1, 1, 1, 1, -1, 0, 0)
    const pixels = Uint8Array.of(1, 2, 3, 255, 4, 5, 6, 255)
    const images = Uint8Array.of(0xff, 0xd8, 0xff)
    const wire = encodeServerMessage({ type: 'event', name: 'session.frame', payload: { sessionId: 's', seq: 9, ops, pixels, images } })
    expect(wire).toBeInstanceOf(Uint8Array)
    // No base64: the frame is barely bigger than the payload.
    expect((wire as Uint8Array).length).toBeLessThan(ops.byteLength + pixels.length + images.length + 200)
    for (const data of [toArrayBuffer(wire as Uint8Array), wire as Uint8Array]) {
      const m = decodeServerMessage(data)
      expect(m.type).toBe('event')
      const p = (m as { payload: { ops: Int32Array; pixels: Uint8Array; images: Uint8Array; seq: number } }).payload
      expect(p.seq).toBe(9)
      expect(p.ops).toBeInstanceOf(Int32Array)
      expect([...p.ops]).toEqual([...ops])
      expect([...p.pixels]).toEqual([...pixels])
      expect([...p.images]).toEqual([...images])
    }
  })

  it('decodes Int32 blobs at any byte offset (Node hands out pooled Buffers)', () => {
    const wire = encodeServerMessage({ type: 'event', name: 'session.frame', payload: { ops: Int32Array.of(1, -2, 3) } }) as Uint8Array
    const shifted = new Uint8Array(wire.length + 1)
    shifted.set(wire, 1)
    const m = decodeServerMessage(shifted.subarray(1)) as { payload: { ops: Int32Array } }
    expect([...m.payload.ops]).toEqual([1, -2, 3])
  })

  it('decodes Int32 blobs from a Node Buffer inside a larger read (slice there is a view, not a copy)', () => {
    const wire = encodeServerMessage({ type: 'event', name: 'session.frame', payload: { ops: Int32Array.of(1, -2, 3) } }) as Uint8Array
    // Two messages in one socket read: the second starts at an odd offset of a bigger buffer.
    const read = Buffer.alloc(wire.length + 3 + 64)
    read.set(wire, 3)
    const m = decodeServerMessage(read.subarray(3, 3 + wire.length)) as { payload: { ops: Int32Array } }
    expect([...m.payload.ops]).toEqual([1, -2, 3])
  })

  it('encodes views of larger buffers with only their own bytes', () => {
    const big = new Uint8Array(1000).fill(7)
    const wire = encodeServerMessage({ type: 'event', name: 'session.cursor', payload: { rgba: big.subarray(10, 14) } }) as Uint8Array
    expect(wire.length).toBeLessThan(200)
    const m = decodeServerMessage(wire) as { payload: { rgba: Uint8Array } }
    expect([...m.payload.rgba]).toEqual([7, 7, 7, 7])
  })

  it('honours blob references only in binary frames', () => {
    const text = JSON.stringify({ type: 'event', name: 'session.clipboard', payload: { text: { $bin: 0 } } })
    expect(decodeServerMessage(text)).toEqual({ type: 'event', name: 'session.clipboard', payload: { text: { $bin: 0 } } })
  })

  it('refuses malformed input with WireError', () => {
    const bad: (string | Uint8Array)[] = [
      'not json',
      '[]',
      '"x"',
      JSON.stringify({ type: 'request', id: -1, name: 'x' }),
      JSON.stringify({ type: 'request', id: 1 }),
      Uint8Array.of(1, 2),
      Uint8Array.of(255, 255, 255, 255, 0),
      Uint8Array.of(2, 0, 0, 0, 123, 125),
    ]
    for (const b of bad) expect(() => decodeClientMessage(b)).toThrow(WireError)
    // A blob table pointing past the end of the frame.
    const header = new TextEncoder().encode('{"type":"event","name":"x","payload":{"$bin":0},"$blobs":[["u8",99]]}')
    const frame = new Uint8Array(4 + header.length)
    new DataView(frame.buffer).setUint32(0, header.length, true)
    frame.set(header, 4)
    expect(() => decodeServerMessage(frame)).toThrow('blob outside the frame')
  })

  it('builds binary frames in memory the caller provides, byte for byte as in fresh memory', () => {
    const payload = { sessionId: 's', seq: 3, ops: Int32Array.of(3, 0, 0, 1, 1, 0, 0, 0), pixels: Uint8Array.of(9, 8, 7), images: Uint8Array.of(1) }
    const m = { type: 'event' as const, name: 'session.frame' as const, payload }
    const fresh = encodeServerMessage(m) as Uint8Array
    // Reused memory full of an older frame's bytes, and larger than needed.
    const memory = new Uint8Array(fresh.length + 64).fill(0xee)
    const sizes: number[] = []
    const wire = encodeServerMessage(m, (size) => (sizes.push(size), memory)) as Uint8Array
    expect(sizes).toEqual([fresh.length])
    expect(wire.buffer).toBe(memory.buffer)
    expect(wire.length).toBe(fresh.length)
    expect([...wire]).toEqual([...fresh])
    const p = (decodeServerMessage(wire) as { payload: typeof payload }).payload
    expect([...p.pixels]).toEqual([9, 8, 7])
    expect([...p.images]).toEqual([1])
  })

  it('refuses an allocator that gives less than it was asked for', () => {
    const m = { type: 'event' as const, name: 'session.cursor' as const, payload: { rgba: new Uint8Array(64) } }
    expect(() => encodeServerMessage(m, (size) => new Uint8Array(size - 1))).toThrow(RangeError)
  })

  it('refuses typed arrays it cannot carry', () => {
    expect(() => encodeServerMessage({ type: 'event', name: 'session.cursor', payload: { x: new Float32Array(1) } })).toThrow(WireError)
  })

  describe('pixel runs', () => {
    const frame = (pixels: Uint8Array) => ({
      type: 'event' as const,
      name: 'session.frame' as const,
      payload: { sessionId: 's', seq: 5, ops: Int32Array.of(3, 0, 0, pixels.length / 4, 1, 0, 0, 0), pixels, images: new Uint8Array(0) },
    })
    // A desktop-like row: long stretches of one colour and a few odd pixels.
    const desktop = new Uint8Array(new Uint32Array(4096).map((_, i) => (i % 700 < 3 ? i : 0xffc0c0c0)).buffer)

    it("pack a frame's pixels when that pays, unpacked into the memory the page gives, byte for byte", () => {
      const wire = encodeServerMessage(frame(desktop), undefined, new PixelRunEncoder()) as Uint8Array
      expect(wire.length).toBeLessThan(desktop.length / 10)
      const memory = new Uint8Array(desktop.length + 100).fill(0xee)
      const sizes: number[] = []
      const m = decodeServerMessage(toArrayBuffer(wire), (size) => (sizes.push(size), memory)) as ReturnType<typeof frame>
      expect(sizes).toEqual([desktop.length])
      expect(m.payload.pixels.buffer).toBe(memory.buffer)
      expect(Buffer.compare(m.payload.pixels, desktop)).toBe(0)
      expect([...m.payload.ops]).toEqual([...frame(desktop).payload.ops])
      // Without memory from the caller: fresh memory of the checked size.
      expect(Buffer.compare((decodeServerMessage(wire) as ReturnType<typeof frame>).payload.pixels, desktop)).toBe(0)
    })

    it('leave pixels plain when packing does not pay, for other messages, and without an encoder', () => {
      const noisy = new Uint8Array(4096).map((_, i) => (i * 151) & 255)
      for (const wire of [encodeServerMessage(frame(noisy), undefined, new PixelRunEncoder()), encodeServerMessage(frame(desktop))] as Uint8Array[]) {
        expect(new TextDecoder().decode(wire)).not.toContain('"r32"')
      }
      const cursor = encodeServerMessage({ type: 'event', name: 'session.cursor', payload: { rgba: desktop } }, undefined, new PixelRunEncoder()) as Uint8Array
      expect(cursor.length).toBeGreaterThan(desktop.length)
    })

    it('are refused from a page, and when the table or the stream disagree', () => {
      const wire = encodeServerMessage(frame(desktop), undefined, new PixelRunEncoder()) as Uint8Array
      const headerLength = new DataView(wire.buffer, wire.byteOffset).getUint32(0, true)
      const header = new TextDecoder().decode(wire.subarray(4, 4 + headerLength))
      expect(header).toContain(`["r32",`)
      // Same frame with the header rewritten (kept at its length, so the blobs stay in place).
      const withHeader = (text: string): Uint8Array => {
        const bytes = new TextEncoder().encode(text.padEnd(headerLength, ' '))
        expect(bytes.length).toBe(headerLength)
        const out = wire.slice()
        out.set(bytes, 4)
        return out
      }
      const announced = `,${desktop.length}]`
      const seen: number[] = []
      const memory = (size: number, reusedOnly?: boolean): Uint8Array | null => (reusedOnly ? null : (seen.push(size), new Uint8Array(size)))
      expect(() => decodeClientMessage(wire)).toThrow('bad blob kind')
      expect(() => decodeServerMessage(withHeader(header.replace(announced, `,${desktop.length + 4}]`)), memory)).toThrow(
        `not the ${desktop.length + 4} announced`,
      )
      expect(() => decodeServerMessage(withHeader(header.replace(announced, `,${desktop.length - 4}]`)), memory)).toThrow('bad packed pixels')
      expect(() => decodeServerMessage(withHeader(header.replace(announced, `,${desktop.length + 1}]`)), memory)).toThrow('bad unpacked size')
      expect(() => decodeServerMessage(withHeader(header.replace(announced, `,1e13]`)), memory)).toThrow('bad unpacked size')
      expect(() => decodeServerMessage(withHeader(header.replace(announced, ']')), memory)).toThrow('bad blob entry')
      // Nothing was allocated for any of them.
      expect(seen).toEqual([])
      // A damaged stream (its first header zeroed; it follows the 32 bytes of ops): a WireError, with nothing allocated.
      const damaged = wire.slice()
      const at = ((4 + headerLength + 3) & ~3) + 32
      damaged.fill(0, at, at + 4)
      expect(() => decodeServerMessage(damaged, memory)).toThrow(WireError)
      expect(seen).toEqual([])
      expect(() => decodeServerMessage(wire, (size) => new Uint8Array(size - 4))).toThrow(RangeError)
    })

    it('unpack straight into memory already held, and refuse there what disagrees with the table', () => {
      const wire = encodeServerMessage(frame(desktop), undefined, new PixelRunEncoder()) as Uint8Array
      const headerLength = new DataView(wire.buffer, wire.byteOffset).getUint32(0, true)
      const header = new TextDecoder().decode(wire.subarray(4, 4 + headerLength))
      const withHeader = (text: string): Uint8Array => {
        const out = wire.slice()
        out.set(new TextEncoder().encode(text.padEnd(headerLength, ' ')), 4)
        return out
      }
      // Memory the page already holds (larger than any frame here): only that is asked for.
      const held = new Uint8Array(desktop.length * 2)
      const asked: [number, boolean | undefined][] = []
      const reused = (size: number, reusedOnly?: boolean): Uint8Array | null => (asked.push([size, reusedOnly]), size <= held.length ? held : null)
      const m = decodeServerMessage(wire, reused) as ReturnType<typeof frame>
      expect(asked).toEqual([[desktop.length, true]])
      expect(m.payload.pixels.buffer).toBe(held.buffer)
      expect(Buffer.compare(m.payload.pixels, desktop)).toBe(0)
      // The stream unpacks to less or more than announced: refused, though unpacking began in the held memory.
      const announced = `,${desktop.length}]`
      expect(() => decodeServerMessage(withHeader(header.replace(announced, `,${desktop.length + 4}]`)), reused)).toThrow('bad packed pixels')
      expect(() => decodeServerMessage(withHeader(header.replace(announced, `,${desktop.length - 4}]`)), reused)).toThrow('bad packed pixels')
      // Larger than anything held: the headers are checked first, and a lie allocates nothing.
      asked.length = 0
      expect(() => decodeServerMessage(withHeader(header.replace(announced, `,${held.length + 4}]`)), reused)).toThrow(`not the ${held.length + 4} announced`)
      expect(asked).toEqual([[held.length + 4, true]])
    })
  })

  describe('fetched pixels', () => {
    const pixels = new Uint8Array(4096).map((_, i) => (i * 151) & 255)
    const frame = (name: 'session.frame' | 'session.cursor' = 'session.frame') => ({
      type: 'event' as const,
      name,
      payload: { sessionId: 's', seq: 5, ops: Int32Array.of(3, 0, 0, 1024, 1, 0, 0, 0), pixels, images: new Uint8Array(0) },
    })
    const ticket = 'T'.repeat(24)

    it("offer only a frame's plain pixels, with no bytes of them in the frame, and decode to a FetchedBlob only where asked", () => {
      const offered: Uint8Array[] = []
      const wire = encodeServerMessage(frame(), undefined, new PixelRunEncoder(), (p) => (offered.push(p), ticket)) as Uint8Array
      expect(offered).toEqual([pixels])
      expect(wire.length).toBeLessThan(pixels.length)
      const m = decodeServerMessage(toArrayBuffer(wire), undefined, true) as { payload: { pixels: unknown; ops: Int32Array } }
      expect(m.payload.pixels).toEqual(new FetchedBlob(ticket, pixels.length))
      expect([...m.payload.ops]).toEqual([...frame().payload.ops])
      expect(() => decodeServerMessage(wire)).toThrow('bad fetched blob')
      expect(() => decodeClientMessage(wire)).toThrow('bad fetched blob')
      // No ticket: in the frame as before; other messages are never offered.
      expect(
        (decodeServerMessage(encodeServerMessage(frame(), undefined, undefined, () => null) as Uint8Array) as ReturnType<typeof frame>).payload.pixels,
      ).toEqual(pixels)
      const cursor = encodeServerMessage(frame('session.cursor'), undefined, undefined, () => ticket) as Uint8Array
      expect(new TextDecoder().decode(cursor)).not.toContain('"h8"')
    })

    it('refuse tickets, sizes and places that are not what the host sends', () => {
      const at = (table: string, payload = '{"sessionId":"s","seq":1,"pixels":{"$bin":0}}', name = 'session.frame'): Uint8Array => {
        const header = new TextEncoder().encode(`{"type":"event","name":"${name}","payload":${payload},"$blobs":${table}}`)
        const out = new Uint8Array((4 + header.length + 3) & ~3)
        new DataView(out.buffer).setUint32(0, header.length, true)
        out.set(header, 4)
        return out
      }
      expect(decodeServerMessage(at(`[["h8",8,"${ticket}"]]`), undefined, true)).toMatchObject({ payload: { pixels: new FetchedBlob(ticket, 8) } })
      const bad: [Uint8Array, string][] = [
        [at(`[["h8",8,"short"]]`), 'bad fetched blob'],
        [at(`[["h8",8,"${ticket}/../x"]]`), 'bad fetched blob'],
        [at(`[["h8",8,7]]`), 'bad fetched blob'],
        [at(`[["h8",8]]`), 'bad blob entry'],
        [at(`[["h8",-8,"${ticket}"]]`), 'bad fetched size'],
        [at(`[["h8",1e13,"${ticket}"]]`), 'bad fetched size'],
        [at(`[["h8",8.5,"${ticket}"]]`), 'bad fetched size'],
        [at(`[["h8",8,"${ticket}"]]`, '{"sessionId":"s","seq":1,"pixels":{"$bin":0},"also":{"$bin":0}}'), 'referenced twice'],
        [at(`[["h8",8,"${ticket}"]]`, '{"sessionId":"s","seq":1,"images":{"$bin":0}}'), "outside a frame's pixels"],
        [at(`[["h8",8,"${ticket}"]]`, '{"pixels":{"$bin":0}}', 'session.cursor'), "outside a frame's pixels"],
        [at(`[["h8",8,"${ticket}"],["h8",8,"${ticket}"]]`, '{"pixels":{"$bin":0},"images":{"$bin":1}}'), "outside a frame's pixels"],
      ]
      for (const [wire, message] of bad) expect(() => decodeServerMessage(wire, undefined, true), message).toThrow(message)
    })
  })
})
