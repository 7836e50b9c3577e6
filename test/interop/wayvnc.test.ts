import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { AuthFailedError, type RfbError } from '../../src/main/rfb/errors'
import type { ServerKeyPrompt } from '../../src/main/rfb/trust/server-key'
import { MemoryTrustStore } from '../../src/main/rfb/trust/store'
import { Encoding } from '../../src/shared/encodings'
import { offerOnly } from '../helpers/offer-only'
import { type TrixieWayvnc, startTrixieWayvnc } from '../helpers/trixie-wayvnc'
import { ensureTrixieChroot, isRoot } from '../helpers/trixie-xvnc'

const USER = 'tessera'

const PASSWORD = 'ard-pass-1'

// wayvnc and sway run in the Debian 13 chroot, which needs root (CI runs as root).
describe.skipIf(!isRoot)('wayvnc 0.9.1 (neatvnc) on headless sway, Debian 13 chroot', () => {
  let server: TrixieWayvnc
  beforeAll(async () => {
    ensureTrixieChroot()
    server = await startTrixieWayvnc({ username: USER, password: PASSWORD })
    // The port opens before sway and wayvnc are fully up: wait until one whole session works (up to
    // 20 s) before the tests count anything. (Most hang-ups once blamed on start-up were the RA2
    // handshake race fixed in src/main/rfb/security/rsa-aes.ts; the tests below fail on any.)
    for (let i = 0; ; i++) {
      const ok = await takeSnapshot(target(), { encodings: [Encoding.Raw], credentials: async () => ({ username: USER, password: PASSWORD }) }).then(
        () => true,
        (e: unknown) => {
          if (i >= 40 || !/closed the connection during the handshake/.test(String((e as Error).message))) throw e
          return false
        },
      )
      if (ok) break
      await new Promise((r) => setTimeout(r, 500))
    }
  }, 600_000)
  afterAll(async () => server?.stop())
  const target = () => ({ host: server.host, port: server.port })

  it('offers RA2_256, RA2 and Apple Remote Desktop', async () => {
    const s = await takeSnapshot(target(), { encodings: [Encoding.Raw], credentials: async () => ({ username: USER, password: PASSWORD }) })
    expect(s.info.offeredSecurity).toEqual([129, 5, 30])
    expect(s.info.securityName).toBe('RA2_256')
  }, 30_000)

  it('Apple Remote Desktop: a snapshot through it equals a Raw snapshot, and a wrong password is refused with the server reason', async () => {
    const creds = (password: string) => async () => ({ username: USER, password })
    const relay = await offerOnly(server.port, 30)
    const ardTarget = { host: '127.0.0.1', port: relay.port }
    // In one fresh-clone run at load 15-21, wayvnc took this login and sent no picture for 30 s (not
    // reproduced in 180 runs since; wayvnc starts capturing on sway's power event). A stall after
    // the login gets one more try; a stall in the login itself still fails.
    const raw = await takeSnapshot(ardTarget, { encodings: [Encoding.Raw], credentials: creds(PASSWORD), security: {}, timeoutMs: 20_000 }).catch(
      (e: unknown) => {
        if (!/sent no picture/.test(String((e as Error).message))) throw e
        return takeSnapshot(ardTarget, { encodings: [Encoding.Raw], credentials: creds(PASSWORD), security: {}, timeoutMs: 20_000 })
      },
    )
    expect(raw.info.securityName).toBe('Apple Remote Desktop')
    const zrle = await takeSnapshot(ardTarget, { encodings: [Encoding.ZRLE, Encoding.Raw], credentials: creds(PASSWORD), security: {} })
    expect(Buffer.from(zrle.framebuffer.words.buffer).equals(Buffer.from(raw.framebuffer.words.buffer))).toBe(true)
    const err = (await takeSnapshot(ardTarget, { credentials: creds('wrong'), security: {} }).catch((e: unknown) => e)) as RfbError
    relay.close()
    expect(err).toBeInstanceOf(AuthFailedError)
    expect((err as AuthFailedError).reason).toBe('Invalid username or password')
  }, 120_000)

  it('RA2: the key is asked about once, then known; a changed key is refused before the password', async () => {
    const store = new MemoryTrustStore()
    const prompts: ServerKeyPrompt[] = []
    const security = { serverKeys: { store, ask: async (p: ServerKeyPrompt) => (prompts.push(p), 'always' as const) } }
    let asked = 0
    const credentials = async () => (asked++, { username: USER, password: PASSWORD })
    // neatvnc used to hang up about one handshake in 50 here: our random and hash reached it in one
    // read (src/main/rfb/security/rsa-aes.ts now sends key and random together). No retry: a
    // hang-up is a failure again.
    const snapshot = () => takeSnapshot(target(), { encodings: [Encoding.Raw], credentials, security })
    await snapshot()
    const again = await snapshot()
    expect(again.info.serverKey?.how).toBe('pinned')
    expect(prompts).toHaveLength(1)
    const port = server.port
    await server.stop()
    server = await startTrixieWayvnc({ username: USER, password: PASSWORD, keyName: 'wayvnc-other', port })
    asked = 0
    const err = (await takeSnapshot(target(), { credentials, security }).catch((e: unknown) => e)) as RfbError
    expect(err.code).toBe('RFB_ERR_SERVER_KEY_CHANGED')
    expect(asked).toBe(0)
  }, 60_000)
})
