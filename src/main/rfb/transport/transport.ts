/** What a transport reports to the engine. */
export interface TransportHandlers {
  data(chunk: Uint8Array): void
  /** The stream ended; `error` when it ended abnormally (already a presentable RfbError). */
  close(error?: Error): void
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
  /** Stops delivering data (backpressure); buffered data stays with the transport. */
  pause(): void
  resume(): void
  close(): void
}
