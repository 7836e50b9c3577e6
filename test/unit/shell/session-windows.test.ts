import { describe, expect, it } from 'vitest'
import type { ClientEventName, ClientEvents, SessionSummary } from '../../../src/shared/contract'
import type { HostClient } from '../../../src/main/host/endpoint'
import { type ManagedWindow, PENDING_MS, SessionWindows, type WindowRequest, sessionQuery, wallQuery } from '../../../src/main/shell/session-windows'

/** A window as the fake factory makes it: what was done to it is written down. */
interface FakeWindow extends ManagedWindow {
  request: WindowRequest
  log: string[]
}

/** A fake world around SessionWindows: windows, the bridge's clients, the host's sessions and owners, the focus. */
function world() {
  const windows: FakeWindow[] = []
  const clients = new Map<number, HostClient & { got: { name: string; payload: unknown }[] }>()
  const released: number[] = []
  /** sessionId → window id owning it. */
  const owners = new Map<string, number>()
  const sized: { window: number; size: { width: number; height: number }; profileId?: string }[] = []
  let focused: number | undefined
  const clock = { now: 1_000_000 }
  const focusLog: number[] = []
  let nextId = 1
  const clientOf = (id: number) => {
    let c = clients.get(id)
    if (!c) {
      const got: { name: string; payload: unknown }[] = []
      c = { got, deliver: <K extends ClientEventName>(name: K, payload: ClientEvents[K]) => void got.push({ name, payload }) }
      clients.set(id, c)
    }
    return c
  }
  const manager = new SessionWindows({
    createWindow(request) {
      const id = nextId++
      const w: FakeWindow = {
        id,
        request,
        log: [],
        focus() {
          w.log.push('focus')
          focusLog.push(id)
          focused = id
          manager.windowFocused(id)
        },
        close() {
          w.log.push('close')
          manager.windowClosed(id)
        },
        reload() {
          w.log.push('reload')
        },
      }
      windows.push(w)
      return w
    },
    clientOf,
    release(id) {
      released.push(id)
      // The bridge detaches the client: the host ends what it owned.
      for (const [s, owner] of owners) if (owner === id) owners.delete(s)
      clients.delete(id)
    },
    ownerOf: (sessionId) => {
      const id = owners.get(sessionId)
      return id === undefined ? undefined : clients.get(id)
    },
    sessionIds: () => [...owners.keys()],
    focusedWindowId: () => focused,
    now: () => clock.now,
    desktopSized: (window, size, profileId) => sized.push({ window: window.id, size, ...(profileId ? { profileId } : {}) }),
  })
  /** A window's renderer opened a session (the host now says it owns it). */
  const opened = (windowId: number, sessionId: string) => owners.set(sessionId, windowId)
  const summary = (sessionId: string, extra: Partial<SessionSummary> = {}): SessionSummary => ({
    sessionId,
    name: sessionId,
    state: 'connected',
    viewOnly: false,
    watch: false,
    ...extra,
  })
  return {
    manager,
    windows,
    released,
    sized,
    focusLog,
    clock,
    opened,
    summary,
    focus: (id: number | undefined) => {
      focused = id
      if (id !== undefined) manager.windowFocused(id)
    },
    eventsOf: (id: number) => clients.get(id)?.got ?? [],
  }
}

describe('session windows', () => {
  it('puts the address book in a window of its own, without a view, and focuses it rather than opening a second', () => {
    const w = world()
    const book = w.manager.openAddressBook()
    expect(w.windows[0].request).toEqual({ kind: 'address-book', query: '' })
    expect(w.manager.openAddressBook()).toBe(book)
    expect(w.windows).toHaveLength(1)
    expect(w.windows[0].log).toEqual(['focus'])
  })

  it('opens a live wall in a window of its own per folder, and focuses it rather than opening it twice', () => {
    const w = world()
    const lab = w.manager.openWall(wallQuery({ folder: 'Lab/Rack 2' }))
    expect(w.windows[0].request).toEqual({ kind: 'wall', query: 'view=wall&folder=Lab%2FRack+2' })
    expect(w.manager.openWall(wallQuery({ folder: 'Lab/Rack 2' }))).toBe(lab)
    expect(w.windows[0].log).toEqual(['focus'])
    w.manager.openWall(wallQuery({ open: true }))
    expect(w.windows.map((x) => x.request.query)).toEqual(['view=wall&folder=Lab%2FRack+2', 'view=wall&open=1'])
    // A wall is not a session window: a tab never goes there.
    w.manager.openSession({ profileId: 'a' }, 'tab')
    expect(w.windows[2].request.kind).toBe('session')
  })

  it('opens each session in a window of its own, with the view and target in the query string', () => {
    const w = world()
    w.manager.openAddressBook()
    w.manager.openSession({ profileId: 'lab' }, 'window')
    w.manager.openSession({ address: 'vnc://pi@10.0.0.2:5901' }, 'window')
    w.manager.openSession({ adoptSessionId: 's-7', handOffCode: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi' }, 'window')
    expect(w.windows.slice(1).map((x) => x.request)).toEqual([
      { kind: 'session', query: 'view=session&profile=lab', profileId: 'lab' },
      { kind: 'session', query: 'view=session&address=vnc%3A%2F%2Fpi%4010.0.0.2%3A5901' },
      { kind: 'session', query: 'view=session&adopt=s-7&code=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi' },
    ])
    expect(new URLSearchParams(sessionQuery({ address: 'a&b=c' })).get('address')).toBe('a&b=c')
  })

  it('focuses the window already showing a saved connection instead of opening it twice', () => {
    const w = world()
    w.manager.openAddressBook()
    const lab = w.manager.openSession({ profileId: 'lab' }, 'window')
    // Before its session even exists (the page is still loading), the window counts as showing it.
    expect(w.manager.openSession({ profileId: 'lab' }, 'window')).toBe(lab)
    w.opened(lab.id, 's1')
    w.manager.sessionsChanged([w.summary('s1', { profileId: 'lab' })])
    w.focus(1)
    expect(w.manager.openSession({ profileId: 'lab' }, 'tab')).toBe(lab)
    expect(w.windows).toHaveLength(2)
    expect(w.windows[1].log).toEqual(['focus', 'focus'])
    // Another connection still gets its own window.
    w.manager.openSession({ profileId: 'other' }, 'window')
    expect(w.windows).toHaveLength(3)
  })

  it('stops holding a connection a tab was asked to open when its session never came', () => {
    const w = world()
    const a = w.manager.openSession({ profileId: 'a' }, 'window')
    w.opened(a.id, 's-a')
    w.manager.sessionsChanged([w.summary('s-a', { profileId: 'a' })])
    w.focus(a.id)
    w.manager.openSession({ profileId: 'b' }, 'tab')
    w.clock.now += PENDING_MS - 1
    expect(w.manager.openSession({ profileId: 'b' }, 'window')).toBe(a)
    // The page never opened it (refused, failed): asking again opens it anew.
    w.clock.now += 1
    expect(w.manager.openSession({ profileId: 'b' }, 'window')).not.toBe(a)
    expect(w.windows).toHaveLength(2)
  })

  it('finds an open connection in whichever window owns it now (a tab moved to another window)', () => {
    const w = world()
    const first = w.manager.openSession({ profileId: 'lab' }, 'window')
    const second = w.manager.openSession({ adoptSessionId: 's1', handOffCode: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi' }, 'window')
    w.opened(first.id, 's1')
    w.manager.sessionsChanged([w.summary('s1', { profileId: 'lab' })])
    // The session moved: the host says the second window owns it now.
    w.opened(second.id, 's1')
    w.manager.sessionsChanged([w.summary('s1', { profileId: 'lab' })])
    expect(w.manager.focusSession('s1')).toBe(true)
    expect(w.windows[1].log).toEqual(['focus'])
    expect(w.manager.focusSession('nope')).toBe(false)
  })

  it('sends a tab to the session window used last, and focuses it; with none, opens a window', () => {
    const w = world()
    w.manager.openAddressBook()
    // No session window yet: a tab request makes one.
    const a = w.manager.openSession({ profileId: 'a' }, 'tab')
    expect(w.windows).toHaveLength(2)
    const b = w.manager.openSession({ profileId: 'b' }, 'window')
    w.focus(a.id)
    // Asked from the address book (focused now): the last session window used gets it.
    w.focus(1)
    expect(w.manager.openSession({ address: 'h:1' }, 'tab')).toBe(a)
    expect(w.windows).toHaveLength(3)
    expect(w.eventsOf(a.id)).toEqual([{ name: 'app.openTab', payload: { address: 'h:1' } }])
    expect(w.eventsOf(b.id)).toEqual([])
    expect(w.windows[1].log.at(-1)).toBe('focus')
    // The profile asked as a tab counts as shown there at once: asking again does not send it twice.
    w.manager.openSession({ profileId: 'c' }, 'tab')
    w.manager.openSession({ profileId: 'c' }, 'tab')
    expect(w.eventsOf(a.id).filter((e) => e.name === 'app.openTab')).toHaveLength(2)
  })

  it('ends the sessions of a window that closes, and nothing else; the address book owns none', () => {
    const w = world()
    const book = w.manager.openAddressBook()
    const one = w.manager.openSession({ profileId: 'one' }, 'window')
    const two = w.manager.openSession({ profileId: 'two' }, 'window')
    w.opened(one.id, 's1')
    w.opened(one.id, 's1b')
    w.opened(two.id, 's2')
    w.manager.windowClosed(one.id)
    expect(w.released).toEqual([one.id])
    expect(w.manager.hasSession(two.id)).toBe(true)
    expect(w.manager.focusSession('s2')).toBe(true)
    // Closing the address book ends no session.
    w.manager.windowClosed(book.id)
    expect(w.released).toEqual([one.id, book.id])
    expect(w.manager.openSessionCount()).toBe(1)
    expect(w.manager.count()).toBe(1)
    // Told twice (closed after a crash closed it): released once.
    w.manager.windowClosed(one.id)
    expect(w.released).toEqual([one.id, book.id])
  })

  it('ends the sessions of a window whose renderer crashed, closes a session window and reloads the address book', () => {
    const w = world()
    const book = w.manager.openAddressBook()
    const one = w.manager.openSession({ profileId: 'one' }, 'window')
    const two = w.manager.openSession({ profileId: 'two' }, 'window')
    w.opened(one.id, 's1')
    w.opened(two.id, 's2')
    w.manager.windowCrashed(one.id)
    expect(w.released).toContain(one.id)
    expect(w.windows[1].log).toEqual(['close'])
    expect(w.manager.hasSession(two.id)).toBe(true)
    w.manager.windowCrashed(book.id)
    expect(w.windows[0].log).toEqual(['reload'])
    expect(w.manager.count()).toBe(2)
    expect(w.manager.hasSession(two.id)).toBe(true)
  })

  it('meets a reloading page as a new client, ending what the old page had open', () => {
    const w = world()
    const one = w.manager.openSession({ profileId: 'one' }, 'window')
    w.opened(one.id, 's1')
    w.manager.windowLoading(one.id)
    expect(w.released).toEqual([one.id])
    expect(w.manager.hasSession(one.id)).toBe(false)
    expect(w.manager.has(one.id)).toBe(true)
  })

  it('counts the open sessions for the quit question: not live-wall tiles, not ended ones', () => {
    const w = world()
    const book = w.manager.openAddressBook()
    const one = w.manager.openSession({ profileId: 'one' }, 'window')
    const wall = w.manager.openSession({ address: 'wall' }, 'window')
    expect(w.manager.openSessionCount()).toBe(0)
    w.opened(one.id, 's1')
    w.opened(one.id, 's2')
    w.opened(wall.id, 'tile')
    w.opened(book.id, 'gone')
    // Counted from the host's own list even before any summary says what they are.
    expect(w.manager.openSessionCount()).toBe(4)
    w.manager.sessionsChanged([w.summary('s1'), w.summary('s2'), w.summary('tile', { watch: true }), w.summary('gone', { state: 'closed' })])
    expect(w.manager.openSessionCount()).toBe(2)
  })

  it('grants "has a session" only to our own window that owns a live one', () => {
    const w = world()
    const book = w.manager.openAddressBook()
    const one = w.manager.openSession({ profileId: 'one' }, 'window')
    w.opened(one.id, 's1')
    expect(w.manager.hasSession(one.id)).toBe(true)
    expect(w.manager.hasSession(book.id)).toBe(false)
    expect(w.manager.hasSession(99)).toBe(false)
    w.manager.sessionsChanged([w.summary('s1', { state: 'closed' })])
    expect(w.manager.hasSession(one.id)).toBe(false)
  })

  it('never counts a wall window’s tiles as sessions, even before the first summary says they are tiles', () => {
    const w = world()
    const book = w.manager.openAddressBook()
    const wall = w.manager.openWall(wallQuery({ folder: 'Lab' }))
    w.opened(wall.id, 'tile1')
    w.opened(wall.id, 'tile2')
    w.opened(book.id, 'accepted')
    // No sessions.changed yet: the wall still reads the clipboard never, and quitting asks about none of its tiles.
    expect(w.manager.hasSession(wall.id)).toBe(false)
    expect(w.manager.openSessionCount()).toBe(1)
    // The address book may own a session for a moment (a reverse connection accepted there), but is no session window.
    expect(w.manager.hasSession(book.id)).toBe(false)
  })

  it('cycles session windows in the order they opened, from the focused one, skipping the address book', () => {
    const w = world()
    expect(w.manager.cycle(1)).toBe(false)
    w.manager.openAddressBook()
    const a = w.manager.openSession({ profileId: 'a' }, 'window')
    const b = w.manager.openSession({ profileId: 'b' }, 'window')
    const c = w.manager.openSession({ profileId: 'c' }, 'window')
    w.focus(1)
    for (const d of [1, 1, 1, 1, -1] as const) w.manager.cycle(d)
    expect(w.focusLog.slice(-5)).toEqual([a.id, b.id, c.id, a.id, c.id])
    // From the address book backwards: the last session window.
    w.focus(1)
    w.manager.cycle(-1)
    expect(w.focusLog.at(-1)).toBe(c.id)
  })

  it('sends menu commands to the focused window, or the one used last when none of ours is focused', () => {
    const w = world()
    const book = w.manager.openAddressBook()
    const one = w.manager.openSession({ profileId: 'one' }, 'window')
    w.focus(one.id)
    w.manager.command('next-tab')
    w.focus(undefined)
    w.manager.command('disconnect')
    w.focus(book.id)
    w.manager.command('new-connection')
    expect(w.eventsOf(one.id)).toEqual([
      { name: 'app.command', payload: { command: 'next-tab' } },
      { name: 'app.command', payload: { command: 'disconnect' } },
    ])
    expect(w.eventsOf(book.id)).toEqual([{ name: 'app.command', payload: { command: 'new-connection' } }])
  })

  it('sends Open Recording to the address book whichever window has the focus, opening the book if it was closed', () => {
    const w = world()
    const book = w.manager.openAddressBook()
    const one = w.manager.openSession({ profileId: 'one' }, 'window')
    w.focus(one.id)
    w.manager.commandAddressBook('open-recording')
    expect(w.eventsOf(book.id)).toEqual([{ name: 'app.command', payload: { command: 'open-recording' } }])
    expect(w.eventsOf(one.id)).toEqual([])
  })

  it('tells a session window its first desktop size once, with the connection it remembers its place under', () => {
    const w = world()
    const one = w.manager.openSession({ adoptSessionId: 's1', handOffCode: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi' }, 'window')
    w.opened(one.id, 's1')
    w.manager.sessionsChanged([w.summary('s1', { profileId: 'lab', state: 'connecting' })])
    expect(w.sized).toEqual([])
    w.manager.sessionsChanged([w.summary('s1', { profileId: 'lab', width: 1920, height: 1080 })])
    w.manager.sessionsChanged([w.summary('s1', { profileId: 'lab', width: 800, height: 600 })])
    expect(w.sized).toEqual([{ window: one.id, size: { width: 1920, height: 1080 }, profileId: 'lab' }])
    expect(w.manager.profileOf(one.id)).toBe('lab')
  })

  it('lists for the Window menu the live sessions that have a session window', () => {
    const w = world()
    const book = w.manager.openAddressBook()
    const one = w.manager.openSession({ profileId: 'one' }, 'window')
    w.opened(one.id, 's1')
    w.opened(book.id, 'incoming')
    w.manager.sessionsChanged([w.summary('s1'), w.summary('incoming'), w.summary('s3', { state: 'closed' })])
    expect(w.manager.windowedSessions().map((s) => s.sessionId)).toEqual(['s1'])
  })
})
