import { describe, expect, it } from 'vitest'
import { ByteQueue } from '../../../src/main/rfb/byte-queue'
import { RfbProtocolError } from '../../../src/main/rfb/errors'

function queueOf(...chunks: number[][]): ByteQueue {
  const q = new ByteQueue()
  for (const c of chunks) q.push(Uint8Array.from(c))
  return q
}

describe('ByteQueue', () => {
  it('reads big-endian fields that straddle chunk boundaries', () => {
    const q = queueOf([0x12], [0x34, 0x56], [0x78, 0x9a, 0xbc], [0xde, 0xf0])
    expect(q.u16()).toBe(0x1234)
    expect(q.u32()).toBe(0x56789abc)
    expect(q.u8()).toBe(0xde)
    expect(q.length).toBe(1)
    expect(q.position).toBe(7)
  })

  it('reads signed 32-bit values', () => {
    expect(queueOf([0xff, 0xff, 0xff, 0x20]).s32()).toBe(-224)
  })

  it('hands out a view without copying when the bytes lie in one chunk', () => {
    const chunk = Uint8Array.from([1, 2, 3, 4])
    const q = new ByteQueue()
    q.push(chunk)
    q.skip(1)
    const v = q.bytes(2)
    expect(v.buffer).toBe(chunk.buffer)
    expect(Array.from(v)).toEqual([2, 3])
  })

  it('copies across chunks in order', () => {
    const q = queueOf([1, 2], [3], [4, 5, 6])
    q.skip(1)
    expect(Array.from(q.bytes(4))).toEqual([2, 3, 4, 5])
  })

  it('peeks without consuming, at any offset across chunks', () => {
    const q = queueOf([1], [2, 3], [4])
    expect(q.peekU8(2)).toBe(3)
    expect(q.peekU16(1)).toBe(0x0203)
    expect(q.peekU32(0)).toBe(0x01020304)
    expect(q.length).toBe(4)
  })

  it('rewinds to a mark, restoring the position', () => {
    const q = queueOf([1, 2], [3, 4])
    q.u8()
    const m = q.mark()
    q.u16()
    q.u8()
    q.rewind(m)
    expect(q.position).toBe(1)
    expect(q.u8()).toBe(2)
  })

  it('drops consumed chunks on compact and keeps counting the stream position', () => {
    const q = queueOf([1, 2], [3, 4], [5])
    q.skip(3)
    q.compact()
    expect(q.position).toBe(3)
    expect(q.u16()).toBe(0x0405)
    q.push(Uint8Array.of(6))
    expect(q.u8()).toBe(6)
    expect(q.position).toBe(6)
  })

  it('walks views over exactly n bytes', () => {
    const q = queueOf([1, 2], [3, 4, 5])
    const seen: number[][] = []
    q.forEachView(4, (v) => seen.push(Array.from(v)))
    expect(seen).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(q.u8()).toBe(5)
  })

  it('says whether the next n bytes lie in one chunk (a view) or straddle two (a copy)', () => {
    const q = queueOf([1, 2, 3], [4, 5])
    expect([q.contiguous(0), q.contiguous(3), q.contiguous(4), q.contiguous(9)]).toEqual([true, true, false, false])
    q.skip(3)
    expect(q.contiguous(2)).toBe(true)
    const v = q.bytes(2)
    expect(Array.from(v)).toEqual([4, 5])
  })

  it('lends the chunk holding a header that lies in one, and nothing for one that straddles two', () => {
    const q = queueOf([9, 1, 2, 3], [4, 5])
    q.skip(1)
    const c = q.window(3)
    expect(c && Array.from(c.subarray(q.windowAt, q.windowAt + 3))).toEqual([1, 2, 3])
    expect(q.position).toBe(1)
    expect(q.window(4)).toBeNull()
    expect(q.window(9)).toBeNull()
  })

  it('copies short and long runs alike, across chunks too', () => {
    const q = queueOf([1, 2, 3], [4, 5, 6, 7])
    const dst = new Uint8Array(8)
    q.copyTo(dst, 1, 2)
    q.copyTo(dst, 3, 4)
    q.copyTo(dst, 7, 0)
    expect(Array.from(dst)).toEqual([0, 1, 2, 3, 4, 5, 6, 0])
    expect(q.length).toBe(1)
  })

  it('refuses to read more than is buffered with a protocol error', () => {
    const q = queueOf([1, 2])
    expect(() => q.u32()).toThrow(RfbProtocolError)
    expect(q.length).toBe(2)
  })
})
