import { describe, expect, it } from 'vitest'
import { UnsupportedError } from '../../../src/main/rfb/errors'
import { DowngradeError } from '../../../src/main/rfb/security/downgrade'
import { type SecurityOptions, candidatesFor, choose, effectivePolicy } from '../../../src/main/rfb/security/policy'
import { MemoryTrustStore } from '../../../src/main/rfb/trust/store'

const TOP = [1, 2, 16, 19]
const VENCRYPT = [1, 2, 256, 257, 258, 259, 260, 261, 262]

function pick(offered: number[], opts: SecurityOptions = {}, speaks = TOP): string {
  return choose(candidatesFor(offered, speaks, opts), offered.join(','), 'the server', opts).name
}

function refusal(offered: number[], opts: SecurityOptions = {}, speaks = TOP): UnsupportedError {
  try {
    pick(offered, opts, speaks)
  } catch (e) {
    expect(e).toBeInstanceOf(UnsupportedError)
    return e as UnsupportedError
  }
  throw new Error(`expected a refusal for [${offered}], got a choice`)
}

const transportTls = (verified: boolean): SecurityOptions['transport'] => ({
  tls: { protocol: 'TLSv1.3', cipher: 'x', authorized: verified },
  verified,
  verification: verified ? 'ca' : 'unverified',
})

describe('top-level choice under the default policy', () => {
  it.each([
    [[1, 2], 'None'],
    [[2, 1], 'None'],
    [[2], 'VNC Authentication'],
    [[2, 16], 'Tight'],
    [[1, 16], 'Tight'],
    [[2, 19], 'VeNCrypt'],
    [[1, 2, 19], 'VeNCrypt'],
    [[30, 2, 113], 'VNC Authentication'],
  ])('offered %j takes %s', (offered, name) => {
    expect(pick(offered)).toBe(name)
  })

  it('nothing in common names what was offered', () => {
    const e = refusal([30, 113])
    expect(e.code).toBe('RFB_ERR_SECURITY')
    expect(e.message).toContain('30,113')
  })
})

describe('VeNCrypt sub-type choice', () => {
  it.each([
    [[261, 260, 258, 257, 2, 1], 'X509None'],
    [[261, 258, 2], 'X509Vnc'],
    [[258, 2], 'TLSVnc'],
    [[259, 258], 'TLSVnc'],
    [[256, 2], 'VNC Authentication'],
    [[262, 259, 256], 'X509Plain'],
    // With None on offer no password is asked for, even if that means no encryption.
    [[261, 1], 'None'],
    [[19, 2], 'VNC Authentication'],
  ])('offered %j takes %s', (offered, name) => {
    expect(pick(offered, {}, VENCRYPT)).toBe(name)
  })

  it('require-encryption prefers a free encrypted type, then a password over TLS, never None', () => {
    expect(pick([261, 257, 1], { policy: 'require-encryption' }, VENCRYPT)).toBe('TLSNone')
    expect(pick([261, 1], { policy: 'require-encryption' }, VENCRYPT)).toBe('X509Vnc')
  })

  it('require-server-auth takes only X509 types', () => {
    expect(pick([261, 257, 1], { policy: 'require-server-auth' }, VENCRYPT)).toBe('X509Vnc')
    const e = refusal([258, 257, 2, 1], { policy: 'require-server-auth' }, VENCRYPT)
    expect(e.code).toBe('RFB_ERR_POLICY')
    expect(e.message).toContain("'require-server-auth'")
  })
})

describe('encryption required', () => {
  it('refuses a server that offers only None and VNC auth, naming the policy and the offer', () => {
    const e = refusal([1, 2], { policy: 'require-encryption' })
    expect(e.code).toBe('RFB_ERR_POLICY')
    expect(e.message).toMatch(/require-encryption.*offers only 1,2/)
  })

  it('accepts VeNCrypt, which may carry TLS, and Tight never', () => {
    expect(pick([16, 19, 2], { policy: 'require-encryption' })).toBe('VeNCrypt')
    expect(refusal([16, 2], { policy: 'require-encryption' }).code).toBe('RFB_ERR_POLICY')
  })

  it('is met by a TLS transport (vncs://): then None inside is fine', () => {
    expect(pick([2, 1], { policy: 'require-encryption', transport: transportTls(false) })).toBe('None')
    expect(pick([2, 1], { policy: 'require-server-auth', transport: transportTls(true) })).toBe('None')
    expect(refusal([2, 1], { policy: 'require-server-auth', transport: transportTls(false) }).code).toBe('RFB_ERR_POLICY')
  })
})

describe("anonymous TLS unavailable (as under Electron's BoringSSL)", () => {
  it('skips the TLS* sub-types when something else is acceptable', () => {
    expect(pick([258, 2], { anonymousTls: false }, VENCRYPT)).toBe('VNC Authentication')
  })

  it('says so plainly when only TLS* is offered', () => {
    const e = refusal([258, 257], { anonymousTls: false }, VENCRYPT)
    expect(e.code).toBe('RFB_ERR_ANON_TLS')
    expect(e.message).toContain('TLSVnc, TLSNone')
  })

  it('explains both the policy and the runtime when encryption is required', () => {
    const e = refusal([258, 2], { anonymousTls: false, policy: 'require-encryption' }, VENCRYPT)
    expect(e.code).toBe('RFB_ERR_POLICY')
    expect(e.message).toContain('TLSVnc unavailable')
  })
})

describe('a server with a pinned certificate', () => {
  it('must keep proving its identity, whatever policy was asked for', () => {
    const store = new MemoryTrustStore()
    store.remember('vnc.example:5901', { sha256: 'AA' })
    const opts: SecurityOptions = { host: 'VNC.example', port: 5901, trust: { store } }
    expect(effectivePolicy(opts).policy).toBe('require-server-auth')
    // Less than the pinned server gave before: a downgrade the user may accept, not a policy refusal.
    const e = refusal([1, 2], opts)
    expect(e.code).toBe('RFB_ERR_DOWNGRADE')
    expect(e).toMatchObject({ server: 'vnc.example:5901', expected: 'authenticated', offered: 'none' })
    expect(refusal([1, 2], { ...opts, policy: 'require-encryption' }).code).toBe('RFB_ERR_POLICY')
    expect(effectivePolicy({ ...opts, port: 5902 }).policy).toBe('allow-unencrypted')
  })
})

describe('a remembered protection level (the profile reached it before)', () => {
  const at = { host: 'vnc.example', port: 5901 }

  it('refuses less as a downgrade the user may accept, saying what was expected and what is offered', () => {
    const e = refusal([1, 2], { ...at, expected: 'authenticated' })
    expect(e).toBeInstanceOf(DowngradeError)
    expect(e).toMatchObject({ code: 'RFB_ERR_DOWNGRADE', server: 'vnc.example:5901', expected: 'authenticated', offered: 'none', offeredTypes: '1,2' })
    expect(e.message).toContain('Nothing secret was sent')
    expect(refusal([258, 2], { ...at, expected: 'authenticated' }, VENCRYPT)).toMatchObject({ expected: 'authenticated', offered: 'encrypted' })
    expect(refusal([2], { ...at, expected: 'encrypted' })).toMatchObject({ expected: 'encrypted', offered: 'none' })
  })

  it('takes what still reaches the level', () => {
    expect(pick([1, 2, 19], { ...at, expected: 'authenticated' })).toBe('VeNCrypt')
    expect(pick([1, 258, 261], { ...at, expected: 'authenticated' }, VENCRYPT)).toBe('X509Vnc')
    expect(pick([2, 258], { ...at, expected: 'encrypted' }, VENCRYPT)).toBe('TLSVnc')
    expect(pick([1, 2], { ...at, expected: 'none' })).toBe('None')
  })

  it('counts a verified transport (vncs://, an SSH tunnel) as reaching it', () => {
    expect(pick([2, 1], { ...at, expected: 'authenticated', transport: transportTls(true) })).toBe('None')
    expect(refusal([2, 1], { ...at, expected: 'authenticated', transport: transportTls(false) })).toMatchObject({ offered: 'encrypted' })
  })

  it("leaves the user's own policy a plain refusal: no question can override a setting", () => {
    const e = refusal([1, 2], { ...at, expected: 'authenticated', policy: 'require-encryption' })
    expect(e.code).toBe('RFB_ERR_POLICY')
    expect(e.message).toContain("the security policy 'require-encryption' requires")
  })

  it('replaces the trust store hint once recorded: an accepted downgrade is not refused again', () => {
    const store = new MemoryTrustStore()
    store.remember('vnc.example:5901', { sha256: 'AA' })
    expect(refusal([1, 2], { ...at, trust: { store } }).code).toBe('RFB_ERR_DOWNGRADE')
    expect(pick([1, 2], { ...at, trust: { store }, expected: 'none' })).toBe('None')
    expect(effectivePolicy({ ...at, trust: { store }, expected: 'none' })).toMatchObject({ policy: 'allow-unencrypted', raised: false })
  })
})

describe('VeNCrypt Plain without TLS (the password in clear)', () => {
  it('is refused unless the connection opts in, saying so before anything is sent', () => {
    const e = refusal([256], {}, VENCRYPT)
    expect(e.code).toBe('RFB_ERR_PLAIN_REFUSED')
    expect(e.message).toMatch(/unencrypted.*Nothing was sent.*--allow-plain-password/)
    expect(pick([256], { allowPlainPassword: true }, VENCRYPT)).toBe('Plain')
  })

  it('is skipped when anything else is offered, even VNC authentication', () => {
    expect(pick([256, 2], {}, VENCRYPT)).toBe('VNC Authentication')
  })

  it('is fine inside TLS: TLSPlain, X509Plain, or a vncs:// or SSH transport', () => {
    expect(pick([259], {}, VENCRYPT)).toBe('TLSPlain')
    expect(pick([262], {}, VENCRYPT)).toBe('X509Plain')
    expect(pick([256], { transport: transportTls(false) }, VENCRYPT)).toBe('Plain')
  })

  it('says a server that was encrypted before may be intercepting', () => {
    expect(refusal([256], { host: 'h', port: 1, expected: 'encrypted' }, VENCRYPT).message).toContain('encrypted before')
  })
})

describe('a password readable inside TLS where nobody can be asked (the command line)', () => {
  const cli: SecurityOptions = { nobodyToAsk: true, anonymousTls: true }

  it('TLSPlain (nobody can prove the other end of anonymous TLS) is refused unless --allow-plain-password', () => {
    const e = refusal([259], cli, VENCRYPT)
    expect(e.code).toBe('RFB_ERR_PLAIN_REFUSED')
    expect(e.message).toMatch(/TLSPlain.*man in the middle.*Nothing was sent.*--allow-plain-password/)
    expect(pick([259], { ...cli, allowPlainPassword: true }, VENCRYPT)).toBe('TLSPlain')
  })

  it('passes TLSPlain over for anything else offered, and leaves X509Plain to its certificate check', () => {
    expect(pick([259, 258], cli, VENCRYPT)).toBe('TLSVnc')
    expect(pick([259, 2], cli, VENCRYPT)).toBe('VNC Authentication')
    expect(pick([262, 259], cli, VENCRYPT)).toBe('X509Plain')
  })

  it('Plain in a vncs:// TLS is refused when its certificate is unverified, fine when verified', () => {
    expect(refusal([256], { ...cli, transport: transportTls(false) }, VENCRYPT).code).toBe('RFB_ERR_PLAIN_REFUSED')
    expect(pick([256], { ...cli, transport: transportTls(true) }, VENCRYPT)).toBe('Plain')
  })
})

describe('RSA-AES in the policy', () => {
  const WITH_RA2 = [...TOP, 5, 6, 129, 130]
  it.each([
    [[2, 5], 'RA2'],
    [[6, 2], 'RA2ne'],
    [[5, 129], 'RA2_256'],
    [[6, 130], 'RA2ne_256'],
    [[6, 5], 'RA2'],
    [[1, 5], 'None'],
  ])('offered %j takes %s', (offered, name) => {
    expect(pick(offered, {}, WITH_RA2)).toBe(name)
  })

  it('RA2 and RA2_256 count as encrypted and able to prove the server (its key); RA2ne as not encrypted: its session travels in clear', () => {
    expect(pick([6, 5], { policy: 'require-server-auth' }, WITH_RA2)).toBe('RA2')
    expect(pick([130, 129], { policy: 'require-encryption' }, WITH_RA2)).toBe('RA2_256')
    expect(refusal([6, 130], { policy: 'require-encryption' }, WITH_RA2).code).toBe('RFB_ERR_POLICY')
  })

  it('a server that reached "authenticated" with RA2 and now offers only RA2ne is a downgrade', () => {
    const e = refusal([6], { host: 'h', port: 1, expected: 'authenticated' }, WITH_RA2)
    expect(e).toBeInstanceOf(DowngradeError)
  })
})

describe('Apple Remote Desktop and MSLogonII in the policy', () => {
  const WITH_DH = [...TOP, 30, 113]
  it.each([
    [[30, 2, 113], 'VNC Authentication'],
    [[30, 113], 'Apple Remote Desktop'],
    [[113], 'MSLogonII'],
  ])('offered %j takes %s', (offered, name) => {
    expect(pick(offered, {}, WITH_DH)).toBe(name)
  })

  it('count as not encrypted: refused when the policy requires encryption', () => {
    expect(refusal([30, 113], { policy: 'require-encryption' }, WITH_DH).code).toBe('RFB_ERR_POLICY')
  })
})
