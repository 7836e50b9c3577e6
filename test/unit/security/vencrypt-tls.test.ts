import { afterEach, describe, expect, it } from 'vitest'
import { vncAuthResponse } from '../../../src/main/rfb/security/vnc-auth'
import { connectTcp } from '../../../src/main/rfb/transport/tcp'
import { MemoryTrustStore } from '../../../src/main/rfb/trust/store'
import { Bytes } from '../../helpers/bytes'
import { serverInit } from '../../helpers/server-script'
import { opensslAvailable, testCerts } from './certs'
import { handshakeOver } from './handshake-io'
import { type ScriptServer, type ServerConn, scriptServer } from './script-server'

const CHALLENGE = Uint8Array.from({ length: 16 }, (_, i) => i + 100)

let server: ScriptServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

/** A VeNCrypt server the way TigerVNC behaves: sub-type list, accept byte, TLS, then VNC auth inside. */
function venCryptServer(subtype: number, tls: { cert?: string; key?: string; anonymous?: boolean }, password = 'sesame') {
  return async (c: ServerConn): Promise<void> => {
    c.send('RFB 003.008\n')
    await c.read(12)
    c.send(Uint8Array.of(1, 19))
    expect((await c.read(1))[0]).toBe(19)
    c.send(Uint8Array.of(0, 2))
    expect([...(await c.read(2))]).toEqual([0, 2])
    c.send(new Bytes().u8(0, 1).u32(subtype).build())
    expect((await c.read(4)).readUInt32BE(0)).toBe(subtype)
    c.send(Uint8Array.of(1))
    await c.startTls(tls)
    c.send(CHALLENGE)
    const response = await c.read(16)
    const ok = Buffer.from(vncAuthResponse(CHALLENGE, password)).equals(response)
    c.send(new Bytes().u32(ok ? 0 : 1).build())
    if (!ok) return c.close()
    await c.read(1)
    c.send(serverInit(16, 8, `inside ${c.cipher}`))
  }
}

describe.skipIf(!opensslAvailable)('VeNCrypt over a real TLS upgrade', () => {
  it('X509Vnc: first use asks, "always" pins; the password only travels inside TLS', async () => {
    const certs = testCerts()
    const store = new MemoryTrustStore()
    server = await scriptServer(venCryptServer(261, certs.selfA))
    const transport = await connectTcp('127.0.0.1', server.port)
    let asked = 0
    const { done, io } = handshakeOver(
      transport,
      {
        security: { host: '127.0.0.1', port: server.port, trust: { store, ask: async () => (asked++, 'always') } },
      },
      { credentials: async () => ({ password: 'sesame' }) },
    )
    const result = await done
    await server.done
    transport.close()
    expect(result.init.name).toMatch(/^inside TLS_/)
    expect(result).toMatchObject({ securityName: 'VeNCrypt X509Vnc', encrypted: true, serverVerified: true, serverVerification: 'accepted' })
    expect(result.tls?.protocol).toBe('TLSv1.3')
    expect(asked).toBe(1)
    expect(store.get(`127.0.0.1:${server.port}`)?.sha256).toBe(certs.selfA.sha256)
    // In the clear: version, type, VeNCrypt version, sub-type. Nothing else.
    expect(io.sent().length).toBe(12 + 1 + 2 + 4 + 16 + 1)
    expect(transport.tls?.cipher).toBe(result.tls?.cipher)
  })

  it('TLSVnc over anonymous TLS 1.2', async () => {
    server = await scriptServer(venCryptServer(258, { anonymous: true }))
    const transport = await connectTcp('127.0.0.1', server.port)
    const { done } = handshakeOver(transport, {}, { credentials: async () => ({ password: 'sesame' }) })
    const result = await done
    transport.close()
    expect(result.init.name).toMatch(/^inside A(EC)?DH-/)
    expect(result).toMatchObject({ securityName: 'VeNCrypt TLSVnc', encrypted: true, serverVerified: false })
  })

  it('with the CA given, a CA-signed certificate verifies without asking', async () => {
    const certs = testCerts()
    server = await scriptServer(venCryptServer(261, certs.localhost))
    const transport = await connectTcp('127.0.0.1', server.port)
    const { done } = handshakeOver(
      transport,
      {
        security: { host: 'localhost', port: server.port, policy: 'require-server-auth', trust: { ca: certs.ca.cert } },
      },
      { credentials: async () => ({ password: 'sesame' }) },
    )
    const result = await done
    transport.close()
    expect(result).toMatchObject({ serverVerified: true, serverVerification: 'ca' })
  })
})
