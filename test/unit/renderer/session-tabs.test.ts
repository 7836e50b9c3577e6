import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { setHost } from '../../../src/renderer/src/host'
import { type SessionWindows, setWindows } from '../../../src/renderer/src/host/windows'
import { useSessionStore } from '../../../src/renderer/src/stores/session'
import { useSessionTabsStore } from '../../../src/renderer/src/stores/session-tabs'
import type { SessionTarget } from '../../../src/shared/contract'
import { newProfile } from '../../../src/shared/profile'
import { MemoryHost } from './memory-host'

let host: MemoryHost
let opened: Array<SessionTarget & { placement: string }>
let next = 0

beforeEach(() => {
  host = new MemoryHost()
  next = 0
  opened = []
  host
    .handle('session.open', () => ({ sessionId: `s${++next}` }))
    .handle('profiles.list', () => [
      newProfile({ id: 'p1', host: 'one.lan', name: 'One', createdAt: 0 }),
      newProfile({ id: 'p2', host: 'two.lan', name: 'Two', createdAt: 0, viewOnly: true }),
    ])
    .handle('session.adopt', ({ sessionId }) => ({
      sessionId,
      profileId: 'p2',
      name: 'Two',
      desktopName: 'two:0',
      state: 'connected',
      viewOnly: false,
      watch: false,
    }))
  setHost(host.link())
  const windows: SessionWindows = {
    kind: 'browser',
    openSession: async (target, placement) => {
      opened.push({ ...target, placement })
      return true
    },
    focusSession: async () => false,
    openSessionOfProfile: () => undefined,
  }
  setWindows(windows)
  setActivePinia(createPinia())
})

describe('session tabs', () => {
  it('holds several sessions, each with its own state, prompts and input', async () => {
    const tabs = useSessionTabsStore()
    await tabs.open({ profileId: 'p1' })
    await tabs.open({ address: 'vnc://bob@three.lan:5903' })
    expect(tabs.count).toBe(2)
    const [a, b] = tabs.tabs.map((t) => t.store)
    expect([a.sessionId, b.sessionId]).toEqual(['s1', 's2'])
    expect(host.callsTo('session.open')).toEqual([{ profileId: 'p1' }, { address: 'vnc://bob@three.lan:5903', username: 'bob' }])
    host.emit('session.state', {
      sessionId: 's1',
      state: 'connected',
      info: { name: 'one:0', width: 8, height: 8, serverVersion: '3.8', security: 'None', encrypted: false, verified: false, power: false },
    })
    host.emit('session.credentials', { sessionId: 's2', kind: 'password', retry: false })
    expect([a.phase, b.phase]).toEqual(['connected', 'connecting'])
    expect([a.credentials, b.credentials?.sessionId]).toEqual([null, 's2'])
    expect(a.windowTitle).toBe('One — one:0')
    // The last opened is in front; input goes to each tab's own session.
    expect(tabs.active?.store).toBe(b)
    a.sendKey(0x61, true)
    expect(host.callsTo('session.key')).toEqual([{ sessionId: 's1', keysym: 0x61, down: true }])
  })

  it('brings an open saved connection to the front instead of opening it again', async () => {
    const tabs = useSessionTabsStore()
    await tabs.open({ profileId: 'p1' })
    await tabs.open({ profileId: 'p2' })
    await tabs.open({ profileId: 'p1' })
    expect(tabs.count).toBe(2)
    expect(tabs.active?.store.profileId).toBe('p1')
    expect(host.callsTo('session.open')).toHaveLength(2)
  })

  it('cycles tabs both ways, wrapping around', async () => {
    const tabs = useSessionTabsStore()
    for (const id of ['p1', 'p2']) await tabs.open({ profileId: id })
    await tabs.open({ address: 'x::1' })
    const keys = tabs.keys.slice()
    expect(tabs.activeKey).toBe(keys[2])
    tabs.cycle(1)
    expect(tabs.activeKey).toBe(keys[0])
    tabs.cycle(-1)
    tabs.cycle(-1)
    expect(tabs.activeKey).toBe(keys[1])
  })

  it('closes a tab: its session ends, its neighbour comes to the front, its store stops listening', async () => {
    const tabs = useSessionTabsStore()
    await tabs.open({ profileId: 'p1' })
    await tabs.open({ profileId: 'p2' })
    const closing = tabs.tabs[1]
    await tabs.close(closing.key)
    await nextTick()
    expect(host.callsTo('session.close')).toEqual([{ sessionId: 's2' }])
    expect(tabs.tabs.map((t) => t.store.sessionId)).toEqual(['s1'])
    expect(tabs.active?.store.sessionId).toBe('s1')
    // A late event of the closed session opens no tab, and the other tab is untouched.
    host.emit('session.state', { sessionId: 's2', state: 'connecting' })
    expect(tabs.count).toBe(1)
    expect(useSessionStore(closing.key).sessionId).toBeNull()
  })

  it('moves a tab to a new window without ending its session', async () => {
    const tabs = useSessionTabsStore()
    await tabs.open({ profileId: 'p1' })
    await tabs.open({ profileId: 'p2' })
    await tabs.moveToWindow(tabs.tabs[0].key)
    expect(opened).toEqual([{ adoptSessionId: 's1', placement: 'window' }])
    expect(host.callsTo('session.close')).toEqual([])
    expect(tabs.tabs.map((t) => t.store.sessionId)).toEqual(['s2'])
    // Its events now go to the other window; here they open nothing.
    host.emit('session.state', { sessionId: 's1', state: 'connecting' })
    expect(tabs.count).toBe(1)
  })

  it('takes over a moved session with session.adopt, named after its saved connection', async () => {
    const tabs = useSessionTabsStore()
    await tabs.open({ adoptSessionId: 's9' })
    expect(host.callsTo('session.adopt')).toEqual([{ sessionId: 's9' }])
    const s = tabs.active!.store
    expect([s.sessionId, s.phase, s.label, s.profileId, s.canRetry]).toEqual(['s9', 'connected', 'Two', 'p2', true])
    host.emit('session.bell', { sessionId: 's9' })
    expect(s.bells).toBe(1)
  })

  it('shows a session it did not open (a link, a reverse connection) in a tab of its own', async () => {
    const tabs = useSessionTabsStore()
    await tabs.open({ profileId: 'p1' })
    host.emit('session.state', { sessionId: 'link-1', state: 'connecting' })
    expect(tabs.count).toBe(2)
    expect(tabs.active?.store.sessionId).toBe('link-1')
    expect(tabs.active?.store.canRetry).toBe(false)
    // A closed session nobody shows is not brought back.
    host.emit('session.state', { sessionId: 'gone', state: 'closed' })
    expect(tabs.count).toBe(2)
  })

  it('waits while its own session.open is in flight, so the new session is not shown twice', async () => {
    let answer!: (v: { sessionId: string }) => void
    host.handle('session.open', () => new Promise((r) => (answer = r)))
    const tabs = useSessionTabsStore()
    const opening = tabs.open({ profileId: 'p1' })
    while (!host.callsTo('session.open').length) await Promise.resolve()
    host.emit('session.state', { sessionId: 'mine', state: 'connecting' })
    expect(tabs.count).toBe(1)
    answer({ sessionId: 'mine' })
    await opening
    await nextTick()
    expect(tabs.tabs.map((t) => t.store.sessionId)).toEqual(['mine'])
  })
})
