import { readFileSync } from 'node:fs'
import { encodingName } from '@shared/encodings'
import { connectRfb } from '../../src/main/rfb/connect'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../src/main/rfb/images/node-image-decoder'
import { FbsRecorder } from '../../src/main/rfb/record/recorder'
import { replayRecording } from '../../src/main/rfb/record/replay'
import type { RunningServer } from '../../test/helpers/vnc-servers'

export interface CaptureOptions {
  /** Pixel encodings to offer, best first (pseudo-encodings are added by the engine). */
  encodings: number[]
  /** JPEG quality 0-9 (lossy Tight, ZYWRLE); unset keeps it lossless. */
  quality?: number
  compression?: number
  seconds: number
  /** Stop asking for updates once the recording holds this many bytes. */
  maxBytes?: number
}

export interface CaptureResult {
  file: string
  bytes: number
  updates: number
  encodings: string[]
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Records a live session with our engine and FbsRecorder, asking for the next update as soon as
 * one is decoded. When time (or size) is up it stops asking and lets the update in flight
 * finish, so the recording ends at a message boundary and replays without truncation; the file
 * is then replayed once to prove it.
 */
export async function capture(server: Pick<RunningServer, 'host' | 'port'>, file: string, o: CaptureOptions): Promise<CaptureResult> {
  const recorder = new FbsRecorder(file)
  let stopping = false
  let answered = false
  try {
    const { client, info } = await connectRfb(
      { host: server.host, port: server.port },
      {
        sink: new FramebufferSink(decodeImageNode),
        encodings: o.encodings,
        quality: o.quality,
        compression: o.compression,
        autoUpdate: false,
        tap: (c) => recorder.tap(c),
        connectTimeoutMs: 10_000,
        handshakeTimeoutMs: 10_000,
      },
    )
    recorder.connected(info)
    let failure: Error | null = null
    client.on('close', (e) => {
      if (e) failure = e
    })
    client.on('update', () => {
      answered = true
      if (stopping || (o.maxBytes !== undefined && recorder.bytes >= o.maxBytes)) {
        stopping = true
        return
      }
      answered = false
      client.requestUpdate(true)
    })
    const until = Date.now() + o.seconds * 1000
    while (!stopping && Date.now() < until && !failure) await sleep(50)
    stopping = true
    // The request in flight is answered when something changes; a still screen never answers it.
    // An update the server sends unasked (QEMU's desktop size when its guest sets a mode, right
    // before the whole new screen) also counts as the answer: what follows it may be arriving, and
    // the recording must not stop inside it. Checked and closed in one turn: nothing arrives between.
    const settle = Date.now() + 3000
    while (!failure && (client.insideMessage || (!answered && Date.now() < settle)) && Date.now() < settle + 30_000) await sleep(20)
    if (failure) throw failure
    client.close()
  } finally {
    recorder.close()
  }
  const check = await replayRecording(readFileSync(file), new FramebufferSink(decodeImageNode))
  return { file, bytes: recorder.bytes, updates: check.updates, encodings: [...check.encodings].map(encodingName) }
}

/**
 * Waits until the server's screen is `width`x`height`: QEMU shows SeaBIOS text until the demo
 * kernel (recording/qemu-demo.ts) has set its mode, a second or two after start on a quiet
 * machine and longer on a busy one. A take begun before would record the text screen, then the
 * mode switch and the whole new screen.
 */
export async function untilScreenSize(server: Pick<RunningServer, 'host' | 'port'>, width: number, height: number, timeoutMs = 60_000): Promise<void> {
  const { client } = await connectRfb(
    { host: server.host, port: server.port },
    { sink: new FramebufferSink(decodeImageNode), autoUpdate: false, connectTimeoutMs: 10_000, handshakeTimeoutMs: 10_000 },
  )
  try {
    const deadline = Date.now() + timeoutMs
    let closed: Error | null = null
    client.on('close', (e) => (closed = e ?? new Error('the server closed the connection')))
    // The server tells of a new size unasked (DesktopSize); the probe asks for nothing else.
    while (!(client.width === width && client.height === height)) {
      if (closed) throw closed
      if (Date.now() > deadline) throw new Error(`the screen is ${client.width}x${client.height}, not ${width}x${height}, after ${timeoutMs / 1000} s`)
      await sleep(100)
    }
  } finally {
    client.close()
  }
}
