import DES from 'des.js'
import { type HandshakeIo, type SecurityHandler, SecurityType } from './security-handler'

/** Reverses the bits of a byte: VNC auth's historical quirk for the DES key (RFC 6143 §7.2.2 errata). */
export function reverseBits(b: number): number {
  let r = 0
  for (let i = 0; i < 8; i++) r |= ((b >> i) & 1) << (7 - i)
  return r
}

/**
 * The 16-byte response to a VNC Authentication challenge: the challenge DES-encrypted (ECB) with
 * the password as key. Only the first 8 characters count; shorter passwords are padded with NULs.
 */
export function vncAuthResponse(challenge: Uint8Array, password: string): Uint8Array {
  const key = new Uint8Array(8)
  for (let i = 0; i < 8 && i < password.length; i++) key[i] = reverseBits(password.charCodeAt(i) & 0xff)
  const cipher = DES.DES.create({ type: 'encrypt', key, padding: false })
  const out = cipher.update(challenge.subarray(0, 16))
  key.fill(0)
  return Uint8Array.from(out)
}

/** Security type 2, VNC Authentication (RFC 6143 §7.2.2). */
export class VncAuthSecurity implements SecurityHandler {
  readonly type = SecurityType.VncAuth
  readonly name = 'VNC Authentication'

  async authenticate(io: HandshakeIo): Promise<void> {
    const challenge = await io.read(16)
    const { password } = await io.credentials('password')
    io.write(vncAuthResponse(challenge, password))
  }
}
