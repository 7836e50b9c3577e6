import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { setHost } from '../../../src/renderer/src/host'
import { type SessionWindows, setWindows } from '../../../src/renderer/src/host/windows'
import { useSessionStore } from '../../../src/renderer/src/stores/session'
import { useNoticesStore } from '../../../src/renderer/src/stores/notices'
import { useSessionTabsStore } from '../../../src/renderer/src/stores/session-tabs'
import { HAND_OFF_MS, type SessionTarget } from '../../../src/shared/contract'
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
    .handle('session.handOff', ({ sessionId }) => ({ code: `code-of-${sessionId}` }))
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

  it('moves a tab to a new window with a hand-off code, keeping it (moving) until the host says it arrived', async () => {
    const tabs = useSessionTabsStore()
    await tabs.open({ profileId: 'p1' })
    await tabs.open({ profileId: 'p2' })
    const key = tabs.tabs[0].key
    await tabs.moveToWindow(key)
    expect(host.callsTo('session.handOff')).toEqual([{ sessionId: 's1' }])
    expect(opened).toEqual([{ adoptSessionId: 's1', handOffCode: 'code-of-s1', placement: 'window' }])
    // Not let go yet: should the new window never take it, it stays here.
    expect(tabs.tabs.map((t) => t.store.sessionId)).toEqual(['s1', 's2'])
    expect(tabs.isMoving(key)).toBe(true)
    // A second click does not hand it off again.
    await tabs.moveToWindow(key)
    expect(host.callsTo('session.handOff')).toHaveLength(1)
    host.emit('session.state', { sessionId: 's1', state: 'closed', error: { kind: 'closed', code: 'HOST_SESSION_MOVED', message: 'moved' } })
    await nextTick()
    expect(host.callsTo('session.close')).toEqual([])
    expect(tabs.tabs.map((t) => t.store.sessionId)).toEqual(['s2'])
    expect(tabs.isMoving(key)).toBe(false)
    // Its events now go to the other window; here they open nothing.
    host.emit('session.state', { sessionId: 's1', state: 'connecting' })
    expect(tabs.count).toBe(1)
  })

  it('shows why a move was refused and keeps the tab as it was', async () => {
    host.handle('session.handOff', () => {
      throw { kind: 'refused', code: 'HOST_HANDOFF_BUSY', message: 'the session is waiting for an answer' }
    })
    const tabs = useSessionTabsStore()
    await tabs.open({ profileId: 'p1' })
    await tabs.moveToWindow(tabs.tabs[0].key)
    expect(opened).toEqual([])
    expect(tabs.isMoving(tabs.tabs[0].key)).toBe(false)
    expect(tabs.tabs.map((t) => t.store.sessionId)).toEqual(['s1'])
    const [notice] = useNoticesStore().notices
    expect(notice).toMatchObject({ kind: 'error', text: 'Could not move the session.', reason: 'Answer the question in this session first, then move it' })
    // The host's own words are a detail, never part of the sentence.
    expect(notice.detail).toBe('the session is waiting for an answer (HOST_HANDOFF_BUSY)')
  })

  it('words a failed take-over from its code, with the raw message only as detail', async () => {
    host.handle('session.adopt', () => {
      throw { kind: 'closed', code: 'HOST_UNKNOWN_SESSION', message: 'no session 9f3 (it ended or moved)' }
    })
    const tabs = useSessionTabsStore()
    await tabs.open({ adoptSessionId: '9f3', handOffCode: 'code' })
    const [notice] = useNoticesStore().notices
    expect(notice).toMatchObject({ kind: 'error', text: 'Could not move the session here.', reason: 'The session has ended' })
    expect(notice.hint).toMatch(/\S/)
    expect(notice.text + (notice.reason ?? '') + (notice.hint ?? '')).not.toContain('no session 9f3')
    expect(notice.detail).toContain('no session 9f3')
  })

  describe('when the new window never takes the session', () => {
    beforeEach(() => vi.useFakeTimers())
    afterEach(() => vi.useRealTimers())

    it('the tab is itself again once the code has expired', async () => {
      const tabs = useSessionTabsStore()
      await tabs.open({ profileId: 'p1' })
      const key = tabs.tabs[0].key
      await tabs.moveToWindow(key)
      expect(tabs.isMoving(key)).toBe(true)
      vi.advanceTimersByTime(HAND_OFF_MS)
      expect(tabs.isMoving(key)).toBe(true)
      vi.advanceTimersByTime(2_000)
      expect(tabs.isMoving(key)).toBe(false)
      expect(tabs.tabs.map((t) => t.store.sessionId)).toEqual(['s1'])
      expect(useNoticesStore().notices.map((n) => n.text)).toEqual(['The new window did not take the session; it stays here.'])
    })
  })

  it('takes over a moved session with session.adopt and its code, named after its saved connection', async () => {
    const tabs = useSessionTabsStore()
    await tabs.open({ adoptSessionId: 's9', handOffCode: 'c0de' })
    expect(host.callsTo('session.adopt')).toEqual([{ sessionId: 's9', code: 'c0de' }])
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
