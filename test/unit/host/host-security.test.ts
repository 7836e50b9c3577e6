import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import tls from 'node:tls'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import { HostError } from '../../../src/main/host/errors'
import type { Host } from '../../../src/main/host/host'
import type { EventName, HostEvents, SessionError } from '../../../src/shared/contract'
import { type ConnectionProfile, newProfile } from '../../../src/shared/profile'
import { EVENT_NAMES } from '../../../src/shared/schemas'
import { opensslAvailable, testCerts } from '../security/certs'
import { MiniServer } from './mini-server'

type Event = { [K in EventName]: { name: K; payload: HostEvents[K] } }[EventName]

/** TLS in front of a plain server, as stunnel or x11vnc -ssl give `vncs://`; restartable on its port with another certificate. */
class TlsProxy {
  port = 0
  private server: tls.Server | null = null
  private readonly sockets = new Set<net.Socket>()

  constructor(private readonly backendPort: number) {}

  async start(cert: { cert: string; key: string }): Promise<this> {
    const server = tls.createServer({ cert: cert.cert, key: cert.key }, (client) => {
      const up = net.connect(this.backendPort, '127.0.0.1')
      for (const s of [client, up]) {
        this.sockets.add(s)
        s.on('error', () => undefined)
        s.on('close', () => this.sockets.delete(s))
      }
      client.pipe(up).pipe(client)
      client.on('close', () => up.destroy())
      up.on('close', () => client.destroy())
    })
    server.on('tlsClientError', () => undefined)
    await new Promise<void>((ok) => server.listen(this.port, '127.0.0.1', ok))
    this.port = (server.address() as net.AddressInfo).port
    this.server = server
    return this
  }

  /** Drops every connection and stops listening. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    const server = this.server
    this.server = null
    if (server) await new Promise<void>((ok) => server.close(() => ok()))
  }
}

let dir: string
let host: Host
let events: Event[]
const cleanups: (() => Promise<void>)[] = []

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-host-sec-'))
  host = (
    await createHost({
      dataDir: dir,
      decodeImage: null,
      log: () => {},
      timings: { statsIntervalMs: 1000, thumbnailDelayMs: 60_000, reconnect: { baseMs: 20, maxMs: 100, attempts: 3 } },
    })
  ).host
  events = []
  for (const name of EVENT_NAMES) host.on(name, (payload: HostEvents[typeof name]) => events.push({ name, payload } as Event))
})

afterEach(async () => {
  await host.shutdown()
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined)
  rmSync(dir, { recursive: true, force: true })
})

async function next<K extends EventName>(name: K, test: (p: HostEvents[K]) => boolean, timeoutMs = 5_000): Promise<HostEvents[K]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const hit = events.find((e) => e.name === name && test(e.payload as HostEvents[K]))
    if (hit) return hit.payload as HostEvents[K]
    if (Date.now() > deadline) throw new Error(`no ${name}; saw ${events.map((e) => (e.name === 'session.state' ? e.payload.state : e.name)).join(', ')}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const closed = (id: string): Promise<HostEvents['session.state']> => next('session.state', (p) => p.sessionId === id && p.state === 'closed')
const connected = (id: string): Promise<HostEvents['session.state']> => next('session.state', (p) => p.sessionId === id && p.state === 'connected')
const states = (id: string): string[] => events.flatMap((e) => (e.name === 'session.state' && e.payload.sessionId === id ? [e.payload.state] : []))

async function open(arg: { address: string } | { profileId: string }): Promise<string> {
  return ((await host.handle('session.open', arg)) as { sessionId: string }).sessionId
}

async function refusal(name: string, arg: unknown): Promise<SessionError> {
  try {
    await host.handle(name, arg)
  } catch (e) {
    expect(e).toBeInstanceOf(HostError)
    return (e as HostError).error
  }
  throw new Error(`${name} was not refused`)
}

async function vncsServer(which: 'selfA' | 'selfB' = 'selfA'): Promise<{ mini: MiniServer; proxy: TlsProxy }> {
  const mini = await new MiniServer({ width: 4, height: 3 }).start()
  const proxy = await new TlsProxy(mini.port).start(testCerts()[which])
  cleanups.push(
    () => mini.stop(),
    () => proxy.stop(),
  )
  return { mini, proxy }
}

describe.skipIf(!opensslAvailable)('host security: certificates', () => {
  it('asks about an unknown certificate; "always" connects, is remembered, and the next session is not asked', async () => {
    const { proxy } = await vncsServer()
    const certs = testCerts()
    const id = await open({ address: `vncs://127.0.0.1:${proxy.port}` })
    const ask = await next('session.trust', (p) => p.sessionId === id)
    expect(ask).toMatchObject({
      server: `127.0.0.1:${proxy.port}`,
      certificate: { fingerprintSha256: certs.selfA.sha256, subject: 'CN=localhost', issuer: 'CN=localhost', reason: 'self-signed certificate' },
    })
    expect(ask.certificate.validTo).toMatch(/\d{4}/)
    expect(states(id)).toEqual(['connecting', 'authenticating'])
    // Waiting for this answer, the session cannot move to another window (the question would be lost on the way).
    await expect(host.handle('session.handOff', { sessionId: id })).rejects.toMatchObject({ error: { code: 'HOST_HANDOFF_BUSY' } })
    await host.handle('session.trust', { sessionId: id, decision: 'always' })
    const up = await connected(id)
    expect(up.info).toMatchObject({ encrypted: true, verified: true })
    const stored = JSON.parse(readFileSync(join(dir, 'known-certificates.json'), 'utf8'))
    expect(stored.servers[`127.0.0.1:${proxy.port}`].sha256).toBe(certs.selfA.sha256)
    // The address book keeps it as a vncs:// connection.
    const profiles = (await host.handle('profiles.list', undefined)) as ConnectionProfile[]
    expect(profiles).toEqual([expect.objectContaining({ port: proxy.port, tls: true, security: 'allow-unencrypted' })])
    await host.handle('session.close', { sessionId: id })

    const again = await open({ profileId: profiles[0].id })
    expect((await connected(again)).info).toMatchObject({ encrypted: true, verified: true })
    expect(events.some((e) => e.name === 'session.trust' && e.payload.sessionId === again)).toBe(false)
  })

  it('refuses a changed certificate with both fingerprints and does not retry, even when reconnecting', async () => {
    const { proxy } = await vncsServer()
    const certs = testCerts()
    const id = await open({ address: `vncs://127.0.0.1:${proxy.port}` })
    await next('session.trust', (p) => p.sessionId === id)
    await host.handle('session.trust', { sessionId: id, decision: 'always' })
    await connected(id)
    // The server comes back on the same port with another certificate: the reconnect must stop there.
    await proxy.stop()
    await proxy.start(certs.selfB)
    const end = await closed(id)
    expect(end.error).toMatchObject({
      kind: 'auth',
      code: 'RFB_ERR_CERT_CHANGED',
      certificate: { server: `127.0.0.1:${proxy.port}`, expectedSha256: certs.selfA.sha256, presentedSha256: certs.selfB.sha256 },
    })
    expect(end.error!.message).toContain(certs.selfA.sha256)
    expect(end.error!.message).toContain(certs.selfB.sha256)
    expect(states(id).filter((s) => s === 'reconnecting')).toHaveLength(1)
    expect(events.some((e) => e.name === 'session.credentials')).toBe(false)
    expect(host.sessionIds()).toEqual([])
  })

  it('"once" trusts for this session only; "reject" ends without an error', async () => {
    const { proxy } = await vncsServer()
    const id = await open({ address: `vncs://127.0.0.1:${proxy.port}` })
    await next('session.trust', (p) => p.sessionId === id)
    await host.handle('session.trust', { sessionId: id, decision: 'once' })
    // Accepted for this session only: encrypted, but never shown as verified.
    expect((await connected(id)).info).toMatchObject({ encrypted: true, verified: false })
    expect(existsSync(join(dir, 'known-certificates.json'))).toBe(false)
    await host.handle('session.close', { sessionId: id })

    const second = await open({ address: `vncs://127.0.0.1:${proxy.port}` })
    await next('session.trust', (p) => p.sessionId === second)
    await host.handle('session.trust', { sessionId: second, decision: 'reject' })
    expect((await closed(second)).error).toBeUndefined()
    expect(existsSync(join(dir, 'known-certificates.json'))).toBe(false)
  })

  it('closing while asked releases the prompt; answers nobody waits for are refused', async () => {
    const { proxy } = await vncsServer()
    const id = await open({ address: `vncs://127.0.0.1:${proxy.port}` })
    await next('session.trust', (p) => p.sessionId === id)
    expect(await refusal('session.trust', { sessionId: id, decision: 'maybe' })).toMatchObject({ code: 'HOST_INVALID_REQUEST' })
    await host.handle('session.close', { sessionId: id })
    expect((await closed(id)).error).toBeUndefined()
    expect(await refusal('session.trust', { sessionId: id, decision: 'once' })).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })

    const mini = await new MiniServer().start()
    cleanups.push(() => mini.stop())
    const plain = await open({ address: `127.0.0.1::${mini.port}` })
    await connected(plain)
    expect(await refusal('session.trust', { sessionId: plain, decision: 'once' })).toMatchObject({ code: 'HOST_NO_TRUST_PENDING' })
  })

  it('a CA file vouches for the certificate without asking', async () => {
    const certs = testCerts()
    const mini = await new MiniServer().start()
    const proxy = await new TlsProxy(mini.port).start(certs.localhost)
    cleanups.push(
      () => mini.stop(),
      () => proxy.stop(),
    )
    const caFile = join(dir, 'ca.pem')
    writeFileSync(caFile, certs.ca.cert)
    const saved = (await host.handle(
      'profiles.save',
      newProfile({ id: '', host: 'localhost', port: proxy.port, tls: true, caFile, security: 'require-server-auth' }),
    )) as ConnectionProfile
    const id = await open({ profileId: saved.id })
    expect((await connected(id)).info).toMatchObject({ encrypted: true, verified: true })
    expect(events.some((e) => e.name === 'session.trust')).toBe(false)
  })
})

describe('host security: policy', () => {
  it('a profile requiring encryption refuses a server without it, once, with the policy error', async () => {
    const mini = await new MiniServer().start()
    cleanups.push(() => mini.stop())
    const saved = (await host.handle(
      'profiles.save',
      newProfile({ id: '', host: '127.0.0.1', port: mini.port, security: 'require-encryption' }),
    )) as ConnectionProfile
    const id = await open({ profileId: saved.id })
    const end = await closed(id)
    expect(end.error).toMatchObject({ kind: 'unsupported', code: 'RFB_ERR_POLICY' })
    expect(end.error!.message).toContain('require-encryption')
    expect(states(id)).toEqual(['connecting', 'closed'])
  })

  it('an unreadable CA file is reported without connecting', async () => {
    const mini = await new MiniServer().start()
    cleanups.push(() => mini.stop())
    const notPem = join(dir, 'notes.txt')
    writeFileSync(notPem, 'secret text that must not be echoed')
    for (const caFile of [join(dir, 'missing.pem'), notPem]) {
      const saved = (await host.handle('profiles.save', newProfile({ id: '', host: '127.0.0.1', port: mini.port, caFile }))) as ConnectionProfile
      const id = await open({ profileId: saved.id })
      const end = await closed(id)
      expect(end.error).toMatchObject({ code: 'HOST_CA_FILE' })
      expect(end.error!.message).not.toContain('secret text')
    }
    expect(mini.events).toEqual([])
  })
})
