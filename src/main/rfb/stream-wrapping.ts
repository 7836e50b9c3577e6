import { RfbProtocolError } from './errors'
import type { StreamCipher } from './security/security-handler'

/**
 * The session's byte stream as a security type may wrap it (RSA-AES's AES-EAX): once `begin`
 * is called every outgoing message is sealed and every incoming chunk opened, so the handshake
 * after it and the message reader see only the plain RFB stream. Until then bytes pass as they are.
 */
export class StreamWrapping {
  private cipher: StreamCipher | null = null

  /**
   * Wraps everything from now on. Refused while `buffered` server bytes wait unread: they came
   * before the wrapping began, so they were never protected and must not be taken as if they were.
   */
  begin(cipher: StreamCipher, buffered: number, position: number): void {
    if (buffered > 0) throw new RfbProtocolError('the server sent data before the encrypted stream began', position)
    this.cipher = cipher
  }

  /** Whether a security type wraps the stream. */
  get wrapped(): boolean {
    return this.cipher !== null
  }

  /** The bytes to put on the wire for `data`. */
  outgoing(data: Uint8Array): Uint8Array {
    return this.cipher ? this.cipher.seal(data) : data
  }

  /**
   * The plain bytes carried by a received chunk, or null when the chunk only completed part of a
   * sealed frame (nothing to read yet). Throws when a frame fails its check (tampered or out of step).
   */
  incoming(raw: Uint8Array): Uint8Array | null {
    if (!this.cipher) return raw
    const plain = this.cipher.open(raw)
    return plain.length === 0 ? null : plain
  }
}
