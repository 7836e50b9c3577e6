// SSH tunnels under a flooding server (issue 12, "Reading while a person decides"): an in-process
// ssh2 server on 127.0.0.1, and a relay in front of it that can stream junk at the client.
import net, { type AddressInfo, type Socket } from 'node:net'
import { Server, utils } from 'ssh2'
import { afterEach, describe, expect, it } from 'vitest'
import type { RfbError } from '../../../src/main/rfb/errors'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { RfbClient } from '../../../src/main/rfb/session'
import { connectSsh } from '../../../src/main/rfb/transport/ssh'

const JUNK = Buffer.alloc(256 * 1024, 0xa5)
const PROMPT_MS = 2000
const MiB = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`

/** Writes `chunk` to `sock` as fast as it drains until stopped; counts the bytes handed over. */
function flood(sock: Socket, chunk: Buffer): { stop(): void; sent(): number } {
  let sent = 0
  let stopped = false
  const pump = (): void => {
    while (!stopped && !sock.destroyed) {
      sent += chunk.length
      if (!sock.write(chunk)) {
        sock.once('drain', pump)
        return
      }
    }
  }
  sock.on('error', () => {})
  pump()
  return { stop: () => void (stopped = true), sent: () => sent }
}

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of closers.splice(0)) await c()
})

function listen(server: net.Server | Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)))
}

/**
 * An ssh2 server that takes any password and answers every tunnel with `rfb`, which gets the
 * channel as a duplex stream; and a relay in front of it whose client side tests can flood.
 */
async function sshServer(rfb: (channel: NodeJS.ReadWriteStream) => void) {
  const hostKey = utils.generateKeyPairSync('ed25519').private
  const server = new Server({ hostKeys: [hostKey] }, (conn) => {
    conn.on('error', () => {})
    conn.on('authentication', (ctx) => ctx.accept())
    conn.on('tcpip', (accept) => rfb(accept()))
  })
  const sshPort = await listen(server)
  /** The relay's sockets: the client side of each connection first, then its way to the server. */
  const clients: Socket[] = []
  const relay = net.createServer((client) => {
    clients.push(client)
    client.on('error', () => {})
    const upstream = net.connect(sshPort, '127.0.0.1')
    clients.push(upstream)
    upstream.on('error', () => client.destroy())
    client.pipe(upstream)
    upstream.pipe(client)
  })
  const port = await listen(relay)
  closers.push(async () => {
    for (const c of clients) c.destroy()
    await new Promise<void>((r) => relay.close(() => r()))
    await new Promise<void>((r) => server.close(() => r()))
  })
  return { port, clients }
}

describe('SSH tunnels and a server that streams while a person decides', () => {
  it('the host key question reads only a bounded amount of the SSH socket: junk sent meanwhile is refused or waits in the kernel', async () => {
    const { port, clients } = await sshServer(() => {})
    const seen = { hungUpWhileAsking: false, sent: 0, asked: false }
    let answered: Promise<unknown> = Promise.resolve()
    const error = await connectSsh({
      sshHost: '127.0.0.1',
      sshPort: port,
      username: 'u',
      auth: { password: 'p' },
      target: { host: '127.0.0.1', port: 5900 },
      hostKey: {
        ask: () =>
          (answered = (async () => {
            seen.asked = true
            // The server side of the relay now streams junk in place of the rest of the key exchange.
            const client = clients[0]
            let closed = false
            client.once('close', () => (closed = true))
            const f = flood(client, JUNK)
            await new Promise((r) => setTimeout(r, PROMPT_MS))
            f.stop()
            seen.hungUpWhileAsking = closed
            seen.sent = f.sent()
            return 'once' as const
          })()),
      },
    }).then(
      (t) => (t.close(), null),
      (e: RfbError) => e,
    )
    // The client may give up before the question is answered: wait for the answer all the same.
    await answered
    console.log(`host key prompt flood: the relay could write ${MiB(seen.sent)}`)
    expect(seen.asked).toBe(true)
    // The client reads at most HANDSHAKE_READ_AHEAD while the question is open (so a hang-up is
    // noticed, see prompt-hangup.test.ts): ssh2 refuses that much junk and the client hangs up
    // while the user is still asked; or, had it stopped reading, TCP held the server back. Either
    // way it did not take the flood in.
    console.log(`host key prompt flood: the client ${seen.hungUpWhileAsking ? 'refused the junk and hung up' : 'stopped reading'} while the question was open`)
    expect(seen.sent, 'bytes the server could write').toBeLessThan(64 * 2 ** 20)
    expect(error).not.toBeNull()
  }, 20_000)

  it('the password prompt stops reading the tunnel: the SSH window holds the VNC server back', async () => {
    const challenge = Buffer.alloc(16, 3)
    let f: ReturnType<typeof flood> | null = null
    const { port } = await sshServer((channel) => {
      channel.write('RFB 003.008\n')
      channel.once('data', () => {
        channel.write(Buffer.of(1, 2))
        channel.once('data', () => {
          channel.write(challenge)
          f = flood(channel as unknown as Socket, JUNK)
        })
      })
      channel.on('error', () => {})
    })
    const transport = await connectSsh({
      sshHost: '127.0.0.1',
      sshPort: port,
      username: 'u',
      auth: { password: 'p' },
      target: { host: '127.0.0.1', port: 5900 },
      hostKey: { ask: async () => 'once' },
    })
    let received = 0
    const seen = { rssGrowth: 0, readWhileAsking: 0 }
    const client = new RfbClient({
      sink: new FramebufferSink(),
      tap: (c) => void (received += c.length),
      credentials: async () => {
        global.gc?.()
        const rss0 = process.memoryUsage.rss()
        const read0 = received
        await new Promise((r) => setTimeout(r, PROMPT_MS))
        seen.rssGrowth = process.memoryUsage.rss() - rss0
        seen.readWhileAsking = received - read0
        return { password: 'x' }
      },
    })
    const error = await client.start(transport).then(
      () => null,
      (e: RfbError) => e,
    )
    const sent = f!.sent()
    f!.stop()
    transport.close()
    console.log(`password prompt flood over SSH: server wrote ${MiB(sent)}, engine took in ${MiB(seen.readWhileAsking)}, host RSS grew ${MiB(seen.rssGrowth)}`)
    expect(seen.readWhileAsking, 'bytes read while the prompt was open').toBeLessThan(1 * 2 ** 20)
    expect(seen.rssGrowth, 'host RSS growth while the prompt was open').toBeLessThan(50 * 2 ** 20)
    expect(sent, 'bytes the server could write into the channel').toBeLessThan(64 * 2 ** 20)
    expect(error).not.toBeNull()
  }, 20_000)
})
