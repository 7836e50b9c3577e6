/*
 * Where the keyboard focus goes when a dialog closes: back to what opened it (WAI-ARIA's dialog
 * pattern), or, when that is gone, hidden or disabled, to something sensible in the page, never
 * <body>, where a keyboard user would have to start over.
 */

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

/** True when `el` can take the focus now: in the document, shown, enabled, not inert, not inside a closed dialog. */
export function canFocus(el: Element | null | undefined): el is HTMLElement {
  if (!el || !(el instanceof HTMLElement) || !el.isConnected || el === el.ownerDocument.body) return false
  if ((el as HTMLButtonElement).disabled || el.closest('[inert], dialog:not([open])')) return false
  return el.getClientRects().length > 0
}

/** What had the focus before a dialog opened, to give it back; null when nothing in particular had it. */
export function focusOpener(doc: Document): HTMLElement | null {
  const a = doc.activeElement
  return a instanceof HTMLElement && a !== doc.body ? a : null
}

/**
 * Gives the focus back to `opener`, or (gone) to the first focusable element of the open dialog,
 * the page's main area, or the page: never left on <body>. Returns what got the focus.
 */
export function returnFocus(doc: Document, opener: HTMLElement | null): HTMLElement | null {
  const scopes = [doc.querySelector('dialog[open]'), doc.querySelector('main'), doc.querySelector('#app'), doc.body]
  const candidates: (Element | null)[] = [opener]
  for (const scope of scopes) {
    if (!scope) continue
    candidates.push(...Array.from(scope.querySelectorAll(FOCUSABLE)).slice(0, 20))
  }
  for (const c of candidates) {
    if (canFocus(c)) {
      c.focus({ preventScroll: true })
      if (doc.activeElement === c) return c
    }
  }
  return null
}
