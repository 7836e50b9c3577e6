/**
 * Rules for every web contents the app creates (Electron's `web-contents-created`), kept free
 * of a runtime `electron` import so unit tests can drive them. The renderer is one page that
 * never navigates, opens windows or embeds pages: whatever asks for that is not our code (a
 * link in server-supplied text, an injected script), so it is refused rather than judged.
 */

interface PreventableEvent {
  preventDefault(): void
}

/** The part of Electron's `WebContents` the guard uses. */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-frame-navigate' | 'will-attach-webview', listener: (event: PreventableEvent) => void): void
  setWindowOpenHandler(handler: () => { action: 'deny' }): void
}

/** Refuses navigation in any frame, `<webview>` attachment and new windows (window.open, target=_blank). */
export function guardWebContents(contents: GuardedContents): void {
  // Reloads are not navigations here: Electron emits these only for page- or user-started ones.
  contents.on('will-navigate', (e) => e.preventDefault())
  contents.on('will-frame-navigate', (e) => e.preventDefault())
  // webviewTag is off in our window; this also covers any contents created some other way.
  contents.on('will-attach-webview', (e) => e.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}
