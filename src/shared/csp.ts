/**
 * The renderer's Content Security Policy, written once. src/renderer/index.html carries
 * RENDERER_CSP in its meta element (the build fails when it differs, see electron.vite.config.ts);
 * the Electron shell and the browser-mode server send the same policy as a header, plus what a
 * browser honours only from a header.
 */

/** The page may load only its own code and talk only to its own origin. */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

/** Directives a browser ignores in a meta element (CSP3 §6.1.2.4): only a header can carry them. */
const HEADER_ONLY = ["frame-ancestors 'none'"]

/**
 * The policy as a response header: RENDERER_CSP plus the header-only directives. `socket`
 * (browser mode: `ws://host:port`) is named in connect-src as well; the meta's 'self' already
 * allows it (CSP3 matches ws: to the page's own host and port), and both policies apply.
 */
export function rendererCspHeader(socket?: string): string {
  const directives = RENDERER_CSP.split('; ').map((d) => (socket && d === "connect-src 'self'" ? `${d} ${socket}` : d))
  return [...directives, ...HEADER_ONLY].join('; ')
}

/** The content of the Content-Security-Policy meta element in an HTML page, or null when it has none. */
export function metaCsp(html: string): string | null {
  const tag = /<meta\s[^>]*http-equiv=["']Content-Security-Policy["'][^>]*>/i.exec(html)?.[0]
  return tag ? (/\scontent="([^"]*)"/i.exec(tag)?.[1] ?? null) : null
}
