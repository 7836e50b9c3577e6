import type { ShellApi } from '@shared/contract'
import { grabsKeyboard } from '@shared/preferences'
import { type Ref, type ShallowRef, computed, onBeforeUnmount, readonly, ref, shallowRef, watch } from 'vue'
import {
  type FullscreenChoice,
  type FullscreenMonitor,
  type FullscreenMonitorEnv,
  type FullscreenTarget,
  fullscreenChoices,
  fullscreenMonitorEnv,
  listFullscreenMonitors,
} from '../lib/fullscreen-monitors'
import { currentPreferences } from '../stores/preferences'
import { useEventListener } from './event-listener'

// The Keyboard Lock API (Chromium only, not in TypeScript's DOM types yet).
type KeyboardLock = { lock?: (codes?: string[]) => Promise<void>; unlock?: () => void }

/** What full screen tells its owner. */
export interface FullscreenEvents {
  /** Full screen was entered or left (by Tessera, Esc or the browser); `fullscreen` is already updated. */
  changed(): void
  /** The toggle worked: the owner gives focus back where it belongs. */
  toggled(): void
  /** The browser refused full screen. */
  failed(error: unknown): void
  /** The window now spans every monitor (the app's "All monitors"). */
  spanned?(): void
}

/** Full screen of one element. */
export interface Fullscreen {
  /** Whether `root` is the full-screen element, or the app's window fills a chosen monitor or all of them. */
  fullscreen: Readonly<Ref<boolean>>
  /** Enters full screen, or leaves it if any element is full screen. */
  toggle(): Promise<void>
  /** Leaves full screen, if any; never fails. */
  exit(): Promise<void>
  /** The "Full screen on" menu items (none with one monitor); filled by `loadMonitors`. */
  choices: Readonly<Ref<readonly FullscreenChoice[]>>
  /** The browser must ask the user before it names the monitors: the menu offers to. */
  mustAsk: Readonly<Ref<boolean>>
  /** Lists the monitors for the menu; `ask` lets the browser ask the user first. Never fails. */
  loadMonitors(ask?: boolean): Promise<void>
  /** Full screen on one of `choices`' targets. */
  enterOn(target: FullscreenTarget): Promise<void>
}

/**
 * Full screen of `root` while the component is mounted, left on unmount. In full screen the
 * keyboard is locked, so keys the browser would keep (Ctrl+W, Esc...) go to the server.
 * On a chosen monitor: in a browser the element goes full screen there (Window Management API);
 * in the app the shell moves the window there, or spans it over all monitors.
 */
export function useFullscreen(
  root: Readonly<ShallowRef<HTMLElement | null>>,
  events: FullscreenEvents,
  env: () => FullscreenMonitorEnv = fullscreenMonitorEnv,
): Fullscreen {
  const element = ref(false)
  // What the app's shell was last asked for; the page cannot see that mode otherwise.
  const shellMode = ref<'off' | 'display' | 'all'>('off')
  // Whether the window has been seen filling what the shell mode asks: resizes on the way there do not end it.
  let reached = false
  const monitors = shallowRef<FullscreenMonitor[]>([])
  const mustAsk = ref(false)
  const shell = (): ShellApi | undefined => {
    const s = env().tesseraShell
    return typeof s?.request === 'function' ? (s as ShellApi) : undefined
  }
  const choices = computed(() => fullscreenChoices(monitors.value, !!shell()))

  async function toggle(): Promise<void> {
    try {
      if (shellMode.value !== 'off') await setShellMode('off')
      else if (document.fullscreenElement) await document.exitFullscreen()
      else await root.value?.requestFullscreen({ navigationUI: 'hide' })
      events.toggled()
    } catch (e) {
      events.failed(e)
    }
  }

  async function exit(): Promise<void> {
    if (shellMode.value !== 'off') await setShellMode('off').catch(() => {})
    if (document.fullscreenElement) await document.exitFullscreen().catch(() => {})
  }

  async function setShellMode(mode: 'off' | 'display' | 'all', displayId?: number): Promise<void> {
    await shell()!.request('shell.fullscreen', displayId === undefined ? { mode } : { mode, displayId })
    shellMode.value = mode
    reached = fillsShellMode()
    events.changed()
  }

  /** Whether the window fills its screen ('display') or reaches past it ('all'). */
  function fillsShellMode(): boolean {
    const { screen } = window
    if (shellMode.value === 'all') return window.innerWidth > screen.width || window.innerHeight > screen.height
    return window.innerWidth >= screen.width && window.innerHeight >= screen.height
  }

  async function loadMonitors(ask = false): Promise<void> {
    try {
      const listed = await listFullscreenMonitors(env(), ask)
      monitors.value = listed.monitors
      mustAsk.value = listed.mustAsk
    } catch {
      monitors.value = []
      mustAsk.value = false
    }
  }

  async function enterOn(target: FullscreenTarget): Promise<void> {
    try {
      const m = 'monitor' in target ? monitors.value[target.monitor] : undefined
      if (shell()) {
        if (document.fullscreenElement) await document.exitFullscreen()
        if (m) await setShellMode('display', m.displayId)
        else {
          await setShellMode('all')
          events.spanned?.()
        }
      } else if (m) {
        // A full-screen element may move to another screen by asking again (Window Management API).
        await root.value?.requestFullscreen({ navigationUI: 'hide', screen: m.screen } as FullscreenOptions)
      }
      events.toggled()
    } catch (e) {
      events.failed(e)
    }
  }

  useEventListener(document, 'fullscreenchange', () => {
    element.value = document.fullscreenElement === root.value
    applyKeyboardLock()
    events.changed()
  })
  // The Preferences decide when system keys go to the remote side: in full screen, always, or never.
  function applyKeyboardLock(): void {
    const kb = (navigator as Navigator & { keyboard?: KeyboardLock }).keyboard
    // Alt+Tab stays the OS's whatever we do; browsers honour the lock only in full screen.
    if (grabsKeyboard(currentPreferences().keyboardGrab, element.value)) kb?.lock?.().catch(() => {})
    else kb?.unlock?.()
  }
  watch(() => currentPreferences().keyboardGrab, applyKeyboardLock)
  // The shell's modes end without telling the page (F11, the window manager): a window that no
  // longer fills its screen, or no longer reaches past it, is out of them.
  useEventListener(window, 'resize', () => {
    if (shellMode.value === 'off') return
    if (fillsShellMode()) reached = true
    else if (reached) {
      shellMode.value = 'off'
      events.changed()
    }
  })
  onBeforeUnmount(() => void exit())

  return {
    fullscreen: readonly(computed(() => element.value || shellMode.value !== 'off')),
    toggle,
    exit,
    choices,
    mustAsk: readonly(mustAsk),
    loadMonitors,
    enterOn,
  }
}
