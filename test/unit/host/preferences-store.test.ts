import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConnectionStore } from '../../../src/main/host/connection-store'
import { createHost } from '../../../src/main/host/create-host'
import { Host } from '../../../src/main/host/host'
import { PREFERENCES_FILE, PreferencesStore } from '../../../src/main/host/preferences-store'
import { DEFAULT_PREFERENCES } from '../../../src/shared/preferences'
import { MemorySecretStore } from './memory-secret-store'

let dir: string
let file: string
let clock = 1_000

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-prefs-'))
  file = join(dir, PREFERENCES_FILE)
  clock = 1_000
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const open = (): Promise<PreferencesStore> => PreferencesStore.open(dir, () => ++clock)
const onDisk = (): Record<string, unknown> => JSON.parse(readFileSync(file, 'utf8'))

describe('PreferencesStore', () => {
  it('starts at the defaults without a file and writes every setting with the schema version on the first change', async () => {
    const store = await open()
    expect(store.get()).toEqual(DEFAULT_PREFERENCES)
    expect(store.problems).toEqual([])
    expect(readdirSync(dir)).toEqual([])
    const all = await store.set({ theme: 'dark', language: 'de' })
    expect(all).toEqual({ ...DEFAULT_PREFERENCES, theme: 'dark', language: 'de' })
    expect(onDisk()).toEqual({ schemaVersion: 1, ...DEFAULT_PREFERENCES, theme: 'dark', language: 'de' })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    // Only the file: no temp file left beside it.
    expect(readdirSync(dir)).toEqual([PREFERENCES_FILE])
    expect((await open()).get()).toEqual(all)
  })

  it('hands out copies: changing what get() returned changes nothing stored', async () => {
    const store = await open()
    const got = store.get()
    got.theme = 'dark'
    expect(store.get().theme).toBe('system')
  })

  it('sets a damaged file aside, reports where, uses the defaults and writes a fresh file only on the next change', async () => {
    writeFileSync(file, '{"theme": "dark", ')
    const store = await open()
    expect(store.get()).toEqual(DEFAULT_PREFERENCES)
    expect(store.problems).toHaveLength(1)
    const [problem] = store.problems
    expect(problem.code).toBe('STORE_CORRUPT')
    expect(problem.keptAt).toBe(`${file}.corrupt-1001`)
    expect(problem.message).toContain('preferences file is damaged')
    expect(readFileSync(`${file}.corrupt-1001`, 'utf8')).toBe('{"theme": "dark", ')
    await store.set({ openIn: 'tab' })
    expect(onDisk().openIn).toBe('tab')
    // The damaged original is still there, untouched.
    expect(readFileSync(`${file}.corrupt-1001`, 'utf8')).toBe('{"theme": "dark", ')
  })

  it('a file that is JSON but not an object is damaged too', async () => {
    writeFileSync(file, '["dark"]')
    const store = await open()
    expect(store.problems.map((p) => p.code)).toEqual(['STORE_CORRUPT'])
    expect(store.get()).toEqual(DEFAULT_PREFERENCES)
  })

  it('falls back to the default one setting at a time, keeping a copy of the file before anything overwrites it', async () => {
    const original = JSON.stringify({ schemaVersion: 1, theme: 'dark', language: 'klingon', scaling: 'remote', reconnect: 7, openIn: 'tab' })
    writeFileSync(file, original)
    const store = await open()
    expect(store.get()).toEqual({ ...DEFAULT_PREFERENCES, theme: 'dark', scaling: 'remote', openIn: 'tab' })
    expect(store.problems).toHaveLength(1)
    const [problem] = store.problems
    expect(problem.code).toBe('STORE_INVALID_ENTRIES')
    expect(problem.message).toMatch(/^2 setting\(s\) could not be read.*language.*reconnect/)
    expect(readFileSync(problem.keptAt ?? '', 'utf8')).toBe(original)
    await store.set({ clipboardSync: 'off' })
    expect(onDisk()).toEqual({ schemaVersion: 1, ...DEFAULT_PREFERENCES, theme: 'dark', scaling: 'remote', openIn: 'tab', clipboardSync: 'off' })
    expect(readFileSync(problem.keptAt ?? '', 'utf8')).toBe(original)
  })

  it('keeps fields it does not know (a newer version’s) when it writes', async () => {
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, theme: 'light', futureSetting: { a: 1 } }))
    const store = await open()
    expect(store.problems).toEqual([])
    expect(store.get().theme).toBe('light')
    await store.set({ theme: 'dark' })
    expect(onDisk()).toMatchObject({ theme: 'dark', futureSetting: { a: 1 } })
  })

  it('reads a newer format as far as it can but never writes over it', async () => {
    const newer = JSON.stringify({ schemaVersion: 9, theme: 'dark' })
    writeFileSync(file, newer)
    const store = await open()
    expect(store.get().theme).toBe('dark')
    expect(store.problems.map((p) => p.code)).toEqual(['STORE_NEWER_VERSION'])
    await expect(store.set({ theme: 'light' })).rejects.toMatchObject({ code: 'STORE_READ_ONLY' })
    expect(readFileSync(file, 'utf8')).toBe(newer)
  })

  it('removes temp files a crash left behind and keeps the last complete write', async () => {
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, theme: 'light' }))
    writeFileSync(`${file}.tmp-abc123`, '{"schemaVersion": 1, "theme": "da')
    const store = await open()
    expect(store.get().theme).toBe('light')
    expect(readdirSync(dir)).toEqual([PREFERENCES_FILE])
  })

  it('an in-memory store keeps changes without touching any file', async () => {
    const store = PreferencesStore.inMemory()
    expect(store.file).toBeNull()
    expect(await store.set({ reconnect: 'never' })).toMatchObject({ reconnect: 'never' })
    expect(store.get().reconnect).toBe('never')
  })
})

describe('prefs requests', () => {
  it('prefs.set validates, saves and tells every client; prefs.get reads what was saved after a restart', async () => {
    const { host } = await createHost({ dataDir: dir, keychain: null, log: () => {} })
    const heard: unknown[] = []
    host.on('prefs.changed', (e) => heard.push(e.prefs))
    expect(await host.handle('prefs.get', undefined)).toEqual(DEFAULT_PREFERENCES)
    const all = await host.handle('prefs.set', { language: 'ja', keyboardGrab: 'never' })
    expect(all).toEqual({ ...DEFAULT_PREFERENCES, language: 'ja', keyboardGrab: 'never' })
    expect(heard).toEqual([all])
    for (const bad of [{ theme: 'purple' }, { colour: 'red' }, { openIn: null }, 'dark', [{ theme: 'dark' }]]) {
      await expect(host.handle('prefs.set', bad)).rejects.toMatchObject({ error: { code: 'HOST_INVALID_REQUEST' } })
    }
    expect(heard).toHaveLength(1)
    await host.shutdown()
    const again = await createHost({ dataDir: dir, keychain: null, log: () => {} })
    expect(await again.host.handle('prefs.get', undefined)).toEqual(all)
    await again.host.shutdown()
  })

  it('a damaged preferences file is reported with the address book’s problems', async () => {
    writeFileSync(file, 'not json')
    const { host, store } = await createHost({ dataDir: dir, keychain: null, log: () => {} })
    expect(store.problems.map((p) => [p.code, p.keptAt])).toEqual([['STORE_CORRUPT', expect.stringContaining(`${PREFERENCES_FILE}.corrupt-`)]])
    await host.shutdown()
  })

  it('a host without a preferences store keeps them in memory', async () => {
    const store = await ConnectionStore.open(dir)
    const host = new Host({ store, secrets: new MemorySecretStore(), thumbnailDir: join(dir, 't'), decodeImage: null })
    expect(await host.handle('prefs.set', { scaling: 'none' })).toMatchObject({ scaling: 'none' })
    await host.shutdown()
    expect(readdirSync(dir)).not.toContain(PREFERENCES_FILE)
  })
})
