import type { SessionPlacement, SessionTarget, ShellApi } from '@shared/contract'
import { sessionPageQuery, sessionWindowName } from '../lib/page'
import { WindowRegistry } from './window-registry'

declare global {
  interface Window {
    /** The Electron shell's window requests (preload); absent in a plain browser. */
    tesseraShell?: ShellApi
  }
}

/**
 * Opening and finding session windows. In Electron the shell does it (window.tesseraShell);
 * in browser mode the page does it with browser tabs it opens itself; a page with neither (the
 * Electron bridge without a shell) shows every session in its own window, as tabs.
 */
export interface SessionWindows {
  /** 'shell' (Electron), 'browser' (browser tabs) or 'none' (everything stays in this window). */
  readonly kind: 'shell' | 'browser' | 'none'
  /**
   * Opens `target` in a window of its own or, in Electron, as a tab of the session window in
   * front. Resolves false when this window should show it itself (no shell, a 'tab' placement
   * in browser mode, a blocked popup).
   */
  openSession(target: SessionTarget, placement: SessionPlacement): Promise<boolean>
  /** Brings the window showing `sessionId` to the front; false when no window is known to show it. */
  focusSession(sessionId: string): Promise<boolean>
  /** The session of saved connection `profileId` another window shows, when only the browser knows it. */
  openSessionOfProfile(profileId: string): string | undefined
}

/** What the browser-mode implementation needs from the page, so tests can pass fakes. */
export interface BrowserWindowEnv {
  open(url: string, name: string): Window | null
  /** Whether `w` is a tab just opened, still showing nothing. */
  isBlank(w: Window): boolean
  navigate(w: Window, url: string): void
  /** The page's own address without query or fragment, e.g. http://127.0.0.1:8080/. */
  base(): string
  registry: Pick<WindowRegistry, 'windowOf' | 'sessionOfProfile'>
}

/** Session windows as browser tabs: named targets, so opening a connection twice finds its tab. */
export function browserWindows(env: BrowserWindowEnv): SessionWindows {
  return {
    kind: 'browser',
    async openSession(target, placement) {
      if (placement === 'tab') return false
      // No noopener: the new tab gets a copy of this tab's sessionStorage, where the credential is.
      // An empty address first: a tab already showing this connection is found, not loaded again
      // (which would end its sessions); a new one is blank until it is sent to the session page.
      const w = env.open('', sessionWindowName(target))
      if (!w) return false
      if (env.isBlank(w)) env.navigate(w, env.base() + sessionPageQuery(target))
      w.focus()
      return true
    },
    async focusSession(sessionId) {
      const name = env.registry.windowOf(sessionId)
      if (!name) return false
      // An empty address finds the named tab without loading it again.
      const w = env.open('', name)
      w?.focus()
      return w !== null
    },
    openSessionOfProfile: (profileId) => env.registry.sessionOfProfile(profileId),
  }
}

/** Session windows through the Electron shell. */
export function shellWindows(shell: ShellApi): SessionWindows {
  return {
    kind: 'shell',
    async openSession(target, placement) {
      await shell.request('shell.openSession', { ...target, placement })
      return true
    },
    focusSession: (sessionId) => shell.request('shell.focusSession', { sessionId }),
    openSessionOfProfile: () => undefined,
  }
}

const NO_WINDOWS: SessionWindows = {
  kind: 'none',
  openSession: async () => false,
  focusSession: async () => false,
  openSessionOfProfile: () => undefined,
}

let current: SessionWindows | null = null
let registryChanged: Array<() => void> = []

/** The session windows of this page, chosen once like the host (see useHost). */
export function useWindows(): SessionWindows {
  if (current) return current
  if (typeof window === 'undefined') return NO_WINDOWS
  const shell = window.tesseraShell
  if (shell && typeof shell.request === 'function') current = shellWindows(shell)
  else if (window.tessera) current = NO_WINDOWS
  else {
    const registry = new WindowRegistry(() => registryChanged.forEach((f) => f()))
    current = browserWindows({
      open: (url, name) => window.open(url, name),
      isBlank: (w) => {
        try {
          return w.location.href === 'about:blank'
        } catch {
          return false // Another origin: not ours to navigate.
        }
      },
      navigate: (w, url) => w.location.replace(url),
      base: () => window.location.origin + window.location.pathname,
      registry,
    })
  }
  return current
}

/** Calls `f` when a browser tab says what sessions it holds (browser mode only). */
export function onWindowsChanged(f: () => void): () => void {
  registryChanged.push(f)
  return () => (registryChanged = registryChanged.filter((x) => x !== f))
}

/** Replaces the session windows (unit tests). */
export function setWindows(w: SessionWindows | null): void {
  current = w
}
