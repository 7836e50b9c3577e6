import { ByteQueue } from '../../src/main/rfb/byte-queue'
import type { DecodeContext, Rect, RectDecoder } from '../../src/main/rfb/decoders/decoder'
import { FramebufferSink, type ImageDecoder } from '../../src/main/rfb/framebuffer'
import { PixelConverter } from '../../src/main/rfb/pixel-converter'
import { RGBX8888, type PixelFormat } from '../../src/main/rfb/pixel-format'
import type { DrawSink } from '../../src/main/rfb/sink'

/** Ways to cut a byte vector into socket chunks: whole, byte by byte, and in two at every offset. */
export function* chunkings(bytes: Uint8Array): Generator<{ label: string; chunks: Uint8Array[] }> {
  yield { label: 'whole', chunks: [bytes] }
  yield { label: 'byte by byte', chunks: Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)) }
  for (let i = 1; i < bytes.length; i++) {
    yield { label: `split at ${i}`, chunks: [bytes.subarray(0, i), bytes.subarray(i)] }
  }
}

export function makeContext(sink: DrawSink, pf: PixelFormat, width: number, height: number, q: ByteQueue): DecodeContext {
  let words = new Uint32Array(0)
  let bytes = new Uint8Array(0)
  return {
    pixels: new PixelConverter(pf),
    sink,
    fbWidth: width,
    fbHeight: height,
    scratch(n) {
      if (words.length < n) words = new Uint32Array(n)
      return words
    },
    scratchBytes(n) {
      if (bytes.length < n) bytes = new Uint8Array(n)
      return bytes
    },
    get position() {
      return q.position
    },
  }
}

export interface FeedOptions {
  pf?: PixelFormat
  width?: number
  height?: number
  /** Starting framebuffer contents (RGBA words), e.g. to test CopyRect. */
  initial?: Uint32Array
  imageDecoder?: ImageDecoder
}

/**
 * Runs one rect through a decoder, feeding `chunks` one at a time as a socket would, and checks
 * the decoder neither finishes early nor reads past the rect. Returns the framebuffer.
 */
export function feedRect(decoder: RectDecoder, rect: Rect, chunks: Uint8Array[], opts: FeedOptions = {}): FramebufferSink {
  const width = opts.width ?? rect.x + rect.w
  const height = opts.height ?? rect.y + rect.h
  const fb = new FramebufferSink(opts.imageDecoder ?? null)
  fb.resize(width, height)
  if (opts.initial) fb.words.set(opts.initial)
  const q = new ByteQueue()
  const ctx = makeContext(fb, opts.pf ?? RGBX8888, width, height, q)
  decoder.begin(rect, ctx)
  let done = false
  for (let i = 0; i < chunks.length; i++) {
    if (done) throw new Error(`decoder finished before chunk ${i} of ${chunks.length}`)
    q.push(chunks[i])
    done = decoder.decode(q, ctx)
    q.compact()
  }
  if (!done) throw new Error(`decoder did not finish (${q.length} bytes left unread)`)
  if (q.length !== 0) throw new Error(`decoder left ${q.length} bytes of the rect unread`)
  return fb
}

/** Feeds the rect in every chunking and asserts each gives the same framebuffer; returns it. */
export function feedEverySplit(make: () => RectDecoder, rect: Rect, bytes: Uint8Array, opts: FeedOptions = {}): FramebufferSink {
  let first: FramebufferSink | null = null
  for (const { label, chunks } of chunkings(bytes)) {
    const fb = feedRect(make(), rect, chunks, opts)
    if (!first) first = fb
    else if (Buffer.compare(Buffer.from(first.data), Buffer.from(fb.data)) !== 0) {
      throw new Error(`framebuffer differs when the rect is fed ${label}`)
    }
  }
  return first!
}

/** Hex of an RGBA word, for readable assertion messages. */
export function hex(word: number): string {
  return `0x${(word >>> 0).toString(16).padStart(8, '0')}`
}
