import type { ProtectionLevel } from '@shared/profile'
import { UnsupportedError } from '../errors'
import type { CertificateInfo } from '../trust/certificate'
import { serverKey } from '../trust/store'
import type { ServerKeyOptions } from '../trust/server-key'
import type { ServerVerification, TrustOptions } from '../trust/verify'
import { anonymousTlsSupport } from '../transport/tls-socket'
import type { SshSessionInfo } from '../transport/ssh'
import type { TlsSessionInfo } from '../transport/transport'
import { DowngradeError } from './downgrade'

/**
 * What a connection insists on.
 * - 'require-server-auth': encrypted, and the server proved who it is (a certificate that a CA,
 *   the trust store or the user vouches for). Only X509 types, or `vncs://` with such a certificate.
 * - 'require-encryption': encrypted, possibly anonymously (VeNCrypt TLS* types, or X509 whose
 *   certificate nobody vouches for).
 * - 'allow-unencrypted' (default): anything the server offers that Tessera speaks.
 */
export type SecurityPolicy = 'require-server-auth' | 'require-encryption' | 'allow-unencrypted'

export const SECURITY_POLICIES: readonly SecurityPolicy[] = ['require-server-auth', 'require-encryption', 'allow-unencrypted']

/** What the connection is already protected by before RFB starts (`vncs://`: TLS from the first byte; an SSH tunnel). */
export interface TransportSecurity {
  tls?: TlsSessionInfo
  /** The SSH tunnel, whose host key was verified before it carried any RFB byte. */
  ssh?: SshSessionInfo
  verified: boolean
  verification: ServerVerification
  certificate?: CertificateInfo
}

/** Everything security negotiation needs besides the bytes; the session passes it to the handshake. */
export interface SecurityOptions {
  policy?: SecurityPolicy
  /** The server as the user named it: TLS server name and trust-store key. */
  host?: string
  port?: number
  trust?: TrustOptions
  /** How RSA-AES server keys are judged (their own store, beside the certificates). */
  serverKeys?: ServerKeyOptions
  transport?: TransportSecurity
  /** Overrides the runtime check for anonymous TLS (tests; Electron builds know they lack it). */
  anonymousTls?: boolean
  /**
   * The protection connections to this server reached before (its profile remembers it): a
   * server offering less is refused with a DowngradeError. When set, it replaces the trust
   * store's hint (a certificate trusted "always" for host:port), which the profile's level
   * already includes; absent: only that hint applies.
   */
  expected?: ProtectionLevel
  /**
   * Lets VeNCrypt Plain send the password where others could read it: without TLS (in clear), and,
   * when `nobodyToAsk`, over anonymous TLS (TLSPlain) or to a certificate nobody vouched for (X509Plain).
   */
  allowPlainPassword?: boolean
  /**
   * Nobody can be asked about the server's identity (the command line): a password the other end
   * reads as typed goes only to a proven server (security/unproven-reader.ts).
   */
  nobodyToAsk?: boolean
}

/** How well a security type protects the session at best. */
export const enum Protection {
  Plain = 0,
  /** Encrypted, server identity unknown (anonymous TLS). */
  Encrypted = 1,
  /** Encrypted with a certificate that can prove the server's identity. */
  Verifiable = 2,
}

export type CredentialNeed = 'none' | 'required' | 'unknown'

/** One option the server offers, at any level (top-level type, VeNCrypt sub-type, Tight auth type). */
export interface Candidate {
  code: number
  name: string
  protection: Protection
  credentials: CredentialNeed
  /** Set when this runtime cannot speak it (anonymous TLS under BoringSSL). */
  unusable?: string
}

/**
 * Wire codes and what they give. Codes 1 and 2 mean None and VNC Authentication at the top
 * level, as VeNCrypt sub-types (VeNCrypt 0.2: "1 to 255 are reserved for standard RFB types")
 * and as Tight auth capabilities, so one table serves all three. Order = preference among equals.
 */
const KNOWN: readonly Omit<Candidate, 'unusable'>[] = [
  { code: 260, name: 'X509None', protection: Protection.Verifiable, credentials: 'none' },
  { code: 261, name: 'X509Vnc', protection: Protection.Verifiable, credentials: 'required' },
  { code: 262, name: 'X509Plain', protection: Protection.Verifiable, credentials: 'required' },
  { code: 19, name: 'VeNCrypt', protection: Protection.Verifiable, credentials: 'unknown' },
  // RSA-AES: the whole session under AES-EAX, the server proven by its key (trusted on first use or pinned).
  { code: 129, name: 'RA2_256', protection: Protection.Verifiable, credentials: 'required' },
  { code: 5, name: 'RA2', protection: Protection.Verifiable, credentials: 'required' },
  { code: 257, name: 'TLSNone', protection: Protection.Encrypted, credentials: 'none' },
  { code: 258, name: 'TLSVnc', protection: Protection.Encrypted, credentials: 'required' },
  { code: 259, name: 'TLSPlain', protection: Protection.Encrypted, credentials: 'required' },
  // RA2ne: only the key exchange and the credentials are encrypted; the session itself travels in clear.
  { code: 130, name: 'RA2ne_256', protection: Protection.Plain, credentials: 'required' },
  { code: 6, name: 'RA2ne', protection: Protection.Plain, credentials: 'required' },
  { code: 16, name: 'Tight', protection: Protection.Plain, credentials: 'unknown' },
  { code: 2, name: 'VNC Authentication', protection: Protection.Plain, credentials: 'required' },
  // Apple's and UltraVNC's DH logins hide the password (AES-128, DES over a 64-bit group), not the
  // session; after VNC authentication because they also ask for a user name.
  { code: 30, name: 'Apple Remote Desktop', protection: Protection.Plain, credentials: 'required' },
  { code: 113, name: 'MSLogonII', protection: Protection.Plain, credentials: 'required' },
  // Plain without TLS sends the password in clear: below VNC auth, which at least hides it.
  { code: 256, name: 'Plain', protection: Protection.Plain, credentials: 'required' },
  { code: 1, name: 'None', protection: Protection.Plain, credentials: 'none' },
]

const ANONYMOUS_TLS = new Set([257, 258, 259])

/**
 * VeNCrypt Plain and TLSPlain: user name and password as typed, readable by whoever ends the
 * encryption below them (nobody's in clear; anyone's under anonymous TLS). X509Plain is judged
 * once its certificate is (unproven-reader.ts).
 */
const READABLE_PASSWORD = new Set([256, 259])

/**
 * Apple Remote Desktop and MSLogonII: the password encrypted to whoever ends an unauthenticated
 * Diffie-Hellman exchange, a man in the middle as well; like TLSPlain where nobody can be asked.
 */
const DH_LOGINS = new Set([30, 113])

const POLICY_ORDER: readonly SecurityPolicy[] = ['allow-unencrypted', 'require-encryption', 'require-server-auth']

const POLICY_FOR_LEVEL: Record<ProtectionLevel, SecurityPolicy> = {
  none: 'allow-unencrypted',
  encrypted: 'require-encryption',
  authenticated: 'require-server-auth',
}

/** The level a security type's protection gives (Protection's values in order). */
function levelOf(p: Protection): ProtectionLevel {
  return p >= Protection.Verifiable ? 'authenticated' : p >= Protection.Encrypted ? 'encrypted' : 'none'
}

/** Builds candidates for the codes we speak out of `offered`, in the server's order; unknown codes are dropped. */
export function candidatesFor(offered: readonly number[], allowed: readonly number[], opts: SecurityOptions): Candidate[] {
  const anon = opts.anonymousTls ?? anonymousTlsSupport().supported
  const out: Candidate[] = []
  for (const code of offered) {
    const known = KNOWN.find((k) => k.code === code)
    if (!known || !allowed.includes(code) || out.some((c) => c.code === code)) continue
    const c: Candidate = { ...known }
    if (ANONYMOUS_TLS.has(code) && !anon) {
      const s = anonymousTlsSupport()
      c.unusable = s.supported ? 'anonymous TLS is disabled' : s.reason
    }
    out.push(c)
  }
  return out
}

/**
 * The policy in force: the one asked for, raised (`raised`) to what this server reached before
 * (`expected`, from the profile) or, without that, to server authentication when a certificate
 * for it is in the trust store. `expected` says what the raise stands for.
 */
export function effectivePolicy(opts: SecurityOptions): { policy: SecurityPolicy; why?: string; raised: boolean; expected?: ProtectionLevel } {
  const asked = opts.policy ?? 'allow-unencrypted'
  let floor: { policy: SecurityPolicy; why: string; expected: ProtectionLevel } | undefined
  const key = opts.host !== undefined && opts.port !== undefined ? serverKey(opts.host, opts.port) : undefined
  if (opts.expected !== undefined) {
    floor = { policy: POLICY_FOR_LEVEL[opts.expected], why: `connections to ${key ?? 'this server'} reached it before`, expected: opts.expected }
  } else if (key !== undefined && opts.trust?.store?.get(key)) {
    // Like HSTS: once a certificate is trusted "always", a server offering less is a downgrade.
    floor = { policy: 'require-server-auth', why: `a certificate for ${key} is in the trust store`, expected: 'authenticated' }
  }
  // A remembered RSA-AES key sets no floor: RA2ne remembers its key too, yet never encrypts the session.
  if (floor && POLICY_ORDER.indexOf(floor.policy) > POLICY_ORDER.indexOf(asked)) return { ...floor, raised: true }
  return { policy: asked, raised: false }
}

function transportProtection(opts: SecurityOptions): Protection {
  const t = opts.transport
  if (!t) return Protection.Plain
  return t.verified ? Protection.Verifiable : Protection.Encrypted
}

function acceptable(p: Protection, policy: SecurityPolicy): boolean {
  if (policy === 'require-server-auth') return p >= Protection.Verifiable
  if (policy === 'require-encryption') return p >= Protection.Encrypted
  return true
}

/**
 * Picks the best candidate the policy allows, or throws an UnsupportedError (RFB_ERR_POLICY or
 * RFB_ERR_SECURITY) saying what was offered and why none fits. Nothing has been sent yet then.
 *
 * Order: first every option that needs no password, then by protection (X509 > anonymous TLS >
 * plain), then the table's order. A server that admits anyone without credentials gains nothing
 * from a password, and users do not expect a prompt where other viewers connect straight away;
 * so with None on offer (and the policy allowing it) Tessera never asks. A policy that demands
 * encryption removes None first, and then a password-protected TLS type is used if it must.
 */
export function choose(candidates: readonly Candidate[], offeredNames: string, what: string, opts: SecurityOptions): Candidate {
  const { policy, why, raised, expected } = effectivePolicy(opts)
  const floor = transportProtection(opts)
  const effective = (c: Candidate): Protection => Math.max(c.protection, floor) as Protection
  const usable = candidates.filter((c) => !c.unusable)
  // Plain with nothing encrypting it puts the password on the wire as typed: only on request. Where
  // nobody can be asked, the same for an encryption whose other end nobody proved (TLSPlain).
  const readableNeeds = opts.nobodyToAsk ? Protection.Verifiable : Protection.Encrypted
  const readable = (c: Candidate): boolean => READABLE_PASSWORD.has(c.code) || (opts.nobodyToAsk === true && DH_LOGINS.has(c.code))
  const speakable = usable.filter((c) => !readable(c) || effective(c) >= readableNeeds || opts.allowPlainPassword)
  const allowed = speakable.filter((c) => acceptable(effective(c), policy))
  if (allowed.length === 0) {
    if (candidates.length === 0) {
      throw new UnsupportedError(`no common security type: ${what} offers ${offeredNames}`, 'RFB_ERR_SECURITY')
    }
    const unusable = candidates.filter((c) => c.unusable)
    if (usable.length === 0 && unusable.length > 0) {
      throw new UnsupportedError(
        `${what} offers only ${unusable.map((c) => c.name).join(', ')}, which need anonymous TLS: ${unusable[0].unusable}. ` +
          'Configure the server for X509 certificates (VeNCrypt X509None/X509Vnc/X509Plain) instead.',
        'RFB_ERR_ANON_TLS',
      )
    }
    // Less than this server reached before, yet enough for what the user asked: ask the user.
    const wouldDo = speakable.filter((c) => acceptable(effective(c), opts.policy ?? 'allow-unencrypted'))
    if (raised && expected && wouldDo.length > 0) {
      const best = Math.max(...wouldDo.map(effective)) as Protection
      throw new DowngradeError(
        opts.host !== undefined && opts.port !== undefined ? serverKey(opts.host, opts.port) : 'the server',
        expected,
        levelOf(best),
        offeredNames,
      )
    }
    if (speakable.length === 0) {
      const before = raised && expected ? 'Connections to it were encrypted before: someone may be intercepting this one. ' : ''
      const dh = usable.filter((c) => DH_LOGINS.has(c.code)).map((c) => c.name)
      const how = usable.some((c) => effective(c) >= Protection.Encrypted)
        ? 'as typed inside TLS that proves nothing about who receives it (VeNCrypt TLSPlain, or Plain in unverified TLS), which a man in the middle could read; nobody can be asked here'
        : dh.length > 0 && usable.every((c) => DH_LOGINS.has(c.code))
          ? `encrypted to whoever answers a Diffie-Hellman exchange that proves nothing about who it is (${dh.join(', ')}), which a man in the middle could read; nobody can be asked here`
          : 'unencrypted (VeNCrypt Plain without TLS), which anyone on the network could read'
      throw new UnsupportedError(
        `${what} wants the password sent ${how}. ${before}` +
          "Nothing was sent. Allow it in the connection's settings (--allow-plain-password on the command line) only if you trust every network on the way.",
        'RFB_ERR_PLAIN_REFUSED',
      )
    }
    // Raised or not, what the user asked for refuses all of it: name that, the user's own setting.
    const shown = raised ? (opts.policy ?? 'allow-unencrypted') : policy
    const need =
      shown === 'require-server-auth'
        ? 'an encrypted connection with a verifiable certificate (VeNCrypt X509*)'
        : 'an encrypted connection (VeNCrypt TLS* or X509*)'
    const because = why && !raised ? ` (${why})` : ''
    const skipped = unusable.length ? `; ${unusable.map((c) => c.name).join(', ')} unavailable: ${unusable[0].unusable}` : ''
    throw new UnsupportedError(
      `refusing to connect: the security policy '${shown}'${because} requires ${need}, but ${what} offers only ${offeredNames}${skipped}`,
      'RFB_ERR_POLICY',
    )
  }
  const rank = (c: Candidate): number[] => [c.credentials === 'required' ? 1 : 0, -effective(c), KNOWN.findIndex((k) => k.code === c.code)]
  return [...allowed].sort((a, b) => {
    const ra = rank(a)
    const rb = rank(b)
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i]
    return 0
  })[0]
}

/** Refuses a type the server dictates (RFB 3.3) when the policy does not allow it. */
export function checkDictated(candidate: Candidate, opts: SecurityOptions): void {
  choose([candidate], candidate.name, 'the server (RFB 3.3, which dictates the type)', opts)
}
