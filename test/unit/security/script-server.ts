import net, { type Socket } from 'node:net'
import tls, { TLSSocket } from 'node:tls'

/** The server side of one scripted connection. */
export interface ServerConn {
  send(data: Uint8Array | string): void
  /** Exactly `n` bytes from the client; rejects if it hangs up first. */
  read(n: number): Promise<Buffer>
  /**
   * Becomes the TLS server on this connection. Call right after the last clear-text send, with
   * no await in between: the client only starts TLS once it has read that.
   */
  startTls(opts: ServerTlsOptions): Promise<void>
  /**
   * Writes `chunk` again and again, as fast as the client takes it (each write waits for the
   * last to drain), until stopped; `sent` counts the bytes handed to the socket.
   */
  flood(chunk: Uint8Array): { stop(): void; sent(): number }
  /** Stops reading from the client for good, as a server whose input is stuck would. */
  stopReading(): void
  /** The negotiated cipher, once TLS is up. */
  cipher?: string
  close(): void
}

/** The TLS server a script becomes: a certificate, or anonymous; `maxVersion` plays an outdated server. */
export interface ServerTlsOptions {
  cert?: string
  key?: string
  anonymous?: boolean
  maxVersion?: tls.SecureVersion
}

export interface ScriptServer {
  port: number
  /** Settles when the script of the first connection ends (rejects with its error). */
  done: Promise<void>
  close(): Promise<void>
}

function serverContext(o: ServerTlsOptions): tls.SecureContext {
  // OpenSSL's default security level refuses TLS 1.0/1.1 outright: level 0 lets a test offer them.
  const old = o.maxVersion === 'TLSv1' || o.maxVersion === 'TLSv1.1'
  const versions = o.maxVersion ? { minVersion: 'TLSv1' as const, maxVersion: o.maxVersion } : {}
  if (o.anonymous) return tls.createSecureContext({ ciphers: 'aNULL:!eNULL:@SECLEVEL=0', maxVersion: 'TLSv1.2', dhparam: 'auto', ...versions })
  return tls.createSecureContext({ cert: o.cert, key: o.key, ...versions, ...(old ? { ciphers: 'DEFAULT:@SECLEVEL=0' } : {}) })
}

/**
 * A one-connection TCP server on 127.0.0.1 that plays `script`; with `tlsFromStart` it is TLS
 * from the first byte (vncs://). For tests that need a real TLS upgrade without a VNC server.
 */
export function scriptServer(script: (c: ServerConn) => Promise<void>, opts: { tlsFromStart?: { cert: string; key: string } } = {}): Promise<ScriptServer> {
  let settle!: { resolve: () => void; reject: (e: Error) => void }
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject }
  })
  done.catch(() => {})
  const sockets: Socket[] = []
  const onConnection = (raw: Socket): void => {
    sockets.push(raw)
    let stream: Socket = raw
    let buf = Buffer.alloc(0)
    let waiter: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null
    let ended = false
    const check = (): void => {
      if (waiter && buf.length >= waiter.n) {
        const w = waiter
        waiter = null
        const out = buf.subarray(0, w.n)
        buf = buf.subarray(w.n)
        w.resolve(Buffer.from(out))
      } else if (waiter && ended) {
        const w = waiter
        waiter = null
        w.reject(new Error('client closed the connection'))
      }
    }
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d])
      check()
    }
    const onEnd = (): void => {
      ended = true
      check()
    }
    const listen = (s: Socket): void => {
      s.on('data', onData)
      s.on('end', onEnd)
      s.on('close', onEnd)
      s.on('error', onEnd)
    }
    listen(stream)
    const conn: ServerConn = {
      send: (data) => stream.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data),
      read: (n) =>
        new Promise((resolve, reject) => {
          waiter = { n, resolve, reject }
          check()
        }),
      startTls: (o) => {
        stream.removeListener('data', onData)
        const secureContext = serverContext(o)
        const t = new TLSSocket(stream, { isServer: true, secureContext })
        stream = t
        listen(t)
        return new Promise((resolve, reject) => {
          t.once('secure', () => {
            conn.cipher = t.getCipher().name
            resolve()
          })
          t.once('error', reject)
        })
      },
      flood: (chunk) => {
        let sent = 0
        let stopped = false
        const pump = (): void => {
          while (!stopped && !stream.destroyed) {
            sent += chunk.length
            if (!stream.write(chunk)) {
              stream.once('drain', pump)
              return
            }
          }
        }
        pump()
        return { stop: () => void (stopped = true), sent: () => sent }
      },
      stopReading: () => {
        stream.removeListener('data', onData)
        stream.pause()
      },
      close: () => stream.destroy(),
    }
    script(conn).then(
      () => settle.resolve(),
      (e: Error) => settle.reject(e),
    )
  }
  const server = opts.tlsFromStart
    ? tls.createServer({ cert: opts.tlsFromStart.cert, key: opts.tlsFromStart.key }, onConnection)
    : net.createServer(onConnection)
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address() as net.AddressInfo
      resolve({
        port: addr.port,
        done,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy()
            server.close(() => r())
          }),
      })
    })
  })
}
