import { describe, expect, it } from 'vitest'
import { AuthFailedError, RfbError, ServerRefusedError, UnsupportedError } from '../../../src/main/rfb/errors'
import type { HandshakeOptions } from '../../../src/main/rfb/handshake'
import type { SecurityOptions } from '../../../src/main/rfb/security/policy'
import { vncAuthResponse } from '../../../src/main/rfb/security/vnc-auth'
import type { TlsSessionInfo } from '../../../src/main/rfb/transport/transport'
import { CertificateError } from '../../../src/main/rfb/trust/errors'
import { MemoryTrustStore } from '../../../src/main/rfb/trust/store'
import type { TrustPrompt } from '../../../src/main/rfb/trust/verify'
import { Bytes } from '../../helpers/bytes'
import { chunkings } from '../../helpers/feed'
import { serverInit } from '../../helpers/server-script'
import { opensslAvailable, testCerts } from './certs'
import { type ScriptOutcome, TestHandshakeIo, runScript, settle } from './handshake-io'

const CHALLENGE = Uint8Array.from({ length: 16 }, (_, i) => 200 - i)
const INIT = serverInit(8, 4, 'secure desk')
const VERSION = 'RFB 003.008\n'

/** Server bytes up to and including the VeNCrypt sub-type list. */
function venCryptHead(subtypes: number[], top = [19]): Bytes {
  return new Bytes()
    .text(VERSION)
    .u8(top.length, ...top)
    .u8(0, 2, 0)
    .u8(subtypes.length)
    .u32(...subtypes)
}

const okInit = (): Bytes => new Bytes().u32(0).bytes(INIT)

interface TlsScript {
  /** Clear-text server bytes, ending with the VeNCrypt ack. */
  before: Uint8Array
  /** What the server "sends" inside TLS. */
  inside: Uint8Array
  info: TlsSessionInfo
}

/** Runs a script whose second half arrives over a (simulated) TLS session. */
async function runTls(s: TlsScript, options: Partial<HandshakeOptions>, chunks?: Uint8Array[], password = 'pw'): Promise<ScriptOutcome> {
  const io: TestHandshakeIo = new TestHandshakeIo({
    credentials: async () => ({ username: 'alice', password }),
    startTls: async () => {
      setImmediate(() => io.push(s.inside))
      return s.info
    },
  })
  return runScript(chunks ?? [s.before], options, io)
}

const withCreds = (username?: string) => new TestHandshakeIo({ credentials: async () => ({ username, password: 'secret' }) })

/** Runs the script whole, byte by byte and split at every offset; all must agree. */
async function everySplit(script: Uint8Array, options: Partial<HandshakeOptions> = {}, makeIo = () => withCreds('alice')): Promise<ScriptOutcome> {
  let first: ScriptOutcome | null = null
  for (const { label, chunks } of chunkings(script)) {
    const o = await runScript(chunks, options, makeIo())
    if (!first) first = o
    else {
      expect(o.error?.message, label).toEqual(first.error?.message)
      expect(o.result?.init, label).toEqual(first.result?.init)
      expect(o.io.sent().equals(first.io.sent()), `bytes sent differ when fed ${label}`).toBe(true)
    }
  }
  return first!
}

describe('VeNCrypt plain sub-types (TigerVNC lists 1 and 2, and sends no accept byte for them)', () => {
  it('sub-type VNC auth: version 0.2, u32 choice, then the challenge directly', async () => {
    const script = venCryptHead([2]).bytes(CHALLENGE).bytes(okInit().build()).build()
    const o = await everySplit(script)
    expect(o.error).toBeUndefined()
    expect(o.result!.securityName).toBe('VeNCrypt VNC Authentication')
    expect(o.result!.encrypted).toBe(false)
    const expected = new Bytes().text(VERSION).u8(19).u8(0, 2).u32(2).bytes(vncAuthResponse(CHALLENGE, 'secret')).u8(1).build()
    expect(o.io.sent().equals(Buffer.from(expected))).toBe(true)
  })

  it('sub-type None: straight to SecurityResult', async () => {
    const o = await everySplit(venCryptHead([1]).bytes(okInit().build()).build())
    expect(o.result!.init.name).toBe('secure desk')
    expect(o.io.credentialRequests).toEqual([])
  })

  it('Plain: u32 user length, u32 password length, user, password', async () => {
    const o = await everySplit(venCryptHead([256]).bytes(okInit().build()).build(), { security: { allowPlainPassword: true } })
    expect(o.error).toBeUndefined()
    expect(o.io.credentialRequests).toEqual(['username-password'])
    const tail = new Bytes().u32(256).u32(5, 6).text('alice').text('secret').u8(1).build()
    expect(o.io.sent().subarray(-tail.length).equals(Buffer.from(tail))).toBe(true)
  })

  it('Plain without a user name fails before sending anything', async () => {
    const o = await runScript([venCryptHead([256]).build()], { security: { allowPlainPassword: true } }, withCreds(undefined))
    expect(o.error).toBeInstanceOf(AuthFailedError)
    expect(o.error!.message).toContain('no user name')
    expect(o.io.sent().length).toBe(12 + 1 + 2 + 4)
  })
})

describe('VeNCrypt negotiation failures', () => {
  it('an obsolete 0.1 server is told 0.0 and refused', async () => {
    const o = await runScript([new Bytes().text(VERSION).u8(1, 19).u8(0, 1).build()])
    expect(o.error).toBeInstanceOf(UnsupportedError)
    expect(
      o.io
        .sent()
        .subarray(13)
        .equals(Buffer.from([0, 0])),
    ).toBe(true)
  })

  it('a server refusing version 0.2 is reported', async () => {
    const o = await runScript([new Bytes().text(VERSION).u8(1, 19).u8(0, 2, 255).build()])
    expect(o.error).toBeInstanceOf(ServerRefusedError)
  })

  it('an empty sub-type list is reported', async () => {
    const o = await runScript([new Bytes().text(VERSION).u8(1, 19).u8(0, 2, 0, 0).build()])
    expect(o.error).toBeInstanceOf(ServerRefusedError)
  })

  it('when the policy allows no sub-type, the client sends 0 and no credential is asked', async () => {
    const o = await everySplit(venCryptHead([2, 1]).build(), { security: { policy: 'require-encryption' } })
    expect(o.error).toBeInstanceOf(UnsupportedError)
    expect((o.error as RfbError).code).toBe('RFB_ERR_POLICY')
    expect(o.io.credentialRequests).toEqual([])
    expect(
      o.io
        .sent()
        .subarray(-4)
        .equals(Buffer.from([0, 0, 0, 0])),
    ).toBe(true)
  })

  it('a server that answers the TLS choice with 0 is reported before any TLS', async () => {
    const o = await runScript([venCryptHead([257]).u8(0).build()])
    expect(o.error).toBeInstanceOf(ServerRefusedError)
    expect(o.io.tlsRequests).toEqual([])
  })

  it('unknown sub-types are skipped, and 19 (VeNCrypt again) is never chosen', async () => {
    const o = await runScript([venCryptHead([19, 0x80000001, 1]).bytes(okInit().build()).build()])
    expect(o.error).toBeUndefined()
    expect(
      o.io
        .sent()
        .subarray(15, 19)
        .equals(Buffer.from([0, 0, 0, 1])),
    ).toBe(true)
  })
})

describe('VeNCrypt TLS sub-types', () => {
  const anon: TlsSessionInfo = { protocol: 'TLSv1.2', cipher: 'ADH-AES256-GCM-SHA384', authorized: false, authorizationError: 'UNABLE_TO_GET_ISSUER_CERT' }

  it('TLSVnc: accept byte, anonymous TLS, then VNC auth inside', async () => {
    const o = await runTls({ before: venCryptHead([258]).u8(1).build(), inside: new Bytes().bytes(CHALLENGE).bytes(okInit().build()).build(), info: anon }, {})
    expect(o.error).toBeUndefined()
    expect(o.io.tlsRequests).toEqual([{ anonymous: true, servername: undefined, ca: undefined }])
    expect(o.result).toMatchObject({ securityName: 'VeNCrypt TLSVnc', encrypted: true, serverVerified: false })
    expect(o.result!.tls?.cipher).toBe('ADH-AES256-GCM-SHA384')
    expect(
      o.io
        .sent()
        .subarray(-17, -1)
        .equals(Buffer.from(vncAuthResponse(CHALLENGE, 'pw'))),
    ).toBe(true)
  })

  it('TLSNone in every split of the clear-text part', async () => {
    const before = venCryptHead([257]).u8(1).build()
    for (const { label, chunks } of chunkings(before)) {
      const o = await runTls({ before, inside: okInit().build(), info: anon }, {}, chunks)
      expect(o.error, label).toBeUndefined()
      expect(o.result!.encrypted, label).toBe(true)
    }
  })

  it('bytes after the accept byte, in the clear, are a protocol error (nothing may precede TLS)', async () => {
    const o = await runTls({ before: venCryptHead([257]).u8(1).u8(0x16).build(), inside: okInit().build(), info: anon }, {})
    expect(o.error?.message).toContain('before the TLS handshake')
  })
})

describe.skipIf(!opensslAvailable)('VeNCrypt X509 and certificate trust', () => {
  const x509 = (der: Uint8Array, authorized = false, authorizationError = 'DEPTH_ZERO_SELF_SIGNED_CERT'): TlsSessionInfo => ({
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    certificate: der,
    authorized,
    authorizationError: authorized ? undefined : authorizationError,
  })
  const x509Vnc = (info: TlsSessionInfo): TlsScript => ({
    before: venCryptHead([261, 258]).u8(1).build(),
    inside: new Bytes().bytes(CHALLENGE).bytes(okInit().build()).build(),
    info,
  })
  const server = { host: 'localhost', port: 5901 }

  it('a CA-verified certificate makes the server verified', async () => {
    const c = testCerts()
    const o = await runTls(x509Vnc(x509(c.localhost.der, true)), { security: { ...server } })
    expect(o.result).toMatchObject({ securityName: 'VeNCrypt X509Vnc', encrypted: true, serverVerified: true, serverVerification: 'ca' })
    expect(o.io.tlsRequests[0]).toMatchObject({ anonymous: false, servername: 'localhost' })
  })

  it('a self-signed certificate with nobody to ask: encrypted but unverified by default', async () => {
    const c = testCerts()
    const o = await runTls(x509Vnc(x509(c.selfA.der)), { security: { ...server } })
    expect(o.result).toMatchObject({ encrypted: true, serverVerified: false, serverVerification: 'unverified' })
    expect(o.result!.certificate?.sha256).toBe(c.selfA.sha256)
  })

  it('require-server-auth refuses it before the password is asked for', async () => {
    const c = testCerts()
    const o = await runTls(x509Vnc(x509(c.selfA.der)), { security: { ...server, policy: 'require-server-auth' } })
    expect(o.error).toBeInstanceOf(CertificateError)
    expect((o.error as CertificateError).code).toBe('RFB_ERR_CERT_UNTRUSTED')
    expect(o.error!.message).toContain(c.selfA.sha256)
    expect(o.io.credentialRequests).toEqual([])
  })

  it('the password prompt learns how the answer travels: "once" is marked as such, anonymous TLS as unidentified', async () => {
    const c = testCerts()
    const once = await runTls(x509Vnc(x509(c.selfA.der)), { security: { ...server, trust: { ask: async () => 'once' as const } } })
    expect(once.result).toMatchObject({ serverVerified: true, serverVerification: 'once' })
    expect(once.io.credentialLinks).toEqual([{ encrypted: true, verification: 'once' }])
    const ca = await runTls(x509Vnc(x509(c.localhost.der, true)), { security: { ...server } })
    expect(ca.io.credentialLinks).toEqual([{ encrypted: true, verification: 'ca' }])
    const anon = await runTls(
      { ...x509Vnc(x509(c.selfA.der)), before: venCryptHead([258]).u8(1).build(), info: { protocol: 'TLSv1.2', cipher: 'ADH', authorized: false } },
      {},
    )
    expect(anon.io.credentialLinks).toEqual([{ encrypted: true }])
    const clear = await runScript([new Bytes().text(VERSION).u8(1, 2).bytes(CHALLENGE).build()], {}, withCreds('alice'))
    expect(clear.io.credentialLinks).toEqual([{ encrypted: false }])
  })

  it('trust on first use: "always" is remembered; a changed certificate is refused without asking', async () => {
    const c = testCerts()
    const store = new MemoryTrustStore()
    const prompts: TrustPrompt[] = []
    const trust = { store, ask: async (p: TrustPrompt) => (prompts.push(p), 'always' as const) }
    const security: SecurityOptions = { ...server, trust }

    const first = await runTls(x509Vnc(x509(c.selfA.der)), { security })
    expect(first.result).toMatchObject({ serverVerified: true, serverVerification: 'accepted' })
    expect(prompts).toHaveLength(1)
    expect(prompts[0]).toMatchObject({ server: 'localhost:5901', reason: 'self-signed certificate' })
    expect(prompts[0].certificate).toMatchObject({ sha256: c.selfA.sha256, subject: 'CN=localhost', selfSigned: true, hostnameMatches: true })

    const second = await runTls(x509Vnc(x509(c.selfA.der)), { security })
    expect(second.result).toMatchObject({ serverVerified: true, serverVerification: 'pinned' })
    expect(prompts).toHaveLength(1)

    const changed = await runTls(x509Vnc(x509(c.selfB.der)), { security })
    expect(changed.error).toBeInstanceOf(CertificateError)
    const e = changed.error as CertificateError
    expect(e.code).toBe('RFB_ERR_CERT_CHANGED')
    expect(e.message).toContain(c.selfA.sha256)
    expect(e.message).toContain(c.selfB.sha256)
    expect(prompts).toHaveLength(1)
    expect(changed.io.credentialRequests).toEqual([])
  })

  it('once the certificate is pinned, a downgrade to plain types is refused', async () => {
    const c = testCerts()
    const store = new MemoryTrustStore()
    store.remember('localhost:5901', { sha256: c.selfA.sha256 })
    const o = await runScript([new Bytes().text(VERSION).u8(2, 1, 2).build()], { security: { ...server, trust: { store } } })
    expect((o.error as RfbError).code).toBe('RFB_ERR_DOWNGRADE')
    expect(o.io.sent().toString('latin1')).toBe(VERSION)
  })

  it('"reject" stops the connection', async () => {
    const c = testCerts()
    const o = await runTls(x509Vnc(x509(c.selfA.der)), { security: { ...server, trust: { ask: async () => 'reject' } } })
    expect((o.error as CertificateError).code).toBe('RFB_ERR_CERT_REJECTED')
  })

  it('a broken certificate (valid chain, wrong host) is refused without asking', async () => {
    const c = testCerts()
    let asked = false
    const o = await runTls(x509Vnc(x509(c.other.der, false, 'ERR_TLS_CERT_ALTNAME_INVALID')), {
      security: { ...server, trust: { ask: async () => ((asked = true), 'once') } },
    })
    expect((o.error as CertificateError).code).toBe('RFB_ERR_CERT_INVALID')
    expect(o.error!.message).toContain('does not name this host')
    expect(asked).toBe(false)
  })
})

describe('policy at the top level', () => {
  it('encryption required and only None/VNC auth offered: refused before anything but the version is sent', async () => {
    const o = await everySplit(new Bytes().text(VERSION).u8(2, 1, 2).build(), { security: { policy: 'require-encryption' } })
    expect((o.error as RfbError).code).toBe('RFB_ERR_POLICY')
    expect(o.io.sent().toString('latin1')).toBe(VERSION)
  })

  it('RFB 3.3 dictating VNC auth under require-encryption: refused, no password asked', async () => {
    const o = await runScript(
      [new Bytes().text('RFB 003.003\n').u32(2).bytes(CHALLENGE).build()],
      { security: { policy: 'require-encryption' } },
      withCreds('x'),
    )
    expect((o.error as RfbError).code).toBe('RFB_ERR_POLICY')
    expect(o.error!.message).toContain('RFB 3.3')
    expect(o.io.credentialRequests).toEqual([])
  })

  it('None and VNC auth offered: None, without a password prompt', async () => {
    const o = await runScript([new Bytes().text(VERSION).u8(2, 2, 1).bytes(okInit().build()).build()], {}, withCreds('x'))
    expect(o.result!.securityType).toBe(1)
    expect(o.io.credentialRequests).toEqual([])
    await settle()
  })
})
