import type { TrustCertificate, TrustHostKey } from '@shared/contract'

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
  const names = list.length > 0 ? list.join(', ') : '(no host names)'
  const name: TrustLine =
    cert.nameMatches === true
      ? { text: `The certificate is issued for ${cert.host}, the address you connected to.`, warning: false }
      : {
          text:
            `Warning: this certificate is issued for ${names}, not for ${cert.host}, the address you connected to. ` +
            'It may belong to another server, or someone may be pretending to be this one.',
          warning: true,
        }
  const from = certificateDate(cert.validFrom, locale)
  const to = certificateDate(cert.validTo, locale)
  let validity: TrustLine
  if (cert.validity === 'valid') validity = { text: `The certificate is valid until ${to}.`, warning: false }
  else if (cert.validity === 'expired') {
    validity = {
      text:
        `Warning: this certificate expired on ${to}. An expired certificate may have been replaced, or its key may have leaked. ` +
        'You can trust it for this session only.',
      warning: true,
    }
  } else if (cert.validity === 'not-yet-valid') {
    validity = {
      text:
        `Warning: this certificate is not valid until ${from}. If this computer's clock is right, something is wrong. ` +
        'You can trust it for this session only.',
      warning: true,
    }
  } else validity = { text: 'Warning: the certificate’s dates could not be checked. You can trust it for this session only.', warning: true }
  return { names, name, period: `${from} – ${to}`, validity }
}

/**
 * OpenSSH's "different kind of key" warning for a host key of another type than the ones known
 * for the server; null on a first contact (nothing known).
 */
export function hostKeyTypeWarning(key: TrustHostKey): string | null {
  const known = Array.isArray(key.knownAlgorithms) ? key.knownAlgorithms.filter((a) => typeof a === 'string') : []
  if (known.length === 0) return null
  return (
    `Warning: this computer knows a different kind of key for this server (${known.join(', ')}), but it now presented ` +
    `a key of type ${key.algorithm}. This could be an attack: someone may be pretending to be the server. ` +
    'Continue only if its administrator tells you the keys were changed and the fingerprint below is right.'
  )
}
