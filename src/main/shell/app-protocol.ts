import { promises as fs } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import type { CustomScheme } from 'electron'
import { rendererCspHeader } from '@shared/csp'
import { contentTypeOf } from '../web/content-types'

/**
 * The renderer's own origin, `app://tessera`, served from the bundled out/renderer folder.
 * A custom scheme instead of file://: the page gets a real origin of its own ('self' means
 * only our files, never the rest of the disk), and every byte it loads passes one handler.
 * Kept free of a runtime `electron` import so unit tests can drive it.
 */

export const APP_SCHEME = 'app'
export const APP_HOST = 'tessera'
/** What the window loads in a packaged or `npm run build` app. */
export const RENDERER_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/**
 * How the scheme is registered (before app.ready): standard (a real origin, relative URLs),
 * secure (like https, so module scripts and the clipboard API work), fetch and CORS aware so
 * module scripts load. Nothing here grants the page more than an https page would have.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
}

/**
 * The file under `root` that an app:// URL names, or null for anything that is not ours: another
 * scheme or host, a path that leaves `root` (`..`, encoded or not), a backslash, a NUL or a
 * dot-file. `/` is index.html.
 */
export function rendererFile(root: string, requestUrl: string): string | null {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return null
  }
  // Chromium lower-cases a standard scheme's host; Node leaves a custom scheme's as written.
  if (url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST) return null
  let path: string
  try {
    path = decodeURIComponent(url.pathname)
  } catch {
    return null
  }
  if (path === '/' || path === '') path = '/index.html'
  // The URL parser already resolved plain dot segments; what decoding revealed is refused, not resolved.
  if (/[\\\0]/.test(path) || path.split('/').some((s) => s.startsWith('.'))) return null
  const file = resolve(root, `.${path}`)
  const inside = relative(resolve(root), file)
  if (!inside || inside.startsWith('..') || isAbsolute(inside)) return null
  return file
}

/** The response headers every renderer file is sent with. */
function headers(file: string): Record<string, string> {
  return {
    'Content-Type': contentTypeOf(file),
    'Content-Security-Policy': rendererCspHeader(),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  }
}

const refusal = (status: number): Response => new Response(null, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })

/**
 * Answers one app:// request: the file with its MIME type and the CSP, 404 for what is
 * missing or not ours (without saying which), 405 for anything but GET and HEAD.
 */
export async function rendererResponse(root: string, request: { url: string; method: string }): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405)
  const file = rendererFile(root, request.url)
  if (!file) return refusal(404)
  let body: Buffer
  try {
    body = await fs.readFile(file)
  } catch {
    return refusal(404)
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers: headers(file) })
}

/** The part of Electron's `protocol` the shell uses. */
export interface ProtocolLike {
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void
}

/** Serves `root` (out/renderer) on app://tessera/ (call once the app is ready). */
export function serveRenderer(protocol: ProtocolLike, root: string): void {
  protocol.handle(APP_SCHEME, (request) => rendererResponse(root, request))
}
