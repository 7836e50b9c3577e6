import { promises as fs } from 'node:fs'
import { pathToFileURL } from 'node:url'
import type { BrowserWindowConstructorOptions } from 'electron'
import { writeFileAtomic } from '../host/atomic-file'

/**
 * The window's construction and the checks around it, kept free of a runtime `electron`
 * import so unit tests can assert them without the Electron binary.
 */

/** The renderer may load only its own code and talk only to its own origin. */
export const RENDERER_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
  "connect-src 'self'", "worker-src 'self' blob:", "object-src 'none'", "base-uri 'none'", "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Where the renderer is loaded from: the built file, or the dev server in `electron-vite dev`. */
export interface RendererLocation {
  /** Absolute path of out/renderer/index.html. */
  file: string
  devServerUrl?: string
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
const MIN_SIZE = { width: 480, height: 320 }

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
  out['Content-Security-Policy'] = [RENDERER_CSP]
  return out
}

/**
 * True when an IPC message comes from our renderer: the main frame (never a subframe) showing
 * our own index.html, or a page of the dev server. Anything else (a navigated-away page, an
 * injected iframe) is refused before the host sees the request.
 */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean, where: RendererLocation): boolean {
  if (!frameUrl || !isMainFrame) return false
  let url: URL
  try {
    url = new URL(frameUrl)
  } catch {
    return false
  }
  if (where.devServerUrl) {
    try {
      return url.origin === new URL(where.devServerUrl).origin
    } catch {
      return false
    }
  }
  return url.protocol === 'file:' && url.pathname === pathToFileURL(where.file).pathname
}

/** A saved window state, or the default when the file is missing or not ours. */
export async function loadWindowState(file: string): Promise<WindowState> {
  try {
    return parseWindowState(JSON.parse(await fs.readFile(file, 'utf8')))
  } catch {
    return { ...DEFAULT_WINDOW }
  }
}

export function parseWindowState(v: unknown): WindowState {
  const o = (v ?? {}) as Record<string, unknown>
  const int = (x: unknown, min: number, max: number): number | undefined =>
    typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max ? x : undefined
  const width = int(o.width, MIN_SIZE.width, 32768)
  const height = int(o.height, MIN_SIZE.height, 32768)
  if (width === undefined || height === undefined) return { ...DEFAULT_WINDOW }
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
  const largest = workAreas.reduce((m, a) => (a.width * a.height > m.width * m.height ? a : m), workAreas[0] ?? { x: 0, y: 0, width: state.width, height: state.height })
  return { width: Math.min(state.width, largest.width), height: Math.min(state.height, largest.height), maximized: state.maximized }
}
