import { createHash, randomBytes } from 'node:crypto'
import { AuthFailedError, RfbProtocolError, UnsupportedError } from '../errors'
import { type ServerKeyVerdict, verifyServerKey } from '../trust/server-key'
import { EAX_BLOCK } from './aes-eax'
import { EaxMessages, EaxStreamReader } from './aes-eax-stream'
import { effectivePolicy } from './policy'
import { refuseUnprovenReader } from './unproven-reader'
import {
  CLIENT_KEY_BITS,
  type ClientRsaKey,
  RSA_MAX_BITS,
  RSA_MIN_BITS,
  type WireRsaKey,
  encodeRsaKey,
  generateClientKey,
  keyBytes,
  publicKeyObject,
  rsaDecrypt,
  rsaEncrypt,
} from './rsa-aes-keys'
import { type HandshakeIo, type SecurityContext, type SecurityHandler, type SecurityOutcome, SecurityType } from './security-handler'

/** What the server asks for after the key exchange (TigerVNC Security.h secTypeRA2UserPass, secTypeRA2Pass). */
export const enum RsaAesSubtype {
  UserPass = 1,
  Pass = 2,
}

/** The four RSA-AES types: AES-128 with SHA-1 or AES-256 with SHA-256, the whole session encrypted or only the authentication. */
interface Variant {
  name: string
  aesBytes: 16 | 32
  hash: 'sha1' | 'sha256'
  wholeSession: boolean
}

const VARIANTS: Record<number, Variant> = {
  [SecurityType.RA2]: { name: 'RA2', aesBytes: 16, hash: 'sha1', wholeSession: true },
  [SecurityType.RA2ne]: { name: 'RA2ne', aesBytes: 16, hash: 'sha1', wholeSession: false },
  [SecurityType.RA2_256]: { name: 'RA2_256', aesBytes: 32, hash: 'sha256', wholeSession: true },
  [SecurityType.RA2ne_256]: { name: 'RA2ne_256', aesBytes: 32, hash: 'sha256', wholeSession: false },
}

/** The RSA-AES security types, in the policy's order of preference. */
export const RSA_AES_TYPES: readonly number[] = [SecurityType.RA2_256, SecurityType.RA2, SecurityType.RA2ne_256, SecurityType.RA2ne]

/** Where the exchange gets its key pair and random bytes; tests fix both to replay byte vectors. */
export interface RsaAesDeps {
  clientKey(bits: number): Promise<ClientRsaKey>
  random(n: number): Uint8Array
}

const DEFAULT_DEPS: RsaAesDeps = { clientKey: generateClientKey, random: (n) => randomBytes(n) }

const u16 = (b: Uint8Array): number => (b[0] << 8) | b[1]
const u32 = (b: Uint8Array): number => ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0

function digest(hash: Variant['hash'], ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(hash)
  for (const p of parts) h.update(p)
  return h.digest()
}

/** Plaintext read from the server's encrypted messages during the exchange, message by message through `io`. */
class SealedReads {
  private buf: Uint8Array = new Uint8Array(0)

  constructor(
    private readonly io: HandshakeIo,
    readonly messages: EaxMessages,
  ) {}

  async read(n: number): Promise<Uint8Array> {
    while (this.buf.length < n) {
      const at = this.io.position
      const head = await this.io.read(2)
      const sealed = await this.io.read(u16(head) + EAX_BLOCK)
      this.buf = Buffer.concat([this.buf, this.messages.open(head, sealed, at)])
    }
    const out = this.buf.subarray(0, n)
    this.buf = this.buf.subarray(n)
    return out
  }

  /** Plaintext received but not yet read. */
  get leftover(): number {
    return this.buf.length
  }
}

/**
 * Security types 5 (RA2), 6 (RA2ne), 129 (RA2_256) and 130 (RA2ne_256), as TigerVNC 1.13+
 * speaks them (common/rfb/CSecurityRSAAES): the server's RSA key (u32 bits, n, e; 1024-8192
 * bits), judged by fingerprint like a certificate; our own fresh 2048-bit key (TigerVNC matches
 * the server's length, but servers take any); each side sends 16 or 32 random bytes under the other's key (PKCS#1 v1.5); the AES-EAX keys are
 * SHA-1 (128) or SHA-256 (256) of the two randoms, in one order per direction; both sides prove
 * they saw the same keys with a hash of both keys; the server names a subtype (user name and
 * password, or password only) and the credentials follow as u8-length strings. RA2 and RA2_256
 * then wrap the rest of the session (SecurityResult onwards) in the AES-EAX message stream;
 * RA2ne and RA2ne_256 encrypt only the exchange, and the session continues in clear.
 */
export class RsaAesSecurity implements SecurityHandler {
  readonly name: string
  private readonly variant: Variant

  constructor(
    readonly type: number,
    private readonly ctx: SecurityContext,
    private readonly deps: RsaAesDeps = DEFAULT_DEPS,
  ) {
    const v = VARIANTS[type]
    if (!v) throw new RangeError(`security type ${type} is not an RSA-AES type`)
    this.variant = v
    this.name = v.name
  }

  async authenticate(io: HandshakeIo): Promise<SecurityOutcome> {
    const { trace, options } = this.ctx
    const v = this.variant
    if (v.wholeSession && !io.encryptStream) throw new UnsupportedError(`${v.name} encrypts the session, which this connection cannot do`, 'RFB_ERR_SECURITY')

    // The server's public key; its length bounds every read that follows.
    const at = io.position
    const bits = u32(await io.read(4))
    if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) {
      throw new RfbProtocolError(`the server's RSA key has ${bits} bits, outside the ${RSA_MIN_BITS}-${RSA_MAX_BITS} RSA-AES allows`, at)
    }
    const size = keyBytes(bits)
    const ne = await io.read(2 * size)
    const server: WireRsaKey = { bits, n: ne.subarray(0, size), e: ne.subarray(size) }
    // The modulus must fill its bytes (a padded block is as long as it) and the exponent be odd and above 1.
    const e = server.e
    if (server.n[0] === 0 || (e[e.length - 1] & 1) === 0 || e.every((b, i) => b === 0 || (i === e.length - 1 && b === 1))) {
      throw new RfbProtocolError(`the server's RSA key is not a valid key`, at)
    }
    let serverPublic
    try {
      serverPublic = publicKeyObject(server)
    } catch (e) {
      throw new RfbProtocolError(`the server's RSA key is not a valid key (${(e as Error).message})`, at)
    }
    const serverMessage = encodeRsaKey(server)
    trace('in', `${v.name} server key RSA ${bits}`)

    // Before anything of ours is sent, the key must pass (or the policy must not need it to).
    const known = options.host !== undefined && options.port !== undefined
    const keyOptions = options.serverKeys ?? {}
    const verdict: ServerKeyVerdict = await verifyServerKey(
      serverMessage,
      bits,
      options.host ?? '',
      options.port ?? 0,
      known ? keyOptions : { ...keyOptions, store: undefined },
      effectivePolicy(options).policy === 'require-server-auth',
    )
    trace('in', `${v.name} server key SHA-256 ${verdict.fingerprintSha256} (${verdict.how})`)

    const client = await this.deps.clientKey(CLIENT_KEY_BITS)
    const clientMessage = encodeRsaKey(client.wire)
    const clientRandom = this.deps.random(v.aesBytes)
    let sealedRandom
    try {
      sealedRandom = rsaEncrypt(serverPublic, size, clientRandom, (n) => this.deps.random(n))
    } catch (e) {
      throw new RfbProtocolError(`the server's RSA key cannot encrypt (${(e as Error).message})`, at)
    }
    // Key and random in one write: neatvnc (wayvnc 0.9) switches to AES when it has read our random
    // and treats bytes already read with it as plain, so a random arriving apart from the key, with
    // our hash right behind it, failed about one handshake in 50 there.
    const keyAndRandom = new Uint8Array(clientMessage.length + 2 + size)
    keyAndRandom.set(clientMessage)
    keyAndRandom[clientMessage.length] = size >> 8
    keyAndRandom[clientMessage.length + 1] = size & 0xff
    keyAndRandom.set(sealedRandom, clientMessage.length + 2)
    io.write(keyAndRandom)
    // Our key's size, not the server's: the two differ whenever the server's key is not 2048 bits.
    trace('out', `${v.name} client key RSA ${client.wire.bits} and random sealed with the server key`)

    const at2 = io.position
    const len = u16(await io.read(2))
    const ourSize = keyBytes(client.wire.bits)
    // neatvnc drops the leading zero bytes of its ciphertext (one random in 256 is 255 bytes long):
    // the same number, so it is padded back; anything longer than our key cannot be one.
    if (len === 0 || len > ourSize) throw new RfbProtocolError(`the server's random is ${len} bytes long, not the ${ourSize} of our key`, at2)
    const sealedServerRandom = new Uint8Array(ourSize)
    sealedServerRandom.set(await io.read(len), ourSize - len)
    const serverRandom = rsaDecrypt(client.privateKey, sealedServerRandom, v.aesBytes)
    if (!serverRandom) throw new RfbProtocolError("the server's random does not decrypt under our key", at2)
    trace('in', `${v.name} server random sealed with the client key`)

    const keyLength = v.aesBytes
    const fromServer = new EaxMessages(digest(v.hash, clientRandom, serverRandom).subarray(0, keyLength))
    const toServer = new EaxMessages(digest(v.hash, serverRandom, clientRandom).subarray(0, keyLength))
    const reads = new SealedReads(io, fromServer)

    // Each side hashes both keys, its own second: equal hashes mean nobody swapped a key on the way.
    io.write(toServer.seal(digest(v.hash, clientMessage, serverMessage)))
    trace('out', `${v.name} hash of both keys`)
    const expected = digest(v.hash, serverMessage, clientMessage)
    const at3 = io.position
    const got = await reads.read(expected.length)
    if (!Buffer.from(got).equals(Buffer.from(expected))) {
      throw new RfbProtocolError(
        `the ${v.name} key exchange does not check out (the server's hash of both keys differs): someone may be intercepting the connection`,
        at3,
      )
    }
    trace('in', `${v.name} server's hash of both keys matches ours`)

    const at4 = io.position
    const subtype = (await reads.read(1))[0]
    if (subtype !== RsaAesSubtype.UserPass && subtype !== RsaAesSubtype.Pass) throw new RfbProtocolError(`unknown ${v.name} subtype ${subtype}`, at4)
    if (reads.leftover > 0)
      throw new RfbProtocolError(`the server sent ${reads.leftover} bytes after the ${v.name} subtype before our credentials`, io.position)
    trace('in', `${v.name} subtype ${subtype === RsaAesSubtype.UserPass ? 'user name and password' : 'password'}`)

    // The credentials travel encrypted, to a server whose key someone may have vouched for.
    const vouched = verdict.how !== 'unverified'
    const outer = options.transport
    this.ctx.link = { encrypted: true, ...(vouched ? { verification: verdict.how } : {}) }
    const wantsUser = subtype === RsaAesSubtype.UserPass
    const creds = await io.credentials(wantsUser ? 'username-password' : 'password')
    if (wantsUser && !creds.username) throw new AuthFailedError(`the server asks for a user name and password (${v.name}), and no user name was given`)
    // The server's end of the AES channel reads the password as typed: it must be the server (unproven-reader.ts).
    if (!vouched && !outer?.verified) {
      const { algorithm, fingerprintSha256: sha256, shortFingerprint: short } = verdict
      refuseUnprovenReader(options, { kind: 'server-key', type: v.name, algorithm, sha256, short })
    }
    const user = new TextEncoder().encode(wantsUser ? (creds.username ?? '') : '')
    const pass = new TextEncoder().encode(creds.password)
    if (user.length > 255 || pass.length > 255) throw new AuthFailedError(`${v.name} carries user names and passwords of at most 255 bytes`)
    const msg = new Uint8Array(2 + user.length + pass.length)
    msg[0] = user.length
    msg.set(user, 1)
    msg[1 + user.length] = pass.length
    msg.set(pass, 2 + user.length)
    io.write(toServer.seal(msg))
    trace('out', `${v.name} credentials`)
    if (v.wholeSession) {
      // Nothing can arrive in between: the server waits for the credentials just written.
      const reader = new EaxStreamReader(fromServer, io.position)
      io.encryptStream!({ open: (chunk) => reader.push(chunk), seal: (data) => toServer.sealAll(data) })
    }

    return {
      name: v.name,
      innerType: this.type,
      encrypted: v.wholeSession || outer !== undefined,
      serverVerified: v.wholeSession ? vouched : (outer?.verified ?? false),
      verification: v.wholeSession ? verdict.how : outer?.verification,
      tls: outer?.tls,
      certificate: outer?.certificate,
      serverKey: { algorithm: verdict.algorithm, fingerprintSha256: verdict.fingerprintSha256, shortFingerprint: verdict.shortFingerprint, how: verdict.how },
    }
  }
}
