import { describe, expect, it } from 'vitest'
import { type BrowserWindowEnv, browserWindows } from '../../../src/renderer/src/host/windows'
import { parsePage, sessionPageQuery, sessionWindowName } from '../../../src/renderer/src/lib/page'
import { tabShortcut } from '../../../src/renderer/src/composables/tab-shortcuts'
import { sessionTitle } from '../../../src/renderer/src/stores/session'
import type { SessionTarget } from '../../../src/shared/contract'

describe('pages chosen by the query string', () => {
  it('reads the address book, session and wall pages', () => {
    expect(parsePage('')).toEqual({ view: 'address-book' })
    expect(parsePage('?view=nonsense')).toEqual({ view: 'address-book' })
    expect(parsePage('?view=session&profile=abc')).toEqual({ view: 'session', target: { profileId: 'abc' } })
    expect(parsePage('?view=session&address=host%3A%3A5901')).toEqual({ view: 'session', target: { address: 'host::5901' } })
    expect(parsePage('?view=session&adopt=s-7&code=Ab_-9')).toEqual({ view: 'session', target: { adoptSessionId: 's-7', handOffCode: 'Ab_-9' } })
    // Without its code the host refuses the adopt; the page still knows what it was asked.
    expect(parsePage('?view=session&adopt=s-7')).toEqual({ view: 'session', target: { adoptSessionId: 's-7', handOffCode: '' } })
    expect(parsePage('?view=session')).toEqual({ view: 'session', target: null })
    expect(parsePage('?view=wall&folder=Lab%2FRack')).toEqual({ view: 'wall', folder: 'Lab/Rack', open: false })
    expect(parsePage('?view=wall&open=1')).toEqual({ view: 'wall', open: true })
  })

  it('takes a profile before an address before an adopt, and skips empty values', () => {
    expect(parsePage('?view=session&adopt=s&address=a&profile=p')).toEqual({ view: 'session', target: { profileId: 'p' } })
    expect(parsePage('?view=session&profile=&address=a')).toEqual({ view: 'session', target: { address: 'a' } })
  })

  it('builds the query parsePage reads back, for every kind of target', () => {
    const targets: SessionTarget[] = [{ profileId: 'a b&c' }, { address: 'user@host::5901' }, { adoptSessionId: '42', handOffCode: 'x-_Y9' }]
    for (const t of targets) expect(parsePage(sessionPageQuery(t))).toEqual({ view: 'session', target: t })
  })

  it('names a connection’s window the same each time, and different connections differently', () => {
    expect(sessionWindowName({ profileId: 'p1' })).toBe(sessionWindowName({ profileId: 'p1' }))
    expect(sessionWindowName({ profileId: 'p1' })).not.toBe(sessionWindowName({ profileId: 'p2' }))
    expect(sessionWindowName({ address: ' Host::5901 ' })).toBe(sessionWindowName({ address: 'host::5901' }))
    expect(sessionWindowName({ address: 'a b' })).toMatch(/^tessera-session-[\w.:-]+$/)
  })
})

describe('window titles', () => {
  it('are "connection name — desktop name", or the one that is known with the app name', () => {
    expect(sessionTitle('Lab', 'build:1 (ci)')).toBe('Lab — build:1 (ci)')
    expect(sessionTitle('Lab', undefined)).toBe('Lab — Tessera')
    expect(sessionTitle('', 'desk')).toBe('desk — Tessera')
    expect(sessionTitle('desk', 'desk')).toBe('desk — Tessera')
    expect(sessionTitle(' ', '')).toBe('Remote desktop — Tessera')
  })
})

describe('tab shortcuts', () => {
  const key = (k: string, mods: Partial<Record<'ctrlKey' | 'altKey' | 'metaKey' | 'shiftKey', boolean>> = {}) => ({
    key: k,
    ctrlKey: false,
    altKey: false,
    metaKey: false,
    shiftKey: false,
    ...mods,
  })
  it('are Ctrl+Page Down and Ctrl+Page Up only', () => {
    expect(tabShortcut(key('PageDown', { ctrlKey: true }))).toBe(1)
    expect(tabShortcut(key('PageUp', { ctrlKey: true }))).toBe(-1)
    expect(tabShortcut(key('PageDown'))).toBeNull()
    expect(tabShortcut(key('PageDown', { ctrlKey: true, shiftKey: true }))).toBeNull()
    expect(tabShortcut(key('Tab', { ctrlKey: true }))).toBeNull()
  })
})

describe('session windows in browser mode', () => {
  function fakeEnv(existing: Record<string, string> = {}) {
    const windows = new Map<string, { href: string; focused: number }>(Object.entries(existing).map(([n, href]) => [n, { href, focused: 0 }]))
    const opened: Array<[string, string]> = []
    const env: BrowserWindowEnv = {
      open(url, name) {
        opened.push([url, name])
        let w = windows.get(name)
        if (!w) windows.set(name, (w = { href: url || 'about:blank', focused: 0 }))
        return { focus: () => w.focused++, w } as unknown as Window
      },
      isBlank: (w) => (w as unknown as { w: { href: string } }).w.href === 'about:blank',
      navigate: (w, url) => void ((w as unknown as { w: { href: string } }).w.href = url),
      base: () => 'http://127.0.0.1:9/',
      registry: { windowOf: (id) => (id === 's1' ? 'tessera-session-p1' : undefined), sessionOfProfile: () => undefined },
    }
    return { env, windows, opened }
  }

  it('opens a new named tab on the session page, without loading an existing one again', async () => {
    const { env, windows, opened } = fakeEnv({ 'tessera-session-p1': 'http://127.0.0.1:9/?view=session&profile=p1' })
    const w = browserWindows(env)
    expect(await w.openSession({ profileId: 'p2' }, 'window')).toBe(true)
    expect(windows.get('tessera-session-p2')).toEqual({ href: 'http://127.0.0.1:9/?view=session&profile=p2', focused: 1 })
    expect(await w.openSession({ profileId: 'p1' }, 'window')).toBe(true)
    expect(windows.get('tessera-session-p1')).toEqual({ href: 'http://127.0.0.1:9/?view=session&profile=p1', focused: 1 })
    // Every open asks with an empty address first: a non-empty one would reload an existing tab.
    expect(opened.every(([url]) => url === '')).toBe(true)
  })

  it('leaves a tab placement to the page itself, and focuses only windows it knows', async () => {
    const { env, opened } = fakeEnv({ 'tessera-session-p1': 'x' })
    const w = browserWindows(env)
    expect(await w.openSession({ profileId: 'p2' }, 'tab')).toBe(false)
    expect(await w.focusSession('unknown')).toBe(false)
    expect(opened).toEqual([])
    expect(await w.focusSession('s1')).toBe(true)
    expect(opened).toEqual([['', 'tessera-session-p1']])
  })
})
