import { createPinia } from 'pinia'
import { type Component, createApp } from 'vue'
import App from './App.vue'
import { prepareHost } from './host'
import { showLaunchProblem } from './host/web-launch'
import { applyLanguage, i18n } from './lib/i18n'
import { usePreferencesStore } from './stores/preferences'
import { LAUNCH_CODE_PARAM } from '@shared/web-auth'
import './styles/theme.css'

/** How long the first paint waits for the saved theme and language. */
const PREFS_WAIT_MS = 500

// A new launch address pasted into this tab changes only the fragment, which does not reload the page.
window.addEventListener('hashchange', () => {
  if (new URLSearchParams(window.location.hash.slice(1)).has(LAUNCH_CODE_PARAM)) window.location.reload()
})

// The system language first: the launch-problem page (plain DOM, no settings yet) is translated too.
applyLanguage('system')
void prepareHost().then((problem) => {
  if (problem) showLaunchProblem(document, problem)
  else
    void rootComponent().then(async (root) => {
      const pinia = createPinia()
      const app = createApp(root).use(pinia).use(i18n)
      // Theme and language from the settings before the first paint, unless the host is slow to answer.
      await Promise.race([usePreferencesStore(pinia).whenReady(), new Promise((r) => setTimeout(r, PREFS_WAIT_MS))])
      app.mount('#app')
    })
})

/** The live wall has a root of its own (loaded only there); every other page is App. */
async function rootComponent(): Promise<Component> {
  if (new URLSearchParams(window.location.search).get('view') !== 'wall') return App
  return (await import('./components/wall/WallApp.vue')).default
}
