import type { SessionSummary } from '@shared/contract'
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { useHost } from '../host'

/**
 * Every session open on the host, in any window (the address book's Sessions list): kept
 * current by `sessions.changed`. Live-wall tiles are left out: the wall shows those.
 */
export const useOpenSessionsStore = defineStore('open-sessions', () => {
  const host = useHost()
  const all = ref<SessionSummary[]>([])
  let loaded = false

  /** The sessions a person opened, in the order the host lists them. */
  const sessions = computed(() => all.value.filter((s) => !s.watch))

  host.api.on('sessions.changed', (e) => (all.value = Array.isArray(e?.sessions) ? e.sessions : []))
  // The list is only as good as the link: a host that was restarted has none of these sessions, and
  // one that is back may have changed them while the link was down (its events never came).
  let dropped = false
  host.onLinkState((state) => {
    if (state === 'ended') all.value = []
    if (state === 'lost') dropped = true
    if (state === 'open' && dropped && loaded) {
      dropped = false
      loaded = false
      void load()
    }
  })

  /** Asks the host for the list once; later changes arrive as events. */
  async function load(): Promise<void> {
    if (loaded) return
    loaded = true
    try {
      const list = await host.api.request('sessions.list', undefined)
      all.value = Array.isArray(list) ? list : []
    } catch {
      loaded = false // An older host or a lost link: the next load asks again.
    }
  }

  /** The open (not closed) session of saved connection `profileId`, if any. */
  function openOf(profileId: string): SessionSummary | undefined {
    return sessions.value.find((s) => s.profileId === profileId && s.state !== 'closed')
  }

  /** Ends a session, whichever window shows it. */
  async function close(sessionId: string): Promise<void> {
    await host.api.request('session.close', { sessionId })
  }

  return { sessions, load, openOf, close }
})
