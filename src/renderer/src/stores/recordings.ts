import type { RecordingState } from '@shared/recording'
import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import { useHost } from '../host'
import { t } from '../lib/i18n'
import { useNoticesStore } from './notices'

/** Milliseconds as m:ss (or h:mm:ss), for the REC indicator and the player's clock. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  const p = (n: number): string => String(n).padStart(2, '0')
  const h = Math.floor(s / 3600)
  return h > 0 ? `${h}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}` : `${Math.floor(s / 60)}:${p(s % 60)}`
}

/**
 * The recordings of this window's sessions: which are recording since when (the REC indicator
 * in the toolbar and the window title), starting and stopping them, and the notice when one
 * stops by itself (the session ended, the disk failed, the size limit).
 */
export const useRecordingsStore = defineStore('recordings', () => {
  const host = useHost()
  const notices = useNoticesStore()
  /** Recording sessions: since when, by this page's clock (the host's may differ). */
  const since = reactive<Record<string, number>>({})
  const now = ref(Date.now())
  let timer: ReturnType<typeof setInterval> | null = null

  function ticking(): void {
    const any = Object.keys(since).length > 0
    if (any && !timer) timer = setInterval(() => (now.value = Date.now()), 1000)
    if (!any && timer) {
      clearInterval(timer)
      timer = null
    }
  }

  host.api.on('session.recording', (r: RecordingState) => {
    if (r.recording) since[r.sessionId] ??= Date.now()
    else delete since[r.sessionId]
    now.value = Date.now()
    ticking()
    const s = r.stopped
    if (!s) return
    if (s.reason === 'disk') notices.show('error', t('recording.stoppedDisk', { file: s.file }), s.message ? { detail: s.message } : {})
    else if (s.reason === 'limit') notices.show('error', t('recording.stoppedLimit', { file: s.file }), s.message ? { detail: s.message } : {})
    else if (s.reason === 'ended') notices.show('info', t('recording.stoppedEnded', { file: s.file }))
    else notices.show('info', t('recording.stoppedUser', { file: s.file }))
  })

  /** How long `sessionId` has been recording (m:ss), or null when it is not. */
  function elapsed(sessionId: string | null): string | null {
    const start = sessionId ? since[sessionId] : undefined
    return start === undefined ? null : clock(now.value - start)
  }

  const recording = computed(() => (sessionId: string | null) => !!sessionId && since[sessionId] !== undefined)

  async function toggle(sessionId: string): Promise<void> {
    const on = since[sessionId] === undefined
    try {
      await host.api.request('session.record', { sessionId, on })
    } catch (e) {
      notices.failed(t('recording.startFailed'), e)
    }
  }

  return { elapsed, recording, toggle }
})
