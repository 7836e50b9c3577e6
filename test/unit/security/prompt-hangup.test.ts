// A server that hangs up while a person decides (password, certificate, SSH host key) must be
// noticed while the question is still open, not after the answer: issue 12, "Reading while a
// person decides". The engine reads a bounded amount ahead during a prompt, so it sees the close.
import { generateKeyPairSync } from 'node:crypto'
import net, { type AddressInfo, type Socket } from 'node:net'
import { Server } from 'ssh2'
import { afterEach, describe, expect, it } from 'vitest'
import type { RfbError } from '../../../src/main/rfb/errors'
import { connectRfb } from '../../../src/main/rfb/connect'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { RfbClient, type RfbClientOptions } from '../../../src/main/rfb/session'
import { connectSsh } from '../../../src/main/rfb/transport/ssh'
import { connectTcp } from '../../../src/main/rfb/transport/tcp'
import { Bytes } from '../../helpers/bytes'
import { none38 } from '../../helpers/server-script'
import { opensslAvailable, testCerts } from './certs'
import { type ScriptServer, scriptServer } from './script-server'

const CHALLENGE = Uint8Array.from({ length: 16 }, (_, i) => i * 7)
/** How long the person would take; the hang-up must be reported well before. */
const PERSON_MS = 4000
/** How soon after the hang-up the session must end. */
const NOTICE_MS = 1500

let server: ScriptServer | null = null
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await server?.close()
  server = null
  for (const c of closers.splice(0)) await c()
})

/** A person who answers `answer` after PERSON_MS; `open` says whether they are still deciding. */
function slowPerson<T>(answer: T) {
  const seen = { asked: 0, open: false }
  const ask = async (): Promise<T> => {
    seen.asked++
    seen.open = true
    await new Promise((r) => setTimeout(r, PERSON_MS))
    seen.open = false
    return answer
  }
  return { seen, ask }
}

/** Starts a client and waits for its end; says how long after `hungUpAt()` it came. */
async function endOf(extra: Partial<RfbClientOptions>, port: number, hungUpAt: () => number, open: () => boolean) {
  const client = new RfbClient({ sink: new FramebufferSink(), ...extra })
  const error = await client.start(await connectTcp('127.0.0.1', port)).then(
    () => null,
    (e: RfbError) => e,
  )
  return { error, after: performance.now() - hungUpAt(), promptStillOpen: open() }
}

describe('a server that hangs up while a person decides', () => {
  it('ends the session while the password prompt is still open, saying the server went away', async () => {
    let hungUpAt = Infinity
    server = await scriptServer(async (c) => {
      c.send('RFB 003.008\n')
      await c.read(12)
      c.send(Uint8Array.of(1, 2))
      await c.read(1)
      c.send(CHALLENGE)
      await new Promise((r) => setTimeout(r, 200))
      hungUpAt = performance.now()
      c.close()
    })
    const person = slowPerson({ password: 'sesame' })
    const end = await endOf(
      { credentials: person.ask },
      server.port,
      () => hungUpAt,
      () => person.seen.open,
    )
    expect(person.seen.asked).toBe(1)
    expect(end.promptStillOpen, 'the session ended only after the answer').toBe(true)
    expect(end.after).toBeLessThan(NOTICE_MS)
    expect(end.error?.code).toBe('RFB_ERR_CLOSED_WHILE_ASKING')
    expect(end.error?.kind).toBe('network')
    expect(end.error?.message).toMatch(/closed the connection while waiting for your answer/)
  }, 20_000)

  it('notices the hang-up after a little junk too (within the read-ahead bound)', async () => {
    let hungUpAt = Infinity
    server = await scriptServer(async (c) => {
      c.send('RFB 003.008\n')
      await c.read(12)
      c.send(Uint8Array.of(1, 2))
      await c.read(1)
      c.send(CHALLENGE)
      c.send(new Uint8Array(4096).fill(0x5a))
      await new Promise((r) => setTimeout(r, 200))
      hungUpAt = performance.now()
      c.close()
    })
    const person = slowPerson({ password: 'sesame' })
    const end = await endOf(
      { credentials: person.ask },
      server.port,
      () => hungUpAt,
      () => person.seen.open,
    )
    expect(end.promptStillOpen).toBe(true)
    expect(end.after).toBeLessThan(NOTICE_MS)
    expect(end.error?.code).toBe('RFB_ERR_CLOSED_WHILE_ASKING')
  }, 20_000)

  it.skipIf(!opensslAvailable)(
    'ends the session while the certificate question is still open (VeNCrypt X509None)',
    async () => {
      const certs = testCerts()
      let hungUpAt = Infinity
      server = await scriptServer(async (c) => {
        c.send('RFB 003.008\n')
        await c.read(12)
        c.send(Uint8Array.of(1, 19))
        await c.read(1)
        c.send(Uint8Array.of(0, 2))
        await c.read(2)
        c.send(new Bytes().u8(0, 1).u32(260).build())
        await c.read(4)
        c.send(Uint8Array.of(1))
        await c.startTls(certs.selfA)
        await new Promise((r) => setTimeout(r, 300))
        hungUpAt = performance.now()
        c.close()
      })
      const person = slowPerson('once' as const)
      const end = await endOf(
        { security: { host: '127.0.0.1', port: server.port, trust: { ask: person.ask } } },
        server.port,
        () => hungUpAt,
        () => person.seen.open,
      )
      expect(person.seen.asked).toBe(1)
      expect(end.promptStillOpen).toBe(true)
      expect(end.after).toBeLessThan(NOTICE_MS)
      expect(end.error?.code).toBe('RFB_ERR_CLOSED_WHILE_ASKING')
    },
    20_000,
  )

  it.skipIf(!opensslAvailable)(
    'ends the attempt while the certificate question of a vncs:// server (TLS from the first byte) is still open',
    async () => {
      const certs = testCerts()
      let hungUpAt = Infinity
      server = await scriptServer(
        async (c) => {
          c.send('RFB 003.008\n')
          await new Promise((r) => setTimeout(r, 300))
          hungUpAt = performance.now()
          c.close()
        },
        { tlsFromStart: certs.selfA },
      )
      const person = slowPerson('once' as const)
      const port = server.port
      const error = await connectRfb({ host: '127.0.0.1', port, tls: true }, { sink: new FramebufferSink(), security: { trust: { ask: person.ask } } }).then(
        ({ client }) => (client.close(), null),
        (e: RfbError) => e,
      )
      expect(person.seen.asked).toBe(1)
      expect(person.seen.open, 'the attempt ended only after the answer').toBe(true)
      expect(performance.now() - hungUpAt).toBeLessThan(NOTICE_MS)
      expect(error?.code).toBe('RFB_ERR_CLOSED_WHILE_ASKING')
    },
    20_000,
  )

  it.skipIf(!opensslAvailable)(
    'a vncs:// server that waits politely is served once the certificate is trusted, its first bytes kept',
    async () => {
      const certs = testCerts()
      server = await scriptServer(
        async (c) => {
          c.send(none38(6, 2, 'kept'))
          await c.read(12 + 1 + 1)
        },
        { tlsFromStart: certs.selfA },
      )
      const { client, info } = await connectRfb(
        { host: '127.0.0.1', port: server.port, tls: true },
        {
          sink: new FramebufferSink(),
          autoUpdate: false,
          security: { trust: { ask: async () => (await new Promise((r) => setTimeout(r, 300)), 'once' as const) } },
        },
      )
      client.close()
      expect(info.init.name).toBe('kept')
    },
    20_000,
  )

  it('a server that only sends late, within the bound, is still served once the person answers', async () => {
    // Data that arrives during the prompt is kept for the next step, not lost to the read-ahead.
    server = await scriptServer(async (c) => {
      c.send('RFB 003.008\n')
      await c.read(12)
      c.send(Uint8Array.of(1, 2))
      await c.read(1)
      c.send(CHALLENGE)
      await c.read(16)
      c.send(new Bytes().u32(0).build())
      await c.read(1)
      c.send(new Bytes().u16(8, 4).bytes(new Uint8Array(16)).string('fine').build())
    })
    const client = new RfbClient({ sink: new FramebufferSink(), credentials: async () => ({ password: 'x' }) })
    const info = await client.start(await connectTcp('127.0.0.1', server.port))
    client.close()
    expect(info.init.name).toBe('fine')
  }, 20_000)
})

describe('an SSH server that hangs up while its host key is shown', () => {
  it('ends the connection attempt while the question is still open', async () => {
    // Node's own key generator: ssh2's occasionally makes an ed25519 key it then cannot parse.
    const hostKey = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey
    const ssh = new Server({ hostKeys: [hostKey] }, (conn) => conn.on('error', () => {}))
    const sshPort = await new Promise<number>((r) => ssh.listen(0, '127.0.0.1', () => r((ssh.address() as AddressInfo).port)))
    // A relay in front of it, so the test can cut the connection while the key is shown.
    const sockets: Socket[] = []
    const relay = net.createServer((client) => {
      const up = net.connect(sshPort, '127.0.0.1')
      for (const s of [client, up]) {
        sockets.push(s)
        s.on('error', () => {})
      }
      client.pipe(up).pipe(client)
    })
    const port = await new Promise<number>((r) => relay.listen(0, '127.0.0.1', () => r((relay.address() as AddressInfo).port)))
    closers.push(async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => relay.close(() => r()))
      await new Promise<void>((r) => ssh.close(() => r()))
    })
    let hungUpAt = Infinity
    const seen = { open: false }
    const error = await connectSsh({
      sshHost: '127.0.0.1',
      sshPort: port,
      username: 'u',
      auth: { password: 'p' },
      target: { host: '127.0.0.1', port: 5900 },
      hostKey: {
        ask: async () => {
          seen.open = true
          setTimeout(() => {
            hungUpAt = performance.now()
            for (const s of sockets) s.destroy()
          }, 200)
          await new Promise((r) => setTimeout(r, PERSON_MS))
          seen.open = false
          return 'once' as const
        },
      },
    }).then(
      (t) => (t.close(), null),
      (e: RfbError) => e,
    )
    const after = performance.now() - hungUpAt
    expect(seen.open, 'the attempt ended only after the answer').toBe(true)
    expect(after).toBeLessThan(NOTICE_MS)
    expect(error?.code).toBe('RFB_ERR_CLOSED_WHILE_ASKING')
  }, 20_000)
})
