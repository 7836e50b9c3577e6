import { RfbError, RfbProtocolError } from '../errors'
import { RfbClient, type ConnectionInfo } from '../session'
import type { DrawSink } from '../sink'
import { ReplayTransport } from '../transport/replay'
import { parseFbs } from './fbs'
import { findServerInit } from './recorded-handshake'

export interface ReplayOptions {
  /** Stop after this many FramebufferUpdates. */
  maxUpdates?: number
  chunkSize?: number
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
export async function replayRecording(fbs: Uint8Array, sink: DrawSink, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const stream = recordingStream(fbs)
  let updates = 0
  let pixels = 0
  const encodings = new Set<number>()
  let error: RfbError | null = null
  const counting: DrawSink = {
    resize: (w, h) => sink.resize(w, h),
    fill: (...a) => sink.fill(...a),
    copy: (...a) => sink.copy(...a),
    pixels: (...a) => sink.pixels(...a),
    image: (...a) => sink.image(...a),
    cursor: (s) => sink.cursor(s),
    endUpdate: () => {
      const r = sink.endUpdate()
      if (++updates === opts.maxUpdates) client.close()
      return r
    },
  }
  const client: RfbClient = new RfbClient({ sink: counting, pixelFormat: 'server', autoUpdate: false, trace: opts.trace })
  client.on('update', (u) => {
    pixels += u.pixels
    for (const e of u.encodings) encodings.add(e)
  })
  client.on('close', (e) => {
    error = e
  })
  const started = performance.now()
  const info = await client.start(new ReplayTransport(stream, opts.chunkSize))
  const elapsedMs = performance.now() - started
  const truncated = client.state !== 'closed' && client.insideMessage
  const consumed = client.bytesConsumed - info.handshakeBytes
  const end = client.bytesConsumed
  client.close()
  if (error) throw error
  if (truncated) throw new RfbProtocolError('recording ends inside a message', end, 'RFB_ERR_TRUNCATED')
  return { info, updates, bytes: consumed, pixels, encodings, elapsedMs }
}
