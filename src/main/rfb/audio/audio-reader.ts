import type { ByteQueue } from '../byte-queue'
import { RfbProtocolError } from '../errors'
import type { ServerMessageExtension } from '../server-message-reader'
import { type AudioFormat, frameBytes, maxDataBytes } from './audio-format'
import { AudioServerOperation, QEMU_AUDIO_SUBMESSAGE } from './audio-messages'

/** What the audio stream's messages mean, as calls. */
export interface AudioStreamHandler {
  /** The server is about to send a stream. */
  start(): void
  /** The stream ended (the guest stopped playing, or we disabled audio). */
  stop(): void
  /** Whole frames in the negotiated format; the view is valid only during the call. */
  data(samples: Uint8Array): void
}

/**
 * Reads QEMU Server Messages (type 255) while audio is on. Only the audio submessage (1) is
 * ours: any other submessage ends the session like an unknown message type, since its length
 * cannot be known. A data message is held only up to one second of audio in the negotiated format.
 * Data outside a Start/Stop pair starts the stream (see readData).
 */
export class AudioMessageReader implements ServerMessageExtension {
  private streaming = false

  constructor(
    private readonly format: AudioFormat,
    private readonly handler: AudioStreamHandler,
    private readonly trace?: (direction: 'in', line: string) => void,
  ) {}

  read(q: ByteQueue, at: number): boolean {
    if (!q.has(2)) return false
    const sub = q.peekU8(1)
    if (sub !== QEMU_AUDIO_SUBMESSAGE)
      throw new RfbProtocolError(`QEMU server message with submessage ${sub}, which we did not ask for`, at, 'RFB_ERR_MESSAGE_TYPE')
    if (!q.has(4)) return false
    const op = q.peekU16(2)
    switch (op) {
      case AudioServerOperation.Start:
      case AudioServerOperation.Stop:
        q.skip(4)
        this.streaming = op === AudioServerOperation.Start
        this.trace?.('in', `QEMU audio ${this.streaming ? 'start' : 'stop'}`)
        if (this.streaming) this.handler.start()
        else this.handler.stop()
        return true
      case AudioServerOperation.Data:
        return this.readData(q, at)
      default:
        throw new RfbProtocolError(`QEMU audio message with unknown operation ${op}`, at, 'RFB_ERR_PROTOCOL')
    }
  }

  private readData(q: ByteQueue, at: number): boolean {
    if (!q.has(8)) return false
    const len = q.peekU32(4)
    const max = maxDataBytes(this.format)
    if (len > max) throw new RfbProtocolError(`QEMU audio data of ${len} bytes exceeds one second of audio (${max} bytes)`, at, 'RFB_ERR_LIMIT')
    const frame = frameBytes(this.format)
    if (len % frame !== 0) throw new RfbProtocolError(`QEMU audio data of ${len} bytes is not whole frames of ${frame} bytes`, at, 'RFB_ERR_PROTOCOL')
    if (!q.has(8 + len)) return false
    q.skip(8)
    const samples = q.bytes(len)
    if (!this.streaming) {
      // QEMU 7.2 sends Start only when its sound card starts playing: a client that enables audio
      // while it plays gets data without a Start (measured). The data is the stream's start.
      this.trace?.('in', 'QEMU audio data without a start: the stream is running')
      this.streaming = true
      this.handler.start()
    }
    this.handler.data(samples)
    return true
  }
}
