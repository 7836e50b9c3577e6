import type { ClientEventName, RequestName, SessionError } from './contract'
import { readSessionError } from './error-codes'
import type { FrameBatch } from './ops'
import { MAX_UNPACKED_BYTES, type PixelPacker, PixelRunsError, unpackPixelRuns, unpackedWords } from './pixel-runs'

/**
 * The host contract over a WebSocket (browser mode). Both ends import this file.
 *
 * Browser side:  `encodeClientMessage` a request, `decodeServerMessage` what arrives.
 * Server side:   `decodeClientMessage` what arrives, `encodeServerMessage` responses and events.
 *
 * Endpoint: `ws://<host>:<port>${WS_PATH}`, offering the subprotocols of `socketProtocols(credential)`
 * (web-auth.ts says how a page gets its credential). Set `socket.binaryType = 'arraybuffer'`.
 *
 * Semantics: a response carries `result` or `error` (a SessionError, never a stack); requests
 * that fail reject with that SessionError value, which `decodeServerMessage` reads with
 * `readSessionError` (a code outside the closed list becomes HOST_UNKNOWN_ERROR). Sessions belong to the socket that opened
 * them: only it receives their events, and they are closed when it closes.
 *
 * Framing: a message holding no typed arrays is one JSON text frame. A message holding typed
 * arrays (a `session.frame` batch, a cursor, a thumbnail) is one binary frame, so pixels are
 * never base64'd:
 *
 *   u32 LE  header length H
 *   H bytes UTF-8 JSON of the message, each typed array replaced by {"$bin": i}, plus a
 *           top-level "$blobs": [[kind, byteLength], ...] (kind "u8" or "i32"), or
 *           ["r32", byteLength, unpackedBytes] for a u8 blob sent as pixel runs (pixel-runs.ts)
 *   blobs   back to back, each starting at a multiple of 4 from the frame start
 *
 * Pixel runs: a `session.frame` batch's pixels are packed when the server passes an encoder and
 * packing pays (desktops: a fraction of the bytes; motion and noise go plain). Only the page
 * unpacks them, into memory its `PixelMemory` provides; requests never carry them.
 *
 * Fetched pixels: a page that can fetch them (it says so when it connects) may get a large plain
 * pixels blob as ["h8", byteLength, ticket] with no bytes in the frame: it GETs PIXELS_PATH with
 * the ticket and reads the body into its own memory. Chromium hands a WebSocket message over in a
 * fresh ArrayBuffer, chunk by chunk (~40 ms of the page's CPU per 8 MB on a 2-core VM), a fetch
 * body read with a BYOB reader into reused memory for a third of that (docs/performance.md).
 *
 * Int32 blobs are little-endian, as every host this runs on is. Decoders throw `WireError` on
 * anything malformed; they check the envelope only, the host validates the request itself.
 */

export const WS_PATH = '/ws'

/** Where a page fetches pixels offered as a ticket (GET, `?t=TICKET`, the credential in PIXELS_CREDENTIAL_HEADER). */
export const PIXELS_PATH = '/pixels'
export const PIXELS_CREDENTIAL_HEADER = 'X-Tessera-Credential'
/** The WebSocket URL's query parameter a page sets when it fetches offered pixels. */
export const FETCH_PIXELS_PARAM = 'pixels'
const TICKET = /^[A-Za-z0-9_-]{16,64}$/

/** A blob offered for fetching: the page replaces it by `length` bytes fetched with `ticket`. */
export class FetchedBlob {
  constructor(
    readonly ticket: string,
    readonly length: number,
  ) {}
}

/** Offers a frame's plain pixels for fetching: their ticket, or null to send them in the frame. */
export type PixelOffer = (pixels: Uint8Array) => string | null

/** One request from the renderer; `id` pairs it with its response. */
export interface ClientMessage {
  type: 'request'
  id: number
  name: RequestName
  arg: unknown
}

/** A response (exactly one of result / error) or an event. */
export type ServerMessage =
  { type: 'response'; id: number; result?: unknown; error?: SessionError } | { type: 'event'; name: ClientEventName; payload: unknown }

/** What goes on the socket: a text frame or a binary frame. */
export type WireData = string | Uint8Array

/**
 * Provides the memory a binary frame is built in: at least `size` bytes (more is fine, the frame
 * is a view of its first `size`). The browser-mode server passes a pool's, so a stream of
 * full-screen batches does not fault in a fresh 8 MB array per frame.
 */
export type FrameAllocator = (size: number) => Uint8Array

/**
 * Provides at least `size` bytes to unpack a pixel-runs blob into (the page reuses acked batches'
 * memory). With `reusedOnly`, only memory it already holds, else null: nothing is allocated for a
 * size that has not been checked yet.
 */
export type PixelMemory = (size: number, reusedOnly?: boolean) => Uint8Array | null

/** The input was not a well-formed message. */
export class WireError extends Error {
  override name = 'WireError'
}

/** Largest header a binary frame may announce; frames are a few MB of blobs and a small header. */
const MAX_HEADER = 1 << 20

export function encodeClientMessage(m: ClientMessage): WireData {
  return encode(m)
}

export function decodeClientMessage(data: string | ArrayBuffer | Uint8Array): ClientMessage {
  const m = decode(data)
  if (m.type !== 'request' || !isId(m.id) || typeof m.name !== 'string') throw new WireError('not a request')
  return { type: 'request', id: m.id as number, name: m.name as RequestName, arg: m.arg }
}

/**
 * `packer`: send a frame's pixels as pixel runs when that pays; `offer`: else offer them for
 * fetching when it gives a ticket.
 */
export function encodeServerMessage(m: ServerMessage, alloc?: FrameAllocator, packer?: PixelPacker, offer?: PixelOffer): WireData {
  const pixels = (packer || offer) && m.type === 'event' && m.name === 'session.frame' ? (m.payload as FrameBatch).pixels : undefined
  return encode(m, alloc, pixels && { pixels, packer, offer })
}

/**
 * `memory`: where packed pixels are unpacked (default: fresh memory of the checked size).
 * `fetched`: accept pixels offered for fetching; they decode to a FetchedBlob in their place.
 */
export function decodeServerMessage(
  data: string | ArrayBuffer | Uint8Array,
  memory: PixelMemory = (size, reusedOnly) => (reusedOnly ? null : new Uint8Array(size)),
  fetched = false,
): ServerMessage {
  const m = decode(data, memory, fetched)
  if (m.type === 'response' && isId(m.id)) {
    return m.error !== undefined
      ? { type: 'response', id: m.id as number, error: readSessionError(m.error) }
      : { type: 'response', id: m.id as number, result: m.result }
  }
  if (m.type === 'event' && typeof m.name === 'string') return { type: 'event', name: m.name as ClientEventName, payload: m.payload }
  throw new WireError('not a response or event')
}

function isId(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
}

type Bin = Uint8Array | Int32Array | FetchedBlob

/** The one blob to try packing, then offering, and how. */
interface Pack {
  pixels: Uint8Array
  packer?: PixelPacker
  offer?: PixelOffer
}

const NO_BYTES = new Uint8Array(0)

function encode(m: object, alloc: FrameAllocator = (size) => new Uint8Array(size), pack?: Pack): WireData {
  const blobs: (Uint8Array | Int32Array)[] = []
  const table: (string | number)[][] = []
  const json = JSON.stringify(m, (_key, value: unknown) => {
    if (value instanceof Uint8Array || value instanceof Int32Array) {
      const mine = value === pack?.pixels
      const packed = mine && pack.packer ? packWords(value, pack.packer) : null
      const ticket = mine && !packed && pack.offer ? pack.offer(value) : null
      blobs.push(packed ?? (ticket !== null ? NO_BYTES : value))
      if (packed) table.push(['r32', packed.byteLength, value.byteLength])
      else if (ticket !== null) table.push(['h8', value.byteLength, ticket])
      else table.push([value instanceof Int32Array ? 'i32' : 'u8', value.byteLength])
      return { $bin: blobs.length - 1 }
    }
    if (ArrayBuffer.isView(value)) throw new WireError('only Uint8Array and Int32Array cross the wire')
    return value
  })
  if (blobs.length === 0) return json
  const header = new TextEncoder().encode(json.slice(0, -1) + (json.length > 2 ? ',' : '') + `"$blobs":${JSON.stringify(table)}}`)
  let size = align4(4 + header.length)
  const offsets = blobs.map((b) => {
    const at = size
    size = align4(size + b.byteLength)
    return at
  })
  const out = alloc(size).subarray(0, size)
  if (out.length !== size) throw new RangeError(`frame allocator gave ${out.length} bytes for ${size}`)
  new DataView(out.buffer, out.byteOffset, 4).setUint32(0, header.length, true)
  out.set(header, 4)
  // Reused memory: the alignment gaps must not carry an older frame's bytes.
  let end = 4 + header.length
  blobs.forEach((b, i) => {
    out.fill(0, end, offsets[i])
    out.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), offsets[i])
    end = offsets[i] + b.byteLength
  })
  out.fill(0, end, size)
  return out
}

/** The bytes packed as pixel runs, or null when they are not whole aligned words or packing does not pay. */
function packWords(bytes: Uint8Array, packer: PixelPacker): Uint8Array | null {
  if (bytes.byteOffset % 4 !== 0 || bytes.byteLength % 4 !== 0) return null
  return packer.pack(new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4))
}

/**
 * `memory` unpacks pixel-runs blobs; without it (requests from a page) they are refused, as are
 * fetched blobs without `fetched`.
 */
function decode(data: string | ArrayBuffer | Uint8Array, memory?: PixelMemory, fetched = false): Record<string, unknown> {
  if (typeof data === 'string') return parseObject(data)
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data)
  if (bytes.length < 4) throw new WireError('short binary frame')
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true)
  if (headerLength > MAX_HEADER || 4 + headerLength > bytes.length) throw new WireError('bad binary frame header')
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(4, 4 + headerLength))
  } catch {
    throw new WireError('binary frame header is not UTF-8')
  }
  const m = parseObject(text)
  const table = m.$blobs
  delete m.$blobs
  if (!Array.isArray(table)) throw new WireError('binary frame without a blob table')
  const blobs: Bin[] = []
  let at = align4(4 + headerLength)
  for (const entry of table as unknown[]) {
    if (!Array.isArray(entry) || entry.length < 2 || entry.length > 3) throw new WireError('bad blob entry')
    const [kind, length, unpacked] = entry as [unknown, unknown, unknown]
    if ((kind === 'r32' || kind === 'h8') !== (entry.length === 3)) throw new WireError('bad blob entry')
    if (kind === 'h8') {
      // No bytes in the frame: the page fetches them, into memory of this checked size.
      if (!fetched || typeof unpacked !== 'string' || !TICKET.test(unpacked)) throw new WireError('bad fetched blob')
      if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0 || length > MAX_UNPACKED_BYTES) throw new WireError('bad fetched size')
      blobs.push(new FetchedBlob(unpacked, length))
      continue
    }
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0 || at + length > bytes.length) {
      throw new WireError('blob outside the frame')
    }
    const view = bytes.subarray(at, at + length)
    if (kind === 'u8') blobs.push(view)
    else if (kind === 'i32' && length % 4 === 0) blobs.push(toInt32(view))
    else if (kind === 'r32' && memory) blobs.push(unpack(view, unpacked, memory))
    else throw new WireError('bad blob kind')
    at = align4(at + length)
  }
  const out = resolveBlobs(m, blobs, new Set()) as Record<string, unknown>
  // Only a frame's pixels are ever offered for fetching, once.
  if (blobs.some((b) => b instanceof FetchedBlob)) {
    const pixels = (out.payload as { pixels?: unknown } | null)?.pixels
    if (
      out.type !== 'event' ||
      out.name !== 'session.frame' ||
      !(pixels instanceof FetchedBlob) ||
      blobs.filter((b) => b instanceof FetchedBlob).length !== 1
    ) {
      throw new WireError("fetched blob outside a frame's pixels")
    }
  }
  return out
}

/**
 * A pixel-runs blob unpacked. Memory already held is unpacked into at once (unpackPixelRuns checks
 * every token against it and that it fills exactly the size announced). Otherwise the stream's
 * headers are walked first: memory is allocated only for the size they add up to, and only when
 * that is the size the table announced.
 */
function unpack(view: Uint8Array, announced: unknown, memory: PixelMemory): Uint8Array {
  if (typeof announced !== 'number' || !Number.isSafeInteger(announced) || announced < 0 || announced > MAX_UNPACKED_BYTES || announced % 4 !== 0) {
    throw new WireError('bad unpacked size')
  }
  if (view.length % 4 !== 0) throw new WireError('packed pixels are not whole words')
  const packed = view.byteOffset % 4 === 0 ? new Uint32Array(view.buffer, view.byteOffset, view.length / 4) : new Uint32Array(new Uint8Array(view).buffer)
  try {
    let out = memory(announced, true)
    if (!out) {
      const words = unpackedWords(packed, announced / 4)
      if (words * 4 !== announced) throw new PixelRunsError(`unpacks to ${words * 4} bytes, not the ${announced} announced`)
      out = memory(announced)
    }
    if (!out || out.length < announced) throw new RangeError(`pixel memory gave ${out?.length ?? 0} bytes for ${announced}`)
    if (out.byteOffset % 4 !== 0) throw new RangeError('pixel memory is not word-aligned')
    unpackPixelRuns(packed, new Uint32Array(out.buffer, out.byteOffset, announced / 4))
    return out.subarray(0, announced)
  } catch (e) {
    if (e instanceof PixelRunsError) throw new WireError(`bad packed pixels: ${e.message}`)
    throw e
  }
}

/**
 * Int32Array over the bytes; copies only when the view is not 4-aligned (Node's pooled Buffers,
 * or several messages that arrived in one socket read). `new Uint8Array(view)` is the copy:
 * Buffer#slice would be another view of the whole pool.
 */
function toInt32(view: Uint8Array): Int32Array {
  if (view.byteOffset % 4 === 0) return new Int32Array(view.buffer, view.byteOffset, view.length / 4)
  return new Int32Array(new Uint8Array(view).buffer)
}

function parseObject(text: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new WireError('malformed JSON')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new WireError('message is not an object')
  return value as Record<string, unknown>
}

/** Replaces `{"$bin": i}` with blob i, in place. Only binary frames get here: text frames keep such objects as data. */
function resolveBlobs(v: unknown, blobs: Bin[], fetchedUsed: Set<FetchedBlob>): unknown {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = resolveBlobs(v[i], blobs, fetchedUsed)
    return v
  }
  const o = v as Record<string, unknown>
  const keys = Object.keys(o)
  if (keys.length === 1 && keys[0] === '$bin') {
    const blob = typeof o.$bin === 'number' ? blobs[o.$bin] : undefined
    if (!blob) throw new WireError('dangling blob reference')
    if (blob instanceof FetchedBlob) {
      if (fetchedUsed.has(blob)) throw new WireError('fetched blob referenced twice')
      fetchedUsed.add(blob)
    }
    return blob
  }
  for (const k of keys) o[k] = resolveBlobs(o[k], blobs, fetchedUsed)
  return o
}

function align4(n: number): number {
  return (n + 3) & ~3
}
