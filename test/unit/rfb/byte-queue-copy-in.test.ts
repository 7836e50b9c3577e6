import { describe, expect, it } from 'vitest'
import { ByteQueue, QUEUE_BLOCK_BYTES } from '../../../src/main/rfb/byte-queue'

/** `n` bytes counting up from `from` (mod 256), so any misplaced byte shows. */
function ramp(n: number, from = 0): Uint8Array {
  const b = new Uint8Array(n)
  for (let i = 0; i < n; i++) b[i] = (from + i) & 0xff
  return b
}

describe('ByteQueue.copyIn (bytes a socket lends)', () => {
  it('keeps a copy: the lender may overwrite its buffer at once', () => {
    const q = new ByteQueue()
    const lent = Uint8Array.from([1, 2, 3, 4])
    q.copyIn(lent)
    lent.fill(9)
    expect(Array.from(q.bytes(4))).toEqual([1, 2, 3, 4])
  })

  it('joins consecutive reads into one chunk, so fields across read boundaries need no copy', () => {
    const q = new ByteQueue()
    q.copyIn(Uint8Array.from([0x12, 0x34]))
    q.copyIn(Uint8Array.from([0x56, 0x78]))
    expect(q.contiguous(4)).toBe(true)
    expect(q.window(4)).not.toBeNull()
    expect(q.u32()).toBe(0x12345678)
  })

  it('does not lose bytes that follow a chunk read to its end', () => {
    const q = new ByteQueue()
    q.copyIn(Uint8Array.from([1, 2]))
    expect(q.u16()).toBe(0x0102)
    // The read position is past the last chunk: new bytes must not be appended behind it.
    q.copyIn(Uint8Array.from([3, 4]))
    expect(q.length).toBe(2)
    expect(q.u16()).toBe(0x0304)
    expect(q.position).toBe(4)
  })

  it('reads fields and runs that straddle two blocks', () => {
    const q = new ByteQueue()
    const first = ramp(QUEUE_BLOCK_BYTES - 2)
    q.copyIn(first)
    q.skip(first.length - 1)
    // One unread byte and two of these fill the block; the other six start the next.
    q.copyIn(ramp(8, 0x40))
    expect(q.contiguous(4)).toBe(false)
    const m = q.mark()
    const views: number[] = []
    q.forEachView(5, (v) => views.push(v.length))
    expect(views).toEqual([3, 2])
    q.rewind(m)
    expect(q.u32()).toBe(((first[first.length - 1] << 24) | (0x40 << 16) | (0x41 << 8) | 0x42) >>> 0)
    expect(q.length).toBe(5)
  })

  it('splits a read larger than a block and keeps every byte in order', () => {
    const q = new ByteQueue()
    const big = ramp(QUEUE_BLOCK_BYTES * 2 + 1000, 7)
    q.copyIn(big)
    expect(q.length).toBe(big.length)
    const out = new Uint8Array(big.length)
    q.copyTo(out, 0, big.length)
    expect(Buffer.from(out).equals(big)).toBe(true)
  })

  it('fills a block again once its bytes are read and compacted, so steady reads reuse memory', () => {
    const q = new ByteQueue()
    const seen = new Set<ArrayBufferLike>()
    // A socket's stream: 64 KiB reads, parsed (all but a few bytes) and compacted after each.
    let sent = 0
    let got = 0
    for (let read = 0; read < 64; read++) {
      q.copyIn(ramp(64 * 1024, sent))
      sent += 64 * 1024
      const n = q.length - (read % 5)
      q.forEachView(n, (v) => {
        seen.add(v.buffer)
        for (let i = 0; i < v.length; i += 4099) expect(v[i]).toBe((got + i) & 0xff)
        got += v.length
      })
      q.compact()
    }
    // 4 MiB went through; a few blocks of memory held it.
    expect(seen.size).toBeLessThanOrEqual(3)
    expect(got).toBe(sent - q.length)
  })

  it('starts the block over when everything was read', () => {
    const q = new ByteQueue()
    q.copyIn(ramp(100))
    const a = q.bytes(100)
    q.compact()
    q.copyIn(ramp(100, 50))
    const b = q.bytes(100)
    expect(b.buffer).toBe(a.buffer)
    expect(b.byteOffset).toBe(a.byteOffset)
    expect(b[0]).toBe(50)
  })

  it('keeps a block while an unread chunk views it, and bytes pushed between copies in order', () => {
    const q = new ByteQueue()
    q.copyIn(Uint8Array.from([1, 2]))
    q.push(Uint8Array.from([3]))
    q.copyIn(Uint8Array.from([4, 5]))
    expect(q.u8()).toBe(1)
    q.compact()
    q.copyIn(Uint8Array.from([6]))
    expect(Array.from(q.bytes(q.length))).toEqual([2, 3, 4, 5, 6])
  })

  it('rewinds to a mark across copied chunks', () => {
    const q = new ByteQueue()
    q.copyIn(Uint8Array.from([1, 2, 3]))
    q.skip(1)
    const m = q.mark()
    expect(q.u16()).toBe(0x0203)
    q.rewind(m)
    expect(q.position).toBe(1)
    expect(q.u16()).toBe(0x0203)
  })
})
