// A server that streams while a person decides (password, certificate) must be held back by
// TCP, not queued by the engine: issue 12, "Reading while a person decides".
import { afterEach, describe, expect, it } from 'vitest'
import type { RfbError } from '../../../src/main/rfb/errors'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { MAX_WRITE_BACKLOG } from '../../../src/main/rfb/read-gate'
import { vncAuthResponse } from '../../../src/main/rfb/security/vnc-auth'
import { RfbClient, type RfbClientOptions } from '../../../src/main/rfb/session'
import { connectTcp } from '../../../src/main/rfb/transport/tcp'
import { Bytes } from '../../helpers/bytes'
import { none38, serverInit } from '../../helpers/server-script'
import { opensslAvailable, testCerts } from './certs'
import { type ScriptServer, type ServerConn, scriptServer } from './script-server'

const CHALLENGE = Uint8Array.from({ length: 16 }, (_, i) => i * 7)
const JUNK = new Uint8Array(256 * 1024).fill(0xa5)
/** How long the prompt stays open while the server streams. */
const PROMPT_MS = 3000
/** What the host may grow by while a prompt is open (the bound). */
const MAX_RSS_GROWTH = 50 * 2 ** 20
/** What the engine may take in while nobody reads: a read's worth plus a socket chunk or two. */
const MAX_READ_WHILE_ASKING = 1 * 2 ** 20

let server: ScriptServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

const MiB = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`

/**
 * A question that stays open for PROMPT_MS while the server floods: resolves with `answer`, and
 * records the host's RSS growth and the bytes the engine took in while it was open.
 */
function slowPerson<T>(answer: T, received: () => number) {
  const seen = { rssGrowth: 0, readWhileAsking: 0, asked: 0 }
  const ask = async (): Promise<T> => {
    seen.asked++
    global.gc?.()
    const rss0 = process.memoryUsage.rss()
    const read0 = received()
    await new Promise((r) => setTimeout(r, PROMPT_MS))
    seen.rssGrowth = process.memoryUsage.rss() - rss0
    seen.readWhileAsking = received() - read0
    return answer
  }
  return { seen, ask }
}

/** A client that counts the bytes its transport delivered. */
function countingClient(extra: Partial<RfbClientOptions>) {
  let received = 0
  const client = new RfbClient({ sink: new FramebufferSink(), tap: (c) => void (received += c.length), ...extra })
  return { client, received: () => received }
}

describe('a server streaming while a person decides', () => {
  it('is held back while the password prompt is open; the session then fails cleanly', async () => {
    let flood: ReturnType<ServerConn['flood']> | null = null
    server = await scriptServer(async (c) => {
      c.send('RFB 003.008\n')
      await c.read(12)
      c.send(Uint8Array.of(1, 2))
      await c.read(1)
      c.send(CHALLENGE)
      flood = c.flood(JUNK)
    })
    let received = (): number => 0
    const person = slowPerson({ password: 'sesame' }, () => received())
    const counted = countingClient({ credentials: person.ask })
    received = counted.received
    const transport = await connectTcp('127.0.0.1', server.port)
    const error = await counted.client.start(transport).then(
      () => null,
      (e: RfbError) => e,
    )
    const floodSent = flood!.sent()
    flood!.stop()
    console.log(
      `password prompt flood: server wrote ${MiB(floodSent)}, engine took in ${MiB(person.seen.readWhileAsking)}, host RSS grew ${MiB(person.seen.rssGrowth)}`,
    )
    expect(person.seen.asked).toBe(1)
    expect(person.seen.readWhileAsking, 'bytes read while the prompt was open').toBeLessThan(MAX_READ_WHILE_ASKING)
    expect(person.seen.rssGrowth, 'host RSS growth while the prompt was open').toBeLessThan(MAX_RSS_GROWTH)
    // TCP held the server back: it could not push more than the kernel's buffers hold.
    expect(floodSent, 'bytes the server could write').toBeLessThan(64 * 2 ** 20)
    // After the answer, the junk where SecurityResult belongs ends the session with an error.
    expect(error).not.toBeNull()
    expect(error!.code).toMatch(/^RFB_ERR_(AUTH_FAILED|PROTOCOL|LIMIT)$/)
  }, 20_000)

  it('a well-behaved server proceeds normally once a slow password prompt is answered', async () => {
    server = await scriptServer(async (c) => {
      c.send('RFB 003.008\n')
      await c.read(12)
      c.send(Uint8Array.of(1, 2))
      await c.read(1)
      c.send(CHALLENGE)
      const response = await c.read(16)
      expect(Buffer.from(response)).toEqual(Buffer.from(vncAuthResponse(CHALLENGE, 'sesame')))
      c.send(new Bytes().u32(0).build())
      await c.read(1)
      c.send(serverInit(8, 4, 'after a pause'))
    })
    const person = slowPerson({ password: 'sesame' }, () => 0)
    const { client } = countingClient({ credentials: person.ask })
    const transport = await connectTcp('127.0.0.1', server.port)
    const info = await client.start(transport)
    await server.done
    client.close()
    expect(info.init.name).toBe('after a pause')
  }, 20_000)

  it.skipIf(!opensslAvailable)(
    'is held back while the certificate question is open (VeNCrypt X509None over TLS)',
    async () => {
      const certs = testCerts()
      let flood: ReturnType<ServerConn['flood']> | null = null
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
        flood = c.flood(JUNK)
      })
      let received = (): number => 0
      const person = slowPerson('reject' as const, () => received())
      const counted = countingClient({ security: { host: '127.0.0.1', port: server.port, trust: { ask: person.ask } } })
      received = counted.received
      const transport = await connectTcp('127.0.0.1', server.port)
      const error = await counted.client.start(transport).then(
        () => null,
        (e: RfbError) => e,
      )
      const floodSent = flood!.sent()
      flood!.stop()
      console.log(
        `certificate prompt flood: server wrote ${MiB(floodSent)}, engine took in ${MiB(person.seen.readWhileAsking)}, host RSS grew ${MiB(person.seen.rssGrowth)}`,
      )
      expect(person.seen.asked).toBe(1)
      expect(person.seen.readWhileAsking, 'bytes read while the question was open').toBeLessThan(MAX_READ_WHILE_ASKING)
      expect(person.seen.rssGrowth, 'host RSS growth while the question was open').toBeLessThan(MAX_RSS_GROWTH)
      expect(floodSent, 'bytes the server could write').toBeLessThan(64 * 2 ** 20)
      expect(error?.code).toBe('RFB_ERR_CERT_REJECTED')
    },
    20_000,
  )
})

describe('a server that makes us reply but never reads', () => {
  it('stops being read once our unsent replies pass the limit, so they cannot pile up without end', async () => {
    // Fence requests with the largest payload: each one makes the client send a reply of the same size.
    const fence = new Bytes().u8(248, 0, 0, 0).u32(0x80000000).u8(64).bytes(new Uint8Array(64)).build()
    const fences = Buffer.concat(Array.from({ length: Math.floor(JUNK.length / fence.length) }, () => fence))
    let flood: ReturnType<ServerConn['flood']> | null = null
    server = await scriptServer(async (c) => {
      c.send(none38(4, 3))
      await c.read(12 + 1 + 1)
      // From here on the server never reads again.
      c.stopReading()
      flood = c.flood(fences)
    })
    const counted = countingClient({})
    const transport = await connectTcp('127.0.0.1', server.port)
    await counted.client.start(transport)
    global.gc?.()
    const rss0 = process.memoryUsage.rss()
    await new Promise((r) => setTimeout(r, PROMPT_MS))
    const growth = process.memoryUsage.rss() - rss0
    const backlog = transport.writeBacklog
    const sent = flood!.sent()
    flood!.stop()
    counted.client.close()
    console.log(
      `reply flood: server wrote ${MiB(sent)}, engine took in ${MiB(counted.received())}, unsent replies ${MiB(backlog)}, host RSS grew ${MiB(growth)}`,
    )
    expect(backlog, 'replies queued unsent').toBeLessThan(MAX_WRITE_BACKLOG + 2 ** 20)
    expect(counted.received(), 'bytes read from a server that reads nothing back').toBeLessThan(MAX_WRITE_BACKLOG + 16 * 2 ** 20)
    expect(growth, 'host RSS growth').toBeLessThan(MAX_RSS_GROWTH)
  }, 20_000)
})
