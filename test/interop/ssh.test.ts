// SSH tunnels through Debian's OpenSSH server (package openssh-server) started on 127.0.0.1.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { AuthFailedError } from '../../src/main/rfb/errors'
import { type SshOptions, connectSsh } from '../../src/main/rfb/transport/ssh'
import type { HostKeyPrompt } from '../../src/main/rfb/trust/host-key'
import { HostKeyError } from '../../src/main/rfb/trust/errors'
import { parseKnownHosts } from '../../src/main/rfb/trust/known-hosts'
import { FileTrustStore, SSH_HOSTS_FILE_NAME } from '../../src/main/rfb/trust/store'
import { Sshd, keygen, sshdMissing } from '../helpers/sshd'
import { type RunningServer, freePort, serverAvailable, startServer } from '../helpers/vnc-servers'

const RAW = 0

describe.skipIf(sshdMissing !== '' || !serverAvailable('tigervnc'))(`SSH tunnel through OpenSSH${sshdMissing ? ` (skipped: ${sshdMissing})` : ''}`, () => {
  let tmp: string
  let sshd: Sshd
  let vnc: RunningServer
  let clientKey: Buffer
  let hostPub: string
  let ecdsaPub: string
  const user = os.userInfo().username

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tessera-sshd-'))
    hostPub = keygen(path.join(tmp, 'host_a'))
    keygen(path.join(tmp, 'host_b'))
    ecdsaPub = keygen(path.join(tmp, 'host_ecdsa'), 'ecdsa')
    writeFileSync(path.join(tmp, 'authorized_keys'), keygen(path.join(tmp, 'client')))
    keygen(path.join(tmp, 'stranger'))
    clientKey = readFileSync(path.join(tmp, 'client'))
    sshd = new Sshd(tmp, await freePort())
    await sshd.start(path.join(tmp, 'host_a'))
    vnc = await startServer('tigervnc', { content: 'static', width: 320, height: 200 })
  }, 60_000)

  afterAll(async () => {
    await sshd?.stop()
    await vnc?.stop()
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })

  const ssh = (hostKey: SshOptions['hostKey'], privateKey = clientKey): SshOptions => ({
    sshHost: '127.0.0.1',
    sshPort: sshd.port,
    username: user,
    auth: { privateKey },
    hostKey,
  })

  it('a snapshot through the tunnel equals a direct one pixel for pixel', async () => {
    const target = { host: '127.0.0.1', port: vnc.port }
    const direct = await takeSnapshot(target, { encodings: [RAW], timeoutMs: 20_000 })
    const known = parseKnownHosts(`[127.0.0.1]:${sshd.port} ${hostPub}`)
    const tunnelled = await takeSnapshot(target, { encodings: [RAW], timeoutMs: 20_000, ssh: ssh({ knownHosts: known }) })
    expect(tunnelled.info.encrypted).toBe(true)
    expect(tunnelled.info.serverVerified).toBe(true)
    expect(tunnelled.info.ssh?.hostKey.how).toBe('known-hosts')
    expect([tunnelled.framebuffer.width, tunnelled.framebuffer.height]).toEqual([direct.framebuffer.width, direct.framebuffer.height])
    expect(Buffer.from(tunnelled.framebuffer.data).equals(Buffer.from(direct.framebuffer.data)), 'tunnelled pixels differ from direct ones').toBe(true)
  }, 60_000)

  it("asks on first use, remembers 'always', and does not ask the second time", async () => {
    const store = new FileTrustStore(path.join(tmp, 'trust'), SSH_HOSTS_FILE_NAME)
    const asked: HostKeyPrompt[] = []
    const ask = async (p: HostKeyPrompt): Promise<'always'> => {
      asked.push(p)
      return 'always'
    }
    const first = await connectSsh({ ...ssh({ store, ask }), target: { host: '127.0.0.1', port: vnc.port } })
    first.close()
    expect(asked).toHaveLength(1)
    expect(asked[0]).toMatchObject({ host: '127.0.0.1', port: sshd.port, algorithm: 'ssh-ed25519' })
    const fp = spawnSync('ssh-keygen', ['-lf', path.join(tmp, 'host_a.pub')], { encoding: 'utf8' }).stdout.split(' ')[1]
    expect(asked[0].fingerprintSha256).toBe(fp)
    const second = await connectSsh({ ...ssh({ store, ask }), target: { host: '127.0.0.1', port: vnc.port } })
    expect(second.info.hostKey.how).toBe('store')
    second.close()
    expect(asked).toHaveLength(1)
  }, 30_000)

  it('a key the server does not authorise fails as AuthFailed', async () => {
    const wrong = readFileSync(path.join(tmp, 'stranger'))
    const err = await connectSsh({ ...ssh({ ask: async () => 'once' }, wrong), target: { host: '127.0.0.1', port: vnc.port } }).catch((e) => e)
    expect(err).toBeInstanceOf(AuthFailedError)
  }, 30_000)

  it('a changed host key on the same port is refused with both fingerprints, without asking', async () => {
    const store = new FileTrustStore(path.join(tmp, 'trust'), SSH_HOSTS_FILE_NAME)
    const before = store.get(`127.0.0.1:${sshd.port}`)
    expect(before, 'the previous test should have stored the key').toBeDefined()
    await sshd.stop()
    await sshd.start(path.join(tmp, 'host_b'))
    let asked = 0
    const ask = async (): Promise<'once'> => {
      asked++
      return 'once'
    }
    const err = await connectSsh({ ...ssh({ store, ask }), target: { host: '127.0.0.1', port: vnc.port } }).catch((e) => e)
    expect(err).toBeInstanceOf(HostKeyError)
    expect(err.code).toBe('RFB_ERR_HOSTKEY_CHANGED')
    expect(err.message).toContain(before!.sha256)
    expect(err.message).toContain(err.fingerprintSha256)
    expect(asked).toBe(0)
    // known_hosts that lists the old key refuses the new one the same way.
    const known = parseKnownHosts(`[127.0.0.1]:${sshd.port} ${hostPub}`)
    const err2 = await connectSsh({ ...ssh({ knownHosts: known, ask }), target: { host: '127.0.0.1', port: vnc.port } }).catch((e) => e)
    expect(err2.code).toBe('RFB_ERR_HOSTKEY_CHANGED')
    expect(asked).toBe(0)
  }, 30_000)

  describe('host keys of several types', () => {
    const connectWith = (hostKey: SshOptions['hostKey']) => connectSsh({ ...ssh(hostKey), target: { host: '127.0.0.1', port: vnc.port } })

    it('a server with ed25519 and ecdsa keys presents the one known_hosts lists, so nobody is asked', async () => {
      await sshd.stop()
      await sshd.start([path.join(tmp, 'host_a'), path.join(tmp, 'host_ecdsa')])
      let asked = 0
      const t = await connectWith({ knownHosts: parseKnownHosts(`[127.0.0.1]:${sshd.port} ${ecdsaPub}`), ask: async () => (asked++, 'reject' as const) })
      expect(t.info.hostKey).toMatchObject({ how: 'known-hosts', algorithm: 'ecdsa-sha2-nistp256' })
      t.close()
      expect(asked).toBe(0)
    }, 30_000)

    it("known_hosts lists ed25519, the server only has ecdsa: OpenSSH's warning, trusted for this session only", async () => {
      await sshd.stop()
      await sshd.start(path.join(tmp, 'host_ecdsa'))
      const knownHosts = parseKnownHosts(`[127.0.0.1]:${sshd.port} ${hostPub}`)
      const store = new FileTrustStore(path.join(tmp, 'trust-types'), SSH_HOSTS_FILE_NAME)
      const asked: HostKeyPrompt[] = []
      const t = await connectWith({ knownHosts, store, ask: async (p) => (asked.push(p), 'always' as const) })
      expect(t.info.hostKey).toMatchObject({ how: 'user-once', algorithm: 'ecdsa-sha2-nistp256' })
      t.close()
      expect(asked).toHaveLength(1)
      expect(asked[0]).toMatchObject({ algorithm: 'ecdsa-sha2-nistp256', knownAlgorithms: ['ssh-ed25519'] })
      const fp = spawnSync('ssh-keygen', ['-lf', path.join(tmp, 'host_ecdsa.pub')], { encoding: 'utf8' }).stdout.split(' ')[1]
      expect(asked[0].fingerprintSha256).toBe(fp)
      // "Always" was not kept: the ed25519 key stays the reference.
      expect(store.get(`127.0.0.1:${sshd.port}`)).toBeUndefined()
      // Nobody to ask (the CLI): refused, saying why.
      const err = await connectWith({ knownHosts }).catch((e) => e)
      expect(err).toBeInstanceOf(HostKeyError)
      expect(err.code).toBe('RFB_ERR_HOSTKEY_TYPE_CHANGED')
      expect(err.message).toContain('different kind of key')
    }, 30_000)
  })
})
