import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { AuthFailedError, type RfbError } from '../../src/main/rfb/errors'
import { Encoding } from '../../src/shared/encodings'
import { MemoryTrustStore } from '../../src/main/rfb/trust/store'
import type { ServerKeyPrompt } from '../../src/main/rfb/trust/server-key'
import { distinctColours } from '../helpers/compare'
import { TRIXIE_USER, TRIXIE_USER_PASSWORD, type TrixieXvnc, ensureTrixieChroot, isRoot, startTrixieXvnc } from '../helpers/trixie-xvnc'

const PASSWORD = 'ra2pass1'
const TYPES = [
  { type: 'RA2', encrypted: true },
  { type: 'RA2ne', encrypted: false },
  { type: 'RA2_256', encrypted: true },
  { type: 'RA2ne_256', encrypted: false },
] as const

// chroot needs root (CI runs as root and builds the chroot in .ci/run); elsewhere these tests cannot run.
describe.skipIf(!isRoot)('RSA-AES against TigerVNC 1.15 Xvnc (Debian 13 chroot)', () => {
  beforeAll(() => {
    ensureTrixieChroot()
  }, 600_000)

  describe.each(TYPES)('$type', ({ type, encrypted }) => {
    let server: TrixieXvnc
    beforeAll(async () => {
      server = await startTrixieXvnc({ securityTypes: [type], password: PASSWORD })
    }, 30_000)
    afterAll(async () => server?.stop())
    const target = () => ({ host: server.host, port: server.port })

    it('connects, and what it shows through the encrypted stream equals a Raw snapshot', async () => {
      const security = { serverKeys: { store: new MemoryTrustStore() } }
      const credentials = async () => ({ password: PASSWORD })
      const raw = await takeSnapshot(target(), { encodings: [Encoding.Raw], credentials, security })
      const zrle = await takeSnapshot(target(), { encodings: [Encoding.ZRLE, Encoding.Raw], credentials, security })
      expect(raw.info.securityName).toBe(type)
      expect(raw.info.encrypted).toBe(encrypted)
      expect(raw.info.serverKey?.algorithm).toBe('RSA 2048')
      expect(zrle.encodings.has(Encoding.ZRLE), 'the server used ZRLE').toBe(true)
      expect(distinctColours(raw.framebuffer)).toBeGreaterThan(1)
      expect(Buffer.from(zrle.framebuffer.words.buffer).equals(Buffer.from(raw.framebuffer.words.buffer)), 'ZRLE picture differs from Raw').toBe(true)
    }, 60_000)

    it("refuses a wrong password with the server's reason", async () => {
      const err = (await takeSnapshot(target(), { credentials: async () => ({ password: 'wrong-pw' }) }).catch((e: unknown) => e)) as RfbError
      expect(err).toBeInstanceOf(AuthFailedError)
      expect((err as AuthFailedError).reason).toMatch(/\w/)
    }, 30_000)

    it('refuses a server whose key changed since it was trusted always, before asking for a password', async () => {
      const store = new MemoryTrustStore()
      const prompts: ServerKeyPrompt[] = []
      const ask = async (p: ServerKeyPrompt) => (prompts.push(p), 'always' as const)
      let asked = 0
      const credentials = async () => (asked++, { password: PASSWORD })
      const first = await takeSnapshot(target(), { encodings: [Encoding.Raw], credentials, security: { serverKeys: { store, ask } } })
      expect(first.info.serverKey?.how).toBe('accepted')
      expect(prompts).toHaveLength(1)
      expect(store.get(`127.0.0.1:${server.port}`)?.sha256).toBe(prompts[0].fingerprintSha256)
      // The same key again: known, not asked.
      const again = await takeSnapshot(target(), { encodings: [Encoding.Raw], credentials, security: { serverKeys: { store, ask } } })
      expect(again.info.serverKey?.how).toBe('pinned')
      expect(prompts).toHaveLength(1)

      const port = server.port
      await server.stop()
      server = await startTrixieXvnc({ securityTypes: [type], password: PASSWORD, keyName: 'other', port })
      asked = 0
      const err = (await takeSnapshot(target(), { credentials, security: { serverKeys: { store, ask } } }).catch((e: unknown) => e)) as RfbError
      expect(err.code).toBe('RFB_ERR_SERVER_KEY_CHANGED')
      expect(err.message).toContain('CHANGED')
      expect(asked, 'no password was asked for').toBe(0)
      expect(prompts).toHaveLength(1)
    }, 60_000)
  })

  it('RA2 with -RequireUsername sends the user name and password, checked by PAM', async () => {
    const server = await startTrixieXvnc({ securityTypes: ['RA2'], password: PASSWORD, requireUsername: true })
    try {
      const target = { host: server.host, port: server.port }
      const kinds: string[] = []
      const ok = await takeSnapshot(target, { encodings: [Encoding.Raw], credentials: async () => ({ username: TRIXIE_USER, password: TRIXIE_USER_PASSWORD }) })
      expect(ok.info.securityName).toBe('RA2')
      const err = (await takeSnapshot(target, { credentials: async () => (kinds.push('x'), { username: TRIXIE_USER, password: 'nope' }) }).catch(
        (e: unknown) => e,
      )) as RfbError
      expect(err).toBeInstanceOf(AuthFailedError)
    } finally {
      await server.stop()
    }
  }, 60_000)
})
