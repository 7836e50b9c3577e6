import { reactive } from 'vue'

/*
 * Sessions whose question (password, certificate, host key) the user answered with Cancel. The
 * host ends such a session without an error; the session screen then says "Cancelled" instead
 * of treating a normal choice as a failure.
 */
const cancelled = reactive(new Set<string>())

/** Records that the user cancelled `sessionId`'s question, or (false) that it asks again. */
export function markCancelled(sessionId: string | null | undefined, on = true): void {
  if (!sessionId) return
  if (on) cancelled.add(sessionId)
  else cancelled.delete(sessionId)
}

/** True when the user cancelled `sessionId`'s last question. */
export function wasCancelled(sessionId: string | null | undefined): boolean {
  return !!sessionId && cancelled.has(sessionId)
}
