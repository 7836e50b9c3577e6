import { DECODABLE_ENCODINGS } from '../decoders'
import { RfbError, RfbProtocolError } from '../errors'
import { RfbClient, type ConnectionInfo } from '../session'
import type { DrawSink } from '../sink'
import { ReplayTransport } from '../transport/replay'
import { parseFbs } from './fbs'
import { findServerInit } from './recorded-handshake'

export interface ReplayOptions {
  /** Stop after this many FramebufferUpdates. */
  maxUpdates?: number
  /**
   * The JPEG quality level the recording client announced. A recording holds only server bytes,
   * yet ZYWRLE's wavelet depth follows this level, so a ZYWRLE replay needs it.
   */
  quality?: number
  chunkSize?: number
  /**
   * Accept a recording whose last message is cut (a recorder stopped while the server was still
   * sending, as `tessera record` and rfbproxy do): everything before it is replayed and the result
   * says `cut`. Without it a cut message is an error (RFB_ERR_TRUNCATED).
   */
  allowCutEnd?: boolean
  trace?: (direction: 'in' | 'out', line: string) => void
}

export interface ReplayResult {
  info: ConnectionInfo
  updates: number
  /** Server bytes fed to the decoders (after the handshake). */
  bytes: number
  /** Pixels covered by decoded rects. */
  pixels: number
  /** Encodings seen in the updates. */
  encodings: Set<number>
  elapsedMs: number
  /** The recording ended inside a message, which was left out (only with `allowCutEnd`). */
  cut?: boolean
}

/** Joins an FBS file's blocks and rewrites its handshake to RFB 3.3 None, ready for the engine. */
export function recordingStream(fbs: Uint8Array): Uint8Array {
  const blocks = parseFbs(fbs)
  let total = 0
  for (const b of blocks) total += b.data.length
  const raw = new Uint8Array(total)
  let o = 0
  for (const b of blocks) {
    raw.set(b.data, o)
    o += b.data.length
  }
  const init = findServerInit(raw)
  const prefix = Buffer.from('RFB 003.003\n\0\0\0\x01', 'latin1')
  const out = new Uint8Array(prefix.length + raw.length - init)
  out.set(prefix, 0)
  out.set(raw.subarray(init), prefix.length)
  return out
}

/**
 * Decodes a recording through the real engine into `sink`, using the pixel format that the
 * recorded ServerInit declares. Rejects with the engine's error if the stream is malformed.
 */
export function replayRecording(fbs: Uint8Array, sink: DrawSink, opts: ReplayOptions = {}): Promise<ReplayResult> {
  return replayStream(recordingStream(fbs), sink, opts)
}

/**
 * {@link replayRecording} of a stream {@link recordingStream} already made, so repeated passes
 * (the bench) join the blocks once. Only the engine's work is in `elapsedMs`.
 */
export async function replayStream(stream: Uint8Array, sink: DrawSink, opts: ReplayOptions = {}): Promise<ReplayResult> {
  let updates = 0
  let pixels = 0
  const encodings = new Set<number>()
  let error: RfbError | null = null
  // The sink is handed to the engine as it is: a wrapper would cost a call per draw op, which
  // the bench would measure as decoder time.
  // A recording holds whatever its client announced, which it does not say: announce everything we decode.
  const client: RfbClient = new RfbClient({
    sink,
    pixelFormat: 'server',
    autoUpdate: false,
    trace: opts.trace,
    quality: opts.quality,
    encodings: DECODABLE_ENCODINGS,
    // Offline: nothing else waits for the event loop, and the end of the recording must find every rect done.
    slicePixels: Infinity,
  })
  client.on('update', (u) => {
    pixels += u.pixels
    for (const e of u.encodings) encodings.add(e)
    if (++updates === opts.maxUpdates) client.close()
  })
  client.on('close', (e) => {
    error = e
  })
  const transport = new ReplayTransport(stream, opts.chunkSize ?? 64 * 1024)
  const started = performance.now()
  let info
  try {
    info = await client.start(transport)
  } catch (e) {
    // The transport reports the end of the recording as a hang-up: here it means a cut handshake.
    if (e instanceof RfbError && e.kind === 'network') {
      throw new RfbProtocolError('recording ends inside the handshake', client.bytesConsumed, 'RFB_ERR_TRUNCATED')
    }
    throw e
  }
  await transport.rest()
  // The hang-up that ends a recording is no decoding work: it makes an error object, with a stack.
  const elapsedMs = performance.now() - started
  transport.end()
  const truncated = client.insideMessage
  const consumed = client.bytesConsumed - info.handshakeBytes
  const end = client.bytesConsumed
  client.close()
  // The end of the recording arrives as a hang-up; only other errors, or a cut message, count.
  const failure = error as RfbError | null
  if (failure && failure.kind !== 'network') throw failure
  const cut = truncated && opts.maxUpdates === undefined
  if (cut && !opts.allowCutEnd) throw new RfbProtocolError('recording ends inside a message', end, 'RFB_ERR_TRUNCATED')
  return { info, updates, bytes: consumed, pixels, encodings, elapsedMs, ...(cut ? { cut } : {}) }
}
