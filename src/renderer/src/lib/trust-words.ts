import type { SessionInfo, TrustCertificate, TrustHostKey } from '@shared/contract'
import { t } from './i18n'

/*
 * The words of the "do you trust this server?" dialogs, kept out of the components so they can
 * be tested without a browser. Main decides the facts (does the certificate name the host, is it
 * in date, is a host key of a new type); here they become sentences. Anything but the one good
 * value is worded as a warning, so a malformed payload can only make the dialog more cautious.
 */

/** One line of the certificate facts: `warning` lines are shown as warnings, never as reassurance. */
export interface TrustLine {
  text: string
  warning: boolean
}

/** What the certificate dialog says about a certificate's names and dates. */
export interface CertificateFacts {
  /** "localhost, 127.0.0.1", or a note that it names nothing. */
  names: string
  /** Whether the certificate is for the host the user typed. */
  name: TrustLine
  /** "Jan 1, 2026 – Jan 1, 2027", the period as dates. */
  period: string
  /** Whether today lies within that period. */
  validity: TrustLine
}

/** A certificate date as a short local date ("Jan 1, 2027"), or as sent when it cannot be read. */
export function certificateDate(text: string, locale?: string): string {
  const t = Date.parse(text)
  return Number.isNaN(t) ? text : new Date(t).toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })
}

/**
 * Whether the dialog may offer "Always trust": only for a certificate in date. Main keeps an
 * out-of-date one for the session only whatever the answer (rfb/trust/verify.ts).
 */
export function certificateMayBeRemembered(cert: TrustCertificate): boolean {
  return cert.validity === 'valid'
}

/** The certificate dialog's sentences about names and dates. */
export function certificateFacts(cert: TrustCertificate, locale?: string): CertificateFacts {
  const list = Array.isArray(cert.names) ? cert.names.filter((n) => typeof n === 'string') : []
  const names = list.length > 0 ? list.join(', ') : t('dialogs.trust.noHostNames')
  const name: TrustLine =
    cert.nameMatches === true
      ? { text: t('dialogs.trust.nameMatches', { host: cert.host }), warning: false }
      : { text: t('dialogs.trust.nameMismatch', { names, host: cert.host }), warning: true }
  const from = certificateDate(cert.validFrom, locale)
  const to = certificateDate(cert.validTo, locale)
  let validity: TrustLine
  if (cert.validity === 'valid') validity = { text: t('dialogs.trust.validUntil', { date: to }), warning: false }
  else if (cert.validity === 'expired') validity = { text: t('dialogs.trust.expired', { date: to }), warning: true }
  else if (cert.validity === 'not-yet-valid') validity = { text: t('dialogs.trust.notYetValid', { date: from }), warning: true }
  else validity = { text: t('dialogs.trust.datesUnknown'), warning: true }
  return { names, name, period: `${from} – ${to}`, validity }
}

/**
 * OpenSSH's "different kind of key" warning for a host key of another type than the ones known
 * for the server; null on a first contact (nothing known).
 */
export function hostKeyTypeWarning(key: TrustHostKey): string | null {
  const known = Array.isArray(key.knownAlgorithms) ? key.knownAlgorithms.filter((a) => typeof a === 'string') : []
  if (known.length === 0) return null
  return t('dialogs.trust.keyTypeChanged', { known: known.join(', '), algorithm: key.algorithm })
}

/** How a connected session's link is protected, for the lock in the session toolbar. */
export interface ProtectionWords {
  icon: 'lock' | 'unlock'
  text: string
  /** 'secure': verified; 'partial': encrypted, identity accepted by the user or not checked; 'insecure': not encrypted. */
  cls: 'secure' | 'partial' | 'insecure'
}

/**
 * The toolbar's words for a session's protection. "Verified" only when a CA, a remembered
 * identity or a known host key vouches for the server; one the user trusted for this session
 * only is said to be accepted by the user, never verified.
 */
export function protectionWords(info: Pick<SessionInfo, 'encrypted' | 'verified' | 'security'> & { acceptedOnce?: boolean }): ProtectionWords {
  const security = info.security
  if (info.encrypted && info.verified) return { icon: 'lock', text: t('dialogs.protection.verified', { security }), cls: 'secure' }
  if (info.encrypted && info.acceptedOnce) return { icon: 'lock', text: t('dialogs.protection.acceptedOnce', { security }), cls: 'partial' }
  if (info.encrypted) return { icon: 'lock', text: t('dialogs.protection.unverified', { security }), cls: 'partial' }
  return { icon: 'unlock', text: t('dialogs.protection.plain', { security }), cls: 'insecure' }
}
