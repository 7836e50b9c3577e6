import { RfbProtocolError } from './errors'

/** A saved read position; see {@link ByteQueue.mark}. */
export interface QueueMark {
  readonly ci: number
  readonly off: number
  readonly length: number
}

const EMPTY = new Uint8Array(0)

/** Size of the blocks lent bytes are copied into ({@link ByteQueue.copyIn}). */
export const QUEUE_BLOCK_BYTES = 256 * 1024
/** Blocks kept for reuse once read; more are left to the garbage collector. */
const SPARE_BLOCKS = 2

/**
 * Incoming bytes as a list of chunks. Reads hand out views inside one chunk and copy only when a
 * field straddles two chunks, so the backlog is never concatenated. Consumed chunks are dropped
 * by {@link compact}, never during reads, so a {@link mark} can always be rewound to.
 *
 * Chunks come two ways: {@link push} keeps a chunk its sender gives away; {@link copyIn} copies
 * bytes a socket lends (its one reused read buffer) into blocks this queue reuses once they are
 * read. The second way allocates nothing per read: fresh memory per read is what made V8
 * collect garbage for ~11 ms of every 8 MB update (docs/performance.md).
 */
export class ByteQueue {
  private chunks: Uint8Array[] = []
  /** The block each chunk views, null for a pushed chunk; parallel to `chunks`. */
  private owners: (Uint8Array | null)[] = []
  /** Blocks that unread (or not yet compacted) chunks view, oldest first; the last is being filled. */
  private blocks: Uint8Array[] = []
  /** Bytes used in the last block. */
  private fill = 0
  private spare: Uint8Array[] = []
  private ci = 0
  private off = 0
  private len = 0
  private consumed = 0

  /** Unread bytes. */
  get length(): number {
    return this.len
  }

  /** Bytes consumed since the queue was created: the stream offset of the next byte. */
  get position(): number {
    return this.consumed
  }

  /** Queues `chunk` itself: the sender must not change it afterwards. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    this.chunks.push(chunk)
    this.owners.push(null)
    this.len += chunk.length
  }

  /**
   * Queues a copy of `bytes`, which the caller may overwrite once this returns. The copy lands in
   * the queue's blocks, appended to the last chunk when it continues it, so a socket's reads
   * become one long chunk per block rather than a chunk per read.
   */
  copyIn(bytes: Uint8Array): void {
    let at = 0
    while (at < bytes.length) {
      let block = this.blocks.length > 0 ? this.blocks[this.blocks.length - 1] : null
      if (!block || this.fill === block.length) {
        block = this.spare.pop() ?? new Uint8Array(QUEUE_BLOCK_BYTES)
        this.blocks.push(block)
        this.fill = 0
      }
      const start = this.fill
      const take = Math.min(bytes.length - at, block.length - start)
      block.set(at === 0 && take === bytes.length ? bytes : bytes.subarray(at, at + take), start)
      this.fill += take
      at += take
      this.len += take
      const last = this.chunks.length - 1
      const c = this.chunks[last]
      // Grow the last chunk only while it still holds unread bytes: a fully read one lies behind the read position.
      if (last >= this.ci && this.owners[last] === block && c.byteOffset + c.length === start) {
        this.chunks[last] = block.subarray(c.byteOffset, start + take)
      } else {
        this.chunks.push(block.subarray(start, start + take))
        this.owners.push(block)
      }
    }
  }

  has(n: number): boolean {
    return this.len >= n
  }

  mark(): QueueMark {
    return { ci: this.ci, off: this.off, length: this.len }
  }

  rewind(m: QueueMark): void {
    this.consumed -= m.length - this.len
    this.ci = m.ci
    this.off = m.off
    this.len = m.length
  }

  /**
   * Forgets chunks that were read completely; invalidates older marks and every view handed out
   * so far (a block whose bytes were all read is filled again by later {@link copyIn}s).
   */
  compact(): void {
    if (this.ci > 0) {
      this.chunks.splice(0, this.ci)
      this.owners.splice(0, this.ci)
      this.ci = 0
    }
    if (this.blocks.length > 0) this.recycleBlocks()
  }

  /** Takes back the blocks no kept chunk views; the one being filled starts over once nothing views it. */
  private recycleBlocks(): void {
    let live: Uint8Array | null = null
    for (let i = 0; i < this.owners.length && !live; i++) live = this.owners[i]
    const filling = this.blocks[this.blocks.length - 1]
    while (this.blocks[0] !== live && this.blocks[0] !== filling) {
      const block = this.blocks.shift()!
      if (this.spare.length < SPARE_BLOCKS) this.spare.push(block)
    }
    if (!live) this.fill = 0
  }

  /** Throws a protocol error unless `n` bytes are buffered; for call sites that checked `has` earlier. */
  private need(n: number): void {
    if (this.len < n) throw new RfbProtocolError(`read of ${n} bytes with only ${this.len} buffered`, this.position)
  }

  private advance(n: number): void {
    this.len -= n
    this.consumed += n
    let off = this.off + n
    while (this.ci < this.chunks.length && off >= this.chunks[this.ci].length) {
      off -= this.chunks[this.ci].length
      this.ci++
    }
    this.off = off
  }

  peekU8(at = 0): number {
    this.need(at + 1)
    let ci = this.ci
    let off = this.off + at
    while (off >= this.chunks[ci].length) {
      off -= this.chunks[ci].length
      ci++
    }
    return this.chunks[ci][off]
  }

  peekU16(at = 0): number {
    return (this.peekU8(at) << 8) | this.peekU8(at + 1)
  }

  peekU32(at = 0): number {
    return ((this.peekU8(at) << 24) | (this.peekU8(at + 1) << 16) | (this.peekU8(at + 2) << 8) | this.peekU8(at + 3)) >>> 0
  }

  u8(): number {
    this.need(1)
    const c = this.chunks[this.ci]
    const v = c[this.off]
    this.advance(1)
    return v
  }

  u16(): number {
    this.need(2)
    const c = this.chunks[this.ci]
    if (this.off + 2 <= c.length) {
      const v = (c[this.off] << 8) | c[this.off + 1]
      this.advance(2)
      return v
    }
    return (this.u8() << 8) | this.u8()
  }

  u32(): number {
    this.need(4)
    const c = this.chunks[this.ci]
    const o = this.off
    if (o + 4 <= c.length) {
      const v = ((c[o] << 24) | (c[o + 1] << 16) | (c[o + 2] << 8) | c[o + 3]) >>> 0
      this.advance(4)
      return v
    }
    return ((this.u16() << 16) | this.u16()) >>> 0
  }

  s32(): number {
    return this.u32() | 0
  }

  skip(n: number): void {
    this.need(n)
    this.advance(n)
  }

  /**
   * The chunk holding the next `n` bytes when they lie in one, with them from {@link windowAt};
   * else null. Nothing is consumed: read the bytes, then {@link skip} them. Lets a fixed-size
   * header be read with one check and one advance instead of one per field.
   */
  window(n: number): Uint8Array | null {
    if (this.len < n) return null
    const c = this.chunks[this.ci]
    return this.off + n <= c.length ? c : null
  }

  /** Where the bytes of the last {@link window} start in its chunk. */
  get windowAt(): number {
    return this.off
  }

  /** Whether the next `n` buffered bytes lie in one chunk, so {@link bytes} returns a view of them. */
  contiguous(n: number): boolean {
    return n === 0 || (this.len >= n && this.off + n <= this.chunks[this.ci].length)
  }

  /**
   * `n` bytes as a view when they lie in one chunk (valid until the next compact: its memory may
   * then be filled again), or as a copy. Callers that keep the bytes must copy them.
   */
  bytes(n: number): Uint8Array {
    if (n === 0) return EMPTY
    this.need(n)
    const c = this.chunks[this.ci]
    if (this.off + n <= c.length) {
      const v = c.subarray(this.off, this.off + n)
      this.advance(n)
      return v
    }
    const out = new Uint8Array(n)
    this.copyTo(out, 0, n)
    return out
  }

  /** Copies the next `n` bytes into `dst` at `at` and consumes them. */
  copyTo(dst: Uint8Array, at: number, n: number): void {
    this.need(n)
    if (n === 0) return
    const first = this.chunks[this.ci]
    if (n <= 16 && this.off + n <= first.length) {
      // A pixel or a palette entry: bytes one by one beat making a subarray for set().
      for (let i = 0, o = this.off; i < n; i++) dst[at + i] = first[o + i]
      this.advance(n)
      return
    }
    let left = n
    let pos = at
    while (left > 0) {
      const c = this.chunks[this.ci]
      const take = Math.min(left, c.length - this.off)
      dst.set(c.subarray(this.off, this.off + take), pos)
      pos += take
      left -= take
      this.advance(take)
    }
  }

  /**
   * Calls `fn` with views covering the next `n` bytes in order (one per chunk touched), then
   * consumes them. Lets decoders stream large payloads (zlib input, raw rows) without copying.
   */
  forEachView(n: number, fn: (view: Uint8Array) => void): void {
    this.need(n)
    let left = n
    while (left > 0) {
      const c = this.chunks[this.ci]
      const take = Math.min(left, c.length - this.off)
      const view = c.subarray(this.off, this.off + take)
      this.advance(take)
      left -= take
      fn(view)
    }
  }
}
