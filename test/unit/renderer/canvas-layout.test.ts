import { describe, expect, it } from 'vitest'
import { reactive, ref } from 'vue'
import { canvasLayout, canvasStyle, useCanvasLayout } from '../../../src/renderer/src/composables/canvas-layout'
import type { ScalingMode } from '../../../src/shared/profile'
import { inScope } from './scope'

describe('canvasLayout', () => {
  it('fits the framebuffer into the viewport, centred, keeping its aspect', () => {
    expect(canvasLayout({ width: 1280, height: 1024 }, { width: 900, height: 556 }, 'fit')).toEqual({
      scale: 556 / 1024,
      width: 695,
      height: 556,
      left: 102,
      top: 0,
      stageWidth: 900,
      stageHeight: 556,
    })
  })

  it('fit enlarges a small desktop too', () => {
    const l = canvasLayout({ width: 320, height: 200 }, { width: 960, height: 800 }, 'fit')
    expect([l.scale, l.width, l.height, l.left, l.top]).toEqual([3, 960, 600, 0, 100])
  })

  it('shows 1:1 with a stage as large as the picture in "none", so the viewport scrolls', () => {
    expect(canvasLayout({ width: 1280, height: 1024 }, { width: 900, height: 556 }, 'none')).toEqual({
      scale: 1,
      width: 1280,
      height: 1024,
      left: 0,
      top: 0,
      stageWidth: 1280,
      stageHeight: 1024,
    })
    // A smaller picture sits in the middle on whole pixels.
    expect(canvasLayout({ width: 301, height: 201 }, { width: 900, height: 556 }, 'none')).toMatchObject({ left: 299, top: 177 })
  })

  it('in "remote" shrinks a desktop larger than the window but never enlarges one', () => {
    expect(canvasLayout({ width: 1800, height: 1000 }, { width: 900, height: 556 }, 'remote')).toMatchObject({ scale: 0.5, width: 900, height: 500 })
    expect(canvasLayout({ width: 320, height: 200 }, { width: 900, height: 556 }, 'remote')).toMatchObject({ scale: 1, width: 320, height: 200 })
  })

  it('snaps a scale within 0.4% of 1 to exactly 1 (crisp pixels)', () => {
    expect(canvasLayout({ width: 1000, height: 500 }, { width: 997, height: 900 }, 'fit')).toMatchObject({ scale: 1, width: 1000, height: 500 })
    expect(canvasLayout({ width: 1000, height: 500 }, { width: 990, height: 900 }, 'fit').scale).toBe(0.99)
  })

  it('is 1:1 at the origin while the framebuffer or the viewport is still empty', () => {
    expect(canvasLayout({ width: 0, height: 0 }, { width: 900, height: 556 }, 'fit')).toEqual({
      scale: 1,
      width: 0,
      height: 0,
      left: 0,
      top: 0,
      stageWidth: 900,
      stageHeight: 556,
    })
    expect(canvasLayout({ width: 640, height: 480 }, { width: 0, height: 0 }, 'fit')).toMatchObject({ scale: 1, width: 640, left: 0, stageWidth: 0 })
  })
})

describe('canvasStyle', () => {
  const at = (scale: number) => canvasStyle({ scale, width: 10, height: 20, left: 3, top: 4, stageWidth: 0, stageHeight: 0 }, 'crosshair')

  it('places the canvas in CSS pixels with the given cursor', () => {
    expect(at(1)).toEqual({ width: '10px', height: '20px', left: '3px', top: '4px', cursor: 'crosshair', imageRendering: 'pixelated' })
  })

  it('keeps whole-number enlargements pixelated and smooths every other scale', () => {
    expect(at(2).imageRendering).toBe('pixelated')
    expect(at(1.5).imageRendering).toBe('auto')
    expect(at(0.5).imageRendering).toBe('auto')
  })
})

describe('useCanvasLayout', () => {
  it('follows the framebuffer, the viewport, the scaling mode and the cursor', () => {
    const fb = reactive({ width: 640, height: 480 })
    const box = reactive({ width: 640, height: 480 })
    const mode = ref<ScalingMode>('fit')
    const cursor = ref('default')
    const {
      value: { layout, style },
      stop,
    } = inScope(() =>
      useCanvasLayout(
        fb,
        box,
        () => mode.value,
        () => cursor.value,
      ),
    )
    expect(layout.value.scale).toBe(1)
    box.width = 320
    expect(layout.value).toMatchObject({ scale: 0.5, width: 320, height: 240, top: 120 })
    mode.value = 'none'
    expect(layout.value).toMatchObject({ scale: 1, stageWidth: 640 })
    fb.width = 1280
    expect(style.value.width).toBe('1280px')
    cursor.value = 'none'
    expect(style.value.cursor).toBe('none')
    stop()
  })
})
