/**
 * Small view preferences (sort order, list or grid, folded folders) kept in localStorage:
 * they belong to this browser's view of the address book. App-wide settings (theme, language,
 * where connections open...) are the host's: stores/preferences.ts.
 */
export function readPref<T>(key: string, fallback: T, valid: (v: unknown) => v is T): T {
  try {
    const raw = globalThis.localStorage?.getItem(`tessera.${key}`)
    if (raw == null) return fallback
    const v: unknown = JSON.parse(raw)
    return valid(v) ? v : fallback
  } catch {
    return fallback
  }
}

export function writePref(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(`tessera.${key}`, JSON.stringify(value))
  } catch {
    // Storage full or disabled: the preference lasts for this window only.
  }
}
