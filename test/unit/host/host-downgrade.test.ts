import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import type { EventName, HostEvents } from '../../../src/shared/contract'
import { type ConnectionProfile, newProfile } from '../../../src/shared/profile'
import { EVENT_NAMES } from '../../../src/shared/schemas'
import { opensslAvailable, testCerts } from '../security/certs'
import { DowngradeServer } from '../../helpers/downgrade-server'

type Event = { [K in EventName]: { name: K; payload: HostEvents[K] } }[EventName]

const PASSWORD = 'correct horse battery'

let dir: string
let host: Host
let events: Event[]
let server: DowngradeServer | null = null

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-downgrade-'))
  host = (
    await createHost({
      dataDir: dir,
      keychain: null,
      decodeImage: null,
      log: () => {},
      sshKnownHostsFile: undefined,
      timings: { statsIntervalMs: 1000, thumbnailDelayMs: 60_000, reconnect: { baseMs: 20, maxMs: 100, attempts: 1 } },
    })
  ).host
  // These tests save the password in the 0600 file, as a user who allowed it would.
  await host.handle('secrets.allowPlainFile', { allow: true })
  events = []
  for (const name of EVENT_NAMES) host.on(name, (payload: HostEvents[typeof name]) => events.push({ name, payload } as Event))
})

afterEach(async () => {
  await host.shutdown()
  await server?.stop()
  server = null
  rmSync(dir, { recursive: true, force: true })
})

async function next<K extends EventName>(name: K, test: (p: HostEvents[K]) => boolean, timeoutMs = 8_000): Promise<HostEvents[K]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const hit = events.find((e) => e.name === name && test(e.payload as HostEvents[K]))
    if (hit) return hit.payload as HostEvents[K]
    if (Date.now() > deadline) throw new Error(`no ${name}; saw ${events.map((e) => (e.name === 'session.state' ? e.payload.state : e.name)).join(', ')}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const connected = (id: string): Promise<HostEvents['session.state']> => next('session.state', (p) => p.sessionId === id && p.state === 'connected')
const closed = (id: string): Promise<HostEvents['session.state']> => next('session.state', (p) => p.sessionId === id && p.state === 'closed')
const seenBy = (id: string, name: EventName): boolean => events.some((e) => e.name === name && (e.payload as { sessionId?: string }).sessionId === id)

async function open(profileId: string): Promise<string> {
  return ((await host.handle('session.open', { profileId })) as { sessionId: string }).sessionId
}

async function saved(id: string): Promise<ConnectionProfile> {
  return ((await host.handle('profiles.list', undefined)) as ConnectionProfile[]).find((p) => p.id === id)!
}

/** The address book once the host has recorded a connection as `fields` say (its writes are asynchronous). */
async function recorded(id: string, fields: Partial<ConnectionProfile>): Promise<ConnectionProfile> {
  const matches = (p: ConnectionProfile): boolean => p.id === id && Object.entries(fields).every(([k, v]) => p[k as keyof ConnectionProfile] === v)
  const changed = await next('profiles.changed', (e) => e.profiles.some(matches)).catch(() => null)
  return changed?.profiles.find(matches) ?? saved(id)
}

/** The password's bytes do not occur in what the server received (in clear or inside TLS). */
function expectNoPassword(bytes: Buffer): void {
  expect(bytes.includes(Buffer.from(PASSWORD))).toBe(false)
}

/**
 * A profile that reached the X509 server, its certificate trusted as `decision` (or verified by
 * the test CA for 'ca'), with the typed password saved: what a MITM later finds in the address book.
 */
async function reachedOverX509(decision: 'once' | 'always' | 'ca'): Promise<ConnectionProfile> {
  const certs = testCerts()
  server = await new DowngradeServer(PASSWORD, decision === 'ca' ? certs.localhost : certs.selfA).start()
  let fields: Partial<ConnectionProfile> = {}
  if (decision === 'ca') {
    const caFile = join(dir, 'ca.pem')
    writeFileSync(caFile, certs.ca.cert)
    fields = { caFile }
  }
  const profile = (await host.handle('profiles.save', newProfile({ id: '', host: '127.0.0.1', port: server.port, ...fields }))) as ConnectionProfile
  expect(profile.protection).toBeUndefined()
  const id = await open(profile.id)
  if (decision !== 'ca') {
    await next('session.trust', (p) => p.sessionId === id)
    await host.handle('session.trust', { sessionId: id, decision })
  }
  const ask = await next('session.credentials', (p) => p.sessionId === id)
  // The prompt tells how the password will travel; "once" is never "verified".
  expect(ask.link).toEqual({ encrypted: true, verified: decision !== 'once', acceptedOnce: decision === 'once' })
  await host.handle('session.credentials', { sessionId: id, password: PASSWORD, save: true })
  const up = await connected(id)
  expect(up.info).toMatchObject({ security: 'VeNCrypt X509Vnc', encrypted: true, verified: decision !== 'once' })
  const after = await recorded(profile.id, { savePassword: true, protection: 'authenticated', passwordProtection: 'authenticated' })
  expect(after).toMatchObject({ savePassword: true, protection: 'authenticated', passwordProtection: 'authenticated' })
  await host.handle('session.close', { sessionId: id })
  expect(server.seen.at(-1)!.password).toBe(PASSWORD)
  return after
}

describe.skipIf(!opensslAvailable)('a server that once spoke X509 and now offers less', () => {
  it('a certificate trusted once, verified by a CA, or trusted always each raise the remembered level', async () => {
    for (const decision of ['once', 'ca', 'always'] as const) {
      await reachedOverX509(decision)
      await server!.stop()
      server = null
    }
  })

  it('VNC authentication only: refused before the password leaves; accepting lowers the level and asks for the password', async () => {
    const profile = await reachedOverX509('once')
    const mitm = server!
    mitm.offer = 'vnc-auth'
    const id = await open(profile.id)
    const question = await next('session.downgrade', (p) => p.sessionId === id)
    expect(question).toEqual({
      sessionId: id,
      server: `127.0.0.1:${mitm.port}`,
      expected: 'authenticated',
      offered: 'none',
      offeredTypes: 'VNC Authentication',
    })
    const refusal = await closed(id)
    expect(refusal.error).toMatchObject({ kind: 'unsupported', code: 'RFB_ERR_DOWNGRADE' })
    expect(refusal.error!.message).toMatch(/Someone may be intercepting the connection.*Nothing secret was sent/)
    // The client sent its version line and hung up: no type choice, no challenge response.
    expect((await mitm.lastEnded()).clear.toString('latin1')).toBe('RFB 003.008\n')
    expect(seenBy(id, 'session.credentials')).toBe(false)
    expect((await saved(profile.id)).protection).toBe('authenticated')
    // Waiting for this answer, the session cannot move to another window (the question would be lost on the way).
    await expect(host.handle('session.handOff', { sessionId: id })).rejects.toMatchObject({ error: { code: 'HOST_HANDOFF_BUSY' } })

    // The user accepts the change deliberately: the level falls, and the saved password is
    // not sent over the weaker link without the user typing it.
    await host.handle('session.downgrade', { sessionId: id, accept: true })
    const ask = await next('session.credentials', (p) => p.sessionId === id)
    expect(ask).toMatchObject({ kind: 'password', retry: false, savedWithheld: true, link: { encrypted: false, verified: false, acceptedOnce: false } })
    expectNoPassword(mitm.allBytes().subarray(0))
    expect(mitm.seen.filter((c) => c.offer === 'vnc-auth').every((c) => c.password === undefined)).toBe(true)
    expect((await saved(profile.id)).protection).toBe('none')
    await host.handle('session.credentials', { sessionId: id, password: PASSWORD, save: true })
    expect((await connected(id)).info).toMatchObject({ encrypted: false, verified: false })
    expect(await recorded(profile.id, { passwordProtection: 'none' })).toMatchObject({ protection: 'none', passwordProtection: 'none' })
  })

  it('VeNCrypt Plain only: refused without the opt-in; with it, still a downgrade question first', async () => {
    const profile = await reachedOverX509('always')
    const mitm = server!
    mitm.offer = 'plain'
    const id = await open(profile.id)
    const refusal = await closed(id)
    expect(refusal.error).toMatchObject({ code: 'RFB_ERR_PLAIN_REFUSED' })
    expect(refusal.error!.message).toContain('encrypted before')
    // Version, VeNCrypt, version 0.2 and "none of these" (0): nothing else.
    expect((await mitm.lastEnded()).clear).toEqual(Buffer.from([...Buffer.from('RFB 003.008\n'), 19, 0, 2, 0, 0, 0, 0]))
    expectNoPassword(mitm.seen.at(-1)!.clear)
    expect(seenBy(id, 'session.downgrade') || seenBy(id, 'session.credentials')).toBe(false)

    // The user opts in to clear-text passwords for this connection; the host keeps its level.
    // (Plain wants a user name: the saved password is used only with one.)
    await host.handle('profiles.save', {
      ...(await saved(profile.id)),
      username: 'me',
      allowPlainPassword: true,
      protection: 'none',
      passwordProtection: 'none',
    })
    expect(await saved(profile.id)).toMatchObject({ allowPlainPassword: true, protection: 'authenticated', passwordProtection: 'authenticated' })
    const again = await open(profile.id)
    expect(await next('session.downgrade', (p) => p.sessionId === again)).toMatchObject({ expected: 'authenticated', offered: 'none' })
    expectNoPassword(mitm.allBytes())
    await host.handle('session.downgrade', { sessionId: again, accept: true })
    const ask = await next('session.credentials', (p) => p.sessionId === again)
    expect(ask).toMatchObject({ kind: 'username-password', savedWithheld: true, link: { encrypted: false } })
    expectNoPassword(mitm.allBytes())
    await host.handle('session.credentials', { sessionId: again, username: 'me', password: PASSWORD, save: false })
    await connected(again)
    expect(mitm.seen.at(-1)!.password).toBe(PASSWORD)
  })

  it('refusing the downgrade ends the session and keeps the remembered level', async () => {
    const profile = await reachedOverX509('once')
    server!.offer = 'vnc-auth'
    const id = await open(profile.id)
    await next('session.downgrade', (p) => p.sessionId === id)
    await host.handle('session.downgrade', { sessionId: id, accept: false })
    await new Promise((r) => setTimeout(r, 50))
    expect(events.filter((e) => e.name === 'session.state' && e.payload.sessionId === id).at(-1)!.payload).toMatchObject({
      state: 'closed',
      error: { code: 'RFB_ERR_DOWNGRADE' },
    })
    expect((await saved(profile.id)).protection).toBe('authenticated')
    expectNoPassword(server!.allBytes().subarray(0))
    await expect(host.handle('session.downgrade', { sessionId: id, accept: true })).rejects.toThrow()
  })
})

describe('VeNCrypt Plain without TLS', () => {
  it('is refused for a connection that never opted in, before any credential is asked or sent', async () => {
    server = await new DowngradeServer(PASSWORD, { cert: '', key: '' }).start()
    server.offer = 'plain'
    const id = ((await host.handle('session.open', { address: `127.0.0.1::${server.port}` })) as { sessionId: string }).sessionId
    const end = await closed(id)
    expect(end.error).toMatchObject({ code: 'RFB_ERR_PLAIN_REFUSED' })
    expect(end.error!.message).toContain('unencrypted')
    expect(seenBy(id, 'session.credentials')).toBe(false)
    expect((await server.lastEnded()).clear.length).toBe(12 + 1 + 2 + 4)
  })
})
