import type { CursorImage } from '@shared/ops'

/** Browsers ignore CSS cursor images larger than this (Chromium: 128 px). */
export const MAX_CURSOR_SIZE = 128

/**
 * The CSS `cursor` value that shows the remote pointer locally: a PNG data URL of its RGBA with
 * the hotspot, so it moves without a round trip. `null` (the server hides the pointer) and an
 * empty image give `none`; an oversized one falls back to the system arrow.
 */
export function cursorCss(cursor: CursorImage | null): string {
  if (!cursor || cursor.width <= 0 || cursor.height <= 0) return 'none'
  if (cursor.width > MAX_CURSOR_SIZE || cursor.height > MAX_CURSOR_SIZE) return 'default'
  if (cursor.rgba.length < cursor.width * cursor.height * 4) return 'default'
  const canvas = document.createElement('canvas')
  canvas.width = cursor.width
  canvas.height = cursor.height
  const ctx = canvas.getContext('2d')
  if (!ctx) return 'default'
  // A copy: ImageData needs its own clamped array, and the cursor is small.
  const rgba = new Uint8ClampedArray(cursor.rgba.subarray(0, cursor.width * cursor.height * 4))
  ctx.putImageData(new ImageData(rgba, cursor.width, cursor.height), 0, 0)
  const hotX = Math.min(Math.max(cursor.hotX, 0), cursor.width - 1)
  const hotY = Math.min(Math.max(cursor.hotY, 0), cursor.height - 1)
  return `url("${canvas.toDataURL('image/png')}") ${hotX} ${hotY}, default`
}
