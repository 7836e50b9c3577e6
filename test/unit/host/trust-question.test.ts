import { describe, expect, it } from 'vitest'
import { describeCertificate } from '../../../src/main/rfb/trust/certificate'
import { opensslAvailable, testCerts } from '../security/certs'
import { TrustQuestion, certificateQuestion, hostKeyQuestion, serverKeyQuestion } from '../../../src/main/host/trust-question'
import type { CertificateInfo } from '../../../src/main/rfb/trust/certificate'
import type { TrustPrompt } from '../../../src/main/rfb/trust/verify'

const notWaiting = new Error('no decision pending')

describe('TrustQuestion', () => {
  it('remembers a fingerprint trusted "once" for the rest of the session, and nothing else', async () => {
    const q = new TrustQuestion(() => notWaiting)
    expect(q.trusts('AA')).toBe(false)
    const always = q.ask('AA')
    q.answer('always')
    expect(await always).toBe('always')
    // "always" belongs to the trust store, not to the session.
    expect(q.trusts('AA')).toBe(false)
    const once = q.ask('BB')
    q.answer('once')
    expect(await once).toBe('once')
    expect(q.trusts('BB')).toBe(true)
    expect(q.trusts('AA')).toBe(false)
  })

  it('closing rejects a waiting question; a verdict nobody asked for is refused', async () => {
    const q = new TrustQuestion(() => notWaiting)
    expect(() => q.answer('once')).toThrow(notWaiting)
    expect(q.waiting).toBe(false)
    const asked = q.ask('CC')
    expect(q.waiting).toBe(true)
    q.release()
    expect(q.waiting).toBe(false)
    expect(await asked).toBe('reject')
    expect(q.trusts('CC')).toBe(false)
    expect(() => q.answer('once')).toThrow(notWaiting)
  })

  it('builds the session.trust and session.hostKey events the renderer shows', () => {
    const certificate: CertificateInfo = {
      sha256: 'AB:CD',
      subject: 'CN=localhost',
      issuer: 'CN=ca',
      validFrom: 'Jan 1 2026',
      validTo: 'Jan 1 2027',
      names: ['localhost'],
      altNames: 'DNS:localhost',
      selfSigned: false,
      hostnameMatches: true,
      currentlyValid: true,
      validity: 'valid',
    }
    const prompt: TrustPrompt = { server: '127.0.0.1:5901', host: 'localhost', certificate, reason: 'self-signed certificate' }
    expect(certificateQuestion('s1', prompt)).toEqual({
      sessionId: 's1',
      server: '127.0.0.1:5901',
      certificate: {
        fingerprintSha256: 'AB:CD',
        subject: 'CN=localhost',
        issuer: 'CN=ca',
        validFrom: 'Jan 1 2026',
        validTo: 'Jan 1 2027',
        reason: 'self-signed certificate',
        host: 'localhost',
        names: ['localhost'],
        nameMatches: true,
        validity: 'valid',
      },
    })
    expect(hostKeyQuestion('s2', { host: 'gw.example', port: 2222, algorithm: 'ssh-ed25519', fingerprintSha256: 'SHA256:xyz' })).toEqual({
      sessionId: 's2',
      server: 'gw.example:2222',
      hostKey: { algorithm: 'ssh-ed25519', fingerprintSha256: 'SHA256:xyz', knownAlgorithms: [] },
    })
    // A key of another type than the known one carries the warning's facts.
    expect(
      hostKeyQuestion('s3', { host: 'gw', port: 22, algorithm: 'ssh-rsa', fingerprintSha256: 'SHA256:abc', knownAlgorithms: ['ssh-ed25519'] }).hostKey,
    ).toEqual({ algorithm: 'ssh-rsa', fingerprintSha256: 'SHA256:abc', knownAlgorithms: ['ssh-ed25519'] })
  })

  it.skipIf(!opensslAvailable)('carries, from real certificates, whether they name the host typed and whether they are in date', () => {
    const c = testCerts()
    const event = (der: Uint8Array, host: string) =>
      certificateQuestion('s', { server: `${host}:5900`, host, certificate: describeCertificate(der, host), reason: 'self-signed certificate' }).certificate
    expect(event(c.selfA.der, 'localhost')).toMatchObject({ host: 'localhost', names: ['localhost', '127.0.0.1'], nameMatches: true, validity: 'valid' })
    expect(event(c.selfOther.der, '127.0.0.1')).toMatchObject({ host: '127.0.0.1', names: ['otherhost'], nameMatches: false, validity: 'valid' })
    expect(event(c.expired.der, 'localhost')).toMatchObject({
      nameMatches: true,
      validity: 'expired',
      validFrom: 'Jan  1 00:00:00 2020 GMT',
      validTo: 'Jan  1 00:00:00 2021 GMT',
    })
    expect(event(c.notYetValid.der, 'localhost')).toMatchObject({ validity: 'not-yet-valid', validFrom: 'Jan  1 00:00:00 2090 GMT' })
  })
})

describe('the RSA-AES server key question', () => {
  it('says whether it waits, so one session.hostKey answer reaches the right question', async () => {
    const q = new TrustQuestion(() => notWaiting)
    expect(q.waiting).toBe(false)
    const asked = q.ask('AA:BB')
    expect(q.waiting).toBe(true)
    q.answer('once')
    expect(await asked).toBe('once')
    expect(q.waiting).toBe(false)
  })

  it('is a session.hostKey event marked as the VNC server own key, with both fingerprints', () => {
    const e = serverKeyQuestion('s1', {
      server: 'example.org:5900',
      host: 'example.org',
      port: 5900,
      algorithm: 'RSA 2048',
      fingerprintSha256: 'AB:CD',
      shortFingerprint: '01-02-03-04-05-06-07-08',
    })
    expect(e).toEqual({
      sessionId: 's1',
      server: 'example.org:5900',
      hostKey: { algorithm: 'RSA 2048', fingerprintSha256: 'AB:CD', knownAlgorithms: [], of: 'rsa-aes', shortFingerprint: '01-02-03-04-05-06-07-08' },
    })
  })
})
