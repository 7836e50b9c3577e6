import type { HostEvents, LinkProtection } from '@shared/contract'
import { type ConnectionProfile, type ProtectionLevel, compareProtection } from '@shared/profile'
import { type DowngradeError, linkLevel } from '../rfb/security/downgrade'
import type { LinkSecurity } from '../rfb/security/security-handler'

/**
 * How a link is protected, as the password prompt shows it. Only a CA, the trust store or a
 * known SSH host key make it "verified"; a certificate or key accepted for this session only
 * is said to be just that.
 */
export function linkProtection(link: LinkSecurity | undefined): LinkProtection {
  const encrypted = link?.encrypted ?? false
  const how = encrypted ? link?.verification : undefined
  return { encrypted, verified: how === 'ca' || how === 'pinned' || how === 'accepted', acceptedOnce: how === 'once' }
}

/**
 * Whether the profile's saved password may go over `link` without asking: only when the link
 * is at least as protected as the one the password was saved on (unknown for passwords saved
 * before Tessera kept that: no limit, as before).
 */
export function savedPasswordAllowed(p: ConnectionProfile, link: LinkSecurity | undefined): boolean {
  return compareProtection(linkLevel(link), p.passwordProtection ?? 'none') >= 0
}

/**
 * The profile fields to change now that a connection reached `reached`: the remembered level
 * rises (never falls: only the user's answer to a downgrade question lowers it), and a password
 * saved now, or one saved before the level was kept, records the level it travels over.
 * Returns null when nothing changes.
 */
export function protectionAfterConnect(p: ConnectionProfile, reached: ProtectionLevel, passwordSavedNow: boolean): Partial<ConnectionProfile> | null {
  const change: Partial<ConnectionProfile> = {}
  if (p.protection === undefined || compareProtection(reached, p.protection) > 0) change.protection = reached
  if (passwordSavedNow || (p.savePassword && p.passwordProtection === undefined)) {
    if (p.passwordProtection !== reached) change.passwordProtection = reached
  }
  return Object.keys(change).length > 0 ? change : null
}

/** The `session.downgrade` question for a refusal. */
export function downgradeQuestion(sessionId: string, err: DowngradeError): HostEvents['session.downgrade'] {
  return { sessionId, server: err.server, expected: err.expected, offered: err.offered, offeredTypes: err.offeredTypes }
}

/**
 * `p` as the renderer sent it, with the fields only the host sets taken from the stored copy:
 * the protection a server reached and the level a password was saved at are lowered only by the
 * user's answer to a downgrade question, never by an edit (or a compromised renderer).
 */
export function withHostFields(p: ConnectionProfile, before: ConnectionProfile | undefined): ConnectionProfile {
  const { protection: _p, passwordProtection: _pp, ...rest } = p
  const out: ConnectionProfile = rest
  if (before?.protection !== undefined) out.protection = before.protection
  if (before?.passwordProtection !== undefined && p.savePassword) out.passwordProtection = before.passwordProtection
  return out
}
