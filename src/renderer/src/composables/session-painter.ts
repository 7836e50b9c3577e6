import { type Ref, type ShallowRef, onBeforeUnmount, onMounted, reactive, ref, watch } from 'vue'
import { cursorCss } from '../painter/cursor'
import { LIMITS } from '@shared/schemas'
import { CanvasPainter } from '../painter/painter'
import { PaintedThumbnails, canvasThumbnail } from '../painter/painted-thumbnail'
import type { SessionStore } from '../stores/session'
import type { Size } from './canvas-layout'

/** The session's picture on the canvas. */
export interface SessionPainter {
  /** The framebuffer's size as painted (0x0 until the first Resize op or ServerInit's size). */
  fb: Readonly<Size>
  /** The canvas as a PNG; null before mount or after unmount. */
  toPng(): Promise<Blob> | null
  /** H.264 pictures lost and recovered by a full refresh (stats overlay). */
  videoTroubles: Readonly<Ref<number>>
  /** JPEG/PNG rects that could not be decoded, recovered by a full refresh (stats overlay). */
  imageTroubles: Readonly<Ref<number>>
}

/**
 * Paints the session's frame batches on `canvas` while mounted, acking each once drawn, and shows
 * the server's cursor images as CSS cursors. The painter is a plain object, never reactive state.
 */
export function useSessionPainter(canvas: Readonly<ShallowRef<HTMLCanvasElement | null>>, store: SessionStore): SessionPainter {
  const fb = reactive({ width: 0, height: 0 })
  let painter: CanvasPainter | null = null
  const videoTroubles = ref(0)
  const imageTroubles = ref(0)
  let thumbnails: PaintedThumbnails | null = null

  onMounted(() => {
    const el = canvas.value
    if (!el) return
    const shots = (thumbnails = new PaintedThumbnails(
      () => canvasThumbnail(el, LIMITS.thumbnailSide),
      (t) => store.sendThumbnail(t.width, t.height, t.rgba),
    ))
    painter = new CanvasPainter(el, {
      painted: (seq) => {
        store.ack(seq)
        shots.painted()
      },
      videoPainted: () => shots.videoPainted(),
      resized: (w, h) => {
        fb.width = w
        fb.height = h
      },
      error: (m) => console.warn(`tessera painter: ${m}`),
      protocolError: (message) => void store.fail({ kind: 'protocol', code: 'RFB_ERR_IMAGE', message }),
      // The painter already reset the context; a full picture lets the server start a new stream.
      videoTrouble: (m) => {
        console.warn(`tessera painter: ${m}`)
        videoTroubles.value++
        store.refresh()
      },
      // The rects kept their old pixels; the server's full picture replaces them.
      imageTrouble: (m) => {
        console.warn(`tessera painter: ${m}`)
        imageTroubles.value = painter?.imageTroubles ?? imageTroubles.value + 1
        store.refresh()
      },
    })
    store.attachSink((batch) => painter?.enqueue(batch))
    store.setCursorRenderer(cursorCss)
  })
  onBeforeUnmount(() => {
    store.attachSink(null)
    store.setCursorRenderer(null)
    painter?.dispose()
    painter = null
    thumbnails?.dispose()
    thumbnails = null
  })
  // ServerInit's size, in case the first batch has not said it yet.
  watch(
    () => store.info,
    (info) => {
      if (info && fb.width === 0 && info.width > 0 && info.height > 0) painter?.resizeTo(info.width, info.height)
    },
  )

  return { fb, toPng: () => painter?.toPng() ?? null, videoTroubles, imageTroubles }
}
