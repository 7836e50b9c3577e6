import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { setHost } from '../../../src/renderer/src/host'
import { currentLocale } from '../../../src/renderer/src/lib/i18n'
import {
  LEGACY_OPEN_IN_KEY,
  applyTheme,
  currentPreferences,
  readPreferences,
  takeLegacyOpenIn,
  usePreferencesStore,
} from '../../../src/renderer/src/stores/preferences'
import { DEFAULT_PREFERENCES, type Preferences } from '../../../src/shared/preferences'
import { MemoryHost } from './memory-host'

let host: MemoryHost
let stored: Preferences

beforeEach(() => {
  host = new MemoryHost()
  stored = { ...DEFAULT_PREFERENCES, openIn: 'tab', language: 'de' }
  host.handle('prefs.get', () => ({ ...stored })).handle('prefs.set', (patch) => (stored = { ...stored, ...patch }))
  setHost(host.link())
  setActivePinia(createPinia())
})

describe('preferences store', () => {
  it('starts at the defaults and takes the host’s settings, applying the language', async () => {
    const s = usePreferencesStore()
    expect(s.prefs.openIn).toBe('window')
    await s.whenReady()
    expect(s.loaded).toBe(true)
    expect(s.prefs).toEqual(stored)
    await Promise.resolve()
    expect(currentLocale()).toBe('de')
    expect(currentPreferences().openIn).toBe('tab')
  })

  it('sends a change to the host and follows changes made in other windows', async () => {
    const s = usePreferencesStore()
    await s.whenReady()
    await s.set({ openIn: 'window' })
    expect(host.callsTo('prefs.set')).toEqual([{ openIn: 'window' }])
    expect(s.prefs.openIn).toBe('window')
    host.emit('prefs.changed', { prefs: { ...stored, language: 'en', clipboardSync: 'off' } })
    expect(s.prefs.clipboardSync).toBe('off')
  })

  it('shows what the host holds when a change is refused', async () => {
    host.handle('prefs.set', () => Promise.reject(new Error('disk full')))
    const s = usePreferencesStore()
    await s.whenReady()
    await expect(s.set({ theme: 'dark' })).rejects.toThrow('disk full')
    expect(s.prefs.theme).toBe('system')
  })

  it('keeps the defaults when the host has no answer (an older host, a lost link)', async () => {
    host.handle('prefs.get', () => Promise.reject(new Error('unknown request')))
    const s = usePreferencesStore()
    await s.whenReady()
    expect(s.loaded).toBe(true)
    expect(s.prefs).toEqual(DEFAULT_PREFERENCES)
  })
})

describe('the choice older versions kept in the browser', () => {
  const memoryStorage = (entries: Record<string, string>) => ({
    getItem: (k: string) => entries[k] ?? null,
    removeItem: (k: string) => void delete entries[k],
    entries,
  })

  it('is read once and removed; junk counts as none', () => {
    const storage = memoryStorage({ [LEGACY_OPEN_IN_KEY]: '"tab"' })
    expect(takeLegacyOpenIn(storage)).toBe('tab')
    expect(storage.entries).toEqual({})
    expect(takeLegacyOpenIn(storage)).toBeNull()
    expect(takeLegacyOpenIn(memoryStorage({ [LEGACY_OPEN_IN_KEY]: '"sideways"' }))).toBeNull()
    expect(takeLegacyOpenIn(memoryStorage({ [LEGACY_OPEN_IN_KEY]: '{' }))).toBeNull()
    expect(takeLegacyOpenIn(undefined)).toBeNull()
  })

  it('becomes the host’s preference before the store says it is ready', async () => {
    stored = { ...DEFAULT_PREFERENCES }
    const entries: Record<string, string> = { [LEGACY_OPEN_IN_KEY]: '"tab"' }
    Object.defineProperty(globalThis, 'localStorage', {
      value: { getItem: (k: string) => entries[k] ?? null, removeItem: (k: string) => void delete entries[k] },
      configurable: true,
    })
    try {
      const s = usePreferencesStore()
      await s.whenReady()
      expect(host.callsTo('prefs.set')).toEqual([{ openIn: 'tab' }])
      expect(stored.openIn).toBe('tab')
      expect(s.prefs.openIn).toBe('tab')
      expect(entries).toEqual({})
    } finally {
      Reflect.deleteProperty(globalThis, 'localStorage')
    }
  })
})

describe('reading settings from a peer', () => {
  it('checks each field on its own: junk falls back to the default, the rest is kept', () => {
    expect(readPreferences({ theme: 'dark', openIn: 'sideways', language: 42, extra: 1 })).toEqual({ ...DEFAULT_PREFERENCES, theme: 'dark' })
    expect(readPreferences(null)).toEqual(DEFAULT_PREFERENCES)
    expect(readPreferences('dark')).toEqual(DEFAULT_PREFERENCES)
  })

  it('sets data-theme on the page for light and dark, and removes it to follow the system', () => {
    const root = { dataset: {} as Record<string, string> } as unknown as HTMLElement
    applyTheme('dark', root)
    expect(root.dataset.theme).toBe('dark')
    applyTheme('light', root)
    expect(root.dataset.theme).toBe('light')
    applyTheme('system', root)
    expect(root.dataset.theme).toBeUndefined()
  })
})
