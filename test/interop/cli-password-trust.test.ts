import { X509Certificate } from 'node:crypto'
import net, { type Socket } from 'node:net'
import tls, { TLSSocket } from 'node:tls'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EXIT } from '../../src/main/cli/exit-codes'
import { anonymousTlsSupport } from '../../src/main/rfb/transport/tls-socket'
import { Bytes } from '../helpers/bytes'
import { runCli } from '../helpers/cli-in-process'
import { ensureTrixieChroot, isRoot, startTrixieXvnc } from '../helpers/trixie-xvnc'
import { type RunningServer, type ServerOptions, selfSignedCertificate, serverAvailable, startServer } from '../helpers/vnc-servers'
import { opensslAvailable, testCerts } from '../unit/security/certs'

// Where nobody can be asked (the command line), a password that the other end of the encryption
// reads as typed (VeNCrypt X509Plain and TLSPlain, RSA-AES) goes only to a server someone vouched for.

const PASSWORD = 'tessera1'
const FINGERPRINT = /SHA-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})/

let work: string
let passwordFile: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tessera-cli-password-trust-'))
  passwordFile = join(work, 'pw')
  writeFileSync(passwordFile, `${PASSWORD}\n`)
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** `tessera snapshot` of `target` into a fresh PNG, with the password file and `extra` options. */
async function snapshot(target: string, ...extra: string[]) {
  const png = join(work, `shot-${Math.random().toString(36).slice(2)}.png`)
  const r = await runCli(['snapshot', target, png, '--password-file', passwordFile, ...extra])
  return { ...r, text: [...r.out, ...r.err].join('\n'), wrote: existsSync(png) }
}

/** A man in the middle for VeNCrypt X509Plain, on 127.0.0.1: one connection at a time. */
interface Mitm {
  port: number
  /** Everything the client sent inside TLS, once it hung up. */
  inside(): Promise<Buffer>
  close(): Promise<void>
}

/**
 * Completes TLS with its own certificate and keeps every byte the client sends inside it; once a
 * Plain login (u32 lengths, user, password) is complete it turns the login away.
 */
async function x509PlainMitm(cert: { cert: string; key: string }): Promise<Mitm> {
  let received: Promise<Buffer> = Promise.resolve(Buffer.alloc(0))
  const sockets: Socket[] = []
  const server = net.createServer((sock) => {
    sockets.push(sock)
    received = new Promise((resolve) => {
      let clear = Buffer.alloc(0)
      const inside: Buffer[] = []
      sock.on('error', () => {})
      sock.on('close', () => resolve(Buffer.concat(inside)))
      // Clear text: version (12), type (1), VeNCrypt version (2), sub-type (4); then TLS.
      const steps: [number, Uint8Array | string][] = [
        [12, Uint8Array.of(1, 19)],
        [1, Uint8Array.of(0, 2)],
        [2, new Bytes().u8(0, 1).u32(262).build()],
        [4, Uint8Array.of(1)],
      ]
      sock.write('RFB 003.008\n')
      const onClear = (d: Buffer): void => {
        clear = Buffer.concat([clear, d])
        while (steps.length > 0 && clear.length >= steps[0][0]) {
          const [n, reply] = steps.shift()!
          clear = clear.subarray(n)
          sock.write(reply)
        }
        if (steps.length > 0) return
        sock.removeListener('data', onClear)
        const t = new TLSSocket(sock, { isServer: true, secureContext: tls.createSecureContext(cert) })
        t.on('error', () => {})
        t.on('data', (b: Buffer) => {
          inside.push(b)
          const all = Buffer.concat(inside)
          if (all.length >= 8 && all.length >= 8 + all.readUInt32BE(0) + all.readUInt32BE(4)) {
            const reason = 'recorded by the man in the middle'
            t.end(new Bytes().u32(1).u32(reason.length).text(reason).build())
          }
        })
      }
      sock.on('data', onClear)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as net.AddressInfo).port,
    inside: () => received,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      }),
  }
}

describe.skipIf(!opensslAvailable)('a man in the middle (VeNCrypt X509Plain with its own certificate, scripted)', () => {
  let mitm: Mitm | null = null
  afterEach(async () => {
    await mitm?.close()
    mitm = null
  })

  it('gets not one byte inside TLS from tessera snapshot (exit 8, its fingerprint named); once accepted, it would read the password', async () => {
    const certs = testCerts()
    mitm = await x509PlainMitm(certs.selfA)
    const refused = await snapshot(`vnc://someone@127.0.0.1:${mitm.port}`)
    expect(refused.code, refused.text).toBe(EXIT.TRUST)
    expect(refused.err).toHaveLength(1)
    expect(refused.err[0]).toContain(`SHA-256 ${certs.selfA.sha256}`)
    expect(refused.err[0]).toContain(`--accept-fingerprint ${certs.selfA.sha256}`)
    expect(refused.err[0]).toMatch(/--ca-file/)
    expect(refused.err[0]).toMatch(/--trust-store DIR/)
    expect(refused.wrote).toBe(false)
    expect((await mitm.inside()).length, 'bytes the client sent inside TLS').toBe(0)

    // Accepting that fingerprint is what lets the password go: to this "server", in its hands.
    const accepted = await snapshot(`vnc://someone@127.0.0.1:${mitm.port}`, '--accept-fingerprint', certs.selfA.sha256)
    expect(accepted.code, accepted.text).toBe(EXIT.AUTH)
    expect(accepted.err[0]).toContain('recorded by the man in the middle')
    expect((await mitm.inside()).subarray(8).toString('utf8')).toBe(`someone${PASSWORD}`)
  })

  it('a certificate signed by a CA given with --ca-file is proof enough', async () => {
    const certs = testCerts()
    const ca = join(work, 'ca.pem')
    writeFileSync(ca, certs.ca.cert)
    mitm = await x509PlainMitm(certs.localhost)
    const r = await snapshot(`vnc://someone@127.0.0.1:${mitm.port}`, '--ca-file', ca)
    expect(r.code, r.text).toBe(EXIT.AUTH)
    expect((await mitm.inside()).subarray(8).toString('utf8')).toBe(`someone${PASSWORD}`)
  })
})

/** The trust layer's SHA-256 (of the DER) for one of the harness's PEM files. */
const shaOf = (pemFile: string): string => new X509Certificate(readFileSync(pemFile)).fingerprint256

// Needs Debian's tigervnc-standalone-server and openssl (.ci/run installs both).
describe.skipIf(!serverAvailable('tigervnc') || !opensslAvailable)('tessera snapshot against Xtigervnc with a self-signed certificate', () => {
  const servers: RunningServer[] = []
  const start = async (opts: ServerOptions): Promise<RunningServer> => {
    const s = await startServer('tigervnc', { width: 320, height: 200, ...opts })
    servers.push(s)
    return s
  }
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()))
  })
  let cert: { cert: string; key: string }
  beforeAll(() => {
    cert = selfSignedCertificate(work, 'localhost', 'xvnc')
  })

  it('X509Plain: refused (exit 8) before the password; with the fingerprint accepted and remembered, the password reaches PAM', async () => {
    const s = await start({ tls: cert, securityTypes: ['X509Plain'] })
    const target = `vnc://nobody@127.0.0.1:${s.port}`
    const refused = await snapshot(target)
    expect(refused.code, refused.text).toBe(EXIT.TRUST)
    const sha = FINGERPRINT.exec(refused.err[0])?.[1]
    expect(sha).toBe(shaOf(cert.cert))

    const store = join(work, 'trust-x509plain')
    // Accepted: the password is sent, and Xtigervnc's PAM check answers (the made-up user is refused).
    const accepted = await snapshot(target, '--accept-fingerprint', sha!, '--trust-store', store)
    expect(accepted.code, accepted.text).toBe(EXIT.AUTH)
    expect(accepted.err[0]).toMatch(/password or username/i)
    // Remembered: the next run needs only the store.
    const remembered = await snapshot(target, '--trust-store', store)
    expect(remembered.code, remembered.text).toBe(EXIT.AUTH)
  })

  it('X509Vnc stays allowed: VNC authentication inside TLS shows only a DES response, as without TLS', async () => {
    const s = await start({ tls: cert, securityTypes: ['X509Vnc'], password: PASSWORD })
    const r = await snapshot(`127.0.0.1::${s.port}`)
    expect(r.code, r.text).toBe(EXIT.OK)
    expect(r.wrote).toBe(true)
  })

  it('X509None needs no password: unaffected', async () => {
    const s = await start({ tls: cert, securityTypes: ['X509None'] })
    const r = await snapshot(`127.0.0.1::${s.port}`)
    expect(r.code, r.text).toBe(EXIT.OK)
  })

  it.skipIf(!anonymousTlsSupport().supported)('TLSPlain: refused (exit 8) unless --allow-plain-password, which lets the password reach PAM', async () => {
    const s = await start({ securityTypes: ['TLSPlain'] })
    const target = `vnc://nobody@127.0.0.1:${s.port}`
    const refused = await snapshot(target)
    expect(refused.code, refused.text).toBe(EXIT.TRUST)
    expect(refused.err[0]).toMatch(/TLSPlain.*Nothing was sent.*--allow-plain-password/)
    const allowed = await snapshot(target, '--allow-plain-password')
    expect(allowed.code, allowed.text).toBe(EXIT.AUTH)
    expect(allowed.err[0]).toMatch(/password or username/i)
  })
})

// chroot needs root (CI runs as root and builds the chroot in .ci/run); elsewhere these tests cannot run.
describe.skipIf(!isRoot)('tessera snapshot against an RSA-AES server (TigerVNC 1.15 Xvnc, Debian 13 chroot)', () => {
  beforeAll(() => {
    ensureTrixieChroot()
  }, 600_000)

  it.each(['RA2', 'RA2_256', 'RA2ne'])(
    '%s: an unknown key gets no password (exit 8); its fingerprint accepted and remembered, the snapshot is taken',
    async (type) => {
      const server = await startTrixieXvnc({ securityTypes: [type], password: PASSWORD })
      try {
        const target = `127.0.0.1::${server.port}`
        const refused = await snapshot(target)
        expect(refused.code, refused.text).toBe(EXIT.TRUST)
        expect(refused.err[0]).toMatch(new RegExp(`its ${type} key is not known`))
        const sha = FINGERPRINT.exec(refused.err[0])?.[1]
        expect(refused.err[0]).toContain(`--accept-fingerprint ${sha}`)
        expect(refused.wrote).toBe(false)

        const store = join(work, `trust-${type}`)
        const accepted = await snapshot(target, '--accept-fingerprint', sha!, '--trust-store', store)
        expect(accepted.code, accepted.text).toBe(EXIT.OK)
        expect(accepted.wrote).toBe(true)
        const remembered = await snapshot(target, '--trust-store', store)
        expect(remembered.code, remembered.text).toBe(EXIT.OK)
      } finally {
        await server.stop()
      }
    },
    60_000,
  )

  it('without a password nothing secret is at stake: the missing password is the failure (exit 5), not the key', async () => {
    const server = await startTrixieXvnc({ securityTypes: ['RA2'], password: PASSWORD })
    const saved = process.env.TESSERA_PASSWORD
    delete process.env.TESSERA_PASSWORD
    try {
      const r = await runCli(['probe', `127.0.0.1::${server.port}`])
      expect(r.code, r.err.join('\n')).toBe(EXIT.AUTH)
      expect(r.err.join('\n')).toMatch(/password is required/)
    } finally {
      if (saved !== undefined) process.env.TESSERA_PASSWORD = saved
      await server.stop()
    }
  }, 60_000)
})
