import net from 'node:net'
import { randomBytes } from 'node:crypto'
import { vncAuthResponse } from '../../../src/main/rfb/security/vnc-auth'
import { Bytes } from '../../helpers/bytes'
import { serverInit } from '../../helpers/server-script'

/** What a client sent after ServerInit, in order. */
export type ClientEvent =
  | { type: 'update-request'; incremental: boolean }
  | { type: 'key'; keysym: number; down: boolean }
  | { type: 'pointer'; mask: number; x: number; y: number }
  | { type: 'cut-text'; text: string }
  | { type: 'xvp'; version: number; action: number }

export interface MiniServerOptions {
  /** VNC authentication with this password; security None when absent. */
  password?: string
  width?: number
  height?: number
  /** RGBA bytes of the colour every full update paints. */
  colour?: [number, number, number]
  /** Offer XVP: XVP_INIT once the client announces it; XVP messages are logged. */
  xvp?: boolean
  /** Answer every XVP action with XVP_FAIL. */
  xvpFails?: boolean
  /** QEMU LED State bits (scroll 1, num 2, caps 4), sent once the client announces the pseudo-encoding. */
  leds?: number
  /** A screen that never stops changing: incremental update requests are answered at once too. */
  busy?: boolean
}

/**
 * A small scripted RFB 3.8 server on 127.0.0.1 for host tests: None or VNC authentication,
 * ServerInit, a full-screen Raw rect on every non-incremental update request (incremental
 * ones wait, as for a static screen, unless `busy`), and a log of client input.
 */
export class MiniServer {
  port = 0
  connections = 0
  readonly events: ClientEvent[] = []
  readonly sockets = new Set<net.Socket>()
  /** Pixel formats clients set with SetPixelFormat, per connection. */
  private readonly formats = new Map<net.Socket, { bpp: number; bigEndian: boolean; max: number[]; shift: number[] }>()
  private readonly server = net.createServer((s) => this.serve(s))

  constructor(readonly options: MiniServerOptions = {}) {}

  async start(): Promise<this> {
    await new Promise<void>((ok) => this.server.listen(this.port, '127.0.0.1', ok))
    this.port = (this.server.address() as net.AddressInfo).port
    return this
  }

  /** Reports new LED state bits to every client, as QEMU does when the guest changes them. */
  setLeds(bits: number): void {
    for (const s of this.sockets) s.write(ledUpdate(bits))
  }

  /** Drops every client as a network failure would. */
  dropAll(): void {
    for (const s of this.sockets) s.destroy()
  }

  /** Stops listening (new connections are refused) and drops every client. */
  async stop(): Promise<void> {
    this.dropAll()
    await new Promise<void>((ok) => this.server.close(() => ok()))
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    await new Promise<void>((ok) => this.server.listen(this.port, '127.0.0.1', ok))
  }

  /** Connects out to a listening viewer (a reverse connection) and serves it as if it had connected here. */
  connectOut(port: number, host = '127.0.0.1'): net.Socket {
    const socket = net.connect(port, host)
    this.serve(socket)
    return socket
  }

  private serve(socket: net.Socket): void {
    this.connections++
    this.sockets.add(socket)
    socket.on('close', () => (this.sockets.delete(socket), this.formats.delete(socket)))
    socket.on('error', () => undefined)
    const { password, width = 4, height = 3, colour = [10, 20, 30] } = this.options
    let buf = Buffer.alloc(0)
    let phase: 'version' | 'security' | 'auth' | 'init' | 'normal' = 'version'
    const challenge = randomBytes(16)
    socket.write('RFB 003.008\n')
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      for (;;) {
        if (phase === 'version') {
          if (buf.length < 12) return
          buf = buf.subarray(12)
          phase = 'security'
          socket.write(Uint8Array.of(1, password === undefined ? 1 : 2))
        } else if (phase === 'security') {
          if (buf.length < 1) return
          buf = buf.subarray(1)
          if (password === undefined) {
            socket.write(new Bytes().u32(0).build())
            phase = 'init'
          } else {
            socket.write(challenge)
            phase = 'auth'
          }
        } else if (phase === 'auth') {
          if (buf.length < 16) return
          const response = buf.subarray(0, 16)
          buf = buf.subarray(16)
          if (Buffer.from(vncAuthResponse(challenge, password!)).equals(response)) {
            socket.write(new Bytes().u32(0).build())
            phase = 'init'
          } else {
            socket.end(new Bytes().u32(1).string('Authentication failed').build())
            return
          }
        } else if (phase === 'init') {
          if (buf.length < 1) return
          buf = buf.subarray(1)
          socket.write(serverInit(width, height, 'mini'))
          phase = 'normal'
        } else {
          const used = this.message(buf, socket, width, height, colour)
          if (used === 0) return
          buf = buf.subarray(used)
        }
      }
    })
  }

  /** `count` pixels of `colour` in the pixel format the client set (RGBX8888 until it sets one). */
  private rawPixels(socket: net.Socket, count: number, colour: [number, number, number]): Uint8Array {
    const f = this.formats.get(socket)
    if (!f) {
      const pixels = new Uint8Array(count * 4)
      for (let i = 0; i < pixels.length; i += 4) pixels.set([...colour, 0], i)
      return pixels
    }
    let value = 0
    for (let c = 0; c < 3; c++) value += Math.round((colour[c] * f.max[c]) / 255) * 2 ** f.shift[c]
    const size = f.bpp / 8
    const one = Buffer.alloc(4)
    one.writeUInt32BE(value >>> 0)
    const bytes = f.bigEndian ? one.subarray(4 - size) : Buffer.from(one.subarray(4 - size)).reverse()
    const pixels = new Uint8Array(count * size)
    for (let i = 0; i < pixels.length; i += size) pixels.set(bytes, i)
    return pixels
  }

  /** Parses one client message; returns the bytes it used, 0 when more are needed. */
  private message(b: Buffer, socket: net.Socket, width: number, height: number, colour: [number, number, number]): number {
    if (b.length < 1) return 0
    switch (b[0]) {
      case 0: // SetPixelFormat: RGBX8888 at first; a watch session may switch to 16-bit colour.
        if (b.length < 20) return 0
        this.formats.set(socket, {
          bpp: b[4],
          bigEndian: b[6] !== 0,
          max: [b.readUInt16BE(8), b.readUInt16BE(10), b.readUInt16BE(12)],
          shift: [b[14], b[15], b[16]],
        })
        return 20
      case 2: {
        if (b.length < 4) return 0
        const n = 4 + 4 * b.readUInt16BE(2)
        if (b.length < n) return 0
        const encodings = Array.from({ length: (n - 4) / 4 }, (_, i) => b.readInt32BE(4 + 4 * i))
        // XVP_INIT (rfbproto xvp: type 250, padding, version 1, code 1).
        if (this.options.xvp && encodings.includes(-309)) socket.write(Uint8Array.of(250, 0, 1, 1))
        if (this.options.leds !== undefined && encodings.includes(-261)) socket.write(ledUpdate(this.options.leds))
        return n
      }
      case 3: {
        if (b.length < 10) return 0
        const incremental = b[1] !== 0
        this.events.push({ type: 'update-request', incremental })
        if (!incremental || this.options.busy) {
          const pixels = this.rawPixels(socket, width * height, colour)
          socket.write(new Bytes().u8(0, 0).u16(1).u16(0, 0, width, height).s32(0).bytes(pixels).build())
        }
        return 10
      }
      case 4:
        if (b.length < 8) return 0
        this.events.push({ type: 'key', down: b[1] !== 0, keysym: b.readUInt32BE(4) })
        return 8
      case 5:
        if (b.length < 6) return 0
        this.events.push({ type: 'pointer', mask: b[1], x: b.readUInt16BE(2), y: b.readUInt16BE(4) })
        return 6
      case 6: {
        if (b.length < 8) return 0
        const n = 8 + b.readUInt32BE(4)
        if (b.length < n) return 0
        this.events.push({ type: 'cut-text', text: b.subarray(8, n).toString('latin1') })
        return n
      }
      case 250:
        if (b.length < 4) return 0
        this.events.push({ type: 'xvp', version: b[2], action: b[3] })
        // XVP_FAIL, as a server whose power control failed (or that has none) answers.
        if (this.options.xvpFails || !this.options.xvp) socket.write(Uint8Array.of(250, 0, 1, 0))
        return 4
      default:
        socket.destroy()
        return 0
    }
  }
}

/** A FramebufferUpdate with one QEMU LED State pseudo-rect (encoding -261, one byte of bits). */
function ledUpdate(bits: number): Uint8Array {
  return new Bytes().u8(0, 0).u16(1).u16(0, 0, 0, 0).s32(-261).u8(bits).build()
}
