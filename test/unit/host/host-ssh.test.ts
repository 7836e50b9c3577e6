import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import { AuthFailedError } from '../../../src/main/rfb/errors'
import type { SshConnectOptions, SshSessionInfo } from '../../../src/main/rfb/transport/ssh'
import { connectTcp } from '../../../src/main/rfb/transport/tcp'
import type { Transport } from '../../../src/main/rfb/transport/transport'
import { verifyHostKey } from '../../../src/main/rfb/trust/host-key'
import { sshFingerprint } from '../../../src/main/rfb/trust/known-hosts'
import type { EventName, HostEvents } from '../../../src/shared/contract'
import { type ConnectionProfile, type SshTunnel, newProfile } from '../../../src/shared/profile'
import { EVENT_NAMES } from '../../../src/shared/schemas'
import { MiniServer } from './mini-server'

type Event = { [K in EventName]: { name: K; payload: HostEvents[K] } }[EventName]

/** A host key blob in SSH wire format: string "ssh-ed25519", string of 32 key bytes. */
function hostKeyBlob(fill: number): Buffer {
  const alg = Buffer.from('ssh-ed25519')
  const b = Buffer.alloc(4 + alg.length + 4 + 32, fill)
  b.writeUInt32BE(alg.length, 0)
  alg.copy(b, 4)
  b.writeUInt32BE(32, 4 + alg.length)
  return b
}

let dir: string
let host: Host
let mini: MiniServer
let events: Event[]
/** Every tunnel the fake was asked for, without the key material. */
let tunnels: { sshHost: string; sshPort?: number; username: string; target: SshConnectOptions['target']; auth: SshConnectOptions['auth'] }[]
let presentedKey: Buffer
const SSH_PASSWORD = 'tunnel-secret'

/** Stands in for connectSsh: judges the host key the real way, checks the login, then opens TCP to the mini server. */
async function fakeConnectSsh(o: SshConnectOptions): Promise<Transport & { info: SshSessionInfo }> {
  tunnels.push({ sshHost: o.sshHost, sshPort: o.sshPort, username: o.username, target: o.target, auth: o.auth })
  const verdict = await verifyHostKey(presentedKey, o.sshHost, o.sshPort ?? 22, o.hostKey)
  const ok = o.auth.agent !== undefined || o.auth.privateKey !== undefined || o.auth.password === SSH_PASSWORD
  if (!ok) throw new AuthFailedError(`the SSH server ${o.sshHost}:${o.sshPort} accepted none of the offered credentials`)
  const tcp = await connectTcp('127.0.0.1', mini.port, 2_000)
  return Object.assign(tcp, { info: { server: `${o.username}@${o.sshHost}:${o.sshPort}`, hostKey: verdict } })
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-host-ssh-'))
  mini = await new MiniServer({ width: 4, height: 3, password: 'vncpw' }).start()
  tunnels = []
  presentedKey = hostKeyBlob(7)
  host = (
    await createHost({
      dataDir: dir,
      keychain: null,
      decodeImage: null,
      log: () => {},
      connectSsh: fakeConnectSsh,
      sshAgent: undefined,
      sshKnownHostsFile: join(dir, 'known_hosts'),
      timings: { statsIntervalMs: 1000, thumbnailDelayMs: 60_000, reconnect: { baseMs: 20, maxMs: 100, attempts: 3 } },
    })
  ).host
  events = []
  for (const name of EVENT_NAMES) host.on(name, (payload: HostEvents[typeof name]) => events.push({ name, payload } as Event))
})

afterEach(async () => {
  await host.shutdown()
  await mini.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function next<K extends EventName>(name: K, test: (p: HostEvents[K]) => boolean, after = 0, timeoutMs = 5_000): Promise<HostEvents[K]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const hit = events.slice(after).find((e) => e.name === name && test(e.payload as HostEvents[K]))
    if (hit) return hit.payload as HostEvents[K]
    if (Date.now() > deadline) throw new Error(`no ${name}; saw ${events.map((e) => (e.name === 'session.state' ? e.payload.state : e.name)).join(', ')}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function saveProfile(ssh: SshTunnel, extra: Partial<ConnectionProfile> = {}): Promise<ConnectionProfile> {
  return (await host.handle('profiles.save', newProfile({ id: '', host: 'vnc.internal', port: 5901, ssh, ...extra }))) as ConnectionProfile
}

async function open(profileId: string): Promise<string> {
  return ((await host.handle('session.open', { profileId })) as { sessionId: string }).sessionId
}

const tunnel: SshTunnel = { host: 'gw.example', port: 2222, username: 'alice', auth: 'password' }

describe('host: SSH tunnel per connection', () => {
  it('asks for the host key, then the SSH password, then the VNC password; "always" and "save" are remembered', async () => {
    await host.handle('secrets.allowPlainFile', { allow: true })
    const p = await saveProfile(tunnel)
    const id = await open(p.id)

    const sshAsk = await next('session.credentials', (e) => e.sessionId === id)
    expect(sshAsk).toEqual({ sessionId: id, kind: 'ssh-password', retry: false })
    await host.handle('session.credentials', { sessionId: id, password: SSH_PASSWORD, save: true })

    const keyAsk = await next('session.hostKey', (e) => e.sessionId === id)
    expect(keyAsk).toEqual({
      sessionId: id,
      server: 'gw.example:2222',
      hostKey: { algorithm: 'ssh-ed25519', fingerprintSha256: sshFingerprint(presentedKey), knownAlgorithms: [] },
    })
    await host.handle('session.hostKey', { sessionId: id, decision: 'always' })

    const vncAsk = await next('session.credentials', (e) => e.sessionId === id && e.kind === 'password')
    expect(vncAsk.retry).toBe(false)
    await host.handle('session.credentials', { sessionId: id, password: 'vncpw', save: false })
    const up = await next('session.state', (e) => e.sessionId === id && e.state === 'connected')
    // The address book is updated (and the SSH password saved) once the desktop is reached.
    const upAt = events.findIndex((e) => e.name === 'session.state' && e.payload.sessionId === id && e.payload.state === 'connected')
    await next('profiles.changed', () => true, upAt)
    expect(up.info).toMatchObject({ encrypted: true, verified: true })
    expect(tunnels).toEqual([
      { sshHost: 'gw.example', sshPort: 2222, username: 'alice', target: { host: 'vnc.internal', port: 5901 }, auth: { password: SSH_PASSWORD } },
    ])

    // The host key went to known-ssh-hosts.json, the SSH password to the secret store (not as the VNC password).
    const known = JSON.parse(readFileSync(join(dir, 'known-ssh-hosts.json'), 'utf8'))
    expect(known.servers['gw.example:2222'].sha256).toBe(sshFingerprint(presentedKey))
    await host.handle('session.close', { sessionId: id })
    await host.shutdown()
    const secrets = readFileSync(join(dir, 'secrets.json'), 'utf8')
    expect(secrets).toContain(`ssh:${p.id}`)
    const profiles = (await host.handle('profiles.list', undefined)) as ConnectionProfile[]
    expect(profiles[0]).toMatchObject({ savePassword: false, ssh: tunnel })

    // Second session: neither the host key nor the SSH password is asked again.
    const mark = events.length
    const again = await open(p.id)
    const vnc2 = await next('session.credentials', (e) => e.sessionId === again, mark)
    expect(vnc2.kind).toBe('password')
    expect(events.slice(mark).some((e) => e.name === 'session.hostKey')).toBe(false)
    expect(tunnels[1].auth).toEqual({ password: SSH_PASSWORD })

    // Deleting the profile forgets the SSH password too.
    await host.handle('session.close', { sessionId: again })
    await host.handle('profiles.delete', { id: p.id })
    await host.shutdown()
    expect(readFileSync(join(dir, 'secrets.json'), 'utf8')).not.toContain(`ssh:${p.id}`)
  })

  it('asks again after a wrong SSH password, and ends without connecting when the host key is rejected', async () => {
    const p = await saveProfile(tunnel)
    const id = await open(p.id)
    await next('session.credentials', (e) => e.sessionId === id)
    await host.handle('session.credentials', { sessionId: id, password: 'wrong', save: false })
    await next('session.hostKey', (e) => e.sessionId === id)
    await host.handle('session.hostKey', { sessionId: id, decision: 'once' })
    const retry = await next('session.credentials', (e) => e.sessionId === id && e.retry)
    expect(retry).toMatchObject({ kind: 'ssh-password', retry: true })
    await host.handle('session.credentials', { sessionId: id, password: SSH_PASSWORD, save: false })
    // Trusted once for this session: the retry is not asked about the host key again.
    await next('session.credentials', (e) => e.sessionId === id && e.kind === 'password')
    expect(events.filter((e) => e.name === 'session.hostKey')).toHaveLength(1)
    await host.handle('session.close', { sessionId: id })

    const second = await open(p.id)
    await next('session.credentials', (e) => e.sessionId === second)
    await host.handle('session.credentials', { sessionId: second, password: SSH_PASSWORD, save: false })
    await next('session.hostKey', (e) => e.sessionId === second)
    await host.handle('session.hostKey', { sessionId: second, decision: 'reject' })
    const end = await next('session.state', (e) => e.sessionId === second && e.state === 'closed')
    expect(end.error).toBeUndefined()
    expect(mini.connections).toBe(1)
  })

  it('uses a key file, refuses a changed host key without asking, and reports an unusable key file', async () => {
    const keyFile = join(dir, 'id_test')
    writeFileSync(
      keyFile,
      generateKeyPairSync('rsa', {
        modulusLength: 1024,
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      }).privateKey,
    )
    const p = await saveProfile({ ...tunnel, auth: 'key', keyFile })
    writeFileSync(join(dir, 'known-ssh-hosts.json'), JSON.stringify({ version: 1, servers: { 'gw.example:2222': { sha256: sshFingerprint(hostKeyBlob(1)) } } }))
    const id = await open(p.id)
    const end = await next('session.state', (e) => e.sessionId === id && e.state === 'closed')
    expect(end.error).toMatchObject({ kind: 'auth', code: 'RFB_ERR_HOSTKEY_CHANGED' })
    expect(tunnels).toHaveLength(1)
    expect(tunnels[0].auth.privateKey).toBeInstanceOf(Buffer)
    expect(events.some((e) => e.name === 'session.hostKey' || e.name === 'session.credentials')).toBe(false)

    writeFileSync(keyFile, 'not a key')
    const bad = await open(p.id)
    const end2 = await next('session.state', (e) => e.sessionId === bad && e.state === 'closed')
    expect(end2.error).toMatchObject({ code: 'HOST_SSH_KEY_FILE' })
    expect(end2.error?.message).not.toContain('not a key')
  })

  it('trusts a host key that OpenSSH known_hosts lists, and refuses one that differs from it, without asking', async () => {
    const p = await saveProfile(tunnel)
    writeFileSync(join(dir, 'known_hosts'), `# OpenSSH's own file\n[gw.example]:2222 ssh-ed25519 ${presentedKey.toString('base64')}\n`)
    const id = await open(p.id)
    await next('session.credentials', (e) => e.sessionId === id && e.kind === 'ssh-password')
    await host.handle('session.credentials', { sessionId: id, password: SSH_PASSWORD, save: false })
    await next('session.credentials', (e) => e.sessionId === id && e.kind === 'password')
    expect(events.some((e) => e.name === 'session.hostKey')).toBe(false)
    await host.handle('session.close', { sessionId: id })

    writeFileSync(join(dir, 'known_hosts'), `[gw.example]:2222 ssh-ed25519 ${hostKeyBlob(1).toString('base64')}\n`)
    const changed = await open(p.id)
    await next('session.credentials', (e) => e.sessionId === changed && e.kind === 'ssh-password')
    await host.handle('session.credentials', { sessionId: changed, password: SSH_PASSWORD, save: false })
    const end = await next('session.state', (e) => e.sessionId === changed && e.state === 'closed')
    expect(end.error).toMatchObject({ kind: 'auth', code: 'RFB_ERR_HOSTKEY_CHANGED' })
    expect(events.some((e) => e.name === 'session.hostKey')).toBe(false)
  })

  it('ends with a clear error when the agent login has no agent', async () => {
    const p = await saveProfile({ ...tunnel, auth: 'agent' })
    const id = await open(p.id)
    const end = await next('session.state', (e) => e.sessionId === id && e.state === 'closed')
    expect(end.error).toMatchObject({ kind: 'unsupported', code: 'HOST_SSH_AGENT' })
    expect(tunnels).toEqual([])
  })

  it('cancelling the SSH password prompt ends the session quietly', async () => {
    const p = await saveProfile(tunnel)
    const id = await open(p.id)
    await next('session.credentials', (e) => e.sessionId === id)
    await host.handle('session.credentials', { sessionId: id, cancel: true })
    const end = await next('session.state', (e) => e.sessionId === id && e.state === 'closed')
    expect(end.error).toBeUndefined()
    expect(tunnels).toEqual([])
  })
})
