import { defineStore } from 'pinia'
import { ref } from 'vue'
import { failureWords } from '../lib/errors'

/** One notice: `text` says what happened; a failure adds why, what to try, and the raw detail (lib/errors failureWords). */
export interface Notice {
  id: number
  kind: 'info' | 'error'
  text: string
  reason?: string
  hint?: string
  detail?: string
}

/** Short messages for things that happened outside a dialog (import done, export failed). */
export const useNoticesStore = defineStore('notices', () => {
  const notices = ref<Notice[]>([])
  let nextId = 1

  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id)
  }

  /** Shows a notice; info ones go away by themselves, errors stay until dismissed. */
  function show(kind: Notice['kind'], text: string, more: Pick<Notice, 'reason' | 'hint' | 'detail'> = {}): number {
    const id = nextId++
    notices.value = [...notices.value.slice(-4), { id, kind, text, ...more }]
    if (kind === 'info') setTimeout(() => dismiss(id), 5000)
    return id
  }

  /**
   * Shows that something failed: `text` (translated) says what, the error's code why and what to
   * try; the host's own message is only a detail, never joined into the sentence.
   */
  function failed(text: string, e: unknown, kind: Notice['kind'] = 'error'): number {
    const { reason, hint, detail } = failureWords(e)
    return show(kind, text, { ...(reason ? { reason } : {}), ...(hint ? { hint } : {}), detail })
  }

  return { notices, show, failed, dismiss }
})
