import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { TlsSessionInfo } from '../../../src/main/rfb/transport/transport'
import { describeCertificate, normaliseFingerprint } from '../../../src/main/rfb/trust/certificate'
import { CertificateError } from '../../../src/main/rfb/trust/errors'
import { FileTrustStore, MemoryTrustStore, TrustStoreError, serverKey } from '../../../src/main/rfb/trust/store'
import { type TrustDecision, type TrustPrompt, verifyServerCertificate } from '../../../src/main/rfb/trust/verify'
import { opensslAvailable, testCerts } from './certs'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tessera-trust-'))
  dirs.push(d)
  return d
}

describe('fingerprints', () => {
  const canonical = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89'
  it.each([canonical, canonical.toLowerCase(), `SHA256:${canonical}`, `sha-256=${canonical.replace(/:/g, '')}`, canonical.replace(/:/g, ' ')])(
    'reads %j',
    (text) => {
      expect(normaliseFingerprint(text)).toBe(canonical)
    },
  )

  it.each(['', 'AB:CD', 'zz'.repeat(32), `${'ab'.repeat(32)}00`])('refuses %j', (text) => {
    expect(normaliseFingerprint(text)).toBeNull()
  })
})

describe('server keys', () => {
  it('are case-insensitive and bracket IPv6', () => {
    expect(serverKey('VNC.Example.ORG', 5900)).toBe('vnc.example.org:5900')
    expect(serverKey('::1', 5901)).toBe('[::1]:5901')
  })
})

describe('the file trust store', () => {
  // A certificate's fingerprint as Node prints it, and an SSH host key's as OpenSSH does.
  const CERT = Array(32).fill('AB').join(':')
  const SSH = `SHA256:${'a'.repeat(43)}`
  const storeFile = (servers: unknown): string => JSON.stringify({ version: 1, servers })

  it('remembers across instances, in readable JSON, leaving no temp files', () => {
    const dir = join(tempDir(), 'nested')
    new FileTrustStore(dir).remember('h:1', { sha256: CERT, subject: 'CN=h' })
    new FileTrustStore(dir).remember('h:2', { sha256: SSH })
    const again = new FileTrustStore(dir)
    expect(again.get('h:1')).toMatchObject({ sha256: CERT, subject: 'CN=h' })
    expect(again.get('h:2')?.sha256).toBe(SSH)
    expect(again.get('h:3')).toBeUndefined()
    expect(readdirSync(dir)).toEqual(['known-certificates.json'])
    const data = JSON.parse(readFileSync(join(dir, 'known-certificates.json'), 'utf8'))
    expect(data.version).toBe(1)
    expect(Object.keys(data.servers)).toEqual(['h:1', 'h:2'])
  })

  it('reports a corrupt file and never overwrites it', () => {
    const dir = tempDir()
    const file = join(dir, 'known-certificates.json')
    writeFileSync(file, '{ not json')
    const store = new FileTrustStore(dir)
    expect(() => store.get('h:1')).toThrow(TrustStoreError)
    expect(() => store.remember('h:1', { sha256: 'AA' })).toThrow(/not valid JSON/)
    expect(readFileSync(file, 'utf8')).toBe('{ not json')
  })

  it('reports an unknown format version', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'known-certificates.json'), '{"version": 9, "servers": {}}')
    expect(() => new FileTrustStore(dir).get('x:1')).toThrow(/unknown format/)
  })

  it('reads a file written by hand in the format, addedAt and subject optional', () => {
    const dir = tempDir()
    writeFileSync(
      join(dir, 'known-certificates.json'),
      storeFile({ 'h:1': { sha256: CERT }, 'h:2': { sha256: SSH, subject: 'ssh-ed25519', addedAt: '2026-01-01T00:00:00.000Z' } }),
    )
    const store = new FileTrustStore(dir)
    expect(store.get('h:1')).toEqual({ sha256: CERT })
    expect(store.get('h:2')).toEqual({ sha256: SSH, subject: 'ssh-ed25519', addedAt: '2026-01-01T00:00:00.000Z' })
    expect(store.get('constructor')).toBeUndefined()
  })

  it.each([
    ['a fingerprint that is not hex', { 'h:1': { sha256: Array(32).fill('ZZ').join(':') } }, /servers\.h:1\.sha256: has an invalid format/],
    ['a fingerprint in lower case', { 'h:1': { sha256: CERT.toLowerCase() } }, /sha256: has an invalid format/],
    ['a fingerprint of the wrong length', { 'h:1': { sha256: 'AA:BB' } }, /sha256: has an invalid format/],
    ['a fingerprint that is not a string', { 'h:1': { sha256: 42 } }, /sha256: must be a string/],
    ['an entry without a fingerprint', { 'h:1': { subject: 'CN=h' } }, /sha256: is required/],
    ['an unknown key in an entry', { 'h:1': { sha256: CERT, trusted: true } }, /trusted: is not a known field/],
    ['an over-long subject', { 'h:1': { sha256: CERT, subject: 'x'.repeat(20_000) } }, /subject: must be at most/],
    ['an entry that is not an object', { 'h:1': 'AB:CD' }, /h:1: must be an object/],
    ['servers that are not an object', 'h:1', /servers: must be an object/],
  ])('refuses (and never overwrites) a file with %s', (_what, servers, problem) => {
    const dir = tempDir()
    const file = join(dir, 'known-certificates.json')
    writeFileSync(file, storeFile(servers))
    const store = new FileTrustStore(dir)
    expect(() => store.get('h:1')).toThrow(TrustStoreError)
    expect(() => store.get('other:1')).toThrow(problem)
    expect(() => store.remember('h:2', { sha256: CERT })).toThrow(/unknown format/)
    expect(readFileSync(file, 'utf8')).toBe(storeFile(servers))
  })

  it('refuses to remember what it could not read back, leaving the file as it was', () => {
    const dir = tempDir()
    const store = new FileTrustStore(dir)
    store.remember('h:1', { sha256: CERT })
    const before = readFileSync(join(dir, 'known-certificates.json'), 'utf8')
    expect(() => store.remember('h:2', { sha256: 'not a fingerprint' })).toThrow(TrustStoreError)
    expect(() => store.remember('h:2', { sha256: CERT, subject: 'x'.repeat(20_000) })).toThrow(/subject: must be at most/)
    expect(readFileSync(join(dir, 'known-certificates.json'), 'utf8')).toBe(before)
  })
})

describe.skipIf(!opensslAvailable)('certificate description', () => {
  it('shows what a user needs to decide', () => {
    const c = testCerts()
    const info = describeCertificate(c.localhost.der, 'localhost')
    expect(info).toMatchObject({
      sha256: c.localhost.sha256,
      subject: 'CN=localhost',
      issuer: 'CN=Tessera Test CA',
      selfSigned: false,
      hostnameMatches: true,
      currentlyValid: true,
    })
    expect(info.altNames).toContain('DNS:localhost')
    expect(describeCertificate(c.localhost.der, '127.0.0.1').hostnameMatches).toBe(true)
    expect(describeCertificate(c.other.der, 'localhost').hostnameMatches).toBe(false)
    expect(describeCertificate(c.selfA.der, 'localhost').selfSigned).toBe(true)
  })

  it('says which names a certificate is for, and whether they include the host typed', () => {
    const c = testCerts()
    expect(describeCertificate(c.localhost.der, 'localhost')).toMatchObject({ names: ['localhost', '127.0.0.1'], hostnameMatches: true })
    expect(describeCertificate(c.selfOther.der, 'localhost')).toMatchObject({ names: ['otherhost'], hostnameMatches: false })
    expect(describeCertificate(c.selfOther.der, '127.0.0.1').hostnameMatches).toBe(false)
    // Without alternative names, the common name is what checkHost compares.
    expect(describeCertificate(c.ca.der, 'Tessera Test CA').names).toEqual(['Tessera Test CA'])
  })

  it('says whether today lies before, within or after the validity period', () => {
    const c = testCerts()
    expect(describeCertificate(c.localhost.der, 'localhost')).toMatchObject({ validity: 'valid', currentlyValid: true })
    expect(describeCertificate(c.expired.der, 'localhost')).toMatchObject({ validity: 'expired', currentlyValid: false, validTo: 'Jan  1 00:00:00 2021 GMT' })
    expect(describeCertificate(c.notYetValid.der, 'localhost')).toMatchObject({
      validity: 'not-yet-valid',
      currentlyValid: false,
      validFrom: 'Jan  1 00:00:00 2090 GMT',
    })
    // The same certificate, seen from inside its period.
    expect(describeCertificate(c.expired.der, 'localhost', Date.UTC(2020, 5, 1)).validity).toBe('valid')
  })
})

describe.skipIf(!opensslAvailable)('verifyServerCertificate', () => {
  const info = (der: Uint8Array, error?: string): TlsSessionInfo => ({
    protocol: 'TLSv1.3',
    cipher: 'x',
    certificate: der,
    authorized: !error,
    authorizationError: error,
  })
  const asker = (answer: TrustDecision) => {
    const asked: TrustPrompt[] = []
    return { asked, ask: async (p: TrustPrompt) => (asked.push(p), answer) }
  }

  it('a CA-verified certificate needs nobody', async () => {
    const c = testCerts()
    const a = asker('reject')
    const v = await verifyServerCertificate(info(c.localhost.der), 'localhost', 5900, { ask: a.ask }, true)
    expect(v).toMatchObject({ verified: true, how: 'ca' })
    expect(a.asked).toEqual([])
  })

  it('"once" trusts this connection only; "always" is stored for host:port', async () => {
    const c = testCerts()
    const store = new MemoryTrustStore()
    const once = await verifyServerCertificate(info(c.selfA.der, 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'h', 1, { store, ask: asker('once').ask }, true)
    // Still verified for the handshake, but marked so nobody shows it as verified.
    expect(once).toMatchObject({ verified: true, how: 'once' })
    expect(store.get('h:1')).toBeUndefined()
    await verifyServerCertificate(info(c.selfA.der, 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'h', 1, { store, ask: asker('always').ask }, true)
    expect(store.get('h:1')?.sha256).toBe(c.selfA.sha256)
  })

  it('a pinned certificate wins even over a CA-verified replacement: changes are always loud', async () => {
    const c = testCerts()
    const store = new MemoryTrustStore()
    store.remember('localhost:5900', { sha256: c.selfA.sha256 })
    const a = asker('always')
    const err = await verifyServerCertificate(info(c.localhost.der), 'localhost', 5900, { store, ask: a.ask }, false).catch((e) => e)
    expect(err).toBeInstanceOf(CertificateError)
    expect(err.code).toBe('RFB_ERR_CERT_CHANGED')
    expect(err.expectedSha256).toBe(c.selfA.sha256)
    expect(err.presented.sha256).toBe(c.localhost.sha256)
    expect(a.asked).toEqual([])
  })

  it('an accepted fingerprint (any spelling) trusts, and is remembered when there is a store', async () => {
    const c = testCerts()
    const store = new MemoryTrustStore()
    const typed = `SHA256:${c.selfB.sha256.replace(/:/g, '').toLowerCase()}`
    const v = await verifyServerCertificate(info(c.selfB.der, 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'h', 2, { store, acceptFingerprints: [typed] }, true)
    expect(v.how).toBe('accepted')
    expect(store.get('h:2')?.sha256).toBe(c.selfB.sha256)
  })

  it('an accepted fingerprint also overrides a broken certificate (the user vouches for exactly this one)', async () => {
    const c = testCerts()
    const v = await verifyServerCertificate(info(c.other.der, 'ERR_TLS_CERT_ALTNAME_INVALID'), 'localhost', 2, { acceptFingerprints: [c.other.sha256] }, true)
    expect(v.verified).toBe(true)
  })

  it('nobody to ask: unverified when allowed, RFB_ERR_CERT_UNTRUSTED when required', async () => {
    const c = testCerts()
    const v = await verifyServerCertificate(info(c.selfA.der, 'SELF_SIGNED_CERT_IN_CHAIN'), 'h', 3, {}, false)
    expect(v).toMatchObject({ verified: false, how: 'unverified', problem: 'self-signed certificate in the chain' })
    const err = await verifyServerCertificate(info(c.selfA.der, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'), 'h', 3, {}, true).catch((e) => e)
    expect(err.code).toBe('RFB_ERR_CERT_UNTRUSTED')
    expect(err.message).toContain('issued by an unknown authority')
  })

  it('an expired or not yet valid certificate is asked about with its dates, and trusted for this session only', async () => {
    const c = testCerts()
    for (const [der, code, reason] of [
      [c.expired.der, 'CERT_HAS_EXPIRED', 'the certificate has expired (on Jan  1 00:00:00 2021 GMT)'],
      [c.notYetValid.der, 'CERT_NOT_YET_VALID', 'the certificate is not valid yet (not before Jan  1 00:00:00 2090 GMT'],
    ] as const) {
      const store = new MemoryTrustStore()
      const a = asker('always')
      const v = await verifyServerCertificate(info(der, code), 'localhost', 4, { store, ask: a.ask }, true)
      expect(a.asked).toHaveLength(1)
      expect(a.asked[0].reason).toContain(reason)
      expect(a.asked[0].certificate.validity).not.toBe('valid')
      // "Always" is not kept: the next connection asks again, with the warning.
      expect(v).toMatchObject({ verified: true, how: 'once' })
      expect(store.get('localhost:4')).toBeUndefined()
      const no = await verifyServerCertificate(info(der, code), 'localhost', 4, { store, ask: asker('reject').ask }, false).catch((e) => e)
      expect(no.code).toBe('RFB_ERR_CERT_REJECTED')
    }
  })

  it('a self-signed certificate out of its dates is also trusted for this session only', async () => {
    const c = testCerts()
    const store = new MemoryTrustStore()
    const v = await verifyServerCertificate(info(c.expired.der, 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'localhost', 6, { store, ask: asker('always').ask }, true)
    expect(v).toMatchObject({ verified: true, how: 'once' })
    expect(store.get('localhost:6')).toBeUndefined()
  })

  it('an expired certificate is refused when nobody can be asked', async () => {
    const c = testCerts()
    const err = await verifyServerCertificate(info(c.selfA.der, 'CERT_HAS_EXPIRED'), 'h', 4, {}, false).catch((e) => e)
    expect(err.code).toBe('RFB_ERR_CERT_INVALID')
    expect(err.message).toContain('has expired')
  })

  it('the refusal of an expired or not yet valid certificate gives its dates; of a wrong name, the names', async () => {
    const c = testCerts()
    const expired = await verifyServerCertificate(info(c.expired.der, 'CERT_HAS_EXPIRED'), 'localhost', 4, {}, false).catch((e) => e)
    expect(expired.message).toContain('the certificate has expired (on Jan  1 00:00:00 2021 GMT)')
    const early = await verifyServerCertificate(info(c.notYetValid.der, 'CERT_NOT_YET_VALID'), 'localhost', 4, {}, false).catch((e) => e)
    expect(early.message).toContain('not valid yet (not before Jan  1 00:00:00 2090 GMT')
    const wrong = await verifyServerCertificate(info(c.other.der, 'ERR_TLS_CERT_ALTNAME_INVALID'), 'localhost', 4, {}, false).catch((e) => e)
    expect(wrong.message).toContain('does not name this host (localhost; it names otherhost)')
  })

  it('the prompt for a certificate that names another host says so, and which host was typed', async () => {
    const c = testCerts()
    const a = asker('once')
    await verifyServerCertificate(info(c.selfOther.der, 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'localhost', 5901, { ask: a.ask }, true)
    expect(a.asked).toHaveLength(1)
    expect(a.asked[0]).toMatchObject({
      server: 'localhost:5901',
      host: 'localhost',
      certificate: { names: ['otherhost'], hostnameMatches: false, validity: 'valid' },
    })
  })

  it('a TLS session without a certificate is invalid for X509', async () => {
    const err = await verifyServerCertificate({ protocol: 'TLSv1.2', cipher: 'x', authorized: false }, 'h', 5, {}, false).catch((e) => e)
    expect(err.code).toBe('RFB_ERR_CERT_INVALID')
  })
})
