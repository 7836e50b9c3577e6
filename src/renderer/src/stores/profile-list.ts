import type { ConnectionProfile } from '@shared/profile'
import { formatRelative, t } from '../lib/i18n'

/** Address-book order: most recently used first, or by name. */
export type SortKey = 'recent' | 'name'

/** One folder of the address book, as shown. */
export interface ProfileGroup {
  /** Folder path as stored ("Lab/Rack 2"); '' for the top level. */
  path: string
  profiles: ConnectionProfile[]
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** Compares names the way people read them: case-insensitive, "pc2" before "pc10". */
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b)
}

/** A folder path in one canonical spelling: trimmed segments joined by '/', no empty ones. */
export function normaliseGroup(path: string): string {
  return path
    .split('/')
    .map((s) => s.trim())
    .filter(Boolean)
    .join('/')
}

function haystack(p: ConnectionProfile): string {
  return [p.name, p.host, String(p.port), p.username ?? '', p.group, p.notes].join('\n').toLowerCase()
}

/**
 * Profiles matching every word of `query` somewhere in name, host, port, user, group or notes.
 * An empty query matches everything.
 */
export function filterProfiles(profiles: readonly ConnectionProfile[], query: string): ConnectionProfile[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return [...profiles]
  return profiles.filter((p) => {
    const text = haystack(p)
    return words.every((w) => text.includes(w))
  })
}

/** Sorted copy: 'recent' puts the latest connection first and never-used ones after, by name. */
export function sortProfiles(profiles: readonly ConnectionProfile[], by: SortKey): ConnectionProfile[] {
  const out = [...profiles]
  if (by === 'name') {
    out.sort((a, b) => compareNames(a.name, b.name) || compareNames(a.host, b.host))
  } else {
    out.sort((a, b) => b.lastUsedAt - a.lastUsedAt || compareNames(a.name, b.name) || compareNames(a.host, b.host))
  }
  return out
}

/**
 * Folders in display order, each keeping the order of `sorted`. By name: the top level first,
 * then by path. Most recent first: the folder holding the latest connection first, so the
 * connection used last is the first one shown wherever it is filed (never-used folders after,
 * top level first, then by path). Empty folders are not listed: a folder exists while something is in it.
 */
export function groupProfiles(sorted: readonly ConnectionProfile[], by: SortKey = 'name'): ProfileGroup[] {
  const byPath = new Map<string, ConnectionProfile[]>()
  for (const p of sorted) {
    const path = normaliseGroup(p.group)
    let list = byPath.get(path)
    if (!list) byPath.set(path, (list = []))
    list.push(p)
  }
  const latest = (list: ConnectionProfile[]): number => (by === 'recent' ? Math.max(...list.map((p) => p.lastUsedAt)) : 0)
  return [...byPath.entries()]
    .sort(([a, la], [b, lb]) => latest(lb) - latest(la) || (a === '' ? -1 : b === '' ? 1 : compareNames(a, b)))
    .map(([path, profiles]) => ({ path, profiles }))
}

/** Every folder path in use, and each of their parents, for the group picker. */
export function groupPaths(profiles: readonly ConnectionProfile[]): string[] {
  const set = new Set<string>()
  for (const p of profiles) {
    const parts = normaliseGroup(p.group).split('/').filter(Boolean)
    for (let i = 1; i <= parts.length; i++) set.add(parts.slice(0, i).join('/'))
  }
  return [...set].sort(compareNames)
}

/** A name for a copy that no other profile has: "web (copy)", "web (copy 2)", ... in the interface language. */
export function copyName(name: string, taken: readonly string[]): string {
  // A copy of a copy is numbered from the original's name.
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const single = escape(t('book.item.copyName', { name: '' }))
  const numbered = escape(t('book.item.copyNameN', { name: '', n: 7 })).replace('7', '\\d+')
  const base = name.replace(new RegExp(`(?:${single}|${numbered})$`), '')
  const names = new Set(taken)
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? t('book.item.copyName', { name: base }) : t('book.item.copyNameN', { name: base, n })
    if (!names.has(candidate)) return candidate
  }
}

/** "3 minutes ago", "yesterday", "never" in the interface language: when a profile was last used, relative to `now`. */
export function lastUsedText(lastUsedAt: number, now = Date.now()): string {
  if (!lastUsedAt) return t('book.item.never')
  if (Math.abs(now - lastUsedAt) < 60_000) return t('book.item.justNow')
  return formatRelative(lastUsedAt, now)
}
