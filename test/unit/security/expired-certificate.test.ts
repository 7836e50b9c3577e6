// An out-of-date server certificate over a real TLS connection (vncs://, TLS from the first byte):
// the person is asked, sees the dates, and may trust it for this session only (docs/security.md).
import { afterEach, describe, expect, it } from 'vitest'
import { connectRfb } from '../../../src/main/rfb/connect'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { MemoryTrustStore } from '../../../src/main/rfb/trust/store'
import type { TrustDecision, TrustPrompt } from '../../../src/main/rfb/trust/verify'
import { none38 } from '../../helpers/server-script'
import { opensslAvailable, testCerts } from './certs'
import { type ScriptServer, scriptServer } from './script-server'

const servers: ScriptServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

/** A vncs:// server with `cert` that greets with security None up to ServerInit. */
async function vncsServer(cert: { cert: string; key: string }): Promise<ScriptServer> {
  const s = await scriptServer(
    async (c) => {
      c.send(none38(4, 3))
      await c.read(12 + 1 + 1)
    },
    { tlsFromStart: cert },
  )
  servers.push(s)
  return s
}

describe.skipIf(!opensslAvailable)('an out-of-date server certificate', () => {
  it.each([
    ['expired', /expired \(on Jan {2}1 00:00:00 2021 GMT\)|self-signed/],
    ['notYetValid', /not valid yet|self-signed/],
  ] as const)('%s: asked with its dates; "always" connects for this session only and is not remembered', async (which, reason) => {
    const certs = testCerts()
    const store = new MemoryTrustStore()
    for (let attempt = 0; attempt < 2; attempt++) {
      const server = await vncsServer(certs[which])
      const asked: TrustPrompt[] = []
      const ask = async (p: TrustPrompt): Promise<TrustDecision> => (asked.push(p), 'always')
      const { client, info } = await connectRfb(
        { host: '127.0.0.1', port: server.port, tls: true },
        { sink: new FramebufferSink(), autoUpdate: false, security: { trust: { store, ask } } },
      )
      client.close()
      // Asked every time: the answer "always" was kept for that session only.
      expect(asked, `attempt ${attempt}`).toHaveLength(1)
      expect(asked[0].certificate.validity).toBe(which === 'expired' ? 'expired' : 'not-yet-valid')
      expect(asked[0].reason).toMatch(reason)
      expect(info.serverVerification).toBe('once')
      expect(store.get(`127.0.0.1:${server.port}`)).toBeUndefined()
    }
  })

  it('an in-date self-signed certificate may still be trusted always (the contrast)', async () => {
    const certs = testCerts()
    const store = new MemoryTrustStore()
    const server = await vncsServer(certs.selfA)
    const { client, info } = await connectRfb(
      { host: '127.0.0.1', port: server.port, tls: true },
      { sink: new FramebufferSink(), autoUpdate: false, security: { trust: { store, ask: async () => 'always' } } },
    )
    client.close()
    expect(info.serverVerification).toBe('accepted')
    expect(store.get(`127.0.0.1:${server.port}`)?.sha256).toBe(certs.selfA.sha256)
  })
})
