import { once } from 'node:events'
import { connect as netConnect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { NetworkError, UnsupportedError } from '../../../src/main/rfb/errors'
import { connectTcp } from '../../../src/main/rfb/transport/tcp'
import { connectTls } from '../../../src/main/rfb/transport/tls'
import { ANONYMOUS_CIPHERS, anonymousTlsSupport, tlsOptions } from '../../../src/main/rfb/transport/tls-socket'
import type { TlsUpgradeOptions } from '../../../src/main/rfb/transport/transport'
import { opensslAvailable, testCerts } from './certs'
import { type ScriptServer, type ServerTlsOptions, scriptServer } from './script-server'

let server: ScriptServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

/** A server that greets in clear, waits for "go", says "ok" and becomes TLS, then echoes one line. */
async function upgradeServer(tls: ServerTlsOptions): Promise<ScriptServer> {
  return scriptServer(async (c) => {
    c.send('hello')
    await c.read(2)
    c.send('ok')
    await c.startTls(tls)
    const line = await c.read(5)
    c.send(Buffer.concat([Buffer.from('echo:'), line]))
  })
}

/** Connects, does the clear-text part, upgrades with `opts`, and returns what came back inside TLS. */
async function upgradeClient(port: number, opts: TlsUpgradeOptions) {
  const t = await connectTcp('127.0.0.1', port)
  const received: Buffer[] = []
  let closed: Error | undefined | null = null
  let wake: (() => void) | null = null
  t.start({
    data: (d) => {
      received.push(Buffer.from(d))
      wake?.()
    },
    close: (e) => {
      closed = e
      wake?.()
    },
  })
  const until = async (n: number): Promise<Buffer> => {
    while (Buffer.concat(received).length < n && closed === null) await new Promise<void>((r) => (wake = r))
    const all = Buffer.concat(received)
    received.length = 0
    return all
  }
  expect((await until(5)).toString()).toBe('hello')
  t.write(Buffer.from('go'))
  expect((await until(2)).toString()).toBe('ok')
  try {
    const info = await t.startTls(opts)
    t.write(Buffer.from('12345'))
    const echoed = (await until(10)).toString()
    return { info, echoed, transport: t }
  } finally {
    t.close()
  }
}

describe.skipIf(!opensslAvailable)('TLS upgrade of a live TCP transport', () => {
  it('verifies a CA-signed certificate given the CA, and carries data both ways afterwards', async () => {
    const certs = testCerts()
    server = await upgradeServer(certs.localhost)
    const { info, echoed } = await upgradeClient(server.port, { anonymous: false, servername: 'localhost', ca: certs.ca.cert })
    expect(echoed).toBe('echo:12345')
    expect(info.authorized).toBe(true)
    expect(info.protocol).toBe('TLSv1.3')
    expect(Buffer.from(info.certificate!).equals(Buffer.from(certs.localhost.der))).toBe(true)
  })

  it('reports (does not reject) a self-signed certificate, so the trust layer can decide', async () => {
    const certs = testCerts()
    server = await upgradeServer(certs.selfA)
    const { info, echoed } = await upgradeClient(server.port, { anonymous: false, servername: 'localhost' })
    expect(echoed).toBe('echo:12345')
    expect(info.authorized).toBe(false)
    expect(info.authorizationError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT')
  })

  it('reports a valid chain for the wrong host name as ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    const certs = testCerts()
    server = await upgradeServer(certs.other)
    const { info } = await upgradeClient(server.port, { anonymous: false, servername: 'localhost', ca: certs.ca.cert })
    expect(info.authorized).toBe(false)
    expect(info.authorizationError).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
  })

  it('checks an IP address against the certificate without sending it as SNI', async () => {
    const certs = testCerts()
    server = await upgradeServer(certs.localhost)
    const { info } = await upgradeClient(server.port, { anonymous: false, servername: '127.0.0.1', ca: certs.ca.cert })
    expect(info.authorized).toBe(true)
  })
})

describe.skipIf(!opensslAvailable)('TLS older than 1.2', () => {
  /**
   * What the server negotiates with a client that still allows TLS 1.0 (the old anonymous
   * options): proves the scripted server really speaks the old version, so the refusal below
   * comes from our minimum and not from a server that cannot talk at all.
   */
  async function legacyProtocol(port: number, anonymous: boolean): Promise<string | null> {
    const socket = netConnect(port, '127.0.0.1')
    await once(socket, 'connect')
    await once(socket, 'data')
    socket.write('go')
    await once(socket, 'data')
    const options = { socket, minVersion: 'TLSv1' as const, rejectUnauthorized: false, checkServerIdentity: () => undefined }
    const tls = tlsConnect(anonymous ? { ...options, ciphers: ANONYMOUS_CIPHERS, maxVersion: 'TLSv1.2' } : { ...options, ciphers: 'DEFAULT:@SECLEVEL=0' })
    await once(tls, 'secureConnect')
    const protocol = tls.getProtocol()
    tls.destroy()
    return protocol
  }

  it.each([
    ['an anonymous', 'TLSv1.1', true],
    ['an anonymous', 'TLSv1', true],
    ['a certificate', 'TLSv1.1', false],
  ] as const)('%s %s-only server is refused with RFB_ERR_TLS_VERSION', async (_what, version, anonymous) => {
    const opts: ServerTlsOptions = anonymous ? { anonymous, maxVersion: version } : { ...testCerts().selfA, maxVersion: version }
    server = await upgradeServer(opts)
    expect(await legacyProtocol(server.port, anonymous)).toBe(version)
    await server.close()
    server = await upgradeServer(opts)
    const err = await upgradeClient(server.port, { anonymous, servername: 'localhost' }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(UnsupportedError)
    expect((err as UnsupportedError).code).toBe('RFB_ERR_TLS_VERSION')
    expect((err as UnsupportedError).message).toMatch(/only offers a TLS version older than 1\.2/)
  })

  it('every connection, anonymous or not, asks for TLS 1.2 at least', () => {
    expect(tlsOptions({ anonymous: true }).minVersion).toBe('TLSv1.2')
    expect(tlsOptions({ anonymous: false, servername: 'h' }).minVersion).toBe('TLSv1.2')
  })
})

describe('anonymous TLS', () => {
  it("is available under Node's OpenSSL", () => {
    expect(anonymousTlsSupport()).toEqual({ supported: true })
  })

  it('negotiates an anonymous TLS 1.2 suite and carries data', async () => {
    server = await upgradeServer({ anonymous: true })
    const { info, echoed } = await upgradeClient(server.port, { anonymous: true })
    expect(echoed).toBe('echo:12345')
    expect(info.protocol).toBe('TLSv1.2')
    expect(info.cipher).toMatch(/^A(EC)?DH-/)
    expect(info.certificate).toBeUndefined()
  })
})

describe.skipIf(!opensslAvailable)('TLS failures', () => {
  it('an anonymous client against a certificate-only server fails with a presentable RFB_ERR_TLS', async () => {
    const certs = testCerts()
    server = await upgradeServer(certs.localhost)
    const err = await upgradeClient(server.port, { anonymous: true }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(NetworkError)
    expect((err as NetworkError).code).toBe('RFB_ERR_TLS')
    expect((err as NetworkError).message).toMatch(/^TLS with 127\.0\.0\.1:\d+ failed: /)
  })
})

describe.skipIf(!opensslAvailable)('TLS from the first byte (vncs://)', () => {
  it('connects, reports the certificate and delivers decrypted data', async () => {
    const certs = testCerts()
    server = await scriptServer(
      async (c) => {
        c.send('RFB 003.008\n')
        await c.read(1)
      },
      { tlsFromStart: certs.selfB },
    )
    const t = await connectTls('127.0.0.1', server.port, { timeoutMs: 5000 })
    expect(t.tls?.authorizationError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT')
    expect(Buffer.from(t.tls!.certificate!).equals(Buffer.from(certs.selfB.der))).toBe(true)
    const got = await new Promise<string>((resolve) => t.start({ data: (d) => resolve(Buffer.from(d).toString()), close: () => resolve('closed') }))
    expect(got).toBe('RFB 003.008\n')
    t.close()
  })

  it('a plain server on the port is a TLS error, not a hang', async () => {
    server = await scriptServer(async (c) => {
      c.send('RFB 003.008\n')
      await c.read(1).catch(() => {})
    })
    const err = await connectTls('127.0.0.1', server.port, { timeoutMs: 5000 }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(NetworkError)
    expect((err as NetworkError).code).toBe('RFB_ERR_TLS')
  })
})
