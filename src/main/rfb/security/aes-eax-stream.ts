import { RfbProtocolError } from '../errors'
import { AesEax, EAX_BLOCK } from './aes-eax'

/** The largest message TigerVNC's AESOutStream writes; we split what we send the same way. */
export const EAX_MAX_SEND = 8192

/**
 * One direction of the RSA-AES message stream (TigerVNC rdr/AESOutStream, AESInStream): every
 * message is a u16 length, that many bytes of AES-EAX ciphertext and a 16-byte tag. The nonce is
 * a 128-bit little-endian counter starting at 0, one per message; the associated data is the
 * length field, so a message cannot be cut short or replayed undetected.
 */
export class EaxMessages {
  private readonly eax: AesEax
  private readonly counter = new Uint8Array(EAX_BLOCK)

  constructor(key: Uint8Array) {
    this.eax = new AesEax(key)
  }

  private next(): void {
    for (let i = 0; i < EAX_BLOCK; i++) {
      this.counter[i] = (this.counter[i] + 1) & 0xff
      if (this.counter[i] !== 0) break
    }
  }

  /** One message holding `data` (at most 65535 bytes). */
  seal(data: Uint8Array): Uint8Array {
    if (data.length > 0xffff) throw new RangeError(`an RSA-AES message holds at most 65535 bytes, not ${data.length}`)
    const head = Uint8Array.of(data.length >> 8, data.length & 0xff)
    const body = this.eax.seal(this.counter, head, data)
    this.next()
    const out = new Uint8Array(2 + body.length)
    out.set(head)
    out.set(body, 2)
    return out
  }

  /** `data` as messages of at most {@link EAX_MAX_SEND} bytes, joined (nothing for no data). */
  sealAll(data: Uint8Array): Uint8Array {
    if (data.length <= EAX_MAX_SEND) return data.length === 0 ? data : this.seal(data)
    const parts: Uint8Array[] = []
    for (let at = 0; at < data.length; at += EAX_MAX_SEND) parts.push(this.seal(data.subarray(at, at + EAX_MAX_SEND)))
    return Buffer.concat(parts)
  }

  /**
   * The plaintext of one message given its length field and the ciphertext with its tag; throws
   * an RfbProtocolError (at `position`) when the tag does not match: the stream was changed on the way.
   */
  open(head: Uint8Array, sealed: Uint8Array, position: number): Uint8Array {
    const plain = this.eax.open(this.counter, head, sealed.subarray(0, sealed.length - EAX_BLOCK), sealed.subarray(sealed.length - EAX_BLOCK))
    if (!plain) {
      throw new RfbProtocolError(
        'an encrypted message from the server does not authenticate: it was damaged or changed on the way',
        position,
        'RFB_ERR_PROTOCOL',
      )
    }
    this.next()
    return plain
  }
}

/**
 * Turns the server's message stream back into the RFB byte stream, chunk by chunk as the socket
 * delivers it. Holds at most one unfinished message (65535 + 18 bytes).
 */
export class EaxStreamReader {
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  /** Raw stream bytes consumed so far (for error positions). */
  private consumed: number

  constructor(
    private readonly messages: EaxMessages,
    startPosition = 0,
  ) {
    this.consumed = startPosition
  }

  /** The plaintext of every message `chunk` completes, joined (empty while a message is unfinished). */
  push(chunk: Uint8Array): Uint8Array {
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    if (this.pendingBytes < 2) return new Uint8Array(0)
    let buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending)
    const out: Uint8Array[] = []
    let at = 0
    while (buf.length - at >= 2) {
      const len = (buf[at] << 8) | buf[at + 1]
      const end = at + 2 + len + EAX_BLOCK
      if (end > buf.length) break
      out.push(this.messages.open(buf.subarray(at, at + 2), buf.subarray(at + 2, end), this.consumed + at))
      at = end
    }
    this.consumed += at
    buf = buf.subarray(at)
    this.pending = buf.length > 0 ? [buf.slice()] : []
    this.pendingBytes = buf.length
    return out.length === 1 ? out[0] : Buffer.concat(out)
  }
}
