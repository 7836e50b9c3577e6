import type { SessionTarget } from '@shared/contract'

/** The quick-connect field: where focus goes back to when nothing better is known. */
const QUICK_CONNECT = '#quick-connect-input'

/**
 * Where keyboard focus should go back to once the session opened now has ended: selectors for
 * what opened it, best first. The address book is not shown while one of its session tabs is, so
 * the element itself will be gone; a selector finds its new copy (the same connection's item or
 * its Connect button, the same field) when the address book shows again.
 */
export function openerSelectors(active: Element | null, target: SessionTarget): string[] {
  const out: string[] = []
  if (active && active !== active.ownerDocument.body) {
    if (active.id) out.push(`#${CSS.escape(active.id)}`)
    const item = active.closest<HTMLElement>('[data-profile-id]')
    if (item?.dataset.profileId) {
      const sel = `[data-profile-id="${CSS.escape(item.dataset.profileId)}"]`
      if (active.matches('button.connect')) out.push(`${sel} button.connect`)
      out.push(sel)
    }
  }
  if ('profileId' in target) out.push(`[data-profile-id="${CSS.escape(target.profileId)}"]`)
  out.push(QUICK_CONNECT)
  return out
}

/** How long focus waits for the address book to show again (it mounts, then lists its connections). */
const WAIT_MS = 1000

/**
 * Gives focus back to the first of `selectors` that takes it, trying each animation frame for a
 * moment while the page re-renders. Gives up quietly when the user has put focus elsewhere
 * meanwhile, so it never steals focus.
 */
export function returnFocus(selectors: readonly string[], doc: Document = document): Promise<boolean> {
  const until = performance.now() + WAIT_MS
  return new Promise((done) => {
    const attempt = (): void => {
      const at = doc.activeElement
      // The address book may focus its quick-connect field as it mounts: that is not the user's choice.
      if (at && at !== doc.body && !at.matches(QUICK_CONNECT)) return done(false)
      for (const sel of selectors) {
        const el = doc.querySelector<HTMLElement>(sel)
        if (!el) continue
        el.focus({ preventScroll: false })
        if (doc.activeElement === el) return done(true)
      }
      if (performance.now() > until) return done(false)
      requestAnimationFrame(attempt)
    }
    requestAnimationFrame(attempt)
  })
}
