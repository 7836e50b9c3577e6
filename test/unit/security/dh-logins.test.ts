import { createDecipheriv, createHash, getDiffieHellman } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AuthFailedError, RfbProtocolError } from '../../../src/main/rfb/errors'
import { reverseBits } from '../../../src/main/rfb/security/vnc-auth'
import { Bytes } from '../../helpers/bytes'
import { chunkings } from '../../helpers/feed'
import { serverInit } from '../../helpers/server-script'
import { TestHandshakeIo, runScript } from './handshake-io'

const INIT = serverInit(8, 4, 'dh desk')
const ok = () => new Bytes().u32(0).bytes(INIT).build()
const io = (username = 'alice', password = 'pässword') => new TestHandshakeIo({ credentials: async () => ({ username, password }) })
const cString = (b: Uint8Array): string => new TextDecoder().decode(b.subarray(0, b.indexOf(0)))

describe('Apple Remote Desktop (type 30) against a scripted server using OpenSSL Diffie-Hellman (RFC 2409 group 2)', () => {
  // The server's side with Node's own DH, so our BigInt arithmetic is checked against OpenSSL's.
  const server = getDiffieHellman('modp2')
  server.generateKeys()
  const prime = server.getPrime()
  const size = prime.length
  // OpenSSL drops leading zero bytes (1 key in 256); the wire carries the value in exactly `size` bytes.
  const publicKey = server.getPublicKey()
  const head = new Bytes()
    .text('RFB 003.008\n')
    .u8(1, 30)
    .u16(2, size)
    .bytes(prime)
    .bytes(Buffer.concat([Buffer.alloc(size - publicKey.length), publicKey]))
    .build()

  /** What the server learns from the client's answer: it decrypts the block with the shared secret. */
  function serverReads(sent: Buffer): { username: string; password: string; blockTail: Buffer } {
    const answer = sent.subarray(13)
    expect(answer.length).toBe(128 + size)
    const secret = server.computeSecret(answer.subarray(128))
    const padded = Buffer.concat([Buffer.alloc(size - secret.length), secret])
    const d = createDecipheriv('aes-128-ecb', createHash('md5').update(padded).digest(), null)
    d.setAutoPadding(false)
    const block = Buffer.concat([d.update(answer.subarray(0, 128)), d.final()])
    return { username: cString(block.subarray(0, 64)), password: cString(block.subarray(64)), blockTail: block }
  }

  it('sends the credentials the server can decrypt, fed whole, byte by byte and split everywhere', async () => {
    const script = Buffer.concat([head, ok()])
    for (const { label, chunks } of chunkings(script)) {
      const o = await runScript(chunks, {}, io())
      expect(o.error, label).toBeUndefined()
      expect(o.result!.securityName).toBe('Apple Remote Desktop')
      expect(o.result!.encrypted).toBe(false)
      expect(serverReads(o.io.sent().subarray(0, 13 + 128 + size)), label).toMatchObject({ username: 'alice', password: 'pässword' })
    }
  })

  it('cuts user name and password to 63 bytes, each NUL-terminated in its half', async () => {
    const o = await runScript([head, ok()], {}, io('u'.repeat(100), 'p'.repeat(100)))
    const r = serverReads(o.io.sent().subarray(0, 13 + 128 + size))
    expect(r.username).toBe('u'.repeat(63))
    expect(r.password).toBe('p'.repeat(63))
  })

  it("ends with the server's reason when it refuses the login", async () => {
    const o = await runScript([head, new Bytes().u32(1).string('Authentication failed').build()], {}, io())
    expect(o.error).toBeInstanceOf(AuthFailedError)
    expect((o.error as AuthFailedError).reason).toBe('Authentication failed')
  })

  it.each([
    ['a key length beyond 1024 bytes', new Bytes().u16(2, 2000).build()],
    ['a key length of 0', new Bytes().u16(2, 0).build()],
  ])('refuses %s before reading the numbers', async (_what, bad) => {
    const o = await runScript([Buffer.concat([head.subarray(0, 14), bad])], {}, io())
    expect(o.error).toBeInstanceOf(RfbProtocolError)
    expect(o.error!.message).toMatch(/key length/)
    expect(o.io.sent().length).toBe(13)
  })

  it('refuses a server public value of 1, which would make the secret known to anyone', async () => {
    const bad = new Bytes()
      .text('RFB 003.008\n')
      .u8(1, 30)
      .u16(2, size)
      .bytes(prime)
      .bytes(Buffer.concat([Buffer.alloc(size - 1), Buffer.of(1)]))
      .build()
    const o = await runScript([bad], {}, io())
    expect(o.error!.message).toMatch(/not in the group/)
    expect(o.io.credentialRequests).toEqual([])
  })
})

describe('MSLogonII (type 113) against a scripted server from the specification', () => {
  // A 64-bit prime and generator as UltraVNC sends them; the server's secret exponent is fixed.
  const p = 0xffffffffffffffc5n
  const g = 5n
  const x = 0x1234567890abcdefn
  const pow = (b: bigint, e: bigint): bigint => {
    let r = 1n
    for (let i = 63n; i >= 0n; i--) {
      r = (r * r) % p
      if ((e >> i) & 1n) r = (r * b) % p
    }
    return r
  }
  const u64 = (v: bigint) => Buffer.from(v.toString(16).padStart(16, '0'), 'hex')
  const head = Buffer.concat([new Bytes().text('RFB 003.008\n').u8(1, 113).build(), u64(g), u64(p), u64(pow(g, x))])

  /** The server's side: the shared secret from the client's value, then DES-CBC (OpenSSL's 3DES with one key thrice is single DES). */
  function serverReads(sent: Buffer): { username: string; password: string } {
    const answer = sent.subarray(13)
    expect(answer.length).toBe(8 + 256 + 64)
    const secret = u64(pow(BigInt(`0x${answer.subarray(0, 8).toString('hex')}`), x))
    // UltraVNC's d3des takes the key bits in reversed order; the IV is the secret as it is.
    const key = Buffer.from(secret.map(reverseBits))
    const open = (data: Buffer) => {
      const d = createDecipheriv('des-ede3-cbc', Buffer.concat([key, key, key]), secret)
      d.setAutoPadding(false)
      return Buffer.concat([d.update(data), d.final()])
    }
    return { username: cString(open(answer.subarray(8, 264))), password: cString(open(answer.subarray(264))) }
  }

  it('sends the credentials the server can decrypt, fed whole, byte by byte and split everywhere', async () => {
    const script = Buffer.concat([head, ok()])
    for (const { label, chunks } of chunkings(script)) {
      const o = await runScript(chunks, {}, io('DOMAIN\\alice'))
      expect(o.error, label).toBeUndefined()
      expect(o.result!.securityName).toBe('MSLogonII')
      expect(o.result!.encrypted).toBe(false)
      expect(serverReads(o.io.sent().subarray(0, 13 + 328)), label).toEqual({ username: 'DOMAIN\\alice', password: 'pässword' })
    }
  })

  it('cuts the password to 63 bytes and the user name to 255', async () => {
    const o = await runScript([head, ok()], {}, io('u'.repeat(300), 'p'.repeat(100)))
    expect(serverReads(o.io.sent().subarray(0, 13 + 328))).toEqual({ username: 'u'.repeat(255), password: 'p'.repeat(63) })
  })

  it('refuses numbers that make no group, before asking for credentials', async () => {
    const bad = Buffer.concat([new Bytes().text('RFB 003.008\n').u8(1, 113).build(), u64(g), u64(p), u64(0n)])
    const o = await runScript([bad], {}, io())
    expect(o.error).toBeInstanceOf(RfbProtocolError)
    expect(o.io.credentialRequests).toEqual([])
  })

  it("ends with the server's reason when it refuses the login", async () => {
    const o = await runScript([head, new Bytes().u32(1).string('MSLogon: access denied').build()], {}, io())
    expect((o.error as AuthFailedError).reason).toBe('MSLogon: access denied')
  })
})

describe('Apple Remote Desktop and MSLogonII where nobody can be asked (the command line)', () => {
  // Neither proves who ends the Diffie-Hellman exchange: a man in the middle ends it as well, and
  // decrypts the password as typed (as serverReads above does), just as with anonymous TLSPlain.
  const ard = new Bytes().text('RFB 003.008\n').u8(1, 30).build()
  const msLogon = new Bytes().text('RFB 003.008\n').u8(1, 113).build()

  it.each([
    ['Apple Remote Desktop', ard],
    ['MSLogonII', msLogon],
  ])('%s is refused before anything is sent, unless --allow-plain-password', async (name, head) => {
    const o = await runScript([head], { security: { nobodyToAsk: true } }, io())
    expect(o.error).toMatchObject({ code: 'RFB_ERR_PLAIN_REFUSED' })
    expect(o.error!.message).toMatch(new RegExp(`${name}.*man in the middle.*Nothing was sent.*--allow-plain-password`))
    // The version line only: no security type chosen, no credential asked for.
    expect(o.io.sent().length).toBe(12)
    const allowed = await runScript([head], { security: { nobodyToAsk: true, allowPlainPassword: true } }, io())
    expect(allowed.io.sent()[12]).toBe(head[13])
  })

  it('goes ahead under a verified vncs:// certificate, and in the app (which asks) as before', async () => {
    const verified = { tls: { protocol: 'TLSv1.3', cipher: 'x', authorized: true }, verified: true, verification: 'ca' } as const
    for (const security of [{ nobodyToAsk: true, transport: verified }, {}]) {
      const o = await runScript([ard], { security }, io())
      expect(o.io.sent()[12]).toBe(30)
    }
  })
})
