/**
 * Small view preferences (sort order, list or grid, folded folders) kept in localStorage:
 * they belong to this window's user, not to the saved connections the host keeps.
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

/** Where a connection opened from the address book goes: a window (browser tab) of its own, or a tab of this window. */
export type OpenPlacement = 'window' | 'tab'

const OPEN_IN_KEY = 'openConnectionsIn'

function isOpenPlacement(v: unknown): v is OpenPlacement {
  return v === 'window' || v === 'tab'
}

/** The "Open connections in" preference; a new window unless the user chose tabs. */
export function readOpenPlacement(): OpenPlacement {
  return readPref(OPEN_IN_KEY, 'window', isOpenPlacement)
}

/** Saves the "Open connections in" preference for this user's windows. */
export function writeOpenPlacement(placement: OpenPlacement): void {
  writePref(OPEN_IN_KEY, placement)
}
