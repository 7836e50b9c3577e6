import { describe, expect, it } from 'vitest'
import { WireError, decodeClientMessage, decodeServerMessage, encodeClientMessage, encodeServerMessage } from '../../../src/shared/ws-codec'

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
})
