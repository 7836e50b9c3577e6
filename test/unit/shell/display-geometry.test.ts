import { describe, expect, it } from 'vitest'
import type { ScreenRect } from '../../../src/shared/contract'
import { SESSION_CHROME, displayOf, fitSessionWindow, toDisplayInfos } from '../../../src/main/shell/display-geometry'
import { displaysUnion } from '../../../src/shared/screen-layout'
import { type FullscreenWindow, WindowFullscreen, placeOn } from '../../../src/main/shell/window-fullscreen'
import { ShellRefusal } from '../../../src/main/shell/shell-ipc'
import { sizeToDesktop } from '../../../src/main/shell/app-windows'
import type { BrowserWindow, Display } from 'electron'

const left = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 }, scaleFactor: 1 }
// Taller, to the right and higher up, as people arrange a portrait or larger monitor.
const right = { id: 2, bounds: { x: 1920, y: -300, width: 1440, height: 2560 }, workArea: { x: 1920, y: -300, width: 1440, height: 2520 }, scaleFactor: 2 }

describe('display geometry', () => {
  it('spans the union of every display, gaps and offsets included', () => {
    expect(displaysUnion([left, right])).toEqual({ x: 0, y: -300, width: 3360, height: 2560 })
    expect(displaysUnion([left])).toEqual(left.bounds)
    expect(displaysUnion([{ bounds: { x: -1280, y: 0, width: 1280, height: 1024 } }, left])).toEqual({ x: -1280, y: 0, width: 3200, height: 1080 })
    expect(displaysUnion([])).toBeNull()
  })

  it('finds the display showing most of a window', () => {
    expect(displayOf({ x: 100, y: 100, width: 800, height: 600 }, [left, right])).toBe(left)
    expect(displayOf({ x: 1800, y: 100, width: 800, height: 600 }, [left, right])).toBe(right)
    // Off every display: the first one.
    expect(displayOf({ x: 9000, y: 9000, width: 10, height: 10 }, [left, right])).toBe(left)
  })

  it('maps displays for the contract, marking the primary one', () => {
    expect(toDisplayInfos([left, right], 2)).toEqual([
      { id: 1, bounds: left.bounds, workArea: left.workArea, scaleFactor: 1, primary: false },
      { id: 2, bounds: right.bounds, workArea: right.workArea, scaleFactor: 2, primary: true },
    ])
  })

  it('sizes a session window to show a small desktop at 1:1 plus its toolbar, centred on the work area', () => {
    const b = fitSessionWindow({ width: 1024, height: 768 }, left.workArea, { width: 0, height: 30 })
    const height = 768 + SESSION_CHROME.height
    // The whole window (content and its 30 px title bar) centred in the 1040 px work area.
    expect(b).toEqual({ x: (1920 - 1024) / 2, y: Math.floor((1040 - height - 30) / 2) + 30, width: 1024, height })
  })

  it('gives a tiny desktop a window no smaller than the minimum', () => {
    expect(fitSessionWindow({ width: 4, height: 3 }, left.workArea)).toMatchObject({ width: 480, height: 320 })
  })

  it('shrinks a desktop larger than the work area to the largest size of the same shape that fits', () => {
    const frame = { width: 2, height: 30 }
    const b = fitSessionWindow({ width: 3840, height: 2160 }, left.workArea, frame)
    const picture = { width: b.width - SESSION_CHROME.width, height: b.height - SESSION_CHROME.height }
    expect(picture.width / picture.height).toBeCloseTo(16 / 9, 2)
    expect(b.height + frame.height).toBeLessThanOrEqual(left.workArea.height)
    expect(b.width + frame.width).toBeLessThanOrEqual(left.workArea.width)
    expect(within(b, left.workArea)).toBe(true)
    // On the portrait monitor the width is what limits it.
    const p = fitSessionWindow({ width: 3840, height: 2160 }, right.workArea, frame)
    expect(p.width + frame.width).toBe(right.workArea.width)
    expect(within(p, right.workArea)).toBe(true)
  })
})

describe('sizing a session window to its desktop', () => {
  /** A window with a 30 px title bar, on the right-hand monitor, recording where it was put. */
  const fake = (state: { maximized?: boolean; fullScreen?: boolean } = {}) => {
    const put: ScreenRect[] = []
    const bounds = { x: 2000, y: 100, width: 1100, height: 750 }
    const win = {
      isDestroyed: () => false,
      isMaximized: () => !!state.maximized,
      isFullScreen: () => !!state.fullScreen,
      getBounds: () => bounds,
      getContentBounds: () => ({ ...bounds, y: bounds.y + 30, height: bounds.height - 30 }),
      setContentBounds: (b: ScreenRect) => put.push(b),
    }
    return { win: win as unknown as BrowserWindow, put }
  }
  const displays = [left, right] as unknown as Display[]

  it('fits the desktop on the monitor the window is on, allowing for its frame', () => {
    const { win, put } = fake()
    sizeToDesktop(win, { width: 1280, height: 800 }, displays)
    expect(put).toEqual([fitSessionWindow({ width: 1280, height: 800 }, right.workArea, { width: 0, height: 30 })])
    expect(within(put[0], right.workArea)).toBe(true)
  })

  it('leaves a maximized or fullscreen window as it is', () => {
    for (const state of [{ maximized: true }, { fullScreen: true }]) {
      const { win, put } = fake(state)
      sizeToDesktop(win, { width: 1280, height: 800 }, displays)
      expect(put).toEqual([])
    }
  })
})

/** A fake window recording what fullscreen did to it. */
function fakeWindow(bounds: ScreenRect): FullscreenWindow & { calls: string[] } {
  let b = { ...bounds }
  let fs = false
  const calls: string[] = []
  return {
    calls,
    getBounds: () => ({ ...b }),
    setBounds: (x) => {
      calls.push(`bounds ${x.x},${x.y} ${x.width}x${x.height}`)
      b = { ...x }
    },
    isFullScreen: () => fs,
    setFullScreen: (on) => {
      calls.push(`fullscreen ${on}`)
      fs = on
    },
    setSpanning: (x) => calls.push(x ? `span ${x.x},${x.y} ${x.width}x${x.height}` : 'span off'),
  }
}

describe('window fullscreen', () => {
  it("goes full screen on the window's own monitor and back where it was", () => {
    const w = fakeWindow({ x: 50, y: 60, width: 800, height: 600 })
    const f = new WindowFullscreen(w)
    f.apply('current', undefined, [left, right])
    expect(f.normalBounds()).toEqual({ x: 50, y: 60, width: 800, height: 600 })
    f.apply('off', undefined, [left, right])
    expect(w.calls).toEqual(['bounds 50,60 800x600', 'fullscreen true', 'fullscreen false', 'bounds 50,60 800x600'])
    expect(f.current()).toBe('off')
    expect(f.normalBounds()).toBeNull()
  })

  it('moves to the chosen display first, then goes full screen there', () => {
    const w = fakeWindow({ x: 50, y: 60, width: 800, height: 600 })
    const f = new WindowFullscreen(w)
    f.apply('display', 2, [left, right])
    expect(w.calls).toEqual([`bounds ${1920 + 320},${-300 + 960} 800x600`, 'fullscreen true'])
    expect(() => f.apply('display', 3, [left, right])).toThrow(ShellRefusal)
    // A refused request changes nothing.
    expect(f.current()).toBe('display')
    expect(w.calls).toHaveLength(2)
  })

  it('spans every display, and restores the place it had before any fullscreen mode', () => {
    const w = fakeWindow({ x: 50, y: 60, width: 800, height: 600 })
    const f = new WindowFullscreen(w)
    f.apply('current', undefined, [left, right])
    f.apply('all', undefined, [left, right])
    f.apply('off', undefined, [left, right])
    expect(w.calls).toEqual(['bounds 50,60 800x600', 'fullscreen true', 'fullscreen false', 'span 0,-300 3360x2560', 'span off', 'bounds 50,60 800x600'])
    expect(() => f.apply('all', undefined, [])).toThrow(ShellRefusal)
  })

  it('notices the OS ending a fullscreen it started, and puts a moved window back', () => {
    const w = fakeWindow({ x: 50, y: 60, width: 800, height: 600 })
    const f = new WindowFullscreen(w)
    f.apply('display', 2, [left, right])
    // Still full screen (the event of a switch between our own modes): nothing changes.
    f.exited()
    expect(f.current()).toBe('display')
    w.setFullScreen(false)
    w.calls.length = 0
    f.exited()
    expect(f.current()).toBe('off')
    expect(w.calls).toEqual(['bounds 50,60 800x600'])
    // Spanning is ours alone: the OS leaving a fullscreen says nothing about it.
    f.apply('all', undefined, [left, right])
    f.exited()
    expect(f.current()).toBe('all')
  })

  it('places a window on another monitor centred, never larger than its work area', () => {
    expect(placeOn({ x: 0, y: 0, width: 4000, height: 500 }, left.workArea)).toEqual({ x: 0, y: 270, width: 1920, height: 500 })
  })
})

function within(inner: ScreenRect, outer: ScreenRect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height
}
