import type { ProtectionLevel } from '@shared/profile'
import { UnsupportedError } from '../errors'
import type { LinkSecurity } from './security-handler'

/** What each level means, as the refusal says it. */
const LEVEL_WORDS: Record<ProtectionLevel, string> = {
  none: 'not encrypted',
  encrypted: 'encrypted, without the server proving who it is',
  authenticated: 'encrypted, with the server proving who it is',
}

/**
 * The level of the link a password would travel over: clear text, encrypted, or encrypted to a
 * server someone vouched for (a CA, the trust store, the user once or always, a known SSH host key).
 */
export function linkLevel(link: LinkSecurity | undefined): ProtectionLevel {
  if (!link?.encrypted) return 'none'
  return link.verification !== undefined && link.verification !== 'unverified' ? 'authenticated' : 'encrypted'
}

/** The level a finished handshake reached (its `encrypted` and `serverVerified`). */
export function reachedLevel(result: { encrypted: boolean; serverVerified: boolean }): ProtectionLevel {
  if (!result.encrypted) return 'none'
  return result.serverVerified ? 'authenticated' : 'encrypted'
}

/**
 * The server offers less protection than connections to it reached before (a profile remembers
 * that, or a certificate for it is in the trust store): what a man in the middle stripping TLS
 * looks like. Thrown before anything is sent; the user may accept the change deliberately.
 */
export class DowngradeError extends UnsupportedError {
  constructor(
    /** "host:port" */
    readonly server: string,
    readonly expected: ProtectionLevel,
    /** The best the server offers now. */
    readonly offered: ProtectionLevel,
    /** The security types offered, for people, e.g. "VeNCrypt (Plain)". */
    readonly offeredTypes: string,
  ) {
    super(
      `refusing to connect: connections to ${server} were ${LEVEL_WORDS[expected]}, but now it offers only a connection that is ${LEVEL_WORDS[offered]} ` +
        `(${offeredTypes}). Someone may be intercepting the connection, or the server's settings were changed. Nothing secret was sent.`,
      'RFB_ERR_DOWNGRADE',
    )
  }
}
