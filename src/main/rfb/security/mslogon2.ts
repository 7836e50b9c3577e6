import { randomBytes } from 'node:crypto'
import DES from 'des.js'
import { AuthFailedError, RfbProtocolError } from '../errors'
import { dhExchange } from './dh'
import { type HandshakeIo, type SecurityHandler, SecurityType } from './security-handler'
import { reverseBits } from './vnc-auth'

const USER_BYTES = 256
const PASS_BYTES = 64

/**
 * DES-CBC as UltraVNC's vncEncryptBytes2 does it: the IV is the key itself, and the key's bits
 * go in VNC's reversed order (its d3des), as for VNC authentication.
 */
function ultraDesCbc(secret: Uint8Array, data: Uint8Array): Uint8Array {
  const key = Uint8Array.from(secret, reverseBits)
  const cipher = DES.CBC.instantiate(DES.DES).create({ type: 'encrypt', key, iv: secret, padding: false })
  const out = Uint8Array.from(cipher.update(data))
  key.fill(0)
  return out
}

/** `s` as UTF-8, cut to `size - 1` bytes, NUL-terminated, the rest of `size` random. */
function field(s: string, size: number, random: (n: number) => Uint8Array): Uint8Array {
  const out = random(size)
  const bytes = new TextEncoder().encode(s).subarray(0, size - 1)
  out.set(bytes)
  out[bytes.length] = 0
  return out
}

/**
 * Security type 113, UltraVNC's MSLogonII: the server sends a 64-bit generator, prime and public
 * value; the client answers with its public value, then a 256-byte user name field and a 64-byte
 * password field, each DES-CBC encrypted under the 8-byte shared secret. A 64-bit group hides the
 * password from a passer-by, not from anyone who tries: the policy ranks it as not encrypted.
 */
export class MsLogon2Security implements SecurityHandler {
  readonly type = SecurityType.MSLogon2
  readonly name = 'MSLogonII'

  constructor(private readonly random: (n: number) => Uint8Array = (n) => randomBytes(n)) {}

  async authenticate(io: HandshakeIo): Promise<void> {
    const at = io.position
    const numbers = await io.read(24)
    let dh
    try {
      dh = dhExchange(numbers.subarray(0, 8), numbers.subarray(8, 16), numbers.subarray(16, 24), 8, this.random)
    } catch (e) {
      throw new RfbProtocolError(`the server's Diffie-Hellman numbers are unusable: ${(e as Error).message}`, at)
    }
    const { username, password } = await io.credentials('username-password')
    if (!username) throw new AuthFailedError('the server asks for a user name and password (MSLogonII), and no user name was given')
    const user = ultraDesCbc(dh.secret, field(username, USER_BYTES, this.random))
    const pass = ultraDesCbc(dh.secret, field(password, PASS_BYTES, this.random))
    const out = new Uint8Array(8 + USER_BYTES + PASS_BYTES)
    out.set(dh.publicKey)
    out.set(user, 8)
    out.set(pass, 8 + USER_BYTES)
    io.write(out)
  }
}
