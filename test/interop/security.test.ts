import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../src/main/cli/index'
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { AuthFailedError, type RfbError } from '../../src/main/rfb/errors'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import type { SecurityOptions } from '../../src/main/rfb/security/policy'
import { RfbClient, type RfbClientOptions } from '../../src/main/rfb/session'
import { listenForServers } from '../../src/main/rfb/transport/listen'
import { connectTcp } from '../../src/main/rfb/transport/tcp'
import { anonymousTlsSupport } from '../../src/main/rfb/transport/tls-socket'
import { FileTrustStore } from '../../src/main/rfb/trust/store'
import { Bytes } from '../helpers/bytes'
import { distinctColours } from '../helpers/compare'
import { FakeTransport, settle } from '../helpers/fake-transport'
import { serverInit } from '../helpers/server-script'
import { type RunningServer, type ServerOptions, selfSignedCertificate, serverAvailable, startServer } from '../helpers/vnc-servers'
import { opensslAvailable } from '../unit/security/certs'
import { handshakeOver } from '../unit/security/handshake-io'

const PASSWORD = 'tessera1'
const credentials = async () => ({ username: 'nobody', password: PASSWORD })
const target = (s: RunningServer, tls = false) => ({ host: s.host, port: s.port, ...(tls ? { tls } : {}) })

/**
 * Whether RfbClient hands `security` to the handshake (RfbClientOptions.security). Until it does,
 * policies and trust prompts are tested through the handshake directly, and the tests that go
 * through the whole session are skipped.
 */
async function sessionForwardsSecurity(): Promise<boolean> {
  const t = new FakeTransport()
  const options = { sink: new FramebufferSink(), security: { policy: 'require-encryption' } } as RfbClientOptions
  const client = new RfbClient(options)
  const outcome = client.start(t).then(
    () => false,
    (e: RfbError) => e.code === 'RFB_ERR_POLICY',
  )
  t.serve(
    new Bytes()
      .text('RFB 003.008\n')
      .u8(1, 1)
      .u32(0)
      .bytes(serverInit(1, 1, 'probe'))
      .build(),
  )
  await settle()
  client.close()
  return outcome
}
const forwards = await sessionForwardsSecurity()

/** Runs the handshake alone (no session) against a live server, with `security`. */
async function handshakeWith(s: RunningServer, security: SecurityOptions) {
  const transport = await connectTcp(s.host, s.port)
  const asked: string[] = []
  const { done, io } = handshakeOver(
    transport,
    { security: { host: s.host, port: s.port, ...security } },
    {
      credentials: async (kind) => (asked.push(kind), { username: 'nobody', password: PASSWORD }),
    },
  )
  try {
    return { result: await done, asked, io }
  } catch (error) {
    return { error: error as RfbError, asked, io }
  } finally {
    transport.close()
  }
}

let work: string
let certA: { cert: string; key: string }
let certB: { cert: string; key: string }

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tessera-security-'))
  if (!opensslAvailable) return
  certA = selfSignedCertificate(work, 'localhost', 'a')
  certB = selfSignedCertificate(work, 'localhost', 'b')
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** The trust layer's SHA-256 (of the DER) for one of the harness's PEM files. */
function shaOf(pemFile: string): string {
  return new X509Certificate(readFileSync(pemFile)).fingerprint256
}

describe.skipIf(!serverAvailable('tigervnc') || !opensslAvailable)('TigerVNC VeNCrypt', () => {
  const servers: RunningServer[] = []
  const start = async (opts: ServerOptions): Promise<RunningServer> => {
    const s = await startServer('tigervnc', { content: 'static', width: 320, height: 200, ...opts })
    servers.push(s)
    return s
  }
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()))
  })

  it('X509None: TLS 1.3 with the server certificate, and the screen decodes', async () => {
    const s = await start({ tls: certA, securityTypes: ['X509None'] })
    const snap = await takeSnapshot(target(s), { timeoutMs: 15_000 })
    expect(snap.info).toMatchObject({ securityType: 19, securityName: 'VeNCrypt X509None', encrypted: true, serverVerified: false })
    expect(snap.info.tls?.protocol).toBe('TLSv1.3')
    expect(snap.info.certificate?.sha256).toBe(shaOf(certA.cert))
    expect(distinctColours(snap.framebuffer)).toBeGreaterThan(1)
  })

  it('X509Vnc: trusted on first use, pinned after, and a changed certificate refused loudly before the password', async () => {
    const a = await start({ tls: certA, securityTypes: ['X509Vnc'], password: PASSWORD })
    const b = await start({ tls: certB, securityTypes: ['X509Vnc'], password: PASSWORD })
    const store = new FileTrustStore(join(work, 'trust'))
    let prompts = 0
    const trust = { store, ask: async () => (prompts++, 'always' as const) }

    const first = await handshakeWith(a, { trust })
    expect(first.error).toBeUndefined()
    expect(first.result).toMatchObject({ securityName: 'VeNCrypt X509Vnc', serverVerified: true, serverVerification: 'accepted' })
    expect(prompts).toBe(1)

    const second = await handshakeWith(a, { trust })
    expect(second.result?.serverVerification).toBe('pinned')
    expect(prompts).toBe(1)

    // Server b answers on another port: make it "the same server" with a new certificate.
    store.remember(`127.0.0.1:${b.port}`, { sha256: shaOf(certA.cert) })
    const changed = await handshakeWith(b, { trust })
    expect(changed.error?.code).toBe('RFB_ERR_CERT_CHANGED')
    expect(changed.error?.message).toContain(shaOf(certA.cert))
    expect(changed.error?.message).toContain(shaOf(certB.cert))
    expect(changed.asked).toEqual([])
    expect(prompts).toBe(1)

    // And through the whole session, the screen decodes over X509Vnc.
    const snap = await takeSnapshot(target(a), { credentials, timeoutMs: 15_000, security: { trust } })
    expect(snap.info.securityName).toBe('VeNCrypt X509Vnc')
    expect(distinctColours(snap.framebuffer)).toBeGreaterThan(1)
    if (forwards) expect(snap.info.serverVerification).toBe('pinned')
  })

  it.each(['TLSNone', 'TLSVnc'])('%s: anonymous TLS 1.2 where the runtime has it, else a clear Unsupported error', async (type) => {
    const s = await start({ securityTypes: [type], password: PASSWORD })
    if (!anonymousTlsSupport().supported) {
      const err = await takeSnapshot(target(s), { credentials, timeoutMs: 15_000 }).catch((e: RfbError) => e)
      expect((err as RfbError).code).toBe('RFB_ERR_ANON_TLS')
      return
    }
    const snap = await takeSnapshot(target(s), { credentials, timeoutMs: 15_000 })
    expect(snap.info).toMatchObject({ securityName: `VeNCrypt ${type}`, encrypted: true, serverVerified: false })
    expect(snap.info.tls?.protocol).toBe('TLSv1.2')
    expect(snap.info.tls?.cipher).toMatch(/^A(EC)?DH-/)
    expect(distinctColours(snap.framebuffer)).toBeGreaterThan(1)
  })

  it('without anonymous TLS (Electron), TLSVnc is skipped for VNC auth listed inside VeNCrypt, which has no accept byte', async () => {
    const s = await start({ securityTypes: ['TLSVnc', 'VncAuth'], password: PASSWORD })
    const r = await handshakeWith(s, { anonymousTls: false })
    expect(r.error).toBeUndefined()
    expect(r.result).toMatchObject({ securityType: 19, securityName: 'VeNCrypt VNC Authentication', encrypted: false })
    expect(r.result!.init.width).toBe(320)
  })

  it("X509Plain reaches the server's PAM check: the exchange is understood, the made-up user refused", async () => {
    const s = await start({ tls: certA, securityTypes: ['X509Plain'] })
    const err = await takeSnapshot(target(s), { credentials, timeoutMs: 15_000 }).catch((e: RfbError) => e)
    expect(err).toBeInstanceOf(AuthFailedError)
    expect((err as AuthFailedError).reason).toMatch(/password or username/i)
  })

  it('encryption required and only None / VNC auth offered: refused before any credential is sent', async () => {
    const s = await start({ securityTypes: ['VncAuth', 'None'], password: PASSWORD })
    const r = await handshakeWith(s, { policy: 'require-encryption' })
    expect(r.error?.code).toBe('RFB_ERR_POLICY')
    expect(r.error?.message).toContain('None')
    expect(r.asked).toEqual([])
    expect(r.io.sent().toString('latin1')).toBe('RFB 003.008\n')
  })

  it.skipIf(!forwards)('the session applies the policy too (takeSnapshot with require-encryption)', async () => {
    const s = await start({ securityTypes: ['VncAuth', 'None'], password: PASSWORD })
    const err = await takeSnapshot(target(s), { credentials, timeoutMs: 15_000, security: { policy: 'require-encryption' } }).catch((e: RfbError) => e)
    expect((err as RfbError).code).toBe('RFB_ERR_POLICY')
  })

  it('tessera probe prints the TLS protocol, cipher and certificate fingerprint', async () => {
    const s = await start({ tls: certB, securityTypes: ['X509None'] })
    const lines: string[] = []
    const code = await main(
      ['probe', `127.0.0.1::${s.port}`, '--accept-fingerprint', shaOf(certB.cert)],
      (l) => lines.push(l),
      (l) => lines.push(l),
    )
    expect(code, lines.join('\n')).toBe(0)
    const text = lines.join('\n')
    expect(text).toContain('used VeNCrypt X509None')
    expect(text).toMatch(/encryption: TLSv1\.3 TLS_/)
    expect(text).toContain(`SHA-256 ${shaOf(certB.cert)}`)
    if (forwards) expect(text).toContain('server id:  verified by you')
  })
})

describe.skipIf(!serverAvailable('x11vnc') || !opensslAvailable)('x11vnc -ssl', () => {
  let s: RunningServer
  beforeAll(async () => {
    s = await startServer('x11vnc', { content: 'static', width: 320, height: 200, tls: certA })
  })
  afterAll(async () => {
    await s?.stop()
  })

  it('vncs://: TLS from the first byte, and the screen decodes', async () => {
    const snap = await takeSnapshot(target(s, true), { timeoutMs: 20_000 })
    expect(distinctColours(snap.framebuffer)).toBeGreaterThan(1)
    if (forwards) expect(snap.info).toMatchObject({ encrypted: true, serverVerified: false })
  })

  it('vncs:// with require-server-auth: an unknown certificate is refused before RFB starts, an accepted one passes', async () => {
    const err = await takeSnapshot(target(s, true), { timeoutMs: 20_000, security: { policy: 'require-server-auth' } }).catch((e: RfbError) => e)
    expect((err as RfbError).code).toBe('RFB_ERR_CERT_UNTRUSTED')
    const snap = await takeSnapshot(target(s, true), {
      timeoutMs: 20_000,
      security: { policy: 'require-server-auth', trust: { acceptFingerprints: [shaOf(certA.cert)] } },
    })
    expect(distinctColours(snap.framebuffer)).toBeGreaterThan(1)
  })

  it('VeNCrypt when the client speaks RFB first: X509None (its anonymous DH fails against OpenSSL 3, so it is not chosen)', async () => {
    const snap = await takeSnapshot(target(s), { timeoutMs: 20_000 })
    expect(snap.info).toMatchObject({ securityName: 'VeNCrypt X509None', encrypted: true })
    expect(distinctColours(snap.framebuffer)).toBeGreaterThan(1)
  })
})

describe.skipIf(!serverAvailable('tightvnc'))('TightVNC Tight security (16)', () => {
  it.each([
    ['None', undefined],
    ['VNC Authentication', PASSWORD],
  ])('Tight (%s): capabilities read after ServerInit, and the screen decodes', async (inner, password) => {
    const s = await startServer('tightvnc', { content: 'static', width: 320, height: 200, password })
    try {
      const snap = await takeSnapshot(target(s), { credentials, timeoutMs: 15_000 })
      expect(snap.info).toMatchObject({ securityType: 16, securityName: `Tight (${inner})`, encrypted: false })
      expect(snap.info.tightCapabilities?.encodings.length).toBeGreaterThan(0)
      expect(distinctColours(snap.framebuffer)).toBeGreaterThan(1)
    } finally {
      await s.stop()
    }
  })
})

describe('reverse connections (tessera listen)', () => {
  it.skipIf(!serverAvailable('x11vnc'))('x11vnc -connect: the server dials in and the screen decodes', async () => {
    const listener = await listenForServers({ host: '127.0.0.1', port: 0 })
    const s = await startServer('x11vnc', { content: 'static', width: 320, height: 200, extraArgs: ['-connect', `127.0.0.1:${listener.port}`] })
    try {
      const transport = await listener.next(15_000)
      const snap = await takeSnapshot({ host: '127.0.0.1', port: 0 }, { transport, timeoutMs: 15_000 })
      expect([snap.framebuffer.width, snap.framebuffer.height]).toEqual([320, 200])
      expect(distinctColours(snap.framebuffer)).toBeGreaterThan(1)
    } finally {
      await listener.close()
      await s.stop()
    }
  })

  it.skipIf(!serverAvailable('tigervnc') || !opensslAvailable)('TigerVNC vncconfig -connect, over VeNCrypt X509None', async () => {
    const listener = await listenForServers({ host: '127.0.0.1', port: 0 })
    const s = await startServer('tigervnc', { content: 'static', width: 320, height: 200, tls: certA, securityTypes: ['X509None'] })
    try {
      s.spawnClient('vncconfig', ['-display', `:${s.display}`, '-connect', `127.0.0.1:${listener.port}`])
      const transport = await listener.next(15_000)
      const snap = await takeSnapshot({ host: '127.0.0.1', port: 0 }, { transport, timeoutMs: 15_000 })
      expect(snap.info).toMatchObject({ securityName: 'VeNCrypt X509None', encrypted: true })
      expect(distinctColours(snap.framebuffer)).toBeGreaterThan(1)
    } finally {
      await listener.close()
      await s.stop()
    }
  })
})
