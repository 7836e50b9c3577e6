import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { setHost } from '../../../src/renderer/src/host'
import { useConnectionsStore } from '../../../src/renderer/src/stores/connections'
import { addressLabel, useSessionStore } from '../../../src/renderer/src/stores/session'
import { OpCode } from '../../../src/shared/ops'
import type { FrameBatch } from '../../../src/shared/ops'
import { type ConnectionProfile, newProfile } from '../../../src/shared/profile'
import { MemoryHost } from './memory-host'

function profile(id: string, fields: Partial<ConnectionProfile> = {}): ConnectionProfile {
  return newProfile({ id, host: `${id}.lan`, name: id, createdAt: 0, ...fields })
}

let host: MemoryHost
let saved: ConnectionProfile[]

beforeEach(() => {
  host = new MemoryHost()
  saved = [
    profile('alpha', { lastUsedAt: 10 }),
    profile('bravo', { group: 'Lab', lastUsedAt: 30 }),
    profile('charlie', { group: 'Lab', lastUsedAt: 20 }),
    profile('delta', { group: 'Office' }),
  ]
  host
    .handle('profiles.list', () => saved.map((p) => ({ ...p })))
    .handle('profiles.save', (p) => {
      saved = [...saved.filter((x) => x.id !== p.id), p]
      return p
    })
    .handle('profiles.delete', ({ id }) => {
      saved = saved.filter((x) => x.id !== id)
    })
    .handle('profiles.import', ({ fileName }) => [profile(`imported-${fileName}`)])
    .handle('secrets.status', () => ({ available: true, protected: false, backend: 'basic_text', plainFileAllowed: false }))
    .handle('profiles.thumbnail', () => ({ png: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) }))
  setHost(host.link())
  setActivePinia(createPinia())
})

describe('connections store', () => {
  it('loads the profiles and the keychain status', async () => {
    const s = useConnectionsStore()
    await s.load()
    expect(s.loaded).toBe(true)
    expect(s.profiles).toHaveLength(4)
    await Promise.resolve()
    expect(s.secrets).toEqual({ available: true, protected: false, backend: 'basic_text', plainFileAllowed: false })
  })

  it('shows the latest connection first, its folder first; by name, the top level first', async () => {
    const s = useConnectionsStore()
    await s.load()
    expect(s.groups.map((g) => [g.path, g.profiles.map((p) => p.id)])).toEqual([
      ['Lab', ['bravo', 'charlie']],
      ['', ['alpha']],
      ['Office', ['delta']],
    ])
    expect(s.visible[0].id).toBe('bravo')
    s.setSort('name')
    expect(s.groups.map((g) => g.path)).toEqual(['', 'Lab', 'Office'])
    expect(s.groups[1].profiles.map((p) => p.id)).toEqual(['bravo', 'charlie'])
  })

  it('filters as you type and skips folded folders when walking with arrows', async () => {
    const s = useConnectionsStore()
    await s.load()
    s.toggleGroup('Lab')
    expect(s.visible.map((p) => p.id)).toEqual(['alpha', 'delta'])
    // A search opens folded folders so every match shows.
    s.query = 'char'
    expect(s.visible.map((p) => p.id)).toEqual(['charlie'])
    s.query = ''
    s.toggleGroup('Lab')
    // Most recent first: the Lab folder holds the latest connection.
    expect(s.visible.map((p) => p.id)).toEqual(['bravo', 'charlie', 'alpha', 'delta'])
  })

  it('follows profiles.changed from the host', async () => {
    const s = useConnectionsStore()
    await s.load()
    host.emit('profiles.changed', { profiles: [profile('echo')] })
    expect(s.profiles.map((p) => p.id)).toEqual(['echo'])
  })

  it('saves with a canonical folder path and updates the list', async () => {
    const s = useConnectionsStore()
    await s.load()
    const p = s.blankProfile({ host: 'new.lan', name: 'New', group: ' Lab / Rack 1 ' })
    const stored = await s.save(p)
    expect(stored.group).toBe('Lab/Rack 1')
    expect(s.profiles.some((x) => x.id === p.id)).toBe(true)
    expect(s.allGroups).toContain('Lab/Rack 1')
  })

  it('duplicates under a fresh id and name, never used, with no saved password', async () => {
    const s = useConnectionsStore()
    await s.load()
    saved[1].savePassword = true
    await s.load()
    const copy = await s.duplicate('bravo')
    expect(copy).not.toBeNull()
    expect(copy!.id).not.toBe('bravo')
    expect(copy!.name).toBe('bravo (copy)')
    expect(copy!.lastUsedAt).toBe(0)
    expect(copy!.savePassword).toBe(false)
    expect(copy!.group).toBe('Lab')
    expect(s.selectedId).toBe(copy!.id)
    const again = await s.duplicate('bravo')
    expect(again!.name).toBe('bravo (copy 2)')
  })

  it('deletes through the host', async () => {
    const s = useConnectionsStore()
    await s.load()
    s.selectedId = 'delta'
    await s.remove('delta')
    expect(host.callsTo('profiles.delete')).toEqual([{ id: 'delta' }])
    expect(s.profiles.map((p) => p.id)).not.toContain('delta')
    expect(s.selectedId).toBeNull()
  })

  it('imports files and adds what the host returns', async () => {
    const s = useConnectionsStore()
    await s.load()
    const added = await s.importFile('x.vnc', '[connection]\nhost=x\n')
    expect(added.map((p) => p.id)).toEqual(['imported-x.vnc'])
    expect(host.callsTo('profiles.import')).toEqual([{ fileName: 'x.vnc', text: '[connection]\nhost=x\n' }])
    expect(s.profiles).toHaveLength(5)
  })

  it('passes a passphrase only when passwords are to be exported or restored', async () => {
    host.handle('profiles.export', () => ({ fileName: 'tessera-connections.json', text: '{}' }))
    const s = useConnectionsStore()
    await s.load()
    await s.exportProfiles(['alpha'])
    await s.exportProfiles(['alpha'], 'long enough passphrase')
    expect(host.callsTo('profiles.export')).toEqual([{ ids: ['alpha'] }, { ids: ['alpha'], includePasswords: true, passphrase: 'long enough passphrase' }])
    await s.importFile('t.json', '{"profiles":[]}', 'long enough passphrase')
    expect(host.callsTo('profiles.import')).toEqual([{ fileName: 't.json', text: '{"profiles":[]}', passphrase: 'long enough passphrase' }])
  })

  it('fetches a thumbnail once per use of a profile', async () => {
    const s = useConnectionsStore()
    await s.load()
    await s.loadThumbnail('alpha')
    await s.loadThumbnail('alpha')
    await s.loadThumbnail('delta') // never used: no thumbnail to ask for
    expect(host.callsTo('profiles.thumbnail')).toEqual([{ id: 'alpha' }])
    expect(s.thumbnails.alpha).toMatch(/^blob:/)
  })

  it('reports a failed load instead of an empty list', async () => {
    host.handle('profiles.list', () => Promise.reject({ kind: 'refused', code: 'STORE_UNREADABLE', message: 'the file is unreadable' }))
    const s = useConnectionsStore()
    await s.load()
    expect(s.loadError).toBe('the file is unreadable')
  })
})

function batch(sessionId: string, seq: number): FrameBatch {
  return { sessionId, seq, ops: new Int32Array([OpCode.Resize, 0, 0, 4, 4, 0, 0, 0]), pixels: new Uint8Array(0), images: new Uint8Array(0) }
}

describe('session store', () => {
  beforeEach(() => {
    host.handle('session.open', () => ({ sessionId: 's1' }))
  })

  it('opens a session and follows its states', async () => {
    const s = useSessionStore()
    const opening = s.open({ profileId: 'alpha' }, 'Alpha', { scaling: 'none' })
    expect(s.phase).toBe('opening')
    await opening
    expect(s.sessionId).toBe('s1')
    expect(s.scaling).toBe('none')
    host.emit('session.state', {
      sessionId: 's1',
      state: 'connected',
      info: { name: 'desk', width: 800, height: 600, serverVersion: '3.8', security: 'None', encrypted: false, verified: false, power: false },
    })
    expect(s.phase).toBe('connected')
    expect(s.info?.width).toBe(800)
    expect(s.title).toBe('Alpha')
  })

  it('keeps events that arrive before session.open answers, and frames until a painter attaches', async () => {
    host.handle('session.open', () => {
      host.emit('session.state', { sessionId: 's1', state: 'authenticating' })
      host.emit('session.frame', batch('s1', 1))
      host.emit('session.frame', batch('other', 1))
      return { sessionId: 's1' }
    })
    const s = useSessionStore()
    await s.open({ address: 'host:1' }, 'host:1')
    expect(s.phase).toBe('authenticating')
    host.emit('session.frame', batch('s1', 2))
    const got: number[] = []
    s.attachSink((b) => got.push(b.seq))
    host.emit('session.frame', batch('s1', 3))
    expect(got).toEqual([1, 2, 3])
  })

  it('sends input only when connected and not view-only, but always lets releases through', async () => {
    const s = useSessionStore()
    await s.open({ profileId: 'alpha' }, 'Alpha')
    s.sendKey(0x61, true)
    expect(host.callsTo('session.key')).toEqual([])
    host.emit('session.state', { sessionId: 's1', state: 'connected' })
    s.sendKey(0x61, true, 'KeyA')
    s.sendPointer(1, 5, 6)
    s.viewOnly = true
    s.sendKey(0x62, true)
    s.sendPointer(1, 7, 7)
    s.sendKeyRelease(0x61, 'KeyA')
    s.sendPointer(0, 7, 7, true)
    expect(host.callsTo('session.key')).toEqual([
      { sessionId: 's1', keysym: 0x61, down: true, code: 'KeyA' },
      { sessionId: 's1', keysym: 0x61, down: false, code: 'KeyA' },
    ])
    expect(host.callsTo('session.pointer')).toEqual([
      { sessionId: 's1', buttons: 1, x: 5, y: 6 },
      { sessionId: 's1', buttons: 0, x: 7, y: 7 },
    ])
  })

  it('keeps the server lock LEDs of the current connection, sends power actions and counts their failures', async () => {
    const s = useSessionStore()
    await s.open({ profileId: 'alpha' }, 'Alpha')
    await expect(s.power('reboot')).rejects.toThrow('not connected')
    host.emit('session.state', { sessionId: 's1', state: 'connected' })
    host.emit('session.leds', { sessionId: 'other', capsLock: true, numLock: true, scrollLock: true })
    expect(s.leds).toBeNull()
    host.emit('session.leds', { sessionId: 's1', capsLock: true, numLock: false, scrollLock: false })
    expect(s.leds).toEqual({ capsLock: true, numLock: false, scrollLock: false })
    await s.power('reboot')
    expect(host.callsTo('session.power')).toEqual([{ sessionId: 's1', action: 'reboot' }])
    host.emit('session.powerFailed', { sessionId: 's1' })
    host.emit('session.powerFailed', { sessionId: 'other' })
    expect(s.powerFailures).toBe(1)
    // A reconnect is a new connection: its server reports its LEDs afresh.
    host.emit('session.state', { sessionId: 's1', state: 'reconnecting', retryInMs: 100 })
    expect(s.leds).toBeNull()
  })

  it('asks for credentials and answers them', async () => {
    const s = useSessionStore()
    await s.open({ profileId: 'alpha' }, 'Alpha')
    host.emit('session.credentials', { sessionId: 's1', kind: 'password', retry: false })
    expect(s.credentials?.kind).toBe('password')
    await s.answerCredentials({ password: 'secret', save: true })
    expect(s.credentials).toBeNull()
    expect(host.callsTo('session.credentials')).toEqual([{ sessionId: 's1', password: 'secret', save: true }])
    host.emit('session.credentials', { sessionId: 's1', kind: 'username-password', retry: true, reason: 'bad' })
    await s.answerCredentials(null)
    expect(host.callsTo('session.credentials')[1]).toEqual({ sessionId: 's1', cancel: true })
  })

  it('shows a reconnect countdown and the final error', async () => {
    const s = useSessionStore()
    await s.open({ profileId: 'alpha' }, 'Alpha')
    const before = Date.now()
    host.emit('session.state', {
      sessionId: 's1',
      state: 'reconnecting',
      retryInMs: 4000,
      error: { kind: 'network', code: 'RFB_ERR_CONNECTION_RESET', message: 'reset' },
    })
    expect(s.retryAt! - before).toBeGreaterThanOrEqual(4000)
    host.emit('session.state', { sessionId: 's1', state: 'closed', error: { kind: 'auth', code: 'RFB_ERR_AUTH_FAILED', message: 'wrong password' } })
    expect(s.phase).toBe('closed')
    expect(s.error?.kind).toBe('auth')
    expect(s.retryAt).toBeNull()
  })

  it('keeps a code outside the closed list out of the session error', async () => {
    const s = useSessionStore()
    await s.open({ profileId: 'alpha' }, 'Alpha')
    host.emit('session.state', { sessionId: 's1', state: 'closed', error: { kind: 'auth', code: 'INJECTED' as never, message: 'm' } })
    expect(s.error).toEqual({ kind: 'auth', code: 'HOST_UNKNOWN_ERROR', message: 'm' })
  })

  it('turns a failed session.open into a closed state with the host error', async () => {
    host.handle('session.open', () => Promise.reject({ kind: 'refused', code: 'RFB_ERR_SERVER_REFUSED', message: 'connection refused' }))
    const s = useSessionStore()
    await s.open({ address: 'nowhere' }, 'nowhere')
    expect(s.phase).toBe('closed')
    expect(s.error).toEqual({ kind: 'refused', code: 'RFB_ERR_SERVER_REFUSED', message: 'connection refused' })
  })

  it('retries with the same request', async () => {
    const s = useSessionStore()
    await s.open({ address: 'h::5901' }, 'h::5901')
    host.emit('session.state', { sessionId: 's1', state: 'closed', error: { kind: 'network', code: 'RFB_ERR_NETWORK', message: 'down' } })
    await s.retry()
    expect(host.callsTo('session.open')).toEqual([{ address: 'h::5901' }, { address: 'h::5901' }])
    expect(host.callsTo('session.close')).toEqual([{ sessionId: 's1' }])
  })

  it('closes and goes back to idle', async () => {
    const s = useSessionStore()
    await s.open({ profileId: 'alpha' }, 'Alpha')
    await s.close()
    expect(s.phase).toBe('idle')
    expect(s.active).toBe(false)
    expect(host.callsTo('session.close')).toEqual([{ sessionId: 's1' }])
  })

  it('marks the session lost when the link to the host drops', async () => {
    const s = useSessionStore()
    await s.open({ profileId: 'alpha' }, 'Alpha')
    host.emit('session.state', { sessionId: 's1', state: 'connected' })
    host.setLink('lost')
    expect(s.phase).toBe('closed')
    expect(s.error?.code).toBe('HOST_DISCONNECTED')
  })

  it('ignores events of other sessions', async () => {
    const s = useSessionStore()
    await s.open({ profileId: 'alpha' }, 'Alpha')
    host.emit('session.clipboard', { sessionId: 'zzz', text: 'no' })
    host.emit('session.clipboard', { sessionId: 's1', text: 'yes' })
    expect(s.remoteClipboard).toBe('yes')
  })

  it('labels quick-connect addresses as typed, a bare IPv6 address in brackets (issue 14: `::5999` is a port, never display :99)', () => {
    expect(addressLabel(' example.com:0 ')).toBe('example.com:0')
    expect(addressLabel('127.0.0.1::5999')).toBe('127.0.0.1::5999')
    expect(addressLabel('[::1]::5999')).toBe('[::1]::5999')
    expect(addressLabel('[::1]:5999')).toBe('[::1]:5999')
    expect(addressLabel('::1')).toBe('[::1]')
    expect(addressLabel('fe80::1:2')).toBe('[fe80::1:2]')
    expect(addressLabel('vnc://u@h:6000')).toBe('vnc://u@h:6000')
    expect(addressLabel('not an address')).toBe('not an address')
  })
})
