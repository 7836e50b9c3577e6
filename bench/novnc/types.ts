/**
 * The parts of noVNC 1.7 that its decoders (core/decoders/*.js) touch, as they use them: the
 * receive-queue methods of its Websock and the drawing methods of its Display. Written from
 * reading noVNC's source; noVNC is a benchmark peer, so nothing here is shared with the app.
 */

/** Websock's receive queue, read by the decoders. */
export interface NoVncSock {
  /** True (and `goback` bytes un-read) when fewer than `num` bytes are buffered. */
  rQwait(msg: string, num: number, goback?: number): boolean
  rQlen(): number
  rQpeek8(): number
  rQskipBytes(n: number): void
  rQshift8(): number
  rQshift16(): number
  rQshift32(): number
  rQshiftStr(len: number): string
  /** A copy by default; with `copy` false a view into the queue. */
  rQshiftBytes(len: number, copy?: boolean): Uint8Array
  rQshiftTo(target: Uint8Array, len: number): void
  rQpeekBytes(len: number, copy?: boolean): Uint8Array
}

/** Colours reach the display as [r, g, b] (array or bytes; a 4th byte is ignored). */
export type NoVncColour = ArrayLike<number>

/** noVNC's Display, as its decoders draw on it. */
export interface NoVncDisplay {
  fillRect(x: number, y: number, w: number, h: number, colour: NoVncColour, fromQueue?: boolean): void
  copyImage(oldX: number, oldY: number, newX: number, newY: number, w: number, h: number, fromQueue?: boolean): void
  /** `arr` holds w*h RGBA pixels from byte `offset`. */
  blitImage(x: number, y: number, w: number, h: number, arr: Uint8Array, offset: number, fromQueue?: boolean): void
  /** A JPEG or PNG file covering the rect (noVNC decodes it in the browser, in order). */
  imageRect(x: number, y: number, w: number, h: number, mime: string, arr: Uint8Array): void
}

/** One noVNC decoder: true once the rect is done, false when it needs more bytes. */
export interface NoVncDecoder {
  decodeRect(x: number, y: number, w: number, h: number, sock: NoVncSock, display: NoVncDisplay, depth: number): boolean
}

/** A decoder class as noVNC's modules export it (`export default class ...`). */
export type NoVncDecoderClass = new () => NoVncDecoder

/**
 * What noVNC's Websock (core/websock.js) needs of the channel it is attached to: the properties
 * it checks in `attach`, and `onmessage`, which it sets and which a WebSocket calls per message.
 */
export interface NoVncRawChannel {
  send(data: Uint8Array): void
  close(): void
  binaryType: string
  onerror: ((e: unknown) => void) | null
  onmessage: ((e: { data: ArrayBuffer }) => void) | null
  onopen: (() => void) | null
  onclose?: ((e: unknown) => void) | null
  protocol: string
  readyState: number
}

/** noVNC's Websock: its receive queue, filled by `_recvMessage` from the attached channel's messages. */
export interface NoVncWebsock extends NoVncSock {
  attach(channel: NoVncRawChannel): void
  /** `message` is called after each non-empty message has been appended to the queue. */
  on(event: 'message', handler: () => void): void
}

/** The Websock class as core/websock.js exports it. */
export type NoVncWebsockClass = new () => NoVncWebsock
