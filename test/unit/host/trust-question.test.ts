import { describe, expect, it } from 'vitest'
import { TrustQuestion, certificateQuestion, hostKeyQuestion } from '../../../src/main/host/trust-question'
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
    const asked = q.ask('CC')
    q.release()
    expect(await asked).toBe('reject')
    expect(q.trusts('CC')).toBe(false)
    expect(() => q.answer('once')).toThrow(notWaiting)
  })

  it('builds the session.trust and session.hostKey events the renderer shows', () => {
    const certificate: CertificateInfo = {
      sha256: 'AB:CD', subject: 'CN=localhost', issuer: 'CN=ca', validFrom: 'Jan 1 2026', validTo: 'Jan 1 2027',
      altNames: 'DNS:localhost', selfSigned: false, hostnameMatches: true, currentlyValid: true,
    }
    const prompt: TrustPrompt = { server: '127.0.0.1:5901', certificate, reason: 'self-signed certificate' }
    expect(certificateQuestion('s1', prompt)).toEqual({
      sessionId: 's1',
      server: '127.0.0.1:5901',
      certificate: { fingerprintSha256: 'AB:CD', subject: 'CN=localhost', issuer: 'CN=ca', validFrom: 'Jan 1 2026', validTo: 'Jan 1 2027', reason: 'self-signed certificate' },
    })
    expect(hostKeyQuestion('s2', { host: 'gw.example', port: 2222, algorithm: 'ssh-ed25519', fingerprintSha256: 'SHA256:xyz' })).toEqual({
      sessionId: 's2',
      server: 'gw.example:2222',
      hostKey: { algorithm: 'ssh-ed25519', fingerprintSha256: 'SHA256:xyz' },
    })
  })
})
