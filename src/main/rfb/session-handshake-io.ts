import type { ByteQueue } from './byte-queue'
import { AuthFailedError, RfbProtocolError, UnsupportedError } from './errors'
import type { HandshakeReads } from './handshake-reads'
import type { ReadGate } from './read-gate'
import type { HandshakeIo } from './security/security-handler'
import type { Deadline } from './session-timers'
import type { RfbClientOptions } from './session-types'
import type { StreamWrapping } from './stream-wrapping'
import type { TlsSessionInfo, Transport } from './transport/transport'

/** What the handshake's I/O needs of its session (RfbClient). */
export interface HandshakeIoSession {
  q: ByteQueue
  reads: HandshakeReads
  gate: ReadGate
  wrapping: StreamWrapping
  deadline: Deadline
  credentials: RfbClientOptions['credentials']
  transport(): Transport | null
  /** Whether the session is still in its handshake: an answer given after it ended is not waited for. */
  inHandshake(): boolean
  write(data: Uint8Array): void
  /** The connection runs over TLS from now on. */
  tlsStarted(tls: TlsSessionInfo): void
}

/**
 * The I/O the handshake and its security types see: reads from the session's queue, writes
 * through its stream wrapping, credentials asked outside the handshake deadline, and the
 * switch to TLS or to an encrypted stream (RSA-AES).
 */
export function sessionHandshakeIo(s: HandshakeIoSession): HandshakeIo {
  const q = s.q
  return {
    read: (n) => s.reads.read(n),
    write: (data) => s.write(data),
    credentials: async (kind, link) => {
      // A person may take minutes to type a password: the handshake deadline waits for them.
      const creds = await s.deadline.pausedDuring(async () => s.credentials?.(kind, link), s.inHandshake)
      if (!creds) throw new AuthFailedError('a password is required and none was given')
      return creds
    },
    get position() {
      return q.position
    },
    startTls: async (opts) => {
      const t = s.transport()
      if (!t?.startTls) throw new UnsupportedError(`TLS is not available over ${t?.description ?? 'this transport'}`)
      if (q.length > 0) throw new RfbProtocolError('the server sent data before the TLS handshake', q.position)
      // TLS must read to shake hands; the first record after it is held back again (onData).
      s.gate.release('handshake')
      const tls = await t.startTls(opts)
      s.tlsStarted(tls)
      return tls
    },
    encryptStream: (cipher) => s.wrapping.begin(cipher, q.length, q.position),
  }
}
