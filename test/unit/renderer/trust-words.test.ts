import { describe, expect, it } from 'vitest'
import { certificateQuestion } from '../../../src/main/host/trust-question'
import { describeCertificate } from '../../../src/main/rfb/trust/certificate'
import { certificateDate, certificateFacts, certificateMayBeRemembered, hostKeyTypeWarning } from '../../../src/renderer/src/lib/trust-words'
import type { TrustCertificate } from '../../../src/shared/contract'
import { opensslAvailable, testCerts } from '../security/certs'

/** The payload main sends for `der` when the user typed `host`: the facts the dialog words. */
const payload = (der: Uint8Array, host: string): TrustCertificate =>
  certificateQuestion('s', { server: `${host}:5900`, host, certificate: describeCertificate(der, host), reason: 'self-signed certificate' }).certificate

describe.skipIf(!opensslAvailable)('the certificate dialog’s words, from real certificates', () => {
  it('a certificate for the host typed, in date: no warning, and nothing says "verified"', () => {
    const f = certificateFacts(payload(testCerts().selfA.der, 'localhost'), 'en-US')
    expect(f.names).toBe('localhost, 127.0.0.1')
    expect(f.name).toEqual({ text: 'The certificate is issued for localhost, the address you connected to.', warning: false })
    expect(f.validity.warning).toBe(false)
    expect(f.validity.text).toMatch(/^The certificate is valid until [A-Z][a-z]{2} \d+, 2\d{3}\.$/)
    expect(JSON.stringify(f)).not.toMatch(/verified/i)
  })

  it('a certificate for another host: a warning naming both', () => {
    const f = certificateFacts(payload(testCerts().selfOther.der, '127.0.0.1'), 'en-US')
    expect(f.name.warning).toBe(true)
    expect(f.name.text).toBe(
      'Warning: this certificate is issued for otherhost, not for 127.0.0.1, the address you connected to. ' +
        'It may belong to another server, or someone may be pretending to be this one.',
    )
    expect(f.validity.warning).toBe(false)
  })

  it('an expired certificate: a warning with the date it expired, trusted for this session only', () => {
    const p = payload(testCerts().expired.der, 'localhost')
    const f = certificateFacts(p, 'en-US')
    expect(f.validity).toEqual({
      text:
        'Warning: this certificate expired on Jan 1, 2021. An expired certificate may have been replaced, or its key may have leaked. ' +
        'You can trust it for this session only.',
      warning: true,
    })
    expect(f.period).toBe('Jan 1, 2020 – Jan 1, 2021')
    expect(f.name.warning).toBe(false)
    expect(certificateMayBeRemembered(p)).toBe(false)
  })

  it('a certificate not valid yet: a warning with the date it starts, and a hint about the clock; this session only', () => {
    const p = payload(testCerts().notYetValid.der, 'localhost')
    const f = certificateFacts(p, 'en-US')
    expect(f.validity.warning).toBe(true)
    expect(f.validity.text).toBe(
      "Warning: this certificate is not valid until Jan 1, 2090. If this computer's clock is right, something is wrong. You can trust it for this session only.",
    )
    expect(certificateMayBeRemembered(p)).toBe(false)
    expect(certificateMayBeRemembered(payload(testCerts().selfA.der, 'localhost'))).toBe(true)
  })
})

describe('the certificate dialog’s words, from a malformed payload', () => {
  it('anything but a match and "valid" is a warning', () => {
    const odd = { fingerprintSha256: 'AA', subject: '', issuer: '', validFrom: 'x', validTo: 'y', reason: 'r', host: 'h' } as unknown as TrustCertificate
    const f = certificateFacts(odd, 'en-US')
    expect(f.name.warning).toBe(true)
    expect(f.names).toBe('(no host names)')
    expect(f.validity).toEqual({ text: 'Warning: the certificate’s dates could not be checked. You can trust it for this session only.', warning: true })
    expect(certificateMayBeRemembered(odd)).toBe(false)
    expect(certificateDate('not a date')).toBe('not a date')
  })
})

describe('the host key dialog’s warning', () => {
  it('is OpenSSH\'s "different kind of key" for a key of another type than the known one', () => {
    const text = hostKeyTypeWarning({ algorithm: 'ecdsa-sha2-nistp256', fingerprintSha256: 'SHA256:x', knownAlgorithms: ['ssh-ed25519'] })
    expect(text).toContain('knows a different kind of key for this server (ssh-ed25519)')
    expect(text).toContain('presented a key of type ecdsa-sha2-nistp256')
    expect(text).toContain('This could be an attack')
  })

  it('is absent on a first contact', () => {
    expect(hostKeyTypeWarning({ algorithm: 'ssh-ed25519', fingerprintSha256: 'SHA256:x', knownAlgorithms: [] })).toBeNull()
  })
})
