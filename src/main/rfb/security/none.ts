import { type HandshakeIo, type SecurityHandler, SecurityType } from './security-handler'

/** Security type None (RFC 6143 §7.2.1): nothing to exchange. */
export class NoneSecurity implements SecurityHandler {
  readonly type = SecurityType.None
  readonly name = 'None'

  async authenticate(_io: HandshakeIo): Promise<void> {}
}
