import { onScopeDispose } from 'vue'
import { useHost } from '../host'
import { useWindows } from '../host/windows'
import { useEventListener } from './event-listener'

/**
 * Opens the Preferences from wherever the user asks in this window: the app menu's command (the
 * Electron shell sends `app.command` to the focused window, whichever root it shows) and, where no
 * app menu does it (browser mode), Ctrl+, (Cmd+, on macOS). Every window root calls it: the
 * address book and session windows (App.vue) and the live wall (WallApp.vue).
 */
export function usePreferencesCommand(open: () => void, measure?: () => void): void {
  const stop = useHost().api.on('app.command', ({ command }) => {
    if (command === 'preferences') open()
    // The app menu's "Measure performance…"; browser mode reaches it from the Preferences.
    if (command === 'measure-performance') measure?.()
  })
  onScopeDispose(stop)
  if (useWindows().kind !== 'browser') return
  // Keys a session sends to the remote side are taken (default prevented) before they get here.
  useEventListener(window, 'keydown', (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.key !== ',' || !(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return
    e.preventDefault()
    open()
  })
}
