import { randomBytes } from 'node:crypto'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ByteQueue } from '../../../../src/main/rfb/byte-queue'
import { type TcpTransport, connectTcp } from '../../../../src/main/rfb/transport/tcp'

/** A real server on loopback that sends `payload` in pieces once a client connects. */
async function serverSending(payload: Uint8Array, pieces = 16): Promise<{ server: net.Server; port: number; sent: Promise<void> }> {
  let done: () => void = () => {}
  const sent = new Promise<void>((r) => (done = r))
  const server = net.createServer((s) => {
    const step = Math.ceil(payload.length / pieces)
    for (let at = 0; at < payload.length; at += step) s.write(payload.subarray(at, at + step))
    s.end(done)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, port: (server.address() as net.AddressInfo).port, sent }
}

const servers: net.Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

async function connectTo(payload: Uint8Array): Promise<{ t: TcpTransport; sent: Promise<void> }> {
  const { server, port, sent } = await serverSending(payload)
  servers.push(server)
  return { t: await connectTcp('127.0.0.1', port, 2000), sent }
}

describe('TCP reads into one reused buffer', () => {
  it('lends every read in the same memory to a handler that copies, and the copies make the stream', async () => {
    const payload = randomBytes(3 * 1024 * 1024)
    const { t } = await connectTo(payload)
    const q = new ByteQueue()
    const buffers = new Set<ArrayBufferLike>()
    let reads = 0
    await new Promise<void>((resolve) =>
      t.start({
        copiesLent: true,
        data: (chunk, lent) => {
          expect(lent).toBe(true)
          buffers.add(chunk.buffer)
          reads++
          q.copyIn(chunk)
        },
        close: () => resolve(),
      }),
    )
    expect(reads).toBeGreaterThan(1)
    expect(buffers.size).toBe(1)
    expect(Buffer.from(q.bytes(q.length)).equals(payload)).toBe(true)
  })

  it('gives a handler that does not copy chunks of its own', async () => {
    const payload = randomBytes(1024 * 1024)
    const { t } = await connectTo(payload)
    const kept: Uint8Array[] = []
    await new Promise<void>((resolve) =>
      t.start({
        data: (chunk, lent) => {
          expect(lent).toBeFalsy()
          kept.push(chunk)
        },
        close: () => resolve(),
      }),
    )
    expect(new Set(kept.map((c) => c.buffer)).size).toBe(kept.length)
    expect(Buffer.concat(kept).equals(payload)).toBe(true)
  })

  it('reads nothing while paused and the rest once resumed', async () => {
    const payload = randomBytes(4 * 1024 * 1024)
    const { t, sent } = await connectTo(payload)
    const q = new ByteQueue()
    let whilePaused = 0
    let paused = false
    let pausedOnce = false
    const closed = new Promise<void>((resolve) =>
      t.start({
        copiesLent: true,
        data: (chunk) => {
          if (paused) whilePaused += chunk.length
          q.copyIn(chunk)
          if (q.length >= 256 * 1024 && !pausedOnce) {
            paused = pausedOnce = true
            t.pause()
          }
        },
        close: () => resolve(),
      }),
    )
    // The server has more than the kernel buffers hold: it is still writing while we hold back.
    await new Promise((r) => setTimeout(r, 150))
    const heldAt = q.length
    expect(paused).toBe(true)
    expect(whilePaused).toBe(0)
    expect(heldAt).toBeLessThan(payload.length)
    paused = false
    t.resume()
    await Promise.all([closed, sent])
    expect(Buffer.from(q.bytes(q.length)).equals(payload)).toBe(true)
  })

  it('keeps what arrives before start as copies, in order', async () => {
    const payload = randomBytes(100 * 1024)
    const { t, sent } = await connectTo(payload)
    await sent
    await new Promise((r) => setTimeout(r, 50))
    const q = new ByteQueue()
    await new Promise<void>((resolve) => t.start({ copiesLent: true, data: (c, lent) => (lent ? q.copyIn(c) : q.push(c)), close: () => resolve() }))
    expect(Buffer.from(q.bytes(q.length)).equals(payload)).toBe(true)
  })
})
