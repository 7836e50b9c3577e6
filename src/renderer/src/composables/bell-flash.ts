import { type Ref, onScopeDispose, ref, watch } from 'vue'

/** How long the frame flashes for one bell. */
export const BELL_FLASH_MS = 250

/**
 * True for a short while after each bell: `bells` counts the server's bells (0 after a reset),
 * and every increase restarts the flash. No sound, which browsers would not play unasked anyway.
 */
export function useBellFlash(bells: () => number): Readonly<Ref<boolean>> {
  const flashing = ref(false)
  let timer: ReturnType<typeof setTimeout> | null = null
  watch(bells, (n) => {
    if (!n) return
    flashing.value = true
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => (flashing.value = false), BELL_FLASH_MS)
  })
  onScopeDispose(() => {
    if (timer) clearTimeout(timer)
  })
  return flashing
}
