import { type RendererLocation, isRendererUrl } from './window-options'

/**
 * The one rule for web permissions in every window of ours (the address book and each session
 * window), behind both Electron's permission request handler (a page asks: clipboard read, full
 * screen) and its check handler (a page or Chromium asks whether it may:
 * `navigator.permissions.query`, clipboard writes). Each question is about the one web contents
 * asking. Kept free of a runtime `electron` import so unit tests can drive it.
 */

/** What is known about one permission question. */
export interface PermissionQuestion {
  /** Electron's permission name, e.g. 'clipboard-read'. */
  permission: string
  /** The URL or origin of the frame asking. */
  url: string | undefined
  /** Whether it is the window's main frame (subframes get nothing). */
  isMainFrame: boolean
  /** Whether the window asking has the keyboard focus now. */
  windowFocused: boolean
  /** Whether that window owns a live session (a session window; the only place the renderer reads the clipboard). */
  sessionOpen: boolean
}

/**
 * True only for what the viewer needs, and only for our own renderer's main frame:
 * - `clipboard-sanitized-write`: the server's clipboard copied here (plain text, sanitized);
 * - `fullscreen`: a session view in full screen;
 * - `clipboard-read`: what was copied here sent to the server, only to the window that has the
 *   focus, and only while it owns a live session (never the address book, never a window in the
 *   background); the renderer reads it only from its focused session. Anything else, including
 *   `deprecated-sync-clipboard-read`, keyboard and pointer lock, is refused.
 */
export function permissionAllowed(q: PermissionQuestion, where: RendererLocation): boolean {
  if (!q.isMainFrame || !isRendererUrl(q.url, where)) return false
  switch (q.permission) {
    case 'clipboard-sanitized-write':
    case 'fullscreen':
      return true
    case 'clipboard-read':
      return q.windowFocused && q.sessionOpen
    default:
      return false
  }
}

/** What the handlers need to know about the web contents asking. */
export interface PermissionContext {
  where: RendererLocation
  /** Whether the web contents with this id has the keyboard focus. */
  isFocused(webContentsId: number): boolean
  /** Whether the web contents with this id is a window of ours that owns a live session. */
  hasSession(webContentsId: number): boolean
}

interface ContentsLike {
  id: number
}

/** The part of Electron's `Session` the handlers are installed on. */
export interface PermissionSessionLike {
  setPermissionRequestHandler(
    handler: (wc: ContentsLike, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string; isMainFrame?: boolean }) => void,
  ): void
  setPermissionCheckHandler(
    handler: (wc: ContentsLike | null, permission: string, requestingOrigin: string, details: { requestingUrl?: string; isMainFrame?: boolean }) => boolean,
  ): void
}

/**
 * Installs permissionAllowed as both the request and the check handler: a permission a
 * page may not request is never reported as granted either, and the other way round.
 */
export function installPermissionHandlers(session: PermissionSessionLike, ctx: PermissionContext): void {
  const ask = (wc: ContentsLike | null, permission: string, url: string | undefined, isMainFrame: boolean | undefined): boolean =>
    wc !== null &&
    permissionAllowed(
      {
        permission,
        url,
        isMainFrame: isMainFrame === true,
        windowFocused: ctx.isFocused(wc.id),
        sessionOpen: ctx.hasSession(wc.id),
      },
      ctx.where,
    )
  session.setPermissionRequestHandler((wc, permission, callback, details) => callback(ask(wc, permission, details.requestingUrl, details.isMainFrame)))
  session.setPermissionCheckHandler((wc, permission, requestingOrigin, details) =>
    ask(wc, permission, details.requestingUrl ?? requestingOrigin, details.isMainFrame),
  )
}
