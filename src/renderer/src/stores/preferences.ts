import { DEFAULT_PREFERENCES, type OpenInSetting, type Preferences, type ThemeSetting } from '@shared/preferences'
import { preferenceFields } from '@shared/schemas'
import { defineStore, getActivePinia } from 'pinia'
import { ref, watch } from 'vue'
import { useHost } from '../host'
import { applyLanguage } from '../lib/i18n'

/** The page follows a theme setting: `data-theme` on <html> overrides the system's (styles/theme.css). */
export function applyTheme(theme: ThemeSetting, root: HTMLElement | undefined = globalThis.document?.documentElement): void {
  if (!root) return
  if (theme === 'system') delete root.dataset.theme
  else root.dataset.theme = theme
}

/** Settings from a peer, each checked on its own: anything missing or unknown keeps its default. */
export function readPreferences(value: unknown): Preferences {
  const out: Preferences = { ...DEFAULT_PREFERENCES }
  if (!value || typeof value !== 'object') return out
  for (const key of Object.keys(out) as (keyof Preferences)[]) {
    const raw = (value as Record<string, unknown>)[key]
    if (raw === undefined) continue
    try {
      setField(out, key, preferenceFields[key].parse(raw, key) as Preferences[typeof key])
    } catch {
      // A value this version does not know: the default stands.
    }
  }
  return out
}

/** Versions before the Preferences kept "Open connections in" in localStorage under this key. */
export const LEGACY_OPEN_IN_KEY = 'tessera.openConnectionsIn'

/** The "Open connections in" choice an older version left in this browser, removed as it is read; null when none. */
export function takeLegacyOpenIn(storage: Pick<Storage, 'getItem' | 'removeItem'> | undefined = safeLocalStorage()): OpenInSetting | null {
  try {
    const raw = storage?.getItem(LEGACY_OPEN_IN_KEY)
    if (raw == null) return null
    storage?.removeItem(LEGACY_OPEN_IN_KEY)
    const value: unknown = JSON.parse(raw)
    return value === 'window' || value === 'tab' ? value : null
  } catch {
    return null
  }
}

function safeLocalStorage(): Storage | undefined {
  try {
    return globalThis.localStorage
  } catch {
    // Storage disabled: nothing was kept there either.
    return undefined
  }
}

function setField<K extends keyof Preferences>(prefs: Preferences, key: K, value: Preferences[K]): void {
  prefs[key] = value
}

/**
 * The app-wide settings as the host keeps them (preferences.json), the same in every window:
 * loaded once, followed through `prefs.changed`, and applied to this page (theme, language) as
 * they change. Until the host answers, the defaults apply.
 */
export const usePreferencesStore = defineStore('preferences', () => {
  const host = useHost()
  const prefs = ref<Preferences>({ ...DEFAULT_PREFERENCES })
  const loaded = ref(false)
  /** The Preferences dialog is open in this window (the address book's button, the app menu, Ctrl+,). */
  const dialogOpen = ref(false)
  /** The "Measure performance…" dialog is open in this window (the app menu, or its button in the Preferences). */
  const measureOpen = ref(false)

  host.api.on('prefs.changed', (e) => (prefs.value = readPreferences(e?.prefs)))
  const ready: Promise<void> = host.api
    .request('prefs.get', undefined)
    .then(async (p) => {
      prefs.value = readPreferences(p)
      // Where connections open was this browser's own choice before the host kept it: carried over once.
      const legacy = takeLegacyOpenIn()
      if (legacy && legacy !== prefs.value.openIn) await set({ openIn: legacy })
    })
    .catch(() => {
      // The defaults stay; a link that comes back later brings prefs.changed with any change.
    })
    .finally(() => (loaded.value = true))

  watch(
    () => prefs.value.theme,
    (theme) => applyTheme(theme),
    { immediate: true },
  )
  watch(
    () => prefs.value.language,
    (language) => applyLanguage(language),
    { immediate: true },
  )

  /** Resolves once the host's settings are known (or could not be had): what opening a connection waits for. */
  function whenReady(): Promise<void> {
    return ready
  }

  /** Changes some settings; this window applies them at once, every other window on `prefs.changed`. Rejects when the host refuses or cannot save. */
  async function set(patch: Partial<Preferences>): Promise<void> {
    prefs.value = { ...prefs.value, ...patch }
    try {
      const all = await host.api.request('prefs.set', patch)
      if (all && typeof all === 'object') prefs.value = readPreferences(all)
    } catch (e) {
      // What the host holds now (it may have applied a change it could not save).
      prefs.value = readPreferences(await host.api.request('prefs.get', undefined).catch(() => DEFAULT_PREFERENCES))
      throw e
    }
  }

  return { prefs, loaded, dialogOpen, measureOpen, whenReady, set }
})

/**
 * The settings now, for plain modules and composables (clipboard, keyboard lock): the store's
 * when the app is running, the defaults where no store can exist (unit tests without Pinia).
 */
export function currentPreferences(): Preferences {
  return getActivePinia() ? usePreferencesStore().prefs : { ...DEFAULT_PREFERENCES }
}
