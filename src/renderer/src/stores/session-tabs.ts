import { HAND_OFF_MS, type HostEvents, type SessionTarget } from '@shared/contract'
import { parseTarget } from '@shared/target'
import { defineStore } from 'pinia'
import { computed, nextTick, ref, watch } from 'vue'
import { useHost } from '../host'
import { useWindows } from '../host/windows'
import { openerSelectors, returnFocus } from '../composables/focus-return'
import { t } from '../lib/i18n'
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
  /** How long after the host's deadline a moving tab gives up: time for the host's word to arrive. */
  const MOVE_GRACE_MS = 2_000
  /** Tabs whose session is on its way to a new window: shown as moving until the host says it arrived. */
  const moving = ref<string[]>([])
  /** What opened each tab's session (see composables/focus-return): focus goes back there when the tab closes. */
  const openers = new Map<string, string[]>()

  const tabs = computed<SessionTab[]>(() => keys.value.map((key) => ({ key, store: useSessionStore(key) })))
  /** The tab in front, or null when the window holds none. */
  const active = computed<SessionTab | null>(() => tabs.value.find((t) => t.key === activeKey.value) ?? null)
  const count = computed(() => keys.value.length)

  function newTab(target?: SessionTarget): SessionTab {
    const key = `tab${++counter}`
    if (target && typeof document !== 'undefined') openers.set(key, openerSelectors(document.activeElement, target))
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
    if ('adoptSessionId' in target) return adopt(target.adoptSessionId, target.handOffCode)
    if ('address' in target) {
      const req: { address: string; username?: string } = { address: target.address }
      try {
        const username = parseTarget(target.address).username
        if (username) req.username = username
      } catch {
        // The host reports what is wrong with the address.
      }
      return newTab(target).store.open(req, addressLabel(target.address))
    }
    const open = tabs.value.find((t) => t.store.profileId === target.profileId && t.store.phase !== 'closed')
    if (open) return activate(open.key)
    if (!connections.loaded) await connections.load()
    const p = connections.byId(target.profileId)
    if (!p) {
      notices.show('error', t('session.notice.profileGone'))
      return
    }
    await newTab(target).store.open({ profileId: p.id }, p.name || p.host, { viewOnly: p.viewOnly, scaling: p.scaling })
  }

  async function adopt(sessionId: string, code: string): Promise<void> {
    const open = tabOf(sessionId)
    if (open) return activate(open.key)
    const tab = newTab()
    try {
      const summary = await tab.store.adoptMoved(sessionId, code)
      const p = summary.profileId ? connections.byId(summary.profileId) : undefined
      if (p) {
        tab.store.label = p.name || p.host
        tab.store.scaling = p.scaling
      }
    } catch (e) {
      notices.failed(t('session.notice.adoptFailed'), e)
    }
  }

  /** Ends the tab's session and closes the tab. */
  async function close(key: string): Promise<void> {
    const store = useSessionStore(key)
    if (store.sessionId) given.add(store.sessionId)
    await store.close()
    remove(key)
  }

  /** Whether the tab's session is on its way to a new window. */
  function isMoving(key: string): boolean {
    return moving.value.includes(key)
  }

  /**
   * Moves the tab's session to a window of its own (a browser tab in browser mode): the host
   * hands out a one-time code (session.handOff), the new window takes the session over with it
   * (session.adopt). The tab stays, shown as moving, until the host says the session arrived
   * there (a 'closed' state with HOST_SESSION_MOVED, see below); should the new window never take
   * it, the tab is itself again once the code has expired. A refusal (a question still open) is
   * shown, and the tab stays as it was.
   */
  async function moveToWindow(key: string): Promise<void> {
    const store = useSessionStore(key)
    const id = store.sessionId
    if (!id || isMoving(key)) return
    moving.value = [...moving.value, key]
    try {
      const { code } = await host.api.request('session.handOff', { sessionId: id })
      if (!(await useWindows().openSession({ adoptSessionId: id, handOffCode: code }, 'window'))) {
        notices.show('info', t('session.notice.popupBlocked'))
        return stopMoving(key)
      }
    } catch (e) {
      // The host's refusal says what to do (answer the open question first); anything else, what went wrong.
      notices.failed(t('session.notice.moveFailed'), e)
      return stopMoving(key)
    }
    setTimeout(() => {
      if (!isMoving(key) || store.sessionId !== id) return
      stopMoving(key)
      notices.show('info', t('session.notice.moveTimedOut'))
    }, HAND_OFF_MS + MOVE_GRACE_MS)
  }

  function stopMoving(key: string): void {
    moving.value = moving.value.filter((k) => k !== key)
  }

  function remove(key: string): void {
    stopMoving(key)
    const at = keys.value.indexOf(key)
    if (at < 0) return
    keys.value = keys.value.filter((k) => k !== key)
    const opener = openers.get(key) ?? []
    openers.delete(key)
    if (activeKey.value === key) {
      activeKey.value = keys.value[Math.min(at, keys.value.length - 1)] ?? null
      // The address book shows again: focus goes back to what opened the session, never to the page.
      // (Another tab in front takes focus on its remote screen: see SessionView.)
      if (activeKey.value === null && typeof document !== 'undefined') void returnFocus(opener)
    }
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
    const tab = tabOf(e.sessionId)
    // The session arrived in another window (moved from here, or taken with a code this window gave):
    // the tab closes without ending it, and its late events are ignored.
    if (tab && e.state === 'closed' && e.error?.code === 'HOST_SESSION_MOVED') {
      given.add(e.sessionId)
      tab.store.detach()
      return remove(tab.key)
    }
    if (given.has(e.sessionId) || tab) return
    // Only a session starting: a late event of one that ended must not bring it back.
    if (e.state !== 'connecting' && e.state !== 'authenticating') return
    unclaimed.add(e.sessionId)
    claimWaiting()
  })
  watch(opening, claimWaiting)

  return { keys, activeKey, tabs, active, count, moving, activate, cycle, open, close, moveToWindow, isMoving, tabOf }
})
