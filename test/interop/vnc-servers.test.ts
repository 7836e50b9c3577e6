import net from 'node:net'
import { DES } from 'des.js'
import { afterEach, describe, expect, it } from 'vitest'
import { serverAvailable, startServer, type RunningServer, type ServerKind } from '../helpers/vnc-servers'

// Just enough RFB to check the harness itself, independent of the viewer under test in src/.
class Conn {
  private buf = Buffer.alloc(0)
  private waiter: (() => void) | null = null
  private failure: Error | null = null
  constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d])
      this.waiter?.()
    })
    const fail = (e?: Error): void => {
      this.failure ??= e ?? new Error('connection closed')
      this.waiter?.()
    }
    sock.on('error', fail)
    sock.on('close', () => fail())
  }

  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: '127.0.0.1', port }, () => resolve(new Conn(sock)))
      sock.once('error', reject)
    })
  }

  async read(n: number): Promise<Buffer> {
    while (this.buf.length < n) {
      if (this.failure) throw this.failure
      await new Promise<void>((r) => (this.waiter = r))
      this.waiter = null
    }
    const out = this.buf.subarray(0, n)
    this.buf = this.buf.subarray(n)
    return out
  }

  write(b: Buffer): void {
    this.sock.write(b)
  }

  close(): void {
    this.sock.destroy()
  }
}

async function greeting(port: number): Promise<string> {
  const c = await Conn.open(port)
  try {
    return (await c.read(12)).toString('latin1')
  } finally {
    c.close()
  }
}

async function securityTypes(port: number): Promise<number[]> {
  const c = await Conn.open(port)
  try {
    await c.read(12)
    c.write(Buffer.from('RFB 003.008\n'))
    const n = (await c.read(1))[0]
    return [...(await c.read(n))]
  } finally {
    c.close()
  }
}

// VNC auth (type 2): DES-encrypt the challenge with the password, each key byte bit-reversed. Returns SecurityResult.
async function vncAuth(port: number, password: string): Promise<number> {
  const c = await Conn.open(port)
  try {
    await c.read(12)
    c.write(Buffer.from('RFB 003.008\n'))
    const types = [...(await c.read((await c.read(1))[0]))]
    if (!types.includes(2)) throw new Error(`no security type VncAuth in ${types}`)
    c.write(Buffer.from([2]))
    const challenge = await c.read(16)
    const key = Buffer.alloc(8)
    key.write(password.slice(0, 8), 'latin1')
    for (let i = 0; i < 8; i++) {
      let b = key[i]
      let r = 0
      for (let bit = 0; bit < 8; bit++, b >>= 1) r = (r << 1) | (b & 1)
      key[i] = r
    }
    const des = DES.create({ type: 'encrypt', key })
    c.write(Buffer.from([...des.update(challenge.subarray(0, 8)), ...des.update(challenge.subarray(8))]))
    return (await c.read(4)).readUInt32BE(0)
  } finally {
    c.close()
  }
}

interface Frame {
  width: number
  height: number
  bpp: number
  pixels: Buffer
}

// Handshake with security None, ask for one full Raw update and assemble it.
async function snapshot(port: number): Promise<Frame> {
  const c = await Conn.open(port)
  try {
    await c.read(12)
    c.write(Buffer.from('RFB 003.008\n'))
    const types = [...(await c.read((await c.read(1))[0]))]
    if (!types.includes(1)) throw new Error(`no security type None in ${types}`)
    c.write(Buffer.from([1]))
    if ((await c.read(4)).readUInt32BE(0) !== 0) throw new Error('security handshake failed')
    c.write(Buffer.from([1]))
    const init = await c.read(24)
    const width = init.readUInt16BE(0)
    const height = init.readUInt16BE(2)
    const bpp = init[4] / 8
    await c.read(init.readUInt32BE(20))
    const setEnc = Buffer.alloc(8)
    setEnc.writeUInt8(2, 0)
    setEnc.writeUInt16BE(1, 2)
    setEnc.writeInt32BE(0, 4)
    const req = Buffer.alloc(10)
    req.writeUInt8(3, 0)
    req.writeUInt16BE(width, 6)
    req.writeUInt16BE(height, 8)
    c.write(Buffer.concat([setEnc, req]))
    const pixels = Buffer.alloc(width * height * bpp)
    let painted = 0
    while (painted < width * height) {
      const type = (await c.read(1))[0]
      if (type === 2) continue
      if (type === 3) {
        await c.read(3)
        await c.read((await c.read(4)).readUInt32BE(0))
        continue
      }
      if (type !== 0) throw new Error(`unexpected server message ${type}`)
      const count = (await c.read(3)).readUInt16BE(1)
      for (let i = 0; i < count; i++) {
        const h = await c.read(12)
        const [x, y, w, rh, enc] = [h.readUInt16BE(0), h.readUInt16BE(2), h.readUInt16BE(4), h.readUInt16BE(6), h.readInt32BE(8)]
        if (enc !== 0) throw new Error(`unexpected encoding ${enc}`)
        const data = await c.read(w * rh * bpp)
        for (let row = 0; row < rh; row++) {
          data.copy(pixels, ((y + row) * width + x) * bpp, row * w * bpp, (row + 1) * w * bpp)
        }
        painted += w * rh
      }
    }
    return { width, height, bpp, pixels }
  } finally {
    c.close()
  }
}

function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port })
    sock.once('connect', () => {
      sock.destroy()
      resolve(false)
    })
    sock.once('error', () => resolve(true))
  })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function distinctPixels(f: Frame): number {
  const seen = new Set<string>()
  for (let i = 0; i < f.pixels.length && seen.size < 16; i += f.bpp) seen.add(f.pixels.subarray(i, i + f.bpp).toString('hex'))
  return seen.size
}

const KINDS: ServerKind[] = ['tigervnc', 'x11vnc', 'tightvnc', 'qemu']
const TIMEOUT = 40_000

for (const kind of KINDS) {
  // Needs the Debian packages in docs/servers.md; machines without them skip rather than fail.
  describe.skipIf(!serverAvailable(kind))(kind, () => {
    let server: RunningServer | undefined
    afterEach(async () => {
      await server?.stop()
      server = undefined
    })

    it(
      'starts on 127.0.0.1, greets with RFB 003.008 and is gone after stop()',
      async () => {
        server = await startServer(kind)
        expect(server.host).toBe('127.0.0.1')
        expect(await greeting(server.port)).toBe('RFB 003.008\n')
        const { port, pids } = server
        await server.stop()
        await server.stop()
        expect(await portClosed(port)).toBe(true)
        expect(pids.filter(alive)).toEqual([])
      },
      TIMEOUT,
    )

    it(
      'requires the VNC password when one is set',
      async () => {
        server = await startServer(kind, { password: 'tessera1' })
        const types = await securityTypes(server.port)
        expect(types).toContain(2)
        expect(types).not.toContain(1)
        expect(await vncAuth(server.port, 'tessera1')).toBe(0)
        expect(await vncAuth(server.port, 'wrong')).not.toBe(0)
      },
      TIMEOUT,
    )

    if (kind !== 'qemu') {
      it(
        'shows static, non-blank content of the requested size',
        async () => {
          server = await startServer(kind, { content: 'static', width: 640, height: 480 })
          expect(server.env.DISPLAY).toBe(`:${server.display}`)
          const a = await snapshot(server.port)
          await new Promise((r) => setTimeout(r, 1000))
          const b = await snapshot(server.port)
          expect([a.width, a.height]).toEqual([640, 480])
          expect(distinctPixels(a)).toBeGreaterThan(4)
          expect(b.pixels.equals(a.pixels)).toBe(true)
        },
        TIMEOUT,
      )

      it(
        'runs X clients on the display and kills them on stop()',
        async () => {
          server = await startServer(kind, { depth: 16 })
          const client = server.spawnClient('xterm', ['-geometry', '20x5+0+0'])
          await new Promise((r) => setTimeout(r, 300))
          expect(client.exitCode).toBeNull()
          expect(server.pids).toContain(client.pid)
          await server.stop()
          expect(alive(client.pid!)).toBe(false)
        },
        TIMEOUT,
      )
    }
  })
}
