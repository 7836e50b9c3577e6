import { deflateSync, inflateSync, constants as zlibConstants } from 'node:zlib'
import { RfbProtocolError } from './errors'

/** Extended Clipboard flags (rfbproto "Extended Clipboard Pseudo-Encoding"). */
export const enum ClipFlag {
  Text = 1,
  Rtf = 2,
  Html = 4,
  Dib = 8,
  Files = 16,
  Caps = 1 << 24,
  Request = 1 << 25,
  Peek = 1 << 26,
  Notify = 1 << 27,
  Provide = 1 << 28,
}

const FORMAT_MASK = 0xffff
const ACTION_MASK = 0xff000000

/** Largest clipboard text we accept after inflation, and the most we will send. */
export const MAX_CLIPBOARD_BYTES = 8 * 1024 * 1024

/** What to send back and what to tell the user after an extended clipboard message. */
export interface ClipboardOutcome {
  /** Payloads of ClientCutText messages to send (flags + data, without the message header). */
  replies: Uint8Array[]
  /** Text that arrived from the server, if any. */
  text?: string
}

function u32be(v: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(v >>> 0)
  return b
}

function textToWire(text: string): Buffer {
  // The extension carries UTF-8 with CRLF line ends and a terminating NUL.
  return Buffer.from(`${text.replace(/\r?\n/g, '\r\n')}\0`, 'utf8')
}

function wireToText(bytes: Uint8Array): string {
  let end = bytes.length
  if (end > 0 && bytes[end - 1] === 0) end--
  return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('utf8').replace(/\r\n/g, '\n')
}

/**
 * Client side of the Extended Clipboard: UTF-8 text in both directions, negotiated with caps,
 * moved with notify/request/provide. Only text is exchanged; other formats are declined.
 */
export class ExtendedClipboard {
  /** True once the server sent its caps: from then on, clipboard goes through this extension. */
  active = false
  private serverActions = 0
  private serverTextLimit = 0
  private localText: string | null = null

  /**
   * True when the server's caps lack notify, as libvncserver's do. Up to 0.9.14 it announces the
   * extension to every client but passes extended text to a hook that servers older than it never
   * set, so x11vnc 0.9.16 drops it (LibVNC/libvncserver#638); local text then also goes out plain.
   */
  get alsoPlain(): boolean {
    return this.active && !(this.serverActions & ClipFlag.Notify)
  }

  /** Our caps: text only, every action; size 0 so the server always notifies rather than pushes. */
  private caps(): Uint8Array {
    return Buffer.concat([u32be(ClipFlag.Caps | ClipFlag.Text | ClipFlag.Request | ClipFlag.Peek | ClipFlag.Notify | ClipFlag.Provide), u32be(0)])
  }

  private provide(): Uint8Array {
    const data = textToWire(this.localText ?? '')
    // libvncserver (0.9.14 at least) takes the Z_STREAM_END of a finished stream as an inflate error
    // and drops the client: it gets a flushed one, as TigerVNC's viewer sends. Everyone else gets a
    // finished one, which QEMU's clipboard (since its CVE-2023-3255 fix) requires.
    const flush = this.alsoPlain ? zlibConstants.Z_SYNC_FLUSH : zlibConstants.Z_FINISH
    const body = deflateSync(Buffer.concat([u32be(data.length), data]), { finishFlush: flush })
    return Buffer.concat([u32be(ClipFlag.Provide | ClipFlag.Text), body])
  }

  /** Handles one extended message (flags first), `at` is its stream offset for errors. */
  receive(message: Uint8Array, at: number): ClipboardOutcome {
    if (message.length < 4) throw new RfbProtocolError('extended clipboard message shorter than its flags', at, 'RFB_ERR_CLIPBOARD')
    const flags = Buffer.from(message.buffer, message.byteOffset, 4).readUInt32BE(0)
    const formats = flags & FORMAT_MASK
    const action = (flags & ACTION_MASK) >>> 0
    if (flags & ClipFlag.Caps) {
      const count = popcount(formats)
      if (message.length < 4 + 4 * count) throw new RfbProtocolError('extended clipboard caps shorter than its size list', at, 'RFB_ERR_CLIPBOARD')
      this.active = true
      this.serverActions = action
      // Sizes come in ascending format-bit order; text (bit 0) is first when present.
      this.serverTextLimit = formats & ClipFlag.Text ? Buffer.from(message.buffer, message.byteOffset + 4, 4).readUInt32BE(0) : 0
      return { replies: [this.caps()] }
    }
    if (popcount(action) !== 1) throw new RfbProtocolError(`extended clipboard message with action bits 0x${action.toString(16)}`, at, 'RFB_ERR_CLIPBOARD')
    switch (action) {
      case ClipFlag.Notify:
        // The server has new text: ask for it now so the local clipboard follows at once.
        return { replies: formats & ClipFlag.Text && this.serverActions & ClipFlag.Request ? [u32be(ClipFlag.Request | ClipFlag.Text)] : [] }
      case ClipFlag.Request:
        return { replies: formats & ClipFlag.Text && this.localText !== null && this.serverActions & ClipFlag.Provide ? [this.provide()] : [] }
      case ClipFlag.Peek:
        return { replies: this.serverActions & ClipFlag.Notify ? [u32be(ClipFlag.Notify | (this.localText !== null ? ClipFlag.Text : 0))] : [] }
      case ClipFlag.Provide:
        return { replies: [], text: this.readProvide(message.subarray(4), formats, at) }
      default:
        // Future actions: nothing we can do with them, and nothing that breaks the stream.
        return { replies: [] }
    }
  }

  private readProvide(compressed: Uint8Array, formats: number, at: number): string | undefined {
    let data: Buffer
    try {
      // Each provide is its own zlib stream; TigerVNC only sync-flushes it, so do not require its end.
      data = inflateSync(compressed, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: MAX_CLIPBOARD_BYTES + 64 })
    } catch (e) {
      // More than we hold, as a plain ServerCutText that long is skipped: each provide is its own
      // zlib stream, so dropping this one loses nothing else, and the session goes on.
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return undefined
      throw new RfbProtocolError(`extended clipboard data does not inflate: ${(e as Error).message}`, at, 'RFB_ERR_CLIPBOARD')
    }
    let o = 0
    let text: string | undefined
    for (let bit = 1; bit <= FORMAT_MASK; bit <<= 1) {
      if (!(formats & bit)) continue
      if (o + 4 > data.length) throw new RfbProtocolError('extended clipboard data ends inside a format size', at, 'RFB_ERR_CLIPBOARD')
      const size = data.readUInt32BE(o)
      o += 4
      if (size > data.length - o) throw new RfbProtocolError(`extended clipboard format of ${size} bytes runs past the data`, at, 'RFB_ERR_CLIPBOARD')
      if (bit === ClipFlag.Text) text = wireToText(data.subarray(o, o + size))
      o += size
    }
    return text
  }

  /**
   * The local clipboard changed. Returns what to send: the text itself when the server accepts
   * that much unsolicited, else a notify it can answer with a request.
   */
  offer(text: string): Uint8Array[] {
    this.localText = text
    const size = Buffer.byteLength(text, 'utf8') + 1
    if (this.serverActions & ClipFlag.Provide && size <= this.serverTextLimit) return [this.provide()]
    if (this.serverActions & ClipFlag.Notify) return [u32be(ClipFlag.Notify | ClipFlag.Text)]
    return []
  }
}

function popcount(v: number): number {
  let n = 0
  for (let x = v >>> 0; x; x >>>= 1) n += x & 1
  return n
}
