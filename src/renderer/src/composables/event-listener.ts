import { onBeforeUnmount, onMounted } from 'vue'

/** Listens to `type` on the window while the calling component is mounted (capture phase if `capture`). */
export function useEventListener<K extends keyof WindowEventMap>(target: Window, type: K, listener: (e: WindowEventMap[K]) => void, capture?: boolean): void
/** Listens to `type` on the document while the calling component is mounted (capture phase if `capture`). */
export function useEventListener<K extends keyof DocumentEventMap>(
  target: Document,
  type: K,
  listener: (e: DocumentEventMap[K]) => void,
  capture?: boolean,
): void
export function useEventListener(target: EventTarget, type: string, listener: (e: Event) => void, capture = false): void {
  onMounted(() => target.addEventListener(type, listener, capture))
  onBeforeUnmount(() => target.removeEventListener(type, listener, capture))
}
