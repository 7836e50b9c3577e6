import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { UsageError, parseArgs } from '../../../src/main/cli/args'
import { CONNECT_OPTIONS, sshArg } from '../../../src/main/cli/session-options'
import { FileTrustStore } from '../../../src/main/rfb/trust/store'

const KEY_B64 = 'AAAAC3NzaC1lZDI1NTE5AAAAIJzjWjMP3UFX3jyp/tHWVTdVcd04VA3djamF+1FiBCj7'
const KEY_FP = 'SHA256:/F2Z0KWnSEM3NRrvUYlYeTzwzG7DOlJJgCzkqc/fTjQ'
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-ssh-cli-'))
  // No agent, no passphrase, and no user's ~/.ssh/known_hosts leak into the results.
  vi.stubEnv('SSH_AUTH_SOCK', '')
  vi.stubEnv('TESSERA_SSH_PASSPHRASE', undefined as unknown as string)
  vi.stubEnv('HOME', dir)
})
afterEach(() => {
  vi.unstubAllEnvs()
  rmSync(dir, { recursive: true, force: true })
})

const ssh = (...argv: string[]) => sshArg(parseArgs(argv, CONNECT_OPTIONS, []))

describe('CLI SSH options', () => {
  it('no --ssh: no tunnel, and SSH-only options are refused', () => {
    expect(ssh()).toBeUndefined()
    expect(() => ssh('--ssh-key', 'k')).toThrow(UsageError)
  })

  it('reads user@host:port, a key, known_hosts, fingerprints and the trust store', () => {
    writeFileSync(join(dir, 'key'), 'PRIVATE')
    writeFileSync(join(dir, 'known'), `gw ssh-ed25519 ${KEY_B64}\n`)
    vi.stubEnv('TESSERA_SSH_PASSPHRASE', 'secret')
    const o = ssh(
      '--ssh',
      'alice@gw.example:2222',
      '--ssh-key',
      join(dir, 'key'),
      '--ssh-known-hosts',
      join(dir, 'known'),
      '--ssh-accept-fingerprint',
      KEY_FP.slice(7),
      '--trust-store',
      dir,
    )!
    expect([o.sshHost, o.sshPort, o.username]).toEqual(['gw.example', 2222, 'alice'])
    expect(o.auth).toEqual({ agent: undefined, privateKey: Buffer.from('PRIVATE'), passphrase: 'secret', password: undefined })
    expect(o.hostKey.knownHosts?.map((e) => e.hosts)).toEqual(['gw'])
    expect(o.hostKey.acceptFingerprints).toEqual([KEY_FP])
    expect((o.hostKey.store as FileTrustStore).file).toBe(join(dir, 'known-ssh-hosts.json'))
  })

  it('uses the agent from SSH_AUTH_SOCK and the first line of --ssh-password-file; port 22 by default', () => {
    vi.stubEnv('SSH_AUTH_SOCK', '/tmp/agent.sock')
    writeFileSync(join(dir, 'pw'), 'hunter2\nignored\n')
    const o = ssh('--ssh', 'bob@[::1]', '--ssh-password-file', join(dir, 'pw'))!
    expect([o.sshHost, o.sshPort, o.auth.agent, o.auth.password]).toEqual(['::1', 22, '/tmp/agent.sock', 'hunter2'])
  })

  it.each([
    [['--ssh', 'alice@gw'], /needs credentials/],
    [['--ssh', 'alice@gw:x', '--ssh-password-file', '/nonexistent'], /user@host\[:port\]/],
    [['--ssh', 'alice@gw', '--ssh-password-file', '/nonexistent'], /cannot read/],
    [['--ssh', 'alice@gw', '--ssh-key', '/nonexistent'], /cannot read/],
  ])('refuses %j', (argv, message) => {
    expect(() => ssh(...argv)).toThrow(message)
  })

  it('refuses a fingerprint that is not SHA-256', () => {
    writeFileSync(join(dir, 'pw'), 'x')
    expect(() => ssh('--ssh', 'a@gw', '--ssh-password-file', join(dir, 'pw'), '--ssh-accept-fingerprint', 'MD5:aa')).toThrow(/not a SHA-256/)
  })
})
