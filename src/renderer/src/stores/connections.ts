import type { HostRequests } from '@shared/contract'
import { type ConnectionProfile, newProfile } from '@shared/profile'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { useHost } from '../host'
import { readPref, writePref } from '../lib/prefs'
import { currentPreferences } from './preferences'
import { type ProfileGroup, type SortKey, copyName, filterProfiles, groupPaths, groupProfiles, normaliseGroup, sortProfiles } from './profile-list'

export type ViewMode = 'list' | 'grid'
export type SecretsStatus = HostRequests['secrets.status'][1]
/** What went wrong reading the address book and passwords, and the folder they are in. */
export type ProblemsReport = HostRequests['profiles.problems'][1]

const isSortKey = (v: unknown): v is SortKey => v === 'recent' || v === 'name'
const isViewMode = (v: unknown): v is ViewMode => v === 'list' || v === 'grid'
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string')

/** A fresh id for a new profile; the host keeps whatever id it is given. */
export function newProfileId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return `p-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
}

/**
 * The address book: saved connections as the host keeps them, plus how this window shows them
 * (search, sort, list or grid, folded folders, thumbnails, selection).
 */
export const useConnectionsStore = defineStore('connections', () => {
  const host = useHost()
  const profiles = ref<ConnectionProfile[]>([])
  const loaded = ref(false)
  const loadError = ref<string | null>(null)
  const query = ref('')
  const sortBy = ref<SortKey>(readPref('sortBy', 'recent', isSortKey))
  const viewMode = ref<ViewMode>(readPref('viewMode', 'list', isViewMode))
  const collapsed = ref<string[]>(readPref('collapsedGroups', [], isStringList))
  const selectedId = ref<string | null>(null)
  /** Bumped when something outside the address book (the app menu) asks for the add dialog. */
  const addRequests = ref(0)
  const secrets = ref<SecretsStatus | null>(null)
  /** Problems with the data files the host met at start; null while unknown or when there are none. */
  const problems = ref<ProblemsReport | null>(null)
  /** Object URLs of last-screen thumbnails by profile id (the image bytes stay in the browser). */
  const thumbnails = shallowRef<Record<string, string>>({})
  // Which lastUsedAt each thumbnail was fetched for, so a newer session refreshes it.
  const thumbnailFor = new Map<string, number>()

  const searching = computed(() => query.value.trim() !== '')
  const sorted = computed(() => sortProfiles(filterProfiles(profiles.value, query.value), sortBy.value))
  const groups = computed<ProfileGroup[]>(() => groupProfiles(sorted.value, sortBy.value))
  const allGroups = computed(() => groupPaths(profiles.value))

  function isCollapsed(path: string): boolean {
    // A search shows every match, folded folder or not.
    return !searching.value && collapsed.value.includes(path)
  }

  /** Profiles in the order they are shown, skipping folded folders: what arrow keys walk. */
  const visible = computed(() => groups.value.flatMap((g) => (isCollapsed(g.path) ? [] : g.profiles)))

  function byId(id: string): ConnectionProfile | undefined {
    return profiles.value.find((p) => p.id === id)
  }

  function setProfiles(list: ConnectionProfile[]): void {
    profiles.value = list
    if (selectedId.value && !list.some((p) => p.id === selectedId.value)) selectedId.value = null
    // Drop thumbnails of profiles that are gone.
    const ids = new Set(list.map((p) => p.id))
    const next = { ...thumbnails.value }
    for (const id of Object.keys(next)) {
      if (ids.has(id)) continue
      URL.revokeObjectURL(next[id])
      delete next[id]
      thumbnailFor.delete(id)
    }
    thumbnails.value = next
  }

  async function load(): Promise<void> {
    try {
      setProfiles(await host.api.request('profiles.list', undefined))
      loadError.value = null
    } catch (e) {
      loadError.value = (e as { message?: string }).message ?? String(e)
    } finally {
      loaded.value = true
    }
    host.api.request('secrets.status', undefined).then(
      (s) => (secrets.value = s),
      () => (secrets.value = null),
    )
    host.api.request('profiles.problems', undefined).then(
      (r) => (problems.value = r?.problems.length ? r : null),
      () => (problems.value = null),
    )
  }

  host.api.on('profiles.changed', ({ profiles: list }) => setProfiles(list))
  // After the browser-mode socket comes back, the list may have changed meanwhile.
  host.onLinkState((state) => {
    if (state === 'open' && loaded.value) void load()
  })

  /** Saves (creates or updates) a profile; the returned one is what the host stored. */
  async function save(p: ConnectionProfile): Promise<ConnectionProfile> {
    const stored = await host.api.request('profiles.save', { ...p, group: normaliseGroup(p.group) })
    const i = profiles.value.findIndex((x) => x.id === stored.id)
    profiles.value = i < 0 ? [...profiles.value, stored] : profiles.value.map((x) => (x.id === stored.id ? stored : x))
    return stored
  }

  async function remove(id: string): Promise<void> {
    await host.api.request('profiles.delete', { id })
    setProfiles(profiles.value.filter((p) => p.id !== id))
  }

  /** A copy of a profile under a new name, never used, with no stored password. */
  async function duplicate(id: string): Promise<ConnectionProfile | null> {
    const src = byId(id)
    if (!src) return null
    const copy: ConnectionProfile = {
      ...src,
      id: newProfileId(),
      name: copyName(
        src.name,
        profiles.value.map((p) => p.name),
      ),
      savePassword: false,
      createdAt: Date.now(),
      lastUsedAt: 0,
    }
    const stored = await save(copy)
    selectedId.value = stored.id
    return stored
  }

  /** With `passphrase`, a Tessera export's sealed passwords are restored too. */
  async function importFile(fileName: string, text: string, passphrase?: string): Promise<ConnectionProfile[]> {
    const added = await host.api.request('profiles.import', passphrase === undefined ? { fileName, text } : { fileName, text, passphrase })
    const known = new Set(profiles.value.map((p) => p.id))
    profiles.value = [...profiles.value, ...added.filter((p) => !known.has(p.id))]
    return added
  }

  /** With `passphrase`, saved passwords go along, encrypted with it. */
  async function exportProfiles(ids: string[], passphrase?: string): Promise<{ fileName: string; text: string }> {
    return host.api.request('profiles.export', passphrase === undefined ? { ids } : { ids, includePasswords: true, passphrase })
  }

  /** Fetches the last-screen thumbnail once per use of the profile. */
  async function loadThumbnail(id: string): Promise<void> {
    const p = byId(id)
    if (!p || p.lastUsedAt === 0 || thumbnailFor.get(id) === p.lastUsedAt) return
    thumbnailFor.set(id, p.lastUsedAt)
    try {
      const got = await host.api.request('profiles.thumbnail', { id })
      if (!got) return
      const url = URL.createObjectURL(new Blob([got.png as Uint8Array<ArrayBuffer>], { type: 'image/png' }))
      const old = thumbnails.value[id]
      if (old) URL.revokeObjectURL(old)
      thumbnails.value = { ...thumbnails.value, [id]: url }
    } catch {
      thumbnailFor.delete(id) // Try again next time it is shown.
    }
  }

  function toggleGroup(path: string): void {
    collapsed.value = collapsed.value.includes(path) ? collapsed.value.filter((g) => g !== path) : [...collapsed.value, path]
    writePref('collapsedGroups', collapsed.value)
  }

  function setSort(by: SortKey): void {
    sortBy.value = by
    writePref('sortBy', by)
  }

  function setViewMode(mode: ViewMode): void {
    viewMode.value = mode
    writePref('viewMode', mode)
  }

  /** A blank profile for the add dialog, pre-filled from what the user has in view. */
  function blankProfile(fields: Partial<ConnectionProfile> = {}): ConnectionProfile {
    // A new connection starts with the Preferences' default scaling.
    return newProfile({ id: newProfileId(), host: '', name: '', scaling: currentPreferences().scaling, ...fields })
  }

  async function forgetPassword(profileId: string): Promise<void> {
    await host.api.request('secrets.forget', { profileId })
  }

  /** Records whether passwords may be saved in a file where no keychain protects them; no also forgets those saved so. */
  async function allowPlainFile(allow: boolean): Promise<void> {
    await host.api.request('secrets.allowPlainFile', { allow })
    secrets.value = await host.api.request('secrets.status', undefined)
  }

  return {
    profiles,
    loaded,
    loadError,
    query,
    sortBy,
    viewMode,
    collapsed,
    selectedId,
    secrets,
    problems,
    thumbnails,
    addRequests,
    searching,
    sorted,
    groups,
    allGroups,
    visible,
    isCollapsed,
    byId,
    load,
    save,
    remove,
    duplicate,
    importFile,
    exportProfiles,
    loadThumbnail,
    toggleGroup,
    setSort,
    setViewMode,
    blankProfile,
    forgetPassword,
    allowPlainFile,
  }
})
