import { AuthFailedError } from '../errors'
import type { HandshakeIo, SecurityHandler } from './security-handler'

/** VeNCrypt sub-type 256. */
export const PLAIN_SUBTYPE = 256

/**
 * VeNCrypt Plain authentication (VeNCrypt spec §6.2.19.256, also run inside TLSPlain and
 * X509Plain): u32 user-name length, u32 password length, the user name, the password, in UTF-8.
 * Without TLS this sends the password in clear, which is why the policy ranks it last.
 * `beforeSending` may refuse once the credentials are known, before any byte of them goes out.
 */
export async function sendPlainCredentials(io: HandshakeIo, beforeSending?: () => void): Promise<void> {
  const { username, password } = await io.credentials('username-password')
  // Throws to stop here, with the credentials at hand and none of them written.
  beforeSending?.()
  if (!username) throw new AuthFailedError('the server asks for a user name and password (Plain), and no user name was given')
  const user = new TextEncoder().encode(username)
  const pass = new TextEncoder().encode(password)
  const msg = new Uint8Array(8 + user.length + pass.length)
  const view = new DataView(msg.buffer)
  view.setUint32(0, user.length)
  view.setUint32(4, pass.length)
  msg.set(user, 8)
  msg.set(pass, 8 + user.length)
  io.write(msg)
}

/** Plain as a handler, for callers that run it on its own. */
export class PlainSecurity implements SecurityHandler {
  readonly type = PLAIN_SUBTYPE
  readonly name = 'Plain'

  async authenticate(io: HandshakeIo): Promise<void> {
    await sendPlainCredentials(io)
  }
}
