import { defineStore } from 'pinia'
import { ref } from 'vue'

export interface Notice {
  id: number
  kind: 'info' | 'error'
  text: string
}

/** Short messages for things that happened outside a dialog (import done, export failed). */
export const useNoticesStore = defineStore('notices', () => {
  const notices = ref<Notice[]>([])
  let nextId = 1

  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id)
  }

  /** Shows a notice; info ones go away by themselves, errors stay until dismissed. */
  function show(kind: Notice['kind'], text: string): number {
    const id = nextId++
    notices.value = [...notices.value.slice(-4), { id, kind, text }]
    if (kind === 'info') setTimeout(() => dismiss(id), 5000)
    return id
  }

  return { notices, show, dismiss }
})
