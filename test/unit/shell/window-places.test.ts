import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeQuestion, quitQuestion, quitsWithLastWindow, reopensOnActivate } from '../../../src/main/shell/app-lifecycle'
import { initialPlace } from '../../../src/main/shell/app-windows'
import { MAX_REMEMBERED_SESSIONS, WindowStateFile } from '../../../src/main/shell/window-state-file'
import { DEFAULT_WINDOW, rendererUrl } from '../../../src/main/shell/window-options'

let dir: string
let file: string
let logged: string[]
const load = () => WindowStateFile.load(file, { log: (m) => logged.push(m), now: () => 1234 })

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-places-'))
  file = join(dir, 'window-state.json')
  logged = []
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('remembered window places', () => {
  it('remembers each connection’s session window apart from the address book, in a real file', async () => {
    const store = await load()
    expect(store.addressBook()).toEqual(DEFAULT_WINDOW)
    expect(store.session('lab')).toBeUndefined()
    await store.rememberAddressBook({ x: 10, y: 20, width: 900, height: 700, maximized: false })
    await store.rememberSession('lab', { x: 1930, y: 40, width: 1300, height: 800, maximized: false })
    await store.rememberSession('pi', { width: 640, height: 480, maximized: true })
    const again = await load()
    expect(again.addressBook()).toEqual({ x: 10, y: 20, width: 900, height: 700, maximized: false })
    expect(again.session('lab')).toEqual({ x: 1930, y: 40, width: 1300, height: 800, maximized: false })
    expect(again.session('pi')).toEqual({ width: 640, height: 480, maximized: true })
    expect(again.session('other')).toBeUndefined()
    expect(logged).toEqual([])
    // Ids outside the profile alphabet are not remembered (they would be keys of anything).
    await again.rememberSession('__proto__/x', { width: 640, height: 480, maximized: false })
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).sessions)).toEqual(['lab', 'pi'])
  })

  it('reads the older file that held only the address book', async () => {
    writeFileSync(file, JSON.stringify({ x: 5, y: 6, width: 1000, height: 800, maximized: true }))
    const store = await load()
    expect(store.addressBook()).toEqual({ x: 5, y: 6, width: 1000, height: 800, maximized: true })
    expect(store.session('lab')).toBeUndefined()
  })

  it('drops entries that are not a window size, keeping the rest', async () => {
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        addressBook: { width: 'huge' },
        sessions: { lab: { width: 10, height: 10 }, pi: { width: 800, height: 600 }, 'a b': { width: 800, height: 600 } },
      }),
    )
    const store = await load()
    expect(store.addressBook()).toEqual(DEFAULT_WINDOW)
    expect(store.session('lab')).toBeUndefined()
    expect(store.session('pi')).toEqual({ width: 800, height: 600, maximized: false })
  })

  it('keeps a damaged file aside, says so, and never overwrites it', async () => {
    writeFileSync(file, '{"version": 1, "sessions": {"lab": ')
    const store = await load()
    expect(store.addressBook()).toEqual(DEFAULT_WINDOW)
    expect(readFileSync(`${file}.corrupt-1234`, 'utf8')).toBe('{"version": 1, "sessions": {"lab": ')
    expect(logged.join('\n')).toMatch(/damaged .* kept as .*window-state\.json\.corrupt-1234/)
    await store.rememberSession('lab', { width: 800, height: 600, maximized: false })
    expect(JSON.parse(readFileSync(file, 'utf8')).sessions.lab).toEqual({ width: 800, height: 600, maximized: false })
    expect(readFileSync(`${file}.corrupt-1234`, 'utf8')).toBe('{"version": 1, "sessions": {"lab": ')
  })

  it('saves nothing when a damaged file cannot be moved aside', async () => {
    writeFileSync(file, '[1, 2')
    // Where it would be kept is taken by a folder that is not empty: a rename cannot go there, even for root.
    mkdirSync(join(`${file}.corrupt-1234`, 'x'), { recursive: true })
    const store = await load()
    expect(logged.join('\n')).toMatch(/cannot be moved aside/)
    await store.rememberAddressBook({ width: 800, height: 600, maximized: false })
    expect(readFileSync(file, 'utf8')).toBe('[1, 2')
    expect(readdirSync(dir).sort()).toEqual(['window-state.json', 'window-state.json.corrupt-1234'])
  })

  it(`remembers at most ${MAX_REMEMBERED_SESSIONS} connections, forgetting the ones saved longest ago`, async () => {
    const store = await load()
    for (let i = 0; i <= MAX_REMEMBERED_SESSIONS; i++) void store.rememberSession(`p${i}`, { width: 800, height: 600, maximized: false })
    await store.rememberSession('p1', { width: 900, height: 600, maximized: false })
    const again = await load()
    expect(again.session('p0')).toBeUndefined()
    expect(again.session('p1')).toEqual({ width: 900, height: 600, maximized: false })
    expect(again.session(`p${MAX_REMEMBERED_SESSIONS}`)).toBeDefined()
  })

  it('puts a new window in its remembered place, clamped to what is on screen now', async () => {
    const store = await load()
    await store.rememberSession('lab', { x: 2000, y: 50, width: 2400, height: 1300, maximized: false })
    await store.rememberAddressBook({ x: 100, y: 100, width: 900, height: 700, maximized: false })
    const both = [
      { x: 0, y: 0, width: 1920, height: 1040 },
      { x: 1920, y: 0, width: 2560, height: 1400 },
    ]
    const one = [both[0]]
    expect(initialPlace({ kind: 'session', query: 'view=session&profile=lab', profileId: 'lab' }, store, both)).toEqual({
      state: { x: 2000, y: 50, width: 2400, height: 1300, maximized: false },
      remembered: true,
    })
    // The right-hand monitor was unplugged: the OS centres it, no larger than what is left.
    expect(initialPlace({ kind: 'session', query: 'view=session&profile=lab', profileId: 'lab' }, store, one)).toEqual({
      state: { width: 1920, height: 1040, maximized: false },
      remembered: true,
    })
    expect(initialPlace({ kind: 'address-book', query: '' }, store, one)).toEqual({
      state: { x: 100, y: 100, width: 900, height: 700, maximized: false },
      remembered: true,
    })
    // Nothing remembered: the default size, to be fitted to the desktop when it is known.
    expect(initialPlace({ kind: 'session', query: 'view=session&profile=new', profileId: 'new' }, store, one)).toEqual({
      state: DEFAULT_WINDOW,
      remembered: false,
    })
    expect(initialPlace({ kind: 'session', query: 'view=session&address=h' }, store, one)).toEqual({ state: DEFAULT_WINDOW, remembered: false })
  })
})

describe('renderer URLs', () => {
  it('carry the view in the query string, packaged and in dev', () => {
    expect(rendererUrl({ dir: '/x' })).toBe('app://tessera/index.html')
    expect(rendererUrl({ dir: '/x' }, 'view=session&profile=lab')).toBe('app://tessera/index.html?view=session&profile=lab')
    expect(rendererUrl({ dir: '/x', devServerUrl: 'http://localhost:5173' }, 'view=session&adopt=s1')).toBe('http://localhost:5173/?view=session&adopt=s1')
  })
})

describe('quitting', () => {
  it('asks before disconnecting open sessions, in plain words, counting them', () => {
    expect(quitQuestion(0)).toBeNull()
    expect(quitQuestion(1)).toEqual({ message: 'Quit Tessera?', detail: '1 session is open and will be disconnected.', buttons: ['Quit', 'Cancel'] })
    expect(quitQuestion(3)?.detail).toBe('3 sessions are open and will be disconnected.')
  })

  it('quits with the last window on Linux and Windows; on macOS stays in the dock and reopens the address book on activate', () => {
    expect(quitsWithLastWindow('linux')).toBe(true)
    expect(quitsWithLastWindow('win32')).toBe(true)
    expect(quitsWithLastWindow('darwin')).toBe(false)
    expect(reopensOnActivate('darwin', 0)).toBe(true)
    expect(reopensOnActivate('darwin', 2)).toBe(false)
    expect(reopensOnActivate('linux', 0)).toBe(false)
  })

  it('asks the quit question when a window closes only if that close quits the app with sessions open', () => {
    expect(closeQuestion('linux', 1, 2)?.detail).toBe('2 sessions are open and will be disconnected.')
    expect(closeQuestion('win32', 1, 1)?.message).toBe('Quit Tessera?')
    // Other windows stay, nothing to lose, or macOS (the app stays in the dock): the window just closes.
    expect(closeQuestion('linux', 2, 3)).toBeNull()
    expect(closeQuestion('linux', 1, 0)).toBeNull()
    expect(closeQuestion('darwin', 1, 3)).toBeNull()
  })
})
