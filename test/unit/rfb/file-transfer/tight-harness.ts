import { EventEmitter } from 'node:events'
import { ByteQueue } from '../../../../src/main/rfb/byte-queue'
import type { ServerMessageExtension } from '../../../../src/main/rfb/server-message-reader'
import type { TightFilesPeer } from '../../../../src/main/rfb/file-transfer/tight-remote-files'
import type { TightCapabilities, TightCapability } from '../../../../src/main/rfb/security/tight'

/**
 * Reads server bytes as the session's reader would: each message's type byte picks a registered
 * extension, which reads it whole or waits; an unregistered type throws like an unknown message.
 */
export class Dispatcher {
  readonly q = new ByteQueue()
  readonly readers = new Map<number, ServerMessageExtension>()

  feed(...chunks: Uint8Array[]): void {
    for (const c of chunks) {
      this.q.push(c)
      while (this.q.has(1)) {
        const type = this.q.peekU8()
        const reader = this.readers.get(type)
        if (!reader) throw new Error(`unknown server message type ${type}`)
        if (!reader.read(this.q, this.q.position)) break
      }
      this.q.compact()
    }
  }
}

/** A session stand-in: records what is sent and held, hands server bytes to the registered readers. */
export class FakePeer extends EventEmitter implements TightFilesPeer {
  state: 'handshake' | 'connected' | 'closed' = 'connected'
  writeBacklog = 0
  readonly sent: { bytes: Uint8Array; trace: string }[] = []
  readonly holds: boolean[] = []
  readonly server = new Dispatcher()

  addMessageExtension(type: number, extension: ServerMessageExtension): () => void {
    this.server.readers.set(type, extension)
    return () => this.server.readers.delete(type)
  }

  sendExtensionMessage(bytes: Uint8Array, trace: string): void {
    this.sent.push({ bytes: bytes.slice(), trace })
  }

  holdReading(held: boolean): void {
    this.holds.push(held)
  }

  /** Types of the client messages sent so far. */
  get sentTypes(): number[] {
    return this.sent.map((s) => s.bytes[0])
  }

  /** Resolves once `n` client messages have been sent. */
  async sentCount(n: number): Promise<void> {
    for (let i = 0; i < 500 && this.sent.length < n; i++) await new Promise((r) => setTimeout(r, 2))
    if (this.sent.length < n) throw new Error(`only ${this.sent.length} of ${n} messages were sent`)
  }
}

const cap = (code: number, signature: string, vendor = 'TGHT'): TightCapability => ({ code, vendor, signature })

/** The capability lists libvncserver 0.9.14 sends with file transfer on (seen on the wire). */
export function libvncserverCaps(): TightCapabilities {
  return {
    serverMessages: [cap(130, 'FTS_LSDT'), cap(131, 'FTS_DNDT'), cap(132, 'FTS_UPCN'), cap(133, 'FTS_DNFL')],
    clientMessages: [cap(130, 'FTC_LSRQ'), cap(131, 'FTC_DNRQ'), cap(132, 'FTC_UPRQ'), cap(133, 'FTC_UPDT'), cap(134, 'FTC_DNCN'), cap(135, 'FTC_UPFL')],
    encodings: [cap(7, 'TIGHT___'), cap(1, 'COPYRECT', 'STDV')],
  }
}

export const withCreateDir = (c: TightCapabilities): TightCapabilities => ({ ...c, clientMessages: [...c.clientMessages, cap(136, 'FTC_FCDR')] })

export const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex')
export const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'))
