import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import { HostError } from '../../../src/main/host/errors'
import type { HostClient } from '../../../src/main/host/endpoint'
import type { Host } from '../../../src/main/host/host'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import type { EventName, HostEvents, SessionError } from '../../../src/shared/contract'
import type { ConnectionProfile } from '../../../src/shared/profile'
import { EVENT_NAMES } from '../../../src/shared/schemas'
import { applyBatch } from '../../helpers/batch-applier'
import { FakeClient } from './fake-client'
import { MiniServer } from './mini-server'

type Logged = { [K in EventName]: { name: K; payload: HostEvents[K] } }[EventName]

/** Every host event in order, with a way to wait for one. */
class EventLog {
  readonly all: Logged[] = []
  private waiters: { test: (e: Logged) => boolean; resolve: (e: Logged) => void }[] = []

  constructor(host: Host) {
    for (const name of EVENT_NAMES) {
      host.on(name, (payload: HostEvents[typeof name]) => {
        const e = { name, payload } as Logged
        this.all.push(e)
        this.waiters = this.waiters.filter((w) => !(w.test(e) && (w.resolve(e), true)))
      })
    }
  }

  /** The next matching event from now on (or one already logged after `from`). */
  next<K extends EventName>(name: K, test: (p: HostEvents[K]) => boolean = () => true, from = 0, timeoutMs = 5_000): Promise<HostEvents[K]> {
    const match = (e: Logged): boolean => e.name === name && test(e.payload as HostEvents[K])
    const seen = this.all.slice(from).find(match)
    if (seen) return Promise.resolve(seen.payload as HostEvents[K])
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${name} event within ${timeoutMs} ms; saw ${this.describe()}`)), timeoutMs)
      this.waiters.push({ test: match, resolve: (e) => (clearTimeout(timer), resolve(e.payload as HostEvents[K])) })
    })
  }

  states(sessionId: string): string[] {
    return this.all.flatMap((e) => (e.name === 'session.state' && e.payload.sessionId === sessionId ? [e.payload.state] : []))
  }

  describe(): string {
    return this.all.map((e) => (e.name === 'session.state' ? `state:${e.payload.state}` : e.name)).join(', ')
  }
}

let dir: string
let host: Host
let log: EventLog
const servers: MiniServer[] = []

async function server(options: ConstructorParameters<typeof MiniServer>[0] = {}): Promise<MiniServer> {
  const s = await new MiniServer(options).start()
  servers.push(s)
  return s
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-host-'))
  host = (
    await createHost({
      dataDir: dir,
      // The 0600 file, never this machine's keychain.
      keychain: null,
      decodeImage: null,
      log: () => {},
      timings: { statsIntervalMs: 50, thumbnailDelayMs: 60_000, reconnect: { baseMs: 20, maxMs: 100, attempts: 3 } },
    })
  ).host
  log = new EventLog(host)
})

afterEach(async () => {
  await host.shutdown()
  await Promise.all(servers.splice(0).map((s) => s.stop().catch(() => undefined)))
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
})

const request = (name: string, arg?: unknown, owner?: HostClient): Promise<unknown> => host.handle(name, arg, owner)

async function refusal(name: string, arg: unknown, owner?: HostClient): Promise<SessionError> {
  try {
    await request(name, arg, owner)
  } catch (e) {
    expect(e).toBeInstanceOf(HostError)
    return (e as HostError).error
  }
  throw new Error(`${name} was not refused`)
}

async function open(address: string, owner?: HostClient): Promise<string> {
  return ((await request('session.open', { address }, owner)) as { sessionId: string }).sessionId
}

describe('Host requests', () => {
  it('refuses unknown requests, bad arguments and unknown sessions with SessionErrors', async () => {
    expect(await refusal('session.explode', {})).toMatchObject({ kind: 'protocol', code: 'HOST_UNKNOWN_REQUEST' })
    expect(await refusal('session.key', { sessionId: 'abc', keysym: -5, down: true })).toMatchObject({ kind: 'protocol', code: 'HOST_INVALID_REQUEST' })
    const e = await refusal('session.key', { sessionId: 'abc', keysym: 65, down: true })
    expect(e).toEqual({ kind: 'closed', code: 'HOST_UNKNOWN_SESSION', message: 'no such session (it may have ended)' })
    expect(await refusal('session.open', { address: 'bad host' })).toMatchObject({ code: 'HOST_BAD_ADDRESS' })
    expect(await refusal('session.open', { profileId: 'nope' })).toMatchObject({ code: 'HOST_UNKNOWN_PROFILE' })
  })

  it('never lets a stack trace out', async () => {
    const e = await refusal('profiles.save', { id: 5 })
    expect(JSON.stringify(e)).not.toMatch(/at .*\.ts:\d+/)
    expect(Object.keys(e).sort()).toEqual(['code', 'kind', 'message'])
  })

  it('saves, lists, exports, imports and deletes profiles, announcing each change', async () => {
    const saved = (await request('profiles.save', {
      id: '',
      name: 'Lab',
      host: 'lab',
      port: 5901,
      group: 'Rack',
      notes: '',
      savePassword: false,
      viewOnly: false,
      shared: true,
      encodings: 'auto',
      quality: null,
      compression: null,
      colourDepth: 'auto',
      scaling: 'fit',
      createdAt: 0,
      lastUsedAt: 0,
    })) as ConnectionProfile
    expect(saved.id).toBeTruthy()
    expect((await log.next('profiles.changed')).profiles).toEqual([saved])
    expect(await request('profiles.list')).toEqual([saved])
    const exported = (await request('profiles.export', { ids: [saved.id] })) as { text: string }
    const added = (await request('profiles.import', { fileName: 'x.json', text: exported.text.replace('"Lab"', '"Lab 2"') })) as ConnectionProfile[]
    expect(added.map((p) => p.name)).toEqual(['Lab 2'])
    await request('profiles.delete', { id: saved.id })
    expect(((await request('profiles.list')) as ConnectionProfile[]).map((p) => p.name)).toEqual(['Lab 2'])
    expect(await request('profiles.thumbnail', { id: saved.id })).toBeNull()
  })

  it('reports secret storage status', async () => {
    expect(await request('secrets.status')).toEqual({ available: true, protected: false, backend: 'file', plainFileAllowed: false })
  })
})

describe('Host sessions', () => {
  it('opens a session from a typed address: connecting, connected, frames, acks, input', async () => {
    const s = await server({ width: 4, height: 3, colour: [200, 100, 50] })
    const id = await open(`127.0.0.1::${s.port}`)
    const connected = await log.next('session.state', (p) => p.sessionId === id && p.state === 'connected')
    expect(connected.info).toMatchObject({ name: 'mini', width: 4, height: 3, serverVersion: 'RFB 003.008', security: 'None', encrypted: false })
    const frame = await log.next('session.frame', (p) => p.sessionId === id)
    const fb = new FramebufferSink()
    applyBatch(fb, frame)
    expect([fb.width, fb.height]).toEqual([4, 3])
    expect([...fb.data.subarray(0, 4)]).toEqual([200, 100, 50, 255])
    // Flow control: one unacked batch lets the next (incremental) request go out, so the next
    // update travels while this one paints; a second unacked one would hold it (batch-sink tests).
    await expect.poll(() => s.events.filter((e) => e.type === 'update-request').length).toBe(2)
    expect(s.events.at(-1)).toEqual({ type: 'update-request', incremental: true })
    await request('session.ack', { sessionId: id, seq: frame.seq })

    // A key code with a scancode falls back to the keysym where QEMU key events are not offered.
    await request('session.key', { sessionId: id, keysym: 0x61, down: true, code: 'KeyA' })
    await request('session.pointer', { sessionId: id, buttons: 1, x: 3, y: 2 })
    await request('session.clipboard', { sessionId: id, text: 'hi' })
    await expect.poll(() => s.events.length).toBe(5)
    expect(s.events.slice(2)).toEqual([
      { type: 'key', keysym: 0x61, down: true },
      { type: 'pointer', mask: 1, x: 3, y: 2 },
      { type: 'cut-text', text: 'hi' },
    ])
    const stats = await log.next('session.stats', (p) => p.sessionId === id)
    expect(stats).toMatchObject({ sessionId: id })
    expect(typeof stats.fps).toBe('number')

    await request('session.close', { sessionId: id })
    expect(log.states(id)).toEqual(['connecting', 'connected', 'closed'])
    expect(await refusal('session.close', { sessionId: id })).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
  })

  it('remembers a server reached by address, and marks its use', async () => {
    const s = await server()
    const id = await open(`127.0.0.1::${s.port}`)
    const changed = await log.next('profiles.changed', (p) => p.profiles.length === 1)
    expect(changed.profiles[0]).toMatchObject({ host: '127.0.0.1', port: s.port, name: `127.0.0.1::${s.port}` })
    expect(changed.profiles[0].lastUsedAt).toBeGreaterThan(0)
    await request('session.close', { sessionId: id })
    // The same address again is that profile, not a second one.
    const again = await open(`127.0.0.1::${s.port}`)
    await log.next('session.state', (p) => p.sessionId === again && p.state === 'connected')
    expect(await request('profiles.list')).toHaveLength(1)
  })

  it('asks for a password, connects with the answer and saves it when asked to', async () => {
    await request('secrets.allowPlainFile', { allow: true })
    const s = await server({ password: 'sesame' })
    const id = await open(`127.0.0.1::${s.port}`)
    const ask = await log.next('session.credentials', (p) => p.sessionId === id)
    // The prompt says the password would travel unencrypted to a server nobody verified.
    expect(ask).toEqual({ sessionId: id, kind: 'password', retry: false, link: { encrypted: false, verified: false, acceptedOnce: false } })
    expect(log.states(id)).toEqual(['connecting', 'authenticating'])
    await request('session.credentials', { sessionId: id, password: 'sesame', save: true })
    await log.next('session.state', (p) => p.sessionId === id && p.state === 'connected')
    const profile = (await log.next('profiles.changed', (p) => p.profiles[0]?.savePassword === true)).profiles[0]
    await request('session.close', { sessionId: id })

    // The saved password is used without asking.
    const from = log.all.length
    const second = ((await request('session.open', { profileId: profile.id })) as { sessionId: string }).sessionId
    await log.next('session.state', (p) => p.sessionId === second && p.state === 'connected', from)
    expect(log.all.slice(from).some((e) => e.name === 'session.credentials')).toBe(false)
  })

  it('a wrong password closes with an auth error and asks again; the right one connects', async () => {
    const s = await server({ password: 'right' })
    const id = await open(`127.0.0.1::${s.port}`)
    await log.next('session.credentials', (p) => p.sessionId === id)
    await request('session.credentials', { sessionId: id, password: 'wrong', save: false })
    const closed = await log.next('session.state', (p) => p.sessionId === id && p.state === 'closed')
    expect(closed.error).toMatchObject({ kind: 'auth', code: 'RFB_ERR_AUTH_FAILED' })
    const again = await log.next('session.credentials', (p) => p.sessionId === id && p.retry)
    expect(again.reason).toContain('Authentication failed')
    await request('session.credentials', { sessionId: id, password: 'right', save: false })
    await log.next('session.state', (p) => p.sessionId === id && p.state === 'connected')
    expect(s.connections).toBe(2)
    expect(log.states(id)).toEqual(['connecting', 'authenticating', 'closed', 'connecting', 'connected'])
  })

  it('a rejected saved password is not tried again: the user is asked', async () => {
    await request('secrets.allowPlainFile', { allow: true })
    const s = await server({ password: 'new-one' })
    const id0 = await open(`127.0.0.1::${s.port}`)
    await log.next('session.credentials', (p) => p.sessionId === id0)
    await request('session.credentials', { sessionId: id0, password: 'new-one', save: true })
    const profile = (await log.next('profiles.changed', (p) => p.profiles[0]?.savePassword === true)).profiles[0]
    await request('session.close', { sessionId: id0 })
    s.options.password = 'changed'
    const from = log.all.length
    const id = ((await request('session.open', { profileId: profile.id })) as { sessionId: string }).sessionId
    const ask = await log.next('session.credentials', (p) => p.sessionId === id, from)
    expect(ask.retry).toBe(true)
    await request('session.credentials', { sessionId: id, password: 'changed', save: true })
    await log.next('session.state', (p) => p.sessionId === id && p.state === 'connected', from)
  })

  it('cancelling the password prompt ends the session without an error', async () => {
    const s = await server({ password: 'x' })
    const id = await open(`127.0.0.1::${s.port}`)
    await log.next('session.credentials', (p) => p.sessionId === id)
    await request('session.credentials', { sessionId: id, cancel: true })
    const closed = await log.next('session.state', (p) => p.sessionId === id && p.state === 'closed')
    expect(closed.error).toBeUndefined()
    expect(await refusal('session.ack', { sessionId: id, seq: 1 })).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
  })

  it('reconnects with backoff after the network drops, reusing the password', async () => {
    const s = await server({ password: 'pw' })
    const id = await open(`127.0.0.1::${s.port}`)
    await log.next('session.credentials', (p) => p.sessionId === id)
    await request('session.credentials', { sessionId: id, password: 'pw', save: false })
    await log.next('session.state', (p) => p.sessionId === id && p.state === 'connected')
    await s.stop() // drops the client and refuses new connections for a while
    const first = await log.next('session.state', (p) => p.sessionId === id && p.state === 'reconnecting')
    expect(first).toMatchObject({ retryInMs: 20, error: { kind: 'network' } })
    const second = await log.next('session.state', (p) => p.sessionId === id && p.state === 'reconnecting' && p.retryInMs === 40)
    expect(second.error?.kind).toBe('network')
    await s.restart()
    const from = log.all.length
    await log.next('session.state', (p) => p.sessionId === id && p.state === 'connected', from, 2_000)
    // Only one password prompt in all of this.
    expect(log.all.filter((e) => e.name === 'session.credentials')).toHaveLength(1)
  })

  it('gives up after the configured attempts and says why', async () => {
    const s = await server()
    const id = await open(`127.0.0.1::${s.port}`)
    await log.next('session.state', (p) => p.sessionId === id && p.state === 'connected')
    await s.stop()
    const closed = await log.next('session.state', (p) => p.sessionId === id && p.state === 'closed', 0, 3_000)
    expect(closed.error).toMatchObject({ kind: 'network', code: 'RFB_ERR_CONNECTION_REFUSED' })
    expect(log.states(id).filter((x) => x === 'reconnecting')).toHaveLength(3)
  })

  it('a server that is down from the start is reported, not retried', async () => {
    const s = await server()
    await s.stop()
    const id = await open(`127.0.0.1::${s.port}`)
    const closed = await log.next('session.state', (p) => p.sessionId === id && p.state === 'closed')
    expect(closed.error).toMatchObject({ kind: 'network' })
    expect(log.states(id)).toEqual(['connecting', 'closed'])
  })

  it('sessions belong to their opener: others cannot use them or see them', async () => {
    const s = await server()
    const alice = new FakeClient('alice')
    const id = await open(`127.0.0.1::${s.port}`, alice)
    expect(host.ownerOf(id)).toBe(alice)
    expect(await refusal('session.key', { sessionId: id, keysym: 65, down: true }, new FakeClient('mallory'))).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
    await log.next('session.state', (p) => p.sessionId === id && p.state === 'connected')
    host.closeOwnedBy(alice)
    expect(host.sessionIds()).toEqual([])
  })

  it('view-only profiles send no input', async () => {
    const s = await server()
    const saved = (await request('profiles.save', {
      id: '',
      name: 'v',
      host: '127.0.0.1',
      port: s.port,
      group: '',
      notes: '',
      savePassword: false,
      viewOnly: true,
      shared: true,
      encodings: ['raw'],
      quality: null,
      compression: null,
      colourDepth: 'auto',
      scaling: 'fit',
      createdAt: 0,
      lastUsedAt: 0,
    })) as ConnectionProfile
    const { sessionId } = (await request('session.open', { profileId: saved.id })) as { sessionId: string }
    await log.next('session.state', (p) => p.sessionId === sessionId && p.state === 'connected')
    await request('session.key', { sessionId, keysym: 65, down: true })
    await request('session.pointer', { sessionId, buttons: 1, x: 0, y: 0 })
    await new Promise((r) => setTimeout(r, 50))
    expect(s.events.filter((e) => e.type === 'key' || e.type === 'pointer')).toEqual([])
  })

  it('keeps a thumbnail of the last screen per profile', async () => {
    const s = await server({ width: 64, height: 48, colour: [0, 128, 255] })
    const id = await open(`127.0.0.1::${s.port}`)
    await log.next('session.frame', (p) => p.sessionId === id)
    const profile = (await log.next('profiles.changed', (p) => p.profiles.length === 1)).profiles[0]
    await request('session.close', { sessionId: id })
    await host.shutdown()
    expect(existsSync(join(dir, 'thumbnails', `${profile.id}.png`))).toBe(true)
    // A picture of someone's remote screen: for the user's eyes only.
    if (process.platform !== 'win32') {
      expect(statSync(join(dir, 'thumbnails', `${profile.id}.png`)).mode & 0o777).toBe(0o600)
      expect(statSync(join(dir, 'thumbnails')).mode & 0o777).toBe(0o700)
      expect(statSync(join(dir, 'connections.json')).mode & 0o777).toBe(0o600)
    }
    const thumb = (await request('profiles.thumbnail', { id: profile.id })) as { png: Uint8Array }
    expect([...thumb.png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47])
    await request('profiles.delete', { id: profile.id })
    expect(existsSync(join(dir, 'thumbnails', `${profile.id}.png`))).toBe(false)
  })

  it('resizing a server without ExtendedDesktopSize is refused as unsupported', async () => {
    const s = await server()
    const id = await open(`127.0.0.1::${s.port}`)
    await log.next('session.state', (p) => p.sessionId === id && p.state === 'connected')
    expect(await refusal('session.resize', { sessionId: id, width: 800, height: 600 })).toMatchObject({ kind: 'unsupported', code: 'HOST_RESIZE_UNSUPPORTED' })
  })
})

describe('Host power actions and lock LEDs', () => {
  const connectedWith = (id: string, test: (info: NonNullable<HostEvents['session.state']['info']>) => boolean) =>
    log.next('session.state', (p) => p.sessionId === id && p.state === 'connected' && !!p.info && test(p.info))

  it('offers power actions once the server sends XVP_INIT, sends them, and reports XVP_FAIL', async () => {
    const s = await server({ xvp: true, xvpFails: true })
    const id = await open(`127.0.0.1::${s.port}`)
    await connectedWith(id, (info) => info.power)
    await request('session.power', { sessionId: id, action: 'reboot' })
    await log.next('session.powerFailed', (p) => p.sessionId === id)
    expect(s.events.filter((e) => e.type === 'xvp')).toEqual([{ type: 'xvp', version: 1, action: 3 }])
    // The session goes on: a failed power action is not a protocol error.
    const from = log.all.length
    await request('session.power', { sessionId: id, action: 'shutdown' })
    await request('session.power', { sessionId: id, action: 'reset' })
    await log.next('session.powerFailed', (p) => p.sessionId === id, from)
    expect(log.states(id).at(-1)).toBe('connected')
    expect(s.events.filter((e) => e.type === 'xvp').map((e) => e.type === 'xvp' && e.action)).toEqual([3, 2, 4])
  })

  it('refuses power actions where the server has no XVP, sending nothing', async () => {
    const s = await server()
    const id = await open(`127.0.0.1::${s.port}`)
    await connectedWith(id, (info) => !info.power)
    expect(await refusal('session.power', { sessionId: id, action: 'shutdown' })).toMatchObject({ kind: 'unsupported', code: 'HOST_POWER_UNSUPPORTED' })
    expect(s.events.filter((e) => e.type === 'xvp')).toEqual([])
  })

  it('refuses power actions for a view-only connection even where the server has XVP', async () => {
    const s = await server({ xvp: true })
    const saved = (await request('profiles.save', {
      id: '',
      name: 'v',
      host: '127.0.0.1',
      port: s.port,
      group: '',
      notes: '',
      savePassword: false,
      viewOnly: true,
      shared: true,
      encodings: ['raw'],
      quality: null,
      compression: null,
      colourDepth: 'auto',
      scaling: 'fit',
      createdAt: 0,
      lastUsedAt: 0,
    })) as ConnectionProfile
    const { sessionId } = (await request('session.open', { profileId: saved.id })) as { sessionId: string }
    await log.next('session.frame', (p) => p.sessionId === sessionId)
    expect(log.all.flatMap((e) => (e.name === 'session.state' && e.payload.info ? [e.payload.info.power] : []))).not.toContain(true)
    expect(await refusal('session.power', { sessionId, action: 'reset' })).toMatchObject({ kind: 'refused', code: 'HOST_VIEW_ONLY' })
    expect(s.events.filter((e) => e.type === 'xvp')).toEqual([])
  })

  it('refuses power actions before the session is connected', async () => {
    const s = await server({ xvp: true, password: 'secret' })
    const id = await open(`127.0.0.1::${s.port}`)
    await log.next('session.credentials', (p) => p.sessionId === id)
    expect(await refusal('session.power', { sessionId: id, action: 'reboot' })).toMatchObject({ kind: 'closed', code: 'HOST_NOT_CONNECTED' })
  })

  it("forwards the server's lock-key LEDs on connecting and whenever they change", async () => {
    const s = await server({ leds: 4 })
    const id = await open(`127.0.0.1::${s.port}`)
    expect(await log.next('session.leds', (p) => p.sessionId === id)).toEqual({ sessionId: id, capsLock: true, numLock: false, scrollLock: false })
    // Painted, as the renderer would say: later messages are not held behind the frame.
    await request('session.ack', { sessionId: id, seq: (await log.next('session.frame', (p) => p.sessionId === id)).seq })
    const from = log.all.length
    s.setLeds(3)
    expect(await log.next('session.leds', (p) => p.sessionId === id, from, 1000)).toEqual({ sessionId: id, capsLock: false, numLock: true, scrollLock: true })
  })
})
