import type { BrowserWindow, Display } from 'electron'
import type { ScreenRect } from '@shared/contract'
import { displayOf, fitSessionWindow } from './display-geometry'
import type { ManagedWindow, WindowRequest } from './session-windows'
import type { FullscreenWindow } from './window-fullscreen'
import type { WindowStateFile } from './window-state-file'
import { DEFAULT_WINDOW, type WindowState, visibleBounds } from './window-options'

/**
 * The thin layer between real BrowserWindows and the pure modules: where a new window goes,
 * how it sizes to a remote desktop, and the window as SessionWindows and WindowFullscreen see
 * it. Kept free of a runtime `electron` import (types only).
 */

/** The place a new window takes: the address book's remembered one, a connection's, or the default; kept on a visible display. */
export function initialPlace(request: WindowRequest, states: WindowStateFile, workAreas: ScreenRect[]): { state: WindowState; remembered: boolean } {
  if (request.kind === 'address-book') return { state: visibleBounds(states.addressBook(), workAreas), remembered: true }
  const saved = request.profileId ? states.session(request.profileId) : undefined
  if (saved) return { state: visibleBounds(saved, workAreas), remembered: true }
  // Nothing remembered: the OS centres it, and it sizes itself to the remote desktop once that is known.
  return { state: { ...DEFAULT_WINDOW }, remembered: false }
}

/**
 * Sizes a session window to its remote desktop (1:1 when it fits the work area of the monitor
 * it is on, else the largest size of the same shape), unless the user has made it maximized or
 * fullscreen already.
 */
export function sizeToDesktop(win: BrowserWindow, desktop: { width: number; height: number }, displays: readonly Display[]): void {
  if (win.isDestroyed() || win.isMaximized() || win.isFullScreen()) return
  const outer = win.getBounds()
  const content = win.getContentBounds()
  const display = displayOf(outer, displays)
  if (!display) return
  const frame = { width: Math.max(0, outer.width - content.width), height: Math.max(0, outer.height - content.height) }
  win.setContentBounds(fitSessionWindow(desktop, display.workArea, frame))
}

/** A BrowserWindow as SessionWindows manages it (its webContents id read once: it is gone after `closed`). */
export function managed(win: BrowserWindow): ManagedWindow {
  const id = win.webContents.id
  return {
    id,
    focus() {
      if (win.isDestroyed()) return
      if (win.isMinimized()) win.restore()
      win.show()
      win.focus()
    },
    close() {
      if (!win.isDestroyed()) win.close()
    },
    reload() {
      if (!win.isDestroyed()) win.webContents.reload()
    },
  }
}

/** A BrowserWindow as WindowFullscreen moves it. Spanning every monitor: content over the union, above everything, no menu bar. */
export function fullscreenable(win: BrowserWindow): FullscreenWindow {
  return {
    getBounds: () => win.getBounds(),
    setBounds: (b) => win.setBounds(b),
    isFullScreen: () => win.isFullScreen(),
    setFullScreen: (on) => win.setFullScreen(on),
    setSpanning(bounds) {
      if (bounds) {
        win.setAlwaysOnTop(true, 'screen-saver')
        win.setMenuBarVisibility(false)
        // The frame ends up just outside the union: only the picture shows.
        win.setContentBounds(bounds)
      } else {
        win.setAlwaysOnTop(false)
        win.setMenuBarVisibility(true)
      }
    },
  }
}
