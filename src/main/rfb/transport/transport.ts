/** What one queued write costs besides its bytes (measured: about 400 bytes for a Node socket write). */
export const WRITE_OVERHEAD = 512

/** What a transport reports to the engine. */
export interface TransportHandlers {
  /**
   * Bytes from the server. `chunk` is the handler's to keep unless `lent`: then it is a view of
   * the transport's reused read buffer, valid only during the call. Only handlers that set
   * {@link copiesLent} are lent chunks; the rest get a copy of their own.
   */
  data(chunk: Uint8Array, lent?: boolean): void
  /** The handler copies lent chunks itself (see {@link data}). */
  copiesLent?: boolean
  /** The stream ended; `error` when it ended abnormally (already a presentable RfbError). */
  close(error?: Error): void
  /** What was written has left for the network (see {@link Transport.writeBacklog}). */
  drain?(): void
}

/** What the handshake asks of a TLS upgrade (VeNCrypt, Tight tunnels); see security handlers. */
export interface TlsUpgradeOptions {
  /** Anonymous (no certificate) TLS: VeNCrypt TLSNone/TLSVnc/TLSPlain. */
  anonymous: boolean
  /** Host name for SNI and certificate checks. */
  servername?: string
  /**
   * Extra trusted CA certificates (PEM), checked in addition to the runtime's default roots.
   * The transport never rejects a certificate itself: it reports, and the trust layer decides.
   */
  ca?: string
}

/** What the TLS layer learned, for the UI and trust decisions. */
export interface TlsSessionInfo {
  /** e.g. "TLSv1.3". */
  protocol: string
  /** OpenSSL's cipher name, e.g. "TLS_AES_256_GCM_SHA384" or "ADH-AES256-GCM-SHA384". */
  cipher: string
  /** DER of the server certificate, absent for anonymous TLS. */
  certificate?: Uint8Array
  /** Whether the certificate chain and host name verified against the trust store. */
  authorized: boolean
  /** OpenSSL/Node code of the first verification failure, e.g. "DEPTH_ZERO_SELF_SIGNED_CERT". */
  authorizationError?: string
}

/**
 * A connected byte stream to a server: TCP now, TLS and SSH channels later, or a recording.
 * `start` is called once; no data is delivered before it.
 */
export interface Transport {
  /** For messages and traces, e.g. "127.0.0.1:5901". */
  readonly description: string
  start(handlers: TransportHandlers): void
  write(data: Uint8Array): void
  /**
   * Memory held by writes not yet handed to the network because the server does not read them:
   * their bytes plus {@link WRITE_OVERHEAD} for each (a stream keeps every write as an object, and
   * a flood of small replies costs more in those than in bytes). Absent where writes cannot queue.
   */
  readonly writeBacklog?: number
  /** Stops delivering data (backpressure); buffered data stays with the transport. */
  pause(): void
  resume(): void
  close(): void
  /** Wraps the stream in TLS in place (VeNCrypt); absent on transports that cannot. */
  startTls?(options: TlsUpgradeOptions): Promise<TlsSessionInfo>
}
