import type { HostEvents } from '@shared/contract'
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { useHost } from '../host'
import { t } from '../lib/i18n'
import { useNoticesStore } from './notices'

/** The port listening viewers use by convention. */
export const LISTEN_PORT = 5500

export type IncomingServer = HostEvents['listen.incoming']

/**
 * Listening for reverse connections (servers that connect out to this viewer): whether the
 * host listens, and the servers waiting for the user's Accept or Reject, first come first asked.
 */
export const useListenStore = defineStore('listen', () => {
  const host = useHost()
  const notices = useNoticesStore()
  /** The port listened on, or null. */
  const port = ref<number | null>(null)
  const busy = ref(false)
  const incoming = ref<IncomingServer[]>([])

  host.api.on('listen.incoming', (e) => {
    incoming.value = [...incoming.value, e]
  })
  // The host gave up on it: its question goes, and the user is told why it vanished.
  host.api.on('listen.timedOut', ({ id }) => {
    const gone = incoming.value.find((i) => i.id === id)
    if (!gone) return
    incoming.value = incoming.value.filter((i) => i !== gone)
    notices.show('info', t('book.notices.incomingTimedOut', { address: gone.remoteAddress }))
  })

  async function toggle(): Promise<void> {
    if (busy.value) return
    busy.value = true
    try {
      if (port.value === null) {
        port.value = (await host.api.request('listen.start', { port: LISTEN_PORT })).port
      } else {
        await host.api.request('listen.stop', undefined)
        port.value = null
        incoming.value = []
      }
    } catch (e) {
      notices.failed(t('book.notices.listenFailed'), e)
    } finally {
      busy.value = false
    }
  }

  /** Accept shows the server's screen (the session store adopts the new session); reject closes it. */
  async function answer(id: string, accept: boolean): Promise<void> {
    incoming.value = incoming.value.filter((i) => i.id !== id)
    try {
      await host.api.request('listen.answer', { id, accept })
    } catch (e) {
      if (accept) notices.failed(t('book.notices.acceptFailed'), e)
    }
  }

  return { port, busy, incoming, toggle, answer }
})
