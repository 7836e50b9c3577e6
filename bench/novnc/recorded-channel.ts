import type { NoVncRawChannel } from './types'

/** WebSocket's OPEN readyState. */
const OPEN = 1

/**
 * A WebSocket stand-in that noVNC's Websock can `attach` to: it has the properties Websock
 * checks, and {@link deliver} plays one recorded message into the `onmessage` handler Websock
 * installed, as a browser does when a binary message arrives (`binaryType` "arraybuffer": the
 * event's data is an ArrayBuffer of its own). Sends are dropped, like our ReplayTransport's (src/main/rfb/transport/replay.ts).
 */
export class RecordedChannel implements NoVncRawChannel {
  binaryType = 'blob'
  protocol = ''
  readyState = OPEN
  onerror: ((e: unknown) => void) | null = null
  onmessage: ((e: { data: ArrayBuffer }) => void) | null = null
  onopen: (() => void) | null = null
  onclose: ((e: unknown) => void) | null = null

  send(): void {}

  close(): void {}

  /** One WebSocket message; Websock copies it into its receive queue and runs its message handler. */
  deliver(data: ArrayBuffer): void {
    this.onmessage!({ data })
  }
}

/**
 * `stream` cut into messages of `size` bytes, each in an ArrayBuffer of its own as a browser
 * hands them over. Made once per recording, outside the timed passes; Websock only copies out
 * of them, so the passes can share them.
 */
export function messagesOf(stream: Uint8Array, size: number): ArrayBuffer[] {
  const out: ArrayBuffer[] = []
  for (let o = 0; o < stream.length; o += size) out.push(stream.slice(o, Math.min(o + size, stream.length)).buffer)
  return out
}
