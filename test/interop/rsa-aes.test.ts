import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../src/main/cli'
import { createHost } from '../../src/main/host/create-host'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { replayRecording } from '../../src/main/rfb/record/replay'
import type { HostEvents } from '../../src/shared/contract'
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
      // Xvnc's own words, read through the encrypted stream for RA2 and RA2_256.
      expect((err as AuthFailedError).reason).toBe('Authentication failed')
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

  it('in the app: the key is asked about as a server key, "always" is remembered in known-server-keys.json, and the password travels encrypted', async () => {
    const server = await startTrixieXvnc({ securityTypes: ['RA2_256'], password: PASSWORD })
    const dir = mkdtempSync(join(tmpdir(), 'tessera-ra2-host-'))
    const { host } = await createHost({ dataDir: dir, log: () => {} })
    try {
      const events: { name: string; payload: unknown }[] = []
      host.on('session.hostKey', (payload) => events.push({ name: 'session.hostKey', payload }))
      host.on('session.credentials', (payload) => events.push({ name: 'session.credentials', payload }))
      host.on('session.state', (payload) => events.push({ name: 'session.state', payload }))
      const next = async <K extends 'session.hostKey' | 'session.credentials' | 'session.state'>(name: K, test: (p: HostEvents[K]) => boolean) => {
        for (let i = 0; i < 300; i++) {
          const e = events.find((x) => x.name === name && test(x.payload as HostEvents[K]))
          if (e) return e.payload as HostEvents[K]
          await new Promise((r) => setTimeout(r, 50))
        }
        throw new Error(`no ${name} event`)
      }
      const { sessionId } = (await host.handle('session.open', { address: `${server.host}::${server.port}` })) as { sessionId: string }
      const asked = await next('session.hostKey', (p) => p.sessionId === sessionId)
      expect(asked.hostKey.of).toBe('rsa-aes')
      expect(asked.hostKey.algorithm).toBe('RSA 2048')
      expect(asked.hostKey.shortFingerprint).toMatch(/^[0-9a-f]{2}(-[0-9a-f]{2}){7}$/)
      await host.handle('session.hostKey', { sessionId, decision: 'always' })
      const creds = await next('session.credentials', (p) => p.sessionId === sessionId)
      expect(creds.link).toEqual({ encrypted: true, verified: true, acceptedOnce: false })
      await host.handle('session.credentials', { sessionId, password: PASSWORD, save: false })
      await next('session.state', (p) => p.sessionId === sessionId && p.state === 'connected')
      const stored = JSON.parse(readFileSync(join(dir, 'known-server-keys.json'), 'utf8')) as { servers: Record<string, { sha256: string }> }
      expect(stored.servers[`127.0.0.1:${server.port}`].sha256).toBe(asked.hostKey.fingerprintSha256)
    } finally {
      await host.shutdown()
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('tessera record keeps the decrypted stream of an RA2_256 session, and it replays to the same picture', async () => {
    const server = await startTrixieXvnc({ securityTypes: ['RA2_256'], password: PASSWORD })
    const dir = mkdtempSync(join(tmpdir(), 'tessera-ra2-record-'))
    try {
      const target = `127.0.0.1::${server.port}`
      const secret = join(dir, 'pw')
      writeFileSync(secret, PASSWORD)
      const fbs = join(dir, 'ra2.fbs')
      const lines: string[] = []
      // The command line sends no password to a key nobody vouched for (exit 8): its fingerprint, from the refusal.
      const refusal: string[] = []
      expect(
        await main(
          ['probe', target, '--password-file', secret],
          () => {},
          (l) => refusal.push(l),
        ),
      ).toBe(8)
      const sha = /SHA-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})/.exec(refusal.join('\n'))![1]
      const code = await main(
        ['record', target, fbs, '--seconds', '1', '--encodings', 'zrle,raw', '--password-file', secret, '--accept-fingerprint', sha],
        (l) => lines.push(l),
        (l) => lines.push(l),
      )
      expect(code, lines.join('\n')).toBe(0)
      const replayed = new FramebufferSink()
      const r = await replayRecording(readFileSync(fbs), replayed)
      expect(r.info.init.width).toBe(320)
      expect(r.updates).toBeGreaterThan(0)
      const live = await takeSnapshot(
        { host: server.host, port: server.port },
        { encodings: [Encoding.Raw], credentials: async () => ({ password: PASSWORD }) },
      )
      expect(Buffer.from(replayed.words.buffer).equals(Buffer.from(live.framebuffer.words.buffer)), 'replayed picture differs from a live Raw snapshot').toBe(
        true,
      )
    } finally {
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('tessera probe names the encryption and the server key', async () => {
    const server = await startTrixieXvnc({ securityTypes: ['RA2'], password: PASSWORD })
    const dir = mkdtempSync(join(tmpdir(), 'tessera-ra2-probe-'))
    try {
      writeFileSync(join(dir, 'pw'), PASSWORD)
      const probe = async (...extra: string[]) => {
        const lines: string[] = []
        const code = await main(
          ['probe', `127.0.0.1::${server.port}`, '--password-file', join(dir, 'pw'), ...extra],
          (l) => lines.push(l),
          (l) => lines.push(l),
        )
        return { code, lines }
      }
      // Nobody can be asked about the key: no password goes to it unless its fingerprint is accepted (exit 8).
      const refused = await probe()
      expect(refused.code, refused.lines.join('\n')).toBe(8)
      const sha = /SHA-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})/.exec(refused.lines.join('\n'))![1]
      const { code, lines } = await probe('--accept-fingerprint', sha)
      expect(code, lines.join('\n')).toBe(0)
      expect(lines).toContain('encryption: RA2 (AES-EAX)')
      expect(lines.find((l) => l.startsWith('server key:'))).toMatch(
        new RegExp(`^server key: RSA 2048 SHA-256 ${sha} \\(short ([0-9a-f]{2}-){7}[0-9a-f]{2}; verified \\(accepted\\)\\)$`),
      )
    } finally {
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

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
