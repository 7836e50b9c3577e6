import { promises as fs } from 'node:fs'
import type { BrowserWindowConstructorOptions } from 'electron'
import { rendererCspHeader } from '@shared/csp'
import { writeFileAtomic } from '../host/atomic-file'
import { APP_HOST, APP_SCHEME, RENDERER_URL } from './app-protocol'

/**
 * The window's construction and the checks around it, kept free of a runtime `electron`
 * import so unit tests can assert them without the Electron binary.
 */

/** The CSP the shell puts on every response: index.html's meta policy plus the header-only directives (src/shared/csp.ts). */
export const SHELL_CSP = rendererCspHeader()

/** Where the renderer is loaded from: the built folder on app://tessera/, or the dev server in `electron-vite dev`. */
export interface RendererLocation {
  /** Absolute path of out/renderer, served on app://tessera/. */
  dir: string
  devServerUrl?: string
}

/**
 * The URL a window loads: the renderer page, with `query` (e.g. `view=session&profile=lab`)
 * choosing what it shows. The query string, never the hash: the hash carries browser-mode launch codes.
 */
export function rendererUrl(where: RendererLocation, query = ''): string {
  const base = where.devServerUrl ?? RENDERER_URL
  if (!query) return base
  const url = new URL(base)
  url.search = query
  return url.toString()
}

export interface WindowBounds {
  x?: number
  y?: number
  width: number
  height: number
}

export interface WindowState extends WindowBounds {
  maximized: boolean
}

export const DEFAULT_WINDOW: WindowState = { width: 1100, height: 720, maximized: false }
/** The smallest a window may be made: the toolbar and dialogs still fit. */
export const MIN_SIZE = { width: 480, height: 320 } as const

export function windowOptions(preload: string, state: WindowState = DEFAULT_WINDOW): BrowserWindowConstructorOptions {
  return {
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'Tessera',
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  }
}

/** Adds our CSP to a response's headers, replacing any the server sent. */
export function withCsp(headers: Record<string, string[] | string> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() !== 'content-security-policy') out[k] = Array.isArray(v) ? v : [v]
  }
  out['Content-Security-Policy'] = [SHELL_CSP]
  return out
}

/**
 * True when `url` (a page, frame or origin) belongs to our renderer: app://tessera, or the dev
 * server's origin in `electron-vite dev`. file:// never does, nor does the dev server in a
 * packaged app (where devServerUrl is not set).
 */
export function isRendererUrl(url: string | undefined, where: RendererLocation): boolean {
  if (!url) return false
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (where.devServerUrl) {
    try {
      return u.origin === new URL(where.devServerUrl).origin
    } catch {
      return false
    }
  }
  // Node gives non-special schemes an opaque origin, so scheme and host are compared instead.
  return u.protocol === `${APP_SCHEME}:` && u.host.toLowerCase() === APP_HOST
}

/**
 * True when an IPC message comes from our renderer: the main frame (never a subframe) showing
 * our own index.html on app://tessera, or a page of the dev server. Anything else (a
 * navigated-away page, an injected iframe, a file:// page) is refused before the host sees the request.
 */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean, where: RendererLocation): boolean {
  if (!frameUrl || !isMainFrame || !isRendererUrl(frameUrl, where)) return false
  if (where.devServerUrl) return true
  const path = new URL(frameUrl).pathname
  return path === '/' || path === '/index.html'
}

/** A saved window state, or the default when the file is missing or not ours. */
export async function loadWindowState(file: string): Promise<WindowState> {
  try {
    return parseWindowState(JSON.parse(await fs.readFile(file, 'utf8')))
  } catch {
    return { ...DEFAULT_WINDOW }
  }
}

/** A saved window state read back, the default when it is not one (see readWindowState). */
export function parseWindowState(v: unknown): WindowState {
  return readWindowState(v) ?? { ...DEFAULT_WINDOW }
}

/** A saved window state read back (a position only when both coordinates are sane), or null when its size is not one. */
export function readWindowState(v: unknown): WindowState | null {
  const o = (v ?? {}) as Record<string, unknown>
  const int = (x: unknown, min: number, max: number): number | undefined =>
    typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max ? x : undefined
  const width = int(o.width, MIN_SIZE.width, 32768)
  const height = int(o.height, MIN_SIZE.height, 32768)
  if (width === undefined || height === undefined) return null
  const state: WindowState = { width, height, maximized: o.maximized === true }
  const x = int(o.x, -32768, 32768)
  const y = int(o.y, -32768, 32768)
  if (x !== undefined && y !== undefined) Object.assign(state, { x, y })
  return state
}

export function saveWindowState(file: string, state: WindowState): Promise<void> {
  return writeFileAtomic(file, JSON.stringify(state))
}

/**
 * Keeps a remembered window reachable: if its title bar is not on any display's work area (a
 * monitor was unplugged), the position is dropped and the size clamped so the OS centres it.
 */
export function visibleBounds(state: WindowState, workAreas: { x: number; y: number; width: number; height: number }[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state
  const { x, y } = state
  const onScreen = workAreas.some((a) => x + 100 > a.x && x + 100 < a.x + a.width && y + 10 >= a.y && y + 10 < a.y + a.height)
  if (onScreen) return state
  const largest = workAreas.reduce(
    (m, a) => (a.width * a.height > m.width * m.height ? a : m),
    workAreas[0] ?? { x: 0, y: 0, width: state.width, height: state.height },
  )
  return { width: Math.min(state.width, largest.width), height: Math.min(state.height, largest.height), maximized: state.maximized }
}
