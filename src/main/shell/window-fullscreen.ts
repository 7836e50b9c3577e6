import type { FullscreenMode, ScreenRect } from '@shared/contract'
import { displaysUnion } from '@shared/screen-layout'
import { type DisplayLike, displayOf } from './display-geometry'
import { ShellRefusal } from './shell-ipc'

/** The part of a window that fullscreen moves; app.ts maps it onto a BrowserWindow. */
export interface FullscreenWindow {
  getBounds(): ScreenRect
  setBounds(bounds: ScreenRect): void
  isFullScreen(): boolean
  setFullScreen(on: boolean): void
  /**
   * Spans the window's content over `bounds` (every monitor), above everything else and without
   * a menu bar, the way a simple fullscreen does; null puts it back to an ordinary window.
   */
  setSpanning(bounds: ScreenRect | null): void
}

/**
 * One window's fullscreen: on its own monitor (the OS's fullscreen), on another monitor (moved
 * there first), or across all monitors (its content spanning their union); `off` restores
 * the place it had before any of them.
 */
export class WindowFullscreen {
  private mode: FullscreenMode = 'off'
  /** Where the window was before the first fullscreen mode, for `off`. */
  private before: ScreenRect | null = null

  constructor(private readonly window: FullscreenWindow) {}

  /** The mode in force. */
  current(): FullscreenMode {
    return this.mode
  }

  /** Where the window was before a fullscreen mode (the place to remember), or null when none is in force. */
  normalBounds(): ScreenRect | null {
    return this.mode === 'off' ? null : this.before
  }

  /** Applies `mode`; `displayId` names the monitor for 'display'. Throws ShellRefusal for a display that is not there. */
  apply(mode: FullscreenMode, displayId: number | undefined, displays: readonly DisplayLike[]): void {
    const target = mode === 'display' ? displays.find((d) => d.id === displayId) : undefined
    if (mode === 'display' && !target) throw new ShellRefusal('that display is not connected')
    const union = mode === 'all' ? displaysUnion(displays) : null
    if (mode === 'all' && !union) throw new ShellRefusal('no display is connected')
    if (this.mode === 'off' && mode !== 'off') this.before = this.window.getBounds()
    this.leave()
    switch (mode) {
      case 'off':
        if (this.before) this.window.setBounds(this.before)
        this.before = null
        break
      case 'current':
        if (this.before) this.window.setBounds(this.before)
        this.window.setFullScreen(true)
        break
      case 'display':
        this.window.setBounds(placeOn(this.before ?? this.window.getBounds(), target!.workArea))
        this.window.setFullScreen(true)
        break
      case 'all':
        this.window.setSpanning(union)
        break
    }
    this.mode = mode
  }

  /**
   * The OS took the window out of its fullscreen (Esc on an HTML fullscreen, the title bar's
   * button): what was 'current' or 'display' is off now, and a window moved to another monitor
   * goes back. Ignored while the window is fullscreen again (a switch between our own modes).
   */
  exited(): void {
    if ((this.mode !== 'current' && this.mode !== 'display') || this.window.isFullScreen()) return
    if (this.mode === 'display' && this.before) this.window.setBounds(this.before)
    this.mode = 'off'
    this.before = null
  }

  /** Back to an ordinary window (before another mode, or off). */
  private leave(): void {
    if (this.mode === 'all') this.window.setSpanning(null)
    if (this.window.isFullScreen()) this.window.setFullScreen(false)
  }
}

/** `bounds` moved (and shrunk if need be) into `area`, centred: a window's place on another monitor. */
export function placeOn(bounds: ScreenRect, area: ScreenRect): ScreenRect {
  const width = Math.min(bounds.width, area.width)
  const height = Math.min(bounds.height, area.height)
  return { x: area.x + Math.floor((area.width - width) / 2), y: area.y + Math.floor((area.height - height) / 2), width, height }
}

/** The display a window is on now, for "fullscreen on this monitor" and for sizing it. */
export function displayOfWindow<D extends DisplayLike>(window: { getBounds(): ScreenRect }, displays: readonly D[]): D | undefined {
  return displayOf(window.getBounds(), displays)
}
