import type { HostEvents, SessionTarget } from '@shared/contract'
import { parseTarget } from '@shared/target'
import { defineStore } from 'pinia'
import { computed, nextTick, ref, watch } from 'vue'
import { useHost } from '../host'
import { useWindows } from '../host/windows'
import { errorMessage } from '../lib/errors'
import { useConnectionsStore } from './connections'
import { useNoticesStore } from './notices'
import { type SessionStore, addressLabel, disposeSessionStore, useSessionStore } from './session'

/** One tab of a session window: the key of its session store. */
export interface SessionTab {
  key: string
  store: SessionStore
}

/**
 * The sessions this window shows, as tabs, and which one is in front. Also shows sessions this
 * window owns but did not open itself (a vnc:// link the shell opened for it, an accepted
 * reverse connection) in a tab of their own.
 */
export const useSessionTabsStore = defineStore('session-tabs', () => {
  const host = useHost()
  const connections = useConnectionsStore()
  const notices = useNoticesStore()
  const keys = ref<string[]>([])
  const activeKey = ref<string | null>(null)
  let counter = 0
  // Sessions this window moved elsewhere or closed: their late events must not open a tab.
  const given = new Set<string>()
  // Sessions nobody here asked for, waiting while a tab's own session.open is in flight.
  const unclaimed = new Set<string>()

  const tabs = computed<SessionTab[]>(() => keys.value.map((key) => ({ key, store: useSessionStore(key) })))
  /** The tab in front, or null when the window holds none. */
  const active = computed<SessionTab | null>(() => tabs.value.find((t) => t.key === activeKey.value) ?? null)
  const count = computed(() => keys.value.length)

  function newTab(): SessionTab {
    const key = `tab${++counter}`
    keys.value = [...keys.value, key]
    activeKey.value = key
    return { key, store: useSessionStore(key) }
  }

  function tabOf(sessionId: string): SessionTab | undefined {
    return tabs.value.find((t) => t.store.sessionId === sessionId)
  }

  /** Brings a tab to the front; null shows the address book, in the window that has it. */
  function activate(key: string | null): void {
    if (key === null || keys.value.includes(key)) activeKey.value = key
  }

  /** The next (+1) or previous (-1) tab, wrapping around. */
  function cycle(step: 1 | -1): void {
    const n = keys.value.length
    if (n < 2) return
    const at = keys.value.indexOf(activeKey.value ?? '')
    activeKey.value = keys.value[(at + step + n) % n]
  }

  /**
   * Opens `target` in a new tab of this window and brings it to the front; a saved connection
   * already open here is brought to the front instead.
   */
  async function open(target: SessionTarget): Promise<void> {
    if ('adoptSessionId' in target) return adopt(target.adoptSessionId)
    if ('address' in target) {
      const req: { address: string; username?: string } = { address: target.address }
      try {
        const username = parseTarget(target.address).username
        if (username) req.username = username
      } catch {
        // The host reports what is wrong with the address.
      }
      return newTab().store.open(req, addressLabel(target.address))
    }
    const open = tabs.value.find((t) => t.store.profileId === target.profileId && t.store.phase !== 'closed')
    if (open) return activate(open.key)
    if (!connections.loaded) await connections.load()
    const p = connections.byId(target.profileId)
    if (!p) {
      notices.show('error', 'That connection is no longer in the address book.')
      return
    }
    await newTab().store.open({ profileId: p.id }, p.name || p.host, { viewOnly: p.viewOnly, scaling: p.scaling })
  }

  async function adopt(sessionId: string): Promise<void> {
    const open = tabOf(sessionId)
    if (open) return activate(open.key)
    const tab = newTab()
    try {
      const summary = await tab.store.adoptMoved(sessionId)
      const p = summary.profileId ? connections.byId(summary.profileId) : undefined
      if (p) {
        tab.store.label = p.name || p.host
        tab.store.scaling = p.scaling
      }
    } catch (e) {
      notices.show('error', `Could not move the session here: ${errorMessage(e)}`)
    }
  }

  /** Ends the tab's session and closes the tab. */
  async function close(key: string): Promise<void> {
    const store = useSessionStore(key)
    if (store.sessionId) given.add(store.sessionId)
    await store.close()
    remove(key)
  }

  /**
   * Moves the tab's session to a window of its own (a browser tab in browser mode), which takes
   * it over with session.adopt; this window lets go of it without ending it.
   */
  async function moveToWindow(key: string): Promise<void> {
    const store = useSessionStore(key)
    const id = store.sessionId
    if (!id) return
    try {
      if (!(await useWindows().openSession({ adoptSessionId: id }, 'window'))) {
        notices.show('info', 'This window cannot open another window (a blocked pop-up?).')
        return
      }
    } catch (e) {
      notices.show('error', `Could not open a new window: ${errorMessage(e)}`)
      return
    }
    given.add(id)
    store.detach()
    remove(key)
  }

  function remove(key: string): void {
    const at = keys.value.indexOf(key)
    if (at < 0) return
    keys.value = keys.value.filter((k) => k !== key)
    if (activeKey.value === key) activeKey.value = keys.value[Math.min(at, keys.value.length - 1)] ?? null
    // After the tab's view has unmounted and let go of the store.
    void nextTick(() => disposeSessionStore(key))
  }

  // A tab whose session ended from inside (its Disconnect button) goes away.
  watch(
    () => tabs.value.filter((t) => t.store.phase === 'idle').map((t) => t.key),
    (idle) => idle.forEach(remove),
  )

  const opening = computed(() => tabs.value.some((t) => t.store.phase === 'opening'))

  function claimWaiting(): void {
    if (opening.value) return
    for (const id of [...unclaimed]) {
      unclaimed.delete(id)
      if (!tabOf(id) && !given.has(id)) newTab().store.claim(id)
    }
  }

  host.api.on('session.state', (e: HostEvents['session.state']) => {
    if (given.has(e.sessionId) || tabOf(e.sessionId)) return
    // Only a session starting: a late event of one that ended must not bring it back.
    if (e.state !== 'connecting' && e.state !== 'authenticating') return
    unclaimed.add(e.sessionId)
    claimWaiting()
  })
  watch(opening, claimWaiting)

  return { keys, activeKey, tabs, active, count, activate, cycle, open, close, moveToWindow, tabOf }
})
