import { ref, watch } from 'vue'
import type { SessionPhase } from '../stores/session'
import { t } from './i18n'

/*
 * Connection state changes for screen readers: one polite live region per page
 * (components/LiveAnnouncer.vue) says them, so a change is heard once, not by every card and
 * toolbar that shows it.
 */

/** What the page's live region says now. */
export const liveMessage = ref('')

let said = 0

/** Puts `text` in the live region; saying the same sentence again is still heard. */
export function announce(text: string): void {
  said++
  // The same text again is no change to a screen reader: every other time it ends in a no-break space.
  liveMessage.value = said % 2 ? text : `${text}\u00a0`
}

/**
 * The sentence for a session going from `from` to `to`, or null when there is nothing new to say.
 * `asking`: the lost session waits for the user's Reconnect (the "ask me first" setting), so it
 * does not say "reconnecting".
 */
export function connectionAnnouncement(from: SessionPhase | undefined, to: SessionPhase, name: string, asking = false): string | null {
  if (from === to) return null
  if (to === 'connected') return t('app.announce.connected', { name })
  if (to === 'reconnecting') return t(asking ? 'app.announce.lostAsk' : 'app.announce.lost', { name })
  if (to === 'closed' && from !== undefined && from !== 'idle') return t('app.announce.disconnected', { name })
  return null
}

/** One session as the announcer follows it. */
export interface AnnouncedSession {
  key: string
  phase: SessionPhase
  name: string
  /** Lost, and waiting for the user to choose Reconnect. */
  asking?: boolean
}

/** Announces each state change of the sessions `sessions()` lists (call in a component's setup). */
export function announceConnectionChanges(sessions: () => AnnouncedSession[]): void {
  watch(
    () => sessions().map((s) => ({ ...s })),
    (now, before) => {
      const was = new Map((before ?? []).map((s) => [s.key, s]))
      for (const s of now) {
        const text = connectionAnnouncement(was.get(s.key)?.phase, s.phase, s.name, s.asking)
        if (text) announce(text)
        was.delete(s.key)
      }
      // A session closed straight away (Disconnect, Stop) leaves the list without passing "closed".
      for (const gone of was.values()) {
        const text = connectionAnnouncement(gone.phase, 'closed', gone.name)
        if (text) announce(text)
      }
    },
  )
}
