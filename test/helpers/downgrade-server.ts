import net from 'node:net'
import tls, { TLSSocket } from 'node:tls'
import { randomBytes } from 'node:crypto'
import { vncAuthResponse } from '../../src/main/rfb/security/vnc-auth'
import { Bytes } from './bytes'
import { serverInit } from './server-script'

/**
 * What the server offers on the next connection:
 * - 'x509': VeNCrypt X509Vnc (certificate `cert`, VNC authentication inside TLS);
 * - 'plain': VeNCrypt Plain only (user name and password in clear);
 * - 'vnc-auth': VNC authentication only, no TLS;
 * the stripped offers are what a man in the middle in front of an X509 server would send.
 */
export type Offer = 'x509' | 'plain' | 'vnc-auth'

/** One connection as the server saw it. */
export interface SeenConnection {
  offer: Offer
  /** Every byte the client sent in clear, in order (inside TLS: nothing of the TLS records). */
  clear: Buffer
  /** What the client sent inside TLS, decrypted. */
  insideTls: Buffer
  /** The password the client proved or sent, when it got that far. */
  password?: string
  /** The client hung up: everything it sent is in. */
  ended: boolean
}

/**
 * A scripted RFB 3.8 server on 127.0.0.1 whose offer can change between connections on the
 * same port: a server that once spoke X509 now offering only clear text. It accepts
 * `password` (and any user name), sends ServerInit, and answers every full update request
 * with one grey Raw rect (the client asks for RGBX8888), ignoring everything else.
 */
export class DowngradeServer {
  port = 0
  offer: Offer = 'x509'
  readonly seen: SeenConnection[] = []
  private readonly sockets = new Set<net.Socket>()
  private readonly server = net.createServer((s) => void this.serve(s).catch(() => s.destroy()))

  constructor(
    private readonly password: string,
    private readonly cert: { cert: string; key: string },
    private readonly size = { width: 4, height: 3 },
  ) {}

  async start(): Promise<this> {
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok))
    this.port = (this.server.address() as net.AddressInfo).port
    return this
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((ok) => this.server.close(() => ok()))
  }

  /** The latest connection, once its client has hung up (so every byte it sent is in). */
  async lastEnded(timeoutMs = 5_000): Promise<SeenConnection> {
    const deadline = Date.now() + timeoutMs
    while (!this.seen.at(-1)?.ended) {
      if (Date.now() > deadline) throw new Error('the client did not hang up')
      await new Promise((r) => setTimeout(r, 10))
    }
    return this.seen.at(-1)!
  }

  /** Everything every client sent, in clear or inside TLS. */
  allBytes(): Buffer {
    return Buffer.concat(this.seen.flatMap((c) => [c.clear, c.insideTls]))
  }

  private async serve(raw: net.Socket): Promise<void> {
    this.sockets.add(raw)
    raw.on('close', () => this.sockets.delete(raw))
    raw.on('error', () => undefined)
    const seen: SeenConnection = { offer: this.offer, clear: Buffer.alloc(0), insideTls: Buffer.alloc(0), ended: false }
    this.seen.push(seen)
    let stream: net.Socket = raw
    let buf = Buffer.alloc(0)
    let inside = false
    let wake: (() => void) | null = null
    let ended = false
    const onData = (d: Buffer): void => {
      if (inside) seen.insideTls = Buffer.concat([seen.insideTls, d])
      else seen.clear = Buffer.concat([seen.clear, d])
      buf = Buffer.concat([buf, d])
      wake?.()
    }
    const onEnd = (): void => {
      ended = true
      seen.ended = true
      wake?.()
    }
    const listen = (s: net.Socket): void => {
      s.on('data', onData)
      s.on('end', onEnd)
      s.on('close', onEnd)
      s.on('error', onEnd)
    }
    listen(raw)
    const read = async (n: number): Promise<Buffer> => {
      while (buf.length < n) {
        if (ended) throw new Error('client closed')
        await new Promise<void>((r) => (wake = r))
        wake = null
      }
      const out = buf.subarray(0, n)
      buf = buf.subarray(n)
      return Buffer.from(out)
    }
    const send = (b: Uint8Array | string): void => void stream.write(typeof b === 'string' ? Buffer.from(b, 'latin1') : b)
    const vncAuth = async (): Promise<boolean> => {
      const challenge = randomBytes(16)
      send(challenge)
      const response = await read(16)
      return Buffer.from(vncAuthResponse(challenge, this.password)).equals(response)
    }

    send('RFB 003.008\n')
    await read(12)
    let ok: boolean
    if (seen.offer === 'vnc-auth') {
      send(Uint8Array.of(1, 2))
      if ((await read(1))[0] !== 2) return void raw.destroy()
      ok = await vncAuth()
    } else {
      send(Uint8Array.of(1, 19))
      if ((await read(1))[0] !== 19) return void raw.destroy()
      send(Uint8Array.of(0, 2))
      await read(2)
      send(
        new Bytes()
          .u8(0, 1)
          .u32(seen.offer === 'x509' ? 261 : 256)
          .build(),
      )
      const choice = (await read(4)).readUInt32BE(0)
      if (seen.offer === 'x509') {
        if (choice !== 261) return void raw.destroy()
        send(Uint8Array.of(1))
        raw.removeListener('data', onData)
        const t = new TLSSocket(raw, { isServer: true, secureContext: tls.createSecureContext(this.cert) })
        stream = t
        inside = true
        listen(t)
        await new Promise<void>((ok, fail) => {
          t.once('secure', ok)
          t.once('error', fail)
        })
        ok = await vncAuth()
      } else {
        if (choice !== 256) return void raw.destroy()
        const lens = await read(8)
        const user = await read(lens.readUInt32BE(0))
        const pass = (await read(lens.readUInt32BE(4))).toString('utf8')
        ok = user.length > 0 && pass === this.password
        if (ok) seen.password = pass
      }
    }
    if (ok && seen.offer !== 'plain') seen.password = this.password
    if (!ok) return void stream.end(new Bytes().u32(1).string('Authentication failed').build())
    send(new Bytes().u32(0).build())
    await read(1)
    const { width, height } = this.size
    send(serverInit(width, height, 'downgrade'))
    for (;;) {
      const type = (await read(1))[0]
      if (type === 0) await read(19)
      else if (type === 2) await read(4 * (await read(3)).readUInt16BE(1))
      else if (type === 3) {
        const incremental = (await read(9))[0] !== 0
        if (!incremental)
          send(
            new Bytes()
              .u8(0, 0)
              .u16(1)
              .u16(0, 0, width, height)
              .s32(0)
              .bytes(new Uint8Array(width * height * 4).fill(0x80))
              .build(),
          )
      } else if (type === 4) await read(7)
      else if (type === 5) await read(5)
      else if (type === 6) await read((await read(7)).readUInt32BE(3))
      else return void raw.destroy()
    }
  }
}
