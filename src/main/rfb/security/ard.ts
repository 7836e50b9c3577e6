import { createCipheriv, createHash, randomBytes } from 'node:crypto'
import { AuthFailedError, RfbProtocolError } from '../errors'
import { dhExchange } from './dh'
import { type HandshakeIo, type SecurityHandler, SecurityType } from './security-handler'

/** Limits on the server's DH numbers: Apple sends 128 bytes; far larger ones only cost us time. */
export const ARD_MIN_KEY_BYTES = 8
export const ARD_MAX_KEY_BYTES = 1024

/** User name and password each take 64 bytes of the block, a NUL included. */
const FIELD = 64

/** Random test seam: the private exponent's bytes and the block's filler. */
export type RandomSource = (n: number) => Uint8Array

/** The UTF-8 of `s`, cut to `max` bytes. */
function utf8(s: string, max: number): Uint8Array {
  return new TextEncoder().encode(s).subarray(0, max)
}

/**
 * Security type 30, Apple Remote Desktop's Diffie-Hellman authentication, as macOS Screen Sharing,
 * noVNC and LibVNCClient speak it: the server sends u16 generator, u16 key length, the prime and
 * its public value; the client answers with a 128-byte block (user name and password, each
 * NUL-terminated in its 64-byte half, the rest random) encrypted with AES-128-ECB under the MD5
 * of the shared secret, followed by its own public value. Only the credentials are hidden, and
 * nothing proves who the server is: the policy ranks it as not encrypted.
 */
export class ArdSecurity implements SecurityHandler {
  readonly type = SecurityType.AppleARD
  readonly name = 'Apple Remote Desktop'

  constructor(private readonly random: RandomSource = (n) => randomBytes(n)) {}

  async authenticate(io: HandshakeIo): Promise<void> {
    const at = io.position
    const head = await io.read(4)
    const generator = head.subarray(0, 2)
    const size = (head[2] << 8) | head[3]
    if (size < ARD_MIN_KEY_BYTES || size > ARD_MAX_KEY_BYTES) {
      throw new RfbProtocolError(`the server's Diffie-Hellman key length ${size} is outside ${ARD_MIN_KEY_BYTES}-${ARD_MAX_KEY_BYTES} bytes`, at)
    }
    const numbers = await io.read(2 * size)
    let dh
    try {
      dh = dhExchange(generator, numbers.subarray(0, size), numbers.subarray(size), size, this.random)
    } catch (e) {
      throw new RfbProtocolError(`the server's Diffie-Hellman numbers are unusable: ${(e as Error).message}`, at)
    }
    const { username, password } = await io.credentials('username-password')
    if (!username) throw new AuthFailedError('the server asks for a user name and password (Apple Remote Desktop), and no user name was given')
    const block = this.random(2 * FIELD)
    const user = utf8(username, FIELD - 1)
    const pass = utf8(password, FIELD - 1)
    block.set(user)
    block[user.length] = 0
    block.set(pass, FIELD)
    block[FIELD + pass.length] = 0
    const key = createHash('md5').update(dh.secret).digest()
    const cipher = createCipheriv('aes-128-ecb', key, null)
    cipher.setAutoPadding(false)
    const sealed = Buffer.concat([cipher.update(block), cipher.final()])
    block.fill(0)
    io.write(sealed)
    io.write(dh.publicKey)
  }
}
