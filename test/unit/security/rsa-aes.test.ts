import { constants, createHash, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { RfbProtocolError } from '../../../src/main/rfb/errors'
import { EaxMessages, EaxStreamReader } from '../../../src/main/rfb/security/aes-eax-stream'
import type { SecurityOptions } from '../../../src/main/rfb/security/policy'
import { type ClientRsaKey, clientKeyFrom, encodeRsaKey } from '../../../src/main/rfb/security/rsa-aes-keys'
import { RsaAesSecurity } from '../../../src/main/rfb/security/rsa-aes'
import type { LinkSecurity, SecurityContext, SecurityOutcome } from '../../../src/main/rfb/security/security-handler'
import { serverKeyFingerprints } from '../../../src/main/rfb/trust/server-key'
import { MemoryTrustStore } from '../../../src/main/rfb/trust/store'
import { Bytes } from '../../helpers/bytes'
import { chunkings } from '../../helpers/feed'
import { serverInit } from '../../helpers/server-script'
import { TestHandshakeIo, settle } from './handshake-io'

const BITS = 1024
const INIT = serverInit(8, 4, 'ra2 desk')
const RESULT = new Bytes().u32(0).bytes(INIT).build()

/** Deterministic "random" bytes: SHA-256 of a seed and a counter, so every run sends the same bytes. */
function seeded(seed: string): (n: number) => Uint8Array {
  let counter = 0
  let pool = new Uint8Array(0)
  return (n) => {
    while (pool.length < n) pool = Buffer.concat([pool, createHash('sha256').update(`${seed}/${counter++}`).digest()])
    const out = pool.subarray(0, n)
    pool = pool.subarray(n)
    return Uint8Array.from(out)
  }
}

let client: ClientRsaKey
let server: ClientRsaKey

beforeAll(() => {
  const gen = () => generateKeyPairSync('rsa', { modulusLength: BITS, publicExponent: 65537 }).privateKey
  client = clientKeyFrom(gen(), BITS)
  server = clientKeyFrom(gen(), BITS)
})

interface Variant {
  type: number
  name: string
  aes: 16 | 32
  hash: 'sha1' | 'sha256'
  whole: boolean
}
const VARIANTS: Variant[] = [
  { type: 5, name: 'RA2', aes: 16, hash: 'sha1', whole: true },
  { type: 6, name: 'RA2ne', aes: 16, hash: 'sha1', whole: false },
  { type: 129, name: 'RA2_256', aes: 32, hash: 'sha256', whole: true },
  { type: 130, name: 'RA2ne_256', aes: 32, hash: 'sha256', whole: false },
]

const h = (alg: string, ...parts: Uint8Array[]): Uint8Array => {
  const x = createHash(alg)
  for (const p of parts) x.update(p)
  return x.digest()
}

/**
 * The server's side of one exchange, from the client's fixed key and the seeded randoms: `head`
 * is everything up to the subtype (the server then waits for the credentials), `tail` what
 * follows them: SecurityResult and ServerInit, sealed in two messages for RA2 (a message boundary
 * inside a field), in clear for RA2ne.
 */
function script(v: Variant, opts: { subtype?: number; badHash?: boolean; serverBits?: number; tail?: Uint8Array; shortRandom?: boolean } = {}) {
  const clientRandom = seeded('client')(v.aes)
  const serverRandom = seeded('server')(v.aes)
  const serverMsg = encodeRsaKey(server.wire)
  const clientMsg = encodeRsaKey(client.wire)
  const seal = () => publicEncrypt({ key: createPublicKey(client.privateKey), padding: constants.RSA_PKCS1_PADDING }, serverRandom)
  let sealedRandom = seal()
  // As neatvnc sends it: a ciphertext below 2^2040 without its leading zero byte (one in 256).
  if (opts.shortRandom) {
    while (sealedRandom[0] !== 0) sealedRandom = seal()
    sealedRandom = sealedRandom.subarray(1)
  }
  const toClient = new EaxMessages(h(v.hash, clientRandom, serverRandom).subarray(0, v.aes))
  const fromClient = new EaxMessages(h(v.hash, serverRandom, clientRandom).subarray(0, v.aes))
  const hash = h(v.hash, serverMsg, clientMsg)
  if (opts.badHash) hash[0] ^= 1
  const head = new Bytes()
    .bytes(opts.serverBits !== undefined ? new Bytes().u32(opts.serverBits).build() : serverMsg)
    .u16(sealedRandom.length)
    .bytes(sealedRandom)
    .bytes(toClient.seal(hash))
    .bytes(toClient.seal(Uint8Array.of(opts.subtype ?? 2)))
    .build()
  const result = opts.tail ?? RESULT
  const tail = v.whole ? Buffer.concat([toClient.seal(result.subarray(0, 3)), toClient.seal(result.subarray(3))]) : Buffer.from(result)
  return { head, tail, toClient, fromClient, clientRandom, serverMsg, clientMsg }
}

interface Run {
  io: TestHandshakeIo
  outcome?: SecurityOutcome
  error?: Error
  /** SecurityResult and ServerInit as read after the exchange, through the stream for RA2. */
  after?: Uint8Array
  /** Why that read failed. */
  readError?: Error
  /** How the credentials would travel, as the handler told the handshake (SecurityContext.link). */
  link?: LinkSecurity
}

/**
 * Runs the exchange over `head` chunks, then (as a server does once the credentials are in) the
 * `tail` chunks, and reads SecurityResult and ServerInit as the handshake would.
 */
async function run(
  v: Variant,
  head: Uint8Array[],
  tail: Uint8Array[],
  opts: { username?: string; password?: string; security?: SecurityOptions; trace?: string[] } = {},
): Promise<Run> {
  const io = new TestHandshakeIo({ credentials: async () => ({ username: opts.username, password: opts.password ?? 'secret' }) })
  const ctx: SecurityContext = { options: opts.security ?? {}, trace: (direction, line) => opts.trace?.push(`${direction} ${line}`) }
  const handler = new RsaAesSecurity(v.type, ctx, { clientKey: async () => client, random: seeded('client') })
  const done = handler.authenticate(io).then(
    (outcome) => ({ outcome }),
    (error: Error) => ({ error }),
  )
  for (const c of head) {
    io.push(c)
    await settle()
  }
  const r = await done
  if ('error' in r) return { io, error: r.error }
  // Caught at once: a damaged message rejects it while the tail is still being fed.
  const reading = io.read(RESULT.length).then(
    (b) => ({ b }),
    (e: Error) => ({ e }),
  )
  for (const c of tail) {
    io.push(c)
    await settle()
  }
  const read = await reading
  io.end()
  return { io, outcome: r.outcome, after: 'b' in read ? read.b : undefined, readError: 'e' in read ? read.e : undefined, link: ctx.link }
}

/** What the client sealed after its key and random, opened with the client-to-server key. */
function opened(sent: Buffer, fromClient: EaxMessages): Buffer {
  return Buffer.from(new EaxStreamReader(fromClient).push(sent.subarray(4 + 2 * server.wire.n.length + 2 + server.wire.n.length)))
}

describe.each(VARIANTS)('$name byte vectors', (v) => {
  it('runs the exchange fed whole, byte by byte and split everywhere, sending the same bytes each time', async () => {
    const s = script(v)
    let first: Run | null = null
    for (const { label, chunks } of chunkings(s.head)) {
      const r = await run(v, chunks, [s.tail])
      expect(r.error, label).toBeUndefined()
      expect(Buffer.from(r.after!).equals(Buffer.from(RESULT)), `SecurityResult and ServerInit when fed ${label}`).toBe(true)
      if (!first) first = r
      else expect(r.io.sent().equals(first.io.sent()), `bytes sent differ when fed ${label}`).toBe(true)
    }
    const r = first!
    expect(r.outcome!.name).toBe(v.name)
    expect(r.outcome!.encrypted).toBe(v.whole)
    expect(r.outcome!.serverKey?.fingerprintSha256).toBe(serverKeyFingerprints(s.serverMsg).sha256)
    expect(r.outcome!.serverKey?.how).toBe('unverified')
    expect(r.io.credentialRequests).toEqual(['password'])

    const sent = r.io.sent()
    // Our key, as long as the server's, then our random under the server's key (PKCS#1 v1.5).
    expect(sent.subarray(0, s.clientMsg.length).equals(Buffer.from(s.clientMsg))).toBe(true)
    const at = s.clientMsg.length
    expect(sent.readUInt16BE(at)).toBe(server.wire.n.length)
    const block = privateDecrypt({ key: server.privateKey, padding: constants.RSA_NO_PADDING }, sent.subarray(at + 2, at + 2 + server.wire.n.length))
    expect([block[0], block[1], block[block.length - v.aes - 1]]).toEqual([0, 2, 0])
    expect(block.subarray(block.length - v.aes).equals(Buffer.from(s.clientRandom))).toBe(true)
    // Sealed: our hash of both keys (ours first), then u8 0 (no user name), u8 6, the password.
    const inside = opened(sent, s.fromClient)
    const hash = h(v.hash, s.clientMsg, s.serverMsg)
    expect(inside.subarray(0, hash.length).equals(Buffer.from(hash))).toBe(true)
    expect([...inside.subarray(hash.length)]).toEqual([0, 6, ...Buffer.from('secret')])
  })

  it('reads what follows the credentials fed whole, byte by byte and split everywhere', async () => {
    const s = script(v)
    for (const { label, chunks } of chunkings(s.tail)) {
      const r = await run(v, [s.head], chunks)
      expect(r.error, label).toBeUndefined()
      expect(Buffer.from(r.after!).equals(Buffer.from(RESULT)), `SecurityResult and ServerInit when fed ${label}`).toBe(true)
    }
  })

  it('seals what the client sends after the exchange only when the whole session is encrypted', async () => {
    const s = script(v)
    const r = await run(v, [s.head], [s.tail])
    const before = r.io.sent().length
    r.io.write(Uint8Array.of(1)) // ClientInit
    const init = r.io.sent().subarray(before)
    if (v.whole) {
      expect(init.length).toBe(2 + 1 + 16)
      expect([...opened(r.io.sent(), s.fromClient).subarray(-1)]).toEqual([1])
    } else {
      expect([...init]).toEqual([1])
    }
  })

  it('sends the user name when the server asks for one (subtype 1)', async () => {
    const s = script(v, { subtype: 1 })
    const r = await run(v, [s.head], [s.tail], { username: 'alice', password: 'pw' })
    expect(r.error).toBeUndefined()
    expect(r.io.credentialRequests).toEqual(['username-password'])
    const inside = opened(r.io.sent(), s.fromClient).subarray(v.hash === 'sha1' ? 20 : 32)
    expect([...inside]).toEqual([5, ...Buffer.from('alice'), 2, ...Buffer.from('pw')])
  })

  it('where nobody can be asked, keeps the password from a key nobody vouched for; an accepted fingerprint lets it go', async () => {
    const s = script(v)
    const sha256 = serverKeyFingerprints(s.serverMsg).sha256
    const refused = await run(v, [s.head], [s.tail], { security: { nobodyToAsk: true } })
    expect(refused.error).toMatchObject({ code: 'RFB_ERR_SERVER_KEY_UNTRUSTED', fingerprintSha256: sha256 })
    expect(refused.error!.message).toContain(`--accept-fingerprint ${sha256}`)
    // Everything sealed that left: our hash of both keys, and not one byte more.
    const hashLength = v.hash === 'sha1' ? 20 : 32
    expect(opened(refused.io.sent(), s.fromClient).length).toBe(hashLength)
    expect(refused.io.sent().includes('secret')).toBe(false)

    // The same exchange again (seeded), with fresh message counters to open it.
    const again = script(v)
    const accepted = await run(v, [again.head], [again.tail], { security: { nobodyToAsk: true, serverKeys: { acceptFingerprints: [sha256] } } })
    expect(accepted.error).toBeUndefined()
    expect([...opened(accepted.io.sent(), again.fromClient).subarray(hashLength)]).toEqual([0, 6, ...Buffer.from('secret')])
  })

  it('refuses a hash of the keys that does not match, before asking for credentials', async () => {
    const s = script(v, { badHash: true })
    const r = await run(v, [s.head], [])
    expect(r.error).toBeInstanceOf(RfbProtocolError)
    expect(r.error!.message).toMatch(/does not check out/)
    expect(r.io.credentialRequests).toEqual([])
  })
})

describe('RSA-AES limits, failures and the server key', () => {
  const ra2 = VARIANTS[0]

  it.each([512, 16384, 0, 0xffffffff])('refuses a server key of %i bits before reading it', async (bits) => {
    const r = await run(ra2, [new Bytes().u32(bits).build()], [])
    expect(r.error).toBeInstanceOf(RfbProtocolError)
    expect(r.error!.message).toMatch(/outside the 1024-8192/)
    expect(r.io.sent().length).toBe(0)
  })

  it('refuses an unknown subtype', async () => {
    const r = await run(ra2, [script(ra2, { subtype: 3 }).head], [])
    expect(r.error!.message).toMatch(/unknown RA2 subtype 3/)
  })

  it('refuses a random longer than our key, or empty', async () => {
    for (const len of [server.wire.n.length + 1, 0]) {
      const s = script(ra2)
      const head = Buffer.from(s.head)
      head.writeUInt16BE(len, s.serverMsg.length)
      const r = await run(ra2, [head], [])
      expect(r.error!.message).toMatch(new RegExp(`random is ${len} bytes long`))
    }
  })

  it('takes a random sent without its leading zero byte, as neatvnc sends one in 256', async () => {
    const s = script(ra2, { shortRandom: true })
    expect(Buffer.from(s.head).readUInt16BE(s.serverMsg.length)).toBe(server.wire.n.length - 1)
    const r = await run(ra2, [s.head], [s.tail])
    expect(r.error).toBeUndefined()
    expect(r.outcome!.name).toBe('RA2')
  })

  it('ends with the stream when the random is cut short, and a short random that is not a padded one does not decrypt', async () => {
    const s = script(ra2, { shortRandom: true })
    const randomAt = s.serverMsg.length + 2
    // The server closes halfway through its random.
    const io = new TestHandshakeIo({ credentials: async () => ({ password: 'secret' }) })
    const handler = new RsaAesSecurity(ra2.type, { options: {}, trace: () => {} }, { clientKey: async () => client, random: seeded('client') })
    const done = handler.authenticate(io).catch((e: Error) => e)
    io.push(s.head.subarray(0, randomAt + 50))
    await settle()
    io.end()
    expect((await done) as Error).toMatchObject({ message: expect.stringMatching(/closed the connection/) })
    expect(io.credentialRequests).toEqual([])
    // The short random with its last byte dropped too: padded back at the front, it is another number.
    const cut = client.wire.n.length - 2
    const head = Buffer.concat([s.head.subarray(0, randomAt - 2), Uint8Array.of(cut >> 8, cut & 0xff), s.head.subarray(randomAt, randomAt + cut)])
    const r = await run(ra2, [head], [])
    expect(r.error!.message).toMatch(/does not decrypt under our key/)
    expect(r.error!.message).not.toMatch(/[0-9a-f]{16}/)
  })

  it('sends its key and its random in one write (neatvnc misreads a random that arrives apart from the key)', async () => {
    const r = await run(ra2, [script(ra2).head], [script(ra2).tail])
    const keyAndRandom = 4 + 2 * client.wire.n.length + 2 + server.wire.n.length
    expect(r.io.written[0].length).toBe(keyAndRandom)
  })

  it('ends the connection when a message of the stream was changed on the way', async () => {
    const s = script(ra2)
    const tail = Buffer.from(s.tail)
    tail[4] ^= 0x40
    const r = await run(ra2, [s.head], [tail])
    expect(r.after).toBeUndefined()
    expect(r.readError).toBeInstanceOf(RfbProtocolError)
    expect(r.readError!.message).toMatch(/does not authenticate/)
  })

  it('refuses a changed server key without asking or sending anything of ours', async () => {
    const store = new MemoryTrustStore()
    store.remember('example.org:5900', { sha256: Array(32).fill('AA').join(':') })
    const asked: string[] = []
    const security: SecurityOptions = { host: 'example.org', port: 5900, serverKeys: { store, ask: async () => (asked.push('ask'), 'always') } }
    const r = await run(ra2, [script(ra2).head], [], { security })
    expect(r.error!.message).toMatch(/has CHANGED/)
    expect((r.error as { code?: string }).code).toBe('RFB_ERR_SERVER_KEY_CHANGED')
    expect(asked).toEqual([])
    expect(r.io.sent().length).toBe(0)
  })

  it('asks about an unknown key, remembers "always", and knows it the next time', async () => {
    const store = new MemoryTrustStore()
    const prompts: string[] = []
    const security: SecurityOptions = { host: 'example.org', port: 5900, serverKeys: { store, ask: async (p) => (prompts.push(p.shortFingerprint), 'always') } }
    const first = await run(ra2, [script(ra2).head], [script(ra2).tail], { security })
    expect(first.outcome!.serverKey?.how).toBe('accepted')
    expect(first.outcome!.serverVerified).toBe(true)
    expect(first.link).toEqual({ encrypted: true, verification: 'accepted' })
    expect(prompts[0]).toMatch(/^[0-9a-f]{2}(-[0-9a-f]{2}){7}$/)
    const second = await run(ra2, [script(ra2).head], [script(ra2).tail], { security })
    expect(second.outcome!.serverKey?.how).toBe('pinned')
    expect(prompts).toHaveLength(1)
  })

  it('under require-server-auth refuses a key nobody vouches for', async () => {
    const r = await run(ra2, [script(ra2).head], [], { security: { policy: 'require-server-auth', host: 'example.org', port: 5900 } })
    expect((r.error as { code?: string }).code).toBe('RFB_ERR_SERVER_KEY_UNTRUSTED')
  })

  it("RA2ne's session is not encrypted, so a verified key does not make it verified", async () => {
    const security: SecurityOptions = { host: 'example.org', port: 5900, serverKeys: { ask: async () => 'once' } }
    const r = await run(VARIANTS[1], [script(VARIANTS[1]).head], [script(VARIANTS[1]).tail], { security })
    expect(r.outcome!.encrypted).toBe(false)
    expect(r.outcome!.serverVerified).toBe(false)
    expect(r.outcome!.serverKey?.how).toBe('once')
    // The password itself still travelled encrypted.
    expect(r.link).toEqual({ encrypted: true, verification: 'once' })
  })
})

describe('RSA-AES trace', () => {
  const ra2 = VARIANTS[0]

  it('names each step of the exchange in order, with the direction it travelled', async () => {
    const lines: string[] = []
    const r = await run(ra2, [script(ra2).head], [script(ra2).tail], { trace: lines })
    expect(r.error).toBeUndefined()
    expect(lines.map((l) => l.replace(/SHA-256 \S+/, 'SHA-256 <fingerprint>'))).toEqual([
      'in RA2 server key RSA 1024',
      'in RA2 server key SHA-256 <fingerprint> (unverified)',
      'out RA2 client key RSA 1024 and random sealed with the server key',
      'in RA2 server random sealed with the client key',
      'out RA2 hash of both keys',
      "in RA2 server's hash of both keys matches ours",
      'in RA2 subtype password',
      'out RA2 credentials',
    ])
  })

  it("gives our key's own size, not the server's, when the two differ", async () => {
    const ours = clientKeyFrom(generateKeyPairSync('rsa', { modulusLength: 1536, publicExponent: 65537 }).privateKey, 1536)
    const lines: string[] = []
    const io = new TestHandshakeIo({ credentials: async () => ({ password: 'secret' }) })
    const trace = (direction: string, line: string): void => void lines.push(`${direction} ${line}`)
    const handler = new RsaAesSecurity(ra2.type, { options: {}, trace }, { clientKey: async () => ours, random: seeded('client') })
    const done = handler.authenticate(io).catch((e: Error) => e)
    io.push(encodeRsaKey(server.wire))
    await settle()
    io.end()
    await done
    expect(lines).toContain('in RA2 server key RSA 1024')
    expect(lines).toContain('out RA2 client key RSA 1536 and random sealed with the server key')
  })
})

describe('RSA-AES server keys that are no keys', () => {
  const ra2 = VARIANTS[0]
  it.each([
    ['a modulus with a zero first byte', (k: Buffer, _size: number) => ((k[4] = 0), k)],
    ['an even exponent', (k: Buffer, size: number) => ((k[4 + 2 * size - 1] &= 0xfe), k)],
    ['the exponent 1', (k: Buffer, size: number) => (k.fill(0, 4 + size), (k[4 + 2 * size - 1] = 1), k)],
  ])('refuses %s before sending anything', async (_what, spoil) => {
    const size = server.wire.n.length
    const key = spoil(Buffer.from(encodeRsaKey(server.wire)), size)
    const r = await run(ra2, [key], [])
    expect(r.error).toBeInstanceOf(RfbProtocolError)
    expect(r.error!.message).toMatch(/not a valid key/)
    expect(r.io.sent().length).toBe(0)
  })
})
