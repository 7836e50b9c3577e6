// A real RFB server on 127.0.0.1 that replays a recorded session, so tests and benchmarks get a
// busy desktop whose cost is the viewer's alone (no X server drawing, no encoder running).
import { EventEmitter } from 'node:events'
import net from 'node:net'
import { Encoding } from '@shared/encodings'
import { type PixelFormat, readPixelFormat, validatePixelFormat, writePixelFormat } from '../../src/main/rfb/pixel-format'
import { convertUpdate, loadReplayRecording, type ReplayRecording } from './replay-updates'

export interface ReplayServerOptions {
  /**
   * An FBS recording with one FramebufferUpdate per block after the handshake block, in a
   * stateless encoding (bench/synthetic.ts writes these; see loadReplayRecording).
   */
  recording: Uint8Array | ReplayRecording
  /** The first update sent again when the recording loops; default 1 (update 0 is the full first frame). */
  loopFrom?: number
  /** Answer a request no sooner than this long after the previous update (a desktop changing at that rate); default 0. */
  intervalMs?: number
  /**
   * An idle desktop: after the first update, incremental requests wait for ever (as a real
   * server holds them while nothing changes); a non-incremental one still gets the full frame.
   */
  idle?: boolean
  /** Why a connection was refused or ended, one line each; default stderr. */
  log?: (line: string) => void
}

/** A PointerEvent as the server received it, with the time it arrived (ms since the epoch, performance.timeOrigin + now()). */
export interface SeenPointer {
  buttons: number
  x: number
  y: number
  at: number
}

/** Client message lengths after the type byte, where fixed (RFC 6143 §7.5). */
const FIXED: Record<number, number> = { 3: 9, 4: 7, 5: 5, 150: 9 }

/**
 * The replay server: RFB 3.8 with security None; every FramebufferUpdateRequest is answered with
 * the next recorded update (a non-incremental one with the full first frame, after which the
 * loop resumes at `loopFrom`), looping forever. Serves the recording's 32 bpp format or any
 * true-colour format a client sets (updates rewritten once per format); a colour-map format, an
 * unannounced encoding the recording needs, or a message it does not know ends that connection
 * with a log line saying why. Emits 'pointer' (SeenPointer) and 'key' ({keysym, down, at}).
 */
export class ReplayServer extends EventEmitter {
  port = 0
  /** Updates sent, over all connections. */
  updatesSent = 0
  readonly pointers: SeenPointer[] = []
  readonly recording: ReplayRecording
  private readonly sockets = new Set<net.Socket>()
  private readonly server = net.createServer((s) => this.serve(s))
  private readonly converted = new Map<string, Uint8Array[]>()
  private readonly log: (line: string) => void

  constructor(private readonly options: ReplayServerOptions) {
    super()
    this.recording = options.recording instanceof Uint8Array ? loadReplayRecording(options.recording) : options.recording
    this.log = options.log ?? ((line) => process.stderr.write(`replay server: ${line}\n`))
  }

  /** Listens on a free port of 127.0.0.1 (or `port`, to come back where clients know it). */
  async start(port = 0): Promise<this> {
    await new Promise<void>((ok, fail) => {
      this.server.once('error', fail)
      this.server.listen(port, '127.0.0.1', () => ok())
    })
    this.port = (this.server.address() as net.AddressInfo).port
    return this
  }

  /** Stops listening and drops every connection (clients see the server go down). */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((ok) => this.server.close(() => ok()))
  }

  /** Connections open now. */
  get connections(): number {
    return this.sockets.size
  }

  private updatesIn(pf: PixelFormat): Uint8Array[] {
    const key = Buffer.alloc(16)
    writePixelFormat(pf, key)
    const id = key.toString('hex')
    let list = this.converted.get(id)
    if (!list) {
      list = this.recording.updates.map((u) => convertUpdate(u, this.recording.pixelFormat, pf))
      this.converted.set(id, list)
    }
    return list
  }

  private serve(sock: net.Socket): void {
    this.sockets.add(sock)
    sock.setNoDelay(true)
    sock.on('close', () => this.sockets.delete(sock))
    sock.on('error', () => undefined)
    const rec = this.recording
    let updates = rec.updates
    let next = 0
    let lastSent = 0
    let timer: NodeJS.Timeout | null = null
    let wanted: boolean | null = null // a pending request: incremental or not
    let phase: 'version' | 'security' | 'init' | 'normal' = 'version'
    let buf: Buffer = Buffer.alloc(0)
    const refuse = (why: string): void => {
      this.log(`closing the connection from port ${sock.remotePort}: ${why}`)
      sock.destroy()
    }
    const sendUpdate = (): void => {
      timer = null
      if (wanted === null || sock.destroyed) return
      const loopFrom = Math.min(this.options.loopFrom ?? 1, updates.length - 1)
      if (!wanted || next >= updates.length) next = wanted ? loopFrom : 0
      sock.write(updates[next++])
      if (next >= updates.length) next = loopFrom
      wanted = null
      lastSent = performance.now()
      this.updatesSent++
    }
    const request = (incremental: boolean): void => {
      wanted = wanted === false ? false : incremental
      if (timer || (this.options.idle && wanted && lastSent > 0)) return
      const wait = Math.max(0, lastSent + (this.options.intervalMs ?? 0) - performance.now())
      timer = setTimeout(sendUpdate, wait)
    }
    sock.on('close', () => timer && clearTimeout(timer))
    sock.write('RFB 003.008\n')
    sock.on('data', (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d
      for (;;) {
        const used = step()
        if (used === 0 || sock.destroyed) return
        buf = buf.subarray(used)
      }
    })
    // Consumes one client message (or handshake reply) from `buf`; 0 when more bytes are needed.
    const step = (): number => {
      if (phase === 'version') {
        if (buf.length < 12) return 0
        if (buf.toString('latin1', 0, 12) !== 'RFB 003.008\n') {
          refuse(`client version ${JSON.stringify(buf.toString('latin1', 0, 12))}, only 3.8 is served`)
          return 0
        }
        sock.write(Buffer.from([1, 1])) // one security type: None
        phase = 'security'
        return 12
      }
      if (phase === 'security') {
        if (buf.length < 1) return 0
        if (buf[0] !== 1) {
          refuse(`client chose security type ${buf[0]}, only None is offered`)
          return 0
        }
        sock.write(Buffer.alloc(4)) // SecurityResult OK
        phase = 'init'
        return 1
      }
      if (phase === 'init') {
        if (buf.length < 1) return 0
        const name = Buffer.from(rec.name, 'utf8')
        const init = Buffer.alloc(24 + name.length)
        init.writeUInt16BE(rec.width, 0)
        init.writeUInt16BE(rec.height, 2)
        writePixelFormat(rec.pixelFormat, init, 4)
        init.writeUInt32BE(name.length, 20)
        name.copy(init, 24)
        sock.write(init)
        phase = 'normal'
        return 1
      }
      const type = buf[0]
      if (type === undefined) return 0
      if (type === 0) {
        if (buf.length < 20) return 0
        const pf = readPixelFormat(buf, 4)
        try {
          validatePixelFormat(pf)
          if (!pf.trueColour) throw new Error('a colour map')
          // Throws for a format the recording's encodings cannot be written in (Tight: 32 bpp depth 24 only).
          updates = this.updatesIn(pf)
        } catch (e) {
          refuse(`client asked for a pixel format this server cannot serve (${(e as Error).message})`)
          return 0
        }
        return 20
      }
      if (type === 2) {
        if (buf.length < 4) return 0
        const n = buf.readUInt16BE(2)
        if (buf.length < 4 + 4 * n) return 0
        const announced = new Set<number>()
        for (let i = 0; i < n; i++) announced.add(buf.readInt32BE(4 + 4 * i))
        announced.add(Encoding.Raw) // RFC 6143 §7.5.2: Raw is always allowed
        const missing = [...rec.encodings].filter((e) => !announced.has(e) && e !== Encoding.DesktopSize)
        if (missing.length) {
          refuse(`the recording needs encodings ${missing.join(', ')} that the client did not announce`)
          return 0
        }
        return 4 + 4 * n
      }
      if (type === 6) {
        if (buf.length < 8) return 0
        const len = buf.readUInt32BE(4)
        return buf.length < 8 + len ? 0 : 8 + len
      }
      if (type === 248) {
        if (buf.length < 9) return 0
        return buf.length < 9 + buf[8] ? 0 : 9 + buf[8]
      }
      if (type === 251) {
        if (buf.length < 8) return 0
        return buf.length < 8 + 16 * buf[6] ? 0 : 8 + 16 * buf[6]
      }
      const fixed = FIXED[type]
      if (fixed === undefined) {
        refuse(`client message type ${type} is not known to this server`)
        return 0
      }
      if (buf.length < 1 + fixed) return 0
      const at = performance.timeOrigin + performance.now()
      if (type === 3) request(buf[1] !== 0)
      else if (type === 4) this.emit('key', { keysym: buf.readUInt32BE(4), down: buf[1] !== 0, at })
      else if (type === 5) {
        const seen: SeenPointer = { buttons: buf[1], x: buf.readUInt16BE(2), y: buf.readUInt16BE(4), at }
        this.pointers.push(seen)
        this.emit('pointer', seen)
      }
      return 1 + fixed
    }
  }
}

/** Starts a {@link ReplayServer} on a free port of 127.0.0.1. */
export function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  return new ReplayServer(options).start()
}
