import type { ScalingMode } from '@shared/profile'
import { type CSSProperties, type ComputedRef, type ShallowRef, computed, onBeforeUnmount, onMounted, reactive } from 'vue'

/** A width and a height in CSS or framebuffer pixels. */
export interface Size {
  width: number
  height: number
}

/** Where the canvas sits: its scale and CSS box, inside a stage at least as large as the viewport. */
export interface CanvasLayout {
  scale: number
  width: number
  height: number
  left: number
  top: number
  stageWidth: number
  stageHeight: number
}

/**
 * The canvas's box for a framebuffer `fb` shown in a viewport `box` under `mode`: scaled to fit,
 * shrunk only (while the remote desktop has not followed the window yet), or 1:1; centred with
 * integer offsets so 1:1 stays crisp. An empty framebuffer or viewport gives scale 1 at 0,0.
 */
export function canvasLayout(fb: Size, box: Size, mode: ScalingMode): CanvasLayout {
  const { width: fw, height: fh } = fb
  const { width: cw, height: ch } = box
  if (!fw || !fh || !cw || !ch) return { scale: 1, width: fw, height: fh, left: 0, top: 0, stageWidth: cw, stageHeight: ch }
  let scale = 1
  if (mode === 'fit') scale = Math.min(cw / fw, ch / fh)
  // Until the remote desktop has followed the window, show it whole rather than cropped.
  else if (mode === 'remote') scale = Math.min(1, cw / fw, ch / fh)
  if (Math.abs(scale - 1) < 0.004) scale = 1
  const width = Math.round(fw * scale)
  const height = Math.round(fh * scale)
  const stageWidth = Math.max(cw, width)
  const stageHeight = Math.max(ch, height)
  return { scale, width, height, left: Math.floor((stageWidth - width) / 2), top: Math.floor((stageHeight - height) / 2), stageWidth, stageHeight }
}

/** The canvas's inline style for a layout and a CSS cursor. */
export function canvasStyle(layout: CanvasLayout, cursor: string): CSSProperties {
  return {
    width: `${layout.width}px`,
    height: `${layout.height}px`,
    left: `${layout.left}px`,
    top: `${layout.top}px`,
    cursor,
    // Whole-number enlargements stay sharp; fractional ones are smoothed.
    imageRendering: layout.scale >= 1 && Number.isInteger(layout.scale) ? 'pixelated' : 'auto',
  }
}

/** The content size of `element` while mounted, kept current by a ResizeObserver (0x0 before). */
export function useElementSize(element: Readonly<ShallowRef<HTMLElement | null>>): Size {
  const size = reactive({ width: 0, height: 0 })
  let observer: ResizeObserver | null = null
  onMounted(() => {
    observer = new ResizeObserver(([entry]) => {
      size.width = entry.contentRect.width
      size.height = entry.contentRect.height
    })
    if (element.value) observer.observe(element.value)
  })
  onBeforeUnmount(() => observer?.disconnect())
  return size
}

/** The layout and canvas style, following the framebuffer, the viewport, the scaling mode and the cursor. */
export function useCanvasLayout(
  fb: Size,
  box: Size,
  scaling: () => ScalingMode,
  cursor: () => string,
): { layout: ComputedRef<CanvasLayout>; style: ComputedRef<CSSProperties> } {
  const layout = computed(() => canvasLayout(fb, box, scaling()))
  const style = computed(() => canvasStyle(layout.value, cursor()))
  return { layout, style }
}
