import { useEventListener } from './event-listener'

/** Ctrl+Page Down (+1) and Ctrl+Page Up (-1), as browsers switch tabs; null for every other key. */
export function tabShortcut(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey' | 'shiftKey'>): 1 | -1 | null {
  if (!e.ctrlKey || e.altKey || e.metaKey || e.shiftKey) return null
  if (e.key === 'PageDown') return 1
  if (e.key === 'PageUp') return -1
  return null
}

/**
 * Switches tabs with Ctrl+Page Down / Page Up while the keyboard is on the toolbar, tab strip or
 * menu. Keys typed on the remote screen (canvas.screen) always go to the remote, and an open
 * dialog keeps its keys.
 */
export function useTabShortcuts(cycle: (step: 1 | -1) => void): void {
  useEventListener(window, 'keydown', (e) => {
    const step = tabShortcut(e)
    const target = e.target as Element | null
    if (!step || target?.matches?.('canvas.screen') || document.querySelector('dialog[open]')) return
    e.preventDefault()
    cycle(step)
  })
}
