import { describe, expect, it } from 'vitest'
import { AuthFailedError, RfbError, ServerRefusedError, UnsupportedError } from '../../../src/main/rfb/errors'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { negotiateVersion } from '../../../src/main/rfb/handshake'
import { vncAuthResponse } from '../../../src/main/rfb/security/vnc-auth'
import { type ConnectionInfo, RfbClient } from '../../../src/main/rfb/session'
import { Bytes } from '../../helpers/bytes'
import { FakeTransport, settle } from '../../helpers/fake-transport'
import { chunkings } from '../../helpers/feed'
import { serverInit } from '../../helpers/server-script'

const CHALLENGE = Uint8Array.from({ length: 16 }, (_, i) => i * 7 + 1)

interface Outcome {
  info?: ConnectionInfo
  error?: RfbError
  sent: Buffer
}

/** Plays `script` as the server in the given chunks, answering the password prompt with `password`. */
async function handshake(chunks: Uint8Array[], password: string | null = 'secret'): Promise<Outcome> {
  const t = new FakeTransport()
  const client = new RfbClient({ sink: new FramebufferSink(), credentials: async () => (password === null ? null : { password }) })
  const started = client.start(t).then(
    (info) => ({ info }),
    (error: RfbError) => ({ error }),
  )
  for (const c of chunks) {
    t.serve(c)
    await settle()
  }
  await settle()
  const result = await Promise.race([started, new Promise<Outcome>((r) => setTimeout(() => r({ sent: t.sent() }), 50))])
  client.close()
  return { ...result, sent: t.sent() }
}

/** Runs the script whole, byte by byte and split at every offset; all must agree. */
async function everySplit(script: Uint8Array, password: string | null = 'secret'): Promise<Outcome> {
  let first: Outcome | null = null
  for (const { label, chunks } of chunkings(script)) {
    const o = await handshake(chunks, password)
    if (!first) first = o
    else {
      expect(o.info?.init, label).toEqual(first.info?.init)
      expect(o.error?.message, label).toEqual(first.error?.message)
      expect(o.sent.equals(first.sent), `bytes sent differ when fed ${label}`).toBe(true)
    }
  }
  return first!
}

describe('protocol version', () => {
  it.each([
    ['RFB 003.003\n', 3],
    ['RFB 003.005\n', 3],
    ['RFB 003.006\n', 3],
    ['RFB 003.007\n', 7],
    ['RFB 003.008\n', 8],
    ['RFB 003.889\n', 8],
    ['RFB 004.000\n', 8],
    ['RFB 005.000\n', 8],
  ])('answers %j with 3.%i', (line, minor) => {
    expect(negotiateVersion(Buffer.from(line, 'latin1')).minor).toBe(minor)
  })

  it.each(['RFB 002.000\n', 'RFB 003.002\n'])('refuses the old version %j', (line) => {
    expect(() => negotiateVersion(Buffer.from(line, 'latin1'))).toThrow(UnsupportedError)
  })

  it.each(['HTTP/1.1 400', 'SSH-2.0-Open', 'RFB 3.8\n\n\n\n\n', 'RFB 003.008\r'])('calls %j not a VNC server', (line) => {
    expect(() => negotiateVersion(Buffer.from(line.padEnd(12, ' '), 'latin1'))).toThrow(/not a VNC server/)
  })
})

describe('handshake', () => {
  it('3.8 with None: sends version, type, shared flag; reads ServerInit', async () => {
    const script = new Bytes()
      .text('RFB 003.008\n')
      .u8(2, 1, 2)
      .u32(0)
      .bytes(serverInit(800, 600, 'Ünïcode desk'))
      .build()
    const o = await everySplit(script)
    expect(o.error).toBeUndefined()
    expect(o.info!.init).toMatchObject({ width: 800, height: 600, name: 'Ünïcode desk' })
    expect(o.info!.securityType).toBe(1)
    expect(o.sent.subarray(0, 14).toString('latin1')).toBe('RFB 003.008\n\x01\x01')
  })

  it('3.8 with VNC auth sends the DES response and accepts SecurityResult 0', async () => {
    const script = new Bytes()
      .text('RFB 003.008\n')
      .u8(1, 2)
      .bytes(CHALLENGE)
      .u32(0)
      .bytes(serverInit(10, 10, 'x'))
      .build()
    const o = await everySplit(script)
    expect(o.error).toBeUndefined()
    expect(o.sent.subarray(12, 13)[0]).toBe(2)
    expect(Buffer.from(o.sent.subarray(13, 29)).equals(Buffer.from(vncAuthResponse(CHALLENGE, 'secret')))).toBe(true)
    expect(o.sent[29]).toBe(1) // shared flag
  })

  it("3.8 auth failure reports the server reason verbatim, without QEMU's trailing NUL", async () => {
    const reason = 'Authentication failed\0'
    const script = new Bytes().text('RFB 003.008\n').u8(1, 2).bytes(CHALLENGE).u32(1).u32(reason.length).text(reason).build()
    const o = await everySplit(script)
    expect(o.error).toBeInstanceOf(AuthFailedError)
    expect((o.error as AuthFailedError).reason).toBe('Authentication failed')
  })

  it('3.7 with None has no SecurityResult', async () => {
    const script = new Bytes()
      .text('RFB 003.007\n')
      .u8(1, 1)
      .bytes(serverInit(2, 2, 'seven'))
      .build()
    const o = await everySplit(script)
    expect(o.info!.init.name).toBe('seven')
    expect(o.info!.minor).toBe(7)
  })

  it('3.7 auth failure has no reason string', async () => {
    const script = new Bytes().text('RFB 003.007\n').u8(1, 2).bytes(CHALLENGE).u32(1).build()
    const o = await everySplit(script)
    expect(o.error).toBeInstanceOf(AuthFailedError)
    expect((o.error as AuthFailedError).reason).toBe('')
  })

  it('3.3: the server dictates None; no type byte is sent back', async () => {
    const script = new Bytes()
      .text('RFB 003.003\n')
      .u32(1)
      .bytes(serverInit(3, 3, 'old'))
      .build()
    const o = await everySplit(script)
    expect(o.info!.init.name).toBe('old')
    expect(o.sent.subarray(0, 13).toString('latin1')).toBe('RFB 003.003\n\x01')
  })

  it('3.3: dictated VNC auth, then a failure without reason', async () => {
    const script = new Bytes().text('RFB 003.003\n').u32(2).bytes(CHALLENGE).u32(1).build()
    const o = await everySplit(script)
    expect(o.error).toBeInstanceOf(AuthFailedError)
  })

  it('3.3: a connection failure (type 0) carries the reason', async () => {
    const script = new Bytes().text('RFB 003.003\n').u32(0).string('Too many security failures').build()
    const o = await everySplit(script)
    expect(o.error).toBeInstanceOf(ServerRefusedError)
    expect(o.error!.message).toContain('Too many security failures')
  })

  it('3.8: zero security types means refusal with a reason', async () => {
    const script = new Bytes().text('RFB 003.008\n').u8(0).string('go away').build()
    const o = await everySplit(script)
    expect(o.error).toBeInstanceOf(ServerRefusedError)
    expect((o.error as ServerRefusedError).reason).toBe('go away')
  })

  it('no common security type is reported as unsupported, naming what was offered', async () => {
    // Ultra (17) and SASL (20): types Tessera does not speak (30 and 113, used here before, it now does).
    const script = new Bytes().text('RFB 003.008\n').u8(2, 17, 20).build()
    const o = await everySplit(script)
    expect(o.error).toBeInstanceOf(UnsupportedError)
    expect(o.error!.message).toContain('Ultra, SASL')
  })

  it('a missing password ends with an auth error and sends no response', async () => {
    const script = new Bytes().text('RFB 003.008\n').u8(1, 2).bytes(CHALLENGE).build()
    const o = await handshake([script], null)
    expect(o.error?.kind).toBe('auth')
    expect(o.sent.length).toBe(13)
  })

  it("accepts x11vnc's true-colour flag 255", async () => {
    const script = new Bytes()
      .text('RFB 003.008\n')
      .u8(1, 1)
      .u32(0)
      .bytes(serverInit(5, 5, 'x11', undefined, 255))
      .build()
    const o = await handshake([script])
    expect(o.info!.init.pixelFormat.trueColour).toBe(true)
  })

  it('refuses a framebuffer larger than 16384 on a side', async () => {
    const script = new Bytes()
      .text('RFB 003.008\n')
      .u8(1, 1)
      .u32(0)
      .bytes(serverInit(20000, 10, 'big'))
      .build()
    const o = await handshake([script])
    expect(o.error?.kind).toBe('protocol')
    expect(o.error!.message).toMatch(/20000x10/)
  })

  it('refuses a desktop name length beyond the limit without waiting for it', async () => {
    const init = serverInit(5, 5, '')
    const b = Buffer.from(init)
    b.writeUInt32BE(0x7fffffff, 20)
    const script = new Bytes().text('RFB 003.008\n').u8(1, 1).u32(0).bytes(b).build()
    const o = await handshake([script])
    expect(o.error?.message).toMatch(/desktop name of 2147483647 bytes/)
  })

  it('a server that hangs up mid-handshake gives a network error', async () => {
    const t = new FakeTransport()
    const client = new RfbClient({ sink: new FramebufferSink() })
    const p = client.start(t)
    t.serve(Buffer.from('RFB 003.008\n'))
    t.end()
    await expect(p).rejects.toMatchObject({ kind: 'network' })
  })
})

describe('handshake deadline', () => {
  it('does not count the time a person takes to type the password', async () => {
    const t = new FakeTransport()
    const client = new RfbClient({
      sink: new FramebufferSink(),
      handshakeTimeoutMs: 50,
      credentials: () => new Promise((r) => setTimeout(() => r({ password: 'x' }), 120)),
    })
    const started = client.start(t)
    t.serve(new Bytes().text('RFB 003.008\n').u8(1, 2).bytes(CHALLENGE).build())
    await new Promise((r) => setTimeout(r, 140))
    expect(client.state).toBe('handshake')
    t.serve(
      new Bytes()
        .u32(0)
        .bytes(serverInit(2, 2, 'slow typist'))
        .build(),
    )
    await expect(started).resolves.toMatchObject({ init: { name: 'slow typist' } })
    client.close()
  })

  it('still times out a server that stalls before asking', async () => {
    const t = new FakeTransport()
    const client = new RfbClient({ sink: new FramebufferSink(), handshakeTimeoutMs: 40 })
    const started = client.start(t)
    await expect(started).rejects.toMatchObject({ kind: 'timeout' })
  })
})
