import net from 'node:net'
import { deflateSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import type { RfbError } from '../../../src/main/rfb/errors'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { RfbClient } from '../../../src/main/rfb/session'
import { connectTcp } from '../../../src/main/rfb/transport/tcp'
import { Bytes } from '../../helpers/bytes'
import { serverInit } from '../../helpers/server-script'

// Malicious and broken servers, each a real TCP server on 127.0.0.1 that writes its bytes and
// then does nothing more, against the whole engine: every one must end in a clear error within a
// bounded time, holding no more than it must (docs/security.md, "Hostile servers, case by case").

/** The engine's timeouts here: short, so a stall is seen in the test's time. */
const TIMEOUT_MS = 400
/** The most a case may take beyond the timeout it should hit. */
const SLACK_MS = 1500

let servers: net.Server[] = []
afterEach(() => {
  for (const s of servers) s.close()
  servers = []
})

/** A server that writes `bytes` to whoever connects, then keeps the connection open and says nothing more. */
async function writesThenWaits(bytes: Uint8Array): Promise<number> {
  const server = net.createServer((s) => {
    s.on('error', () => {})
    s.write(bytes)
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return (server.address() as net.AddressInfo).port
}

interface Outcome {
  error: RfbError | null
  ms: number
  /** Bytes the engine held unparsed when the session ended. */
  buffered: number
}

/** Runs the engine against `bytes`; resolves once the session closes (or after 10 s, as still open). */
async function meet(bytes: Uint8Array): Promise<Outcome> {
  const port = await writesThenWaits(bytes)
  const client = new RfbClient({
    sink: new FramebufferSink(),
    handshakeTimeoutMs: TIMEOUT_MS,
    stallTimeoutMs: TIMEOUT_MS,
    credentials: async () => ({ username: 'user', password: 'secret-password' }),
  })
  const started = performance.now()
  const closed = new Promise<RfbError | null>((resolve) => client.once('close', resolve))
  client.start(await connectTcp('127.0.0.1', port, 2000)).catch(() => {})
  const error = await Promise.race([closed, new Promise<'open'>((r) => setTimeout(() => r('open'), 10_000))])
  const outcome = { error: error === 'open' ? null : error, ms: performance.now() - started, buffered: client.bufferedBytes }
  client.close()
  if (error === 'open') throw new Error('the session is still open after 10 s')
  return outcome
}

const v38 = (): Bytes => new Bytes().text('RFB 003.008\n')
/** A 3.8 greeting through security None and ServerInit of a 64x48 desktop. */
const connected = (): Bytes =>
  v38()
    .u8(1, 1)
    .u32(0)
    .bytes(serverInit(64, 48, 'desk'))
const rect = (b: Bytes, encoding: number, w: number, h: number, x = 0, y = 0): Bytes => b.u8(0, 0).u16(1).u16(x, y, w, h).s32(encoding)

const stalls: [string, () => Bytes][] = [
  ['accepts TCP and says nothing', () => new Bytes()],
  ['sends half a version line', () => new Bytes().text('RFB 003')],
  ['sends the version and stops', () => v38()],
  ['stops inside the security type list', () => v38().u8(3, 1)],
  ['stops in VNC authentication before the challenge', () => v38().u8(1, 2).bytes(new Uint8Array(7))],
  ['stops after taking the VNC authentication response', () => v38().u8(1, 2).bytes(new Uint8Array(16))],
  ['stops in Tight security after the tunnel count', () => v38().u8(1, 16).u32(1)],
  ['stops in VeNCrypt after its version', () => v38().u8(1, 19).u8(0, 2)],
  ['stops in VeNCrypt inside the sub-type list', () => v38().u8(1, 19).u8(0, 2, 0, 3).u32(257)],
  ['stops in RA2 inside its RSA key', () => v38().u8(1, 5).u32(2048).bytes(new Uint8Array(100))],
  ['stops in RA2_256 after the key length', () => v38().u8(1, 129).u32(2048)],
  ['stops in Apple Remote Desktop inside the prime', () => v38().u8(1, 30).u16(2, 128).bytes(new Uint8Array(64))],
  ['stops in MSLogonII inside its numbers', () => v38().u8(1, 113).bytes(new Uint8Array(16))],
  ['stops before SecurityResult', () => v38().u8(1, 1)],
  ['stops inside the failure reason', () => v38().u8(1, 1).u32(1).u32(100).text('Go ')],
  ['stops inside ServerInit', () => v38().u8(1, 1).u32(0).u16(64, 48).bytes(new Uint8Array(10))],
  ['stops inside the desktop name', () => v38().u8(1, 1).u32(0).u16(64, 48).bytes(new Uint8Array(16)).u32(10).text('de')],
]

const midMessage: [string, () => Bytes][] = [
  ['stops inside a FramebufferUpdate header', () => connected().u8(0, 0, 0)],
  ['stops inside a rect header', () => connected().u8(0, 0).u16(1).u16(0, 0)],
  ['stops inside a Raw rect', () => rect(connected(), 0, 10, 10).bytes(new Uint8Array(99))],
  ['stops inside a ZRLE rect', () => rect(connected(), 16, 10, 10).u32(1000).bytes(new Uint8Array(10))],
  ['stops inside SetColourMapEntries', () => connected().u8(1, 0).u16(0, 10).bytes(new Uint8Array(12))],
  ['stops inside ServerCutText', () => connected().u8(3, 0, 0, 0).u32(1000).text('partial')],
  [
    'streams part of a 2 GiB ServerCutText, then stops',
    () =>
      connected()
        .u8(3, 0, 0, 0)
        .u32(0x7fffffff)
        .bytes(new Uint8Array(64 * 1024)),
  ],
  ['stops inside a Fence', () => connected().u8(248, 0, 0, 0).u32(0).u8(10).u8(1, 2)],
]

const oversized: [string, () => Bytes, RegExp][] = [
  ['a refusal reason of 4 GiB (3.8)', () => v38().u8(0).u32(0xffffffff), /failure reason of 4294967295 bytes exceeds the 65536-byte limit/],
  ['a refusal reason of 4 GiB (3.3)', () => new Bytes().text('RFB 003.003\n').u32(0).u32(0xfffffff0), /failure reason of 4294967280 bytes/],
  ['a SecurityResult reason of 4 GiB', () => v38().u8(1, 1).u32(1).u32(0xffffffff), /failure reason of 4294967295 bytes/],
  ['a desktop name of 2^32-1 bytes', () => v38().u8(1, 1).u32(0).u16(64, 48).bytes(new Uint8Array(16)).u32(0xffffffff), /desktop name of 4294967295 bytes/],
  [
    'a 65535x65535 framebuffer',
    () =>
      v38()
        .u8(1, 1)
        .u32(0)
        .bytes(serverInit(65535, 65535, 'x')),
    /65535x65535 exceeds the limits/,
  ],
  [
    'a 16384x16384 framebuffer (1 GiB of pixels)',
    () =>
      v38()
        .u8(1, 1)
        .u32(0)
        .bytes(serverInit(16384, 16384, 'x')),
    /16384x16384 exceeds the limits/,
  ],
  ['a Tight tunnel list of 2^32-1 entries', () => v38().u8(1, 16).u32(0xffffffff), /Tight tunnel list of 4294967295 entries exceeds 1024/],
  ['an RA2 key of 65535 bits', () => v38().u8(1, 5).u32(65535), /RSA key has 65535 bits, outside the 1024-8192/],
  ['an RA2 key of 0 bits', () => v38().u8(1, 5).u32(0), /RSA key has 0 bits/],
  ['an Apple Remote Desktop key of 65535 bytes', () => v38().u8(1, 30).u16(2, 65535), /key length 65535 is outside 8-1024 bytes/],
  ['a MSLogonII group with a prime of 0', () => v38().u8(1, 113).bytes(new Uint8Array(24)), /Diffie-Hellman numbers are unusable/],
  ['a desktop name pseudo-rect of 2^32-1 bytes', () => rect(connected(), -307, 0, 0).u32(0xffffffff), /desktop name of 4294967295 bytes exceeds 65536/],
  ['a desktop resize to 65535x65535', () => rect(connected(), -223, 65535, 65535), /new framebuffer size 65535x65535 exceeds the limits/],
  ['a rich cursor of 65535x65535', () => rect(connected(), -239, 65535, 65535), /cursor of 65535x65535 exceeds 512x512/],
  ['an X cursor of 65535x65535', () => rect(connected(), -240, 65535, 65535), /cursor of 65535x65535 exceeds 512x512/],
  ['a Raw rect outside the framebuffer', () => rect(connected(), 0, 10, 10, 60, 0), /Raw rect 10x10\+60\+0 outside the 64x48 framebuffer/],
  ['a Raw rect at 65535,65535', () => rect(connected(), 0, 65535, 65535, 65535, 65535), /outside the 64x48 framebuffer/],
  ['a Fence payload of 255 bytes', () => connected().u8(248, 0, 0, 0).u32(0).u8(255), /Fence payload of 255 bytes exceeds 64/],
  ['a ZRLE rect announcing 4 GiB of data', () => rect(connected(), 16, 64, 48).u32(0xffffffff), /ZRLE/],
  ['a Zlib rect announcing 4 GiB of data', () => rect(connected(), 6, 64, 48).u32(0xffffffff), /Zlib/],
]

const unknown: [string, () => Bytes, string, RegExp][] = [
  ['an unknown server message type', () => connected().u8(77), 'RFB_ERR_MESSAGE_TYPE', /unknown server message type 77/],
  ['a rect in an encoding nobody knows', () => rect(connected(), 12345, 1, 1), 'RFB_ERR_ENCODING', /encoding 12345, which we did not ask for/],
  ['a QEMU server message (audio) that was never enabled', () => connected().u8(255, 1, 0, 2), 'RFB_ERR_MESSAGE_TYPE', /unknown server message type 255/],
  ['a file-transfer message (UltraVNC, 7) that was never asked for', () => connected().u8(7, 0, 0, 0), 'RFB_ERR_MESSAGE_TYPE', /type 7/],
  ['a version line that is not RFB', () => new Bytes().text('SSH-2.0-Open\n'), 'RFB_ERR_NOT_RFB', /not a VNC server/],
  ['RFB 002.000', () => new Bytes().text('RFB 002.000\n'), 'RFB_ERR_VERSION', /unsupported protocol version 2\.0/],
  ['a 3.3 security type Tessera does not speak', () => new Bytes().text('RFB 003.003\n').u32(77), 'RFB_ERR_SECURITY', /requires security type 77, which/],
]

describe('a server that stalls before the session starts', () => {
  it.each(stalls)('%s: the handshake times out', async (_, bytes) => {
    const r = await meet(bytes().build())
    expect(r.error?.code).toBe('RFB_ERR_TIMEOUT')
    expect(r.error?.message).toMatch(/did not complete the handshake within 0\.4 s/)
    expect(r.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS)
  })
})

describe('a server that stops in the middle of a message', () => {
  it.each(midMessage)('%s: the session ends once the stall limit passes, holding what it had', async (_, bytes) => {
    const r = await meet(bytes().build())
    expect(r.error?.code).toBe('RFB_ERR_TIMEOUT')
    expect(r.error?.message).toMatch(/stopped sending in the middle of a message/)
    expect(r.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS)
    // A 2 GiB clipboard is skipped as it streams, not held.
    expect(r.buffered).toBeLessThan(64 * 1024)
  })

  it('a server idle between messages is not timed out (an idle desktop sends nothing)', async () => {
    const port = await writesThenWaits(connected().build())
    const client = new RfbClient({ sink: new FramebufferSink(), handshakeTimeoutMs: TIMEOUT_MS, stallTimeoutMs: TIMEOUT_MS })
    await client.start(await connectTcp('127.0.0.1', port, 2000))
    await new Promise((r) => setTimeout(r, TIMEOUT_MS * 2))
    expect(client.state).toBe('connected')
    client.close()
  })
})

describe('a server that announces more than anyone may hold', () => {
  it.each(oversized)('%s: refused before it is read', async (_, bytes, message) => {
    const r = await meet(bytes().build())
    expect(r.error?.kind).toBe('protocol')
    expect(r.error?.message).toMatch(message)
    expect(r.ms).toBeLessThan(1000)
  })
})

describe('a server that sends what nobody asked for', () => {
  it.each(unknown)('%s: ends the session with its own error code', async (_, bytes, code, message) => {
    const r = await meet(bytes().build())
    expect(r.error?.code).toBe(code)
    expect(r.error?.message).toMatch(message)
    expect(r.ms).toBeLessThan(1000)
  })
})

describe('errors that quote a server stay readable', () => {
  it('a list of 255 unknown security types is named once each, and at most ten of them', async () => {
    const types = Array.from({ length: 255 }, (_, i) => 200 + (i % 40))
    const r = await meet(v38().u8(255).bytes(types).build())
    expect(r.error?.code).toBe('RFB_ERR_SECURITY')
    expect(r.error?.message).toMatch(/offers type 200, type 201, .*type 209 and 30 more$/)
    expect(r.error!.message.length).toBeLessThan(200)
  })

  it('255 VeNCrypt sub-types Tessera does not speak, the same', async () => {
    const r = await meet(v38().u8(1, 19).u8(0, 2, 0, 255).bytes(new Uint8Array(1020).fill(9)).build())
    expect(r.error?.code).toBe('RFB_ERR_SECURITY')
    expect(r.error?.message).toBe('no common security type: the server (in VeNCrypt) offers type 151587081')
  })

  it('a refusal reason of 64 KiB full of terminal escapes is cut short and shown escaped', async () => {
    const reason = `\x1b]0;owned\x07\x1b[2J${'x'.repeat(65_000)}\nFAKE LINE`
    const b = Buffer.from(reason, 'latin1')
    const r = await meet(v38().u8(0).u32(b.length).bytes(b).build())
    expect(r.error?.code).toBe('RFB_ERR_SERVER_REFUSED')
    expect(r.error?.message).toMatch(/^the server refused the connection \(it said “\\u001b\]0;owned\\u0007\\u001b\[2Jxxx/)
    // eslint-disable-next-line no-control-regex
    expect(r.error?.message).not.toMatch(/[\x00-\x1f]/)
    expect(r.error!.message.length).toBeLessThan(400)
  })
})

describe('a server that makes the viewer work for little', () => {
  /** One update of `n` DesktopSize rects alternating between 16384x4096 (256 MiB of pixels) and 1x1. */
  const resizes = (n: number): Bytes => {
    const b = connected().u8(0, 0).u16(n)
    for (let i = 0; i < n; i++) b.u16(0, 0, i % 2 ? 1 : 16384, i % 2 ? 1 : 4096).s32(-223)
    return b
  }

  it('65535 desktop resizes in one update (786 KB) are refused at the 17th, before minutes of reallocation', async () => {
    const r = await meet(resizes(65535).build())
    expect(r.error?.code).toBe('RFB_ERR_LIMIT')
    expect(r.error?.message).toMatch(/changed the desktop size more than 16 times in one update/)
    expect(r.ms).toBeLessThan(1500)
  })

  it('up to 16 resizes in one update are served', async () => {
    const port = await writesThenWaits(resizes(16).build())
    const client = new RfbClient({ sink: new FramebufferSink(), handshakeTimeoutMs: TIMEOUT_MS, stallTimeoutMs: TIMEOUT_MS })
    const updated = new Promise<void>((r) => client.once('update', () => r()))
    await client.start(await connectTcp('127.0.0.1', port, 2000))
    await updated
    expect([client.width, client.height]).toEqual([1, 1])
    expect(client.state).toBe('connected')
    client.close()
  })

  it('65535 empty rects in one update are parsed and the session stays up', async () => {
    const b = connected().u8(0, 0).u16(65535)
    for (let i = 0; i < 65535; i++) b.u16(0, 0, 0, 0).s32(0)
    const port = await writesThenWaits(b.build())
    const client = new RfbClient({ sink: new FramebufferSink(), handshakeTimeoutMs: TIMEOUT_MS, stallTimeoutMs: TIMEOUT_MS })
    const updated = new Promise<number>((r) => client.once('update', (u) => r(u.rects)))
    await client.start(await connectTcp('127.0.0.1', port, 2000))
    expect(await updated).toBe(65535)
    expect(client.state).toBe('connected')
    client.close()
  })

  it('a colour map of 65535 entries starting at 65535 is taken without writing past the map', async () => {
    const port = await writesThenWaits(
      connected()
        .u8(1, 0)
        .u16(65535, 65535)
        .bytes(new Uint8Array(65535 * 6))
        .u8(2)
        .build(),
    )
    const client = new RfbClient({ sink: new FramebufferSink(), handshakeTimeoutMs: TIMEOUT_MS, stallTimeoutMs: TIMEOUT_MS })
    const bell = new Promise<void>((r) => client.once('bell', () => r()))
    await client.start(await connectTcp('127.0.0.1', port, 2000))
    await bell
    expect(client.state).toBe('connected')
    client.close()
  })
})

describe('clipboard bombs', () => {
  /** A ServerCutText carrying an Extended Clipboard message (negative length). */
  const extended = (b: Bytes, body: Uint8Array): Bytes => b.u8(3, 0, 0, 0).s32(-body.length).bytes(body)

  /** Runs the engine against `bytes`, which end in a Bell; resolves with the clipboard texts seen once that bell rings. */
  async function untilBell(bytes: Uint8Array): Promise<{ texts: number[]; ms: number; rssGrowth: number }> {
    const port = await writesThenWaits(bytes)
    const client = new RfbClient({ sink: new FramebufferSink(), handshakeTimeoutMs: TIMEOUT_MS, stallTimeoutMs: TIMEOUT_MS })
    const texts: number[] = []
    client.on('clipboard', (t) => texts.push(t.length))
    const rss = process.memoryUsage.rss()
    const started = performance.now()
    const rang = new Promise<void>((resolve, reject) => {
      client.once('bell', () => resolve())
      client.once('close', (e) => reject(e ?? new Error('closed')))
    })
    await client.start(await connectTcp('127.0.0.1', port, 2000))
    await rang
    const out = { texts, ms: performance.now() - started, rssGrowth: process.memoryUsage.rss() - rss }
    client.close()
    return out
  }

  it('an Extended Clipboard text inflating to 64 MiB (65 KB on the wire) is dropped, and the session goes on', async () => {
    const caps = new Bytes()
      .u32(0x1f000000 | 1)
      .u32(1 << 20)
      .build()
    const size = 64 << 20
    const bomb = deflateSync(Buffer.concat([new Bytes().u32(size).build(), Buffer.alloc(size, 0x41)]))
    const provide = Buffer.concat([new Bytes().u32(0x10000000 | 1).build(), bomb])
    const small = deflateSync(Buffer.concat([new Bytes().u32(3).build(), Buffer.from('ok\0')]))
    const stream = extended(extended(extended(connected(), caps), provide), Buffer.concat([new Bytes().u32(0x10000000 | 1).build(), small])).u8(2)
    const r = await untilBell(stream.build())
    console.log(`extended clipboard bomb (${bomb.length} bytes): dropped in ${r.ms.toFixed(0)} ms, RSS +${(r.rssGrowth / 2 ** 20).toFixed(1)} MiB`)
    expect(r.texts).toEqual([2])
    expect(r.ms).toBeLessThan(2000)
    expect(r.rssGrowth).toBeLessThan(64 * 2 ** 20)
  })

  it('a plain ServerCutText of 32 MiB is skipped as it streams, and the session goes on', async () => {
    const size = 32 << 20
    const stream = Buffer.concat([connected().u8(3, 0, 0, 0).u32(size).build(), Buffer.alloc(size, 0x42), Uint8Array.of(2)])
    const r = await untilBell(stream)
    console.log(`plain 32 MiB clipboard: skipped in ${r.ms.toFixed(0)} ms`)
    expect(r.texts).toEqual([])
    expect(r.ms).toBeLessThan(5000)
  })
})
