import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Encoding } from '@shared/encodings'
import type { NoVncDecoderClass, NoVncWebsockClass } from './types'

/** noVNC's decoder module for each encoding it decodes (H.264 needs WebCodecs: left out). */
const MODULES: readonly [number, string][] = [
  [Encoding.Raw, 'raw.js'],
  [Encoding.CopyRect, 'copyrect.js'],
  [Encoding.RRE, 'rre.js'],
  [Encoding.Hextile, 'hextile.js'],
  [Encoding.Zlib, 'zlib.js'],
  [Encoding.Tight, 'tight.js'],
  [Encoding.TightPNG, 'tightpng.js'],
  [Encoding.ZRLE, 'zrle.js'],
  [Encoding.JPEG, 'jpeg.js'],
]

/** Encoding number to noVNC decoder class. */
export type NoVncDecoders = ReadonlyMap<number, NoVncDecoderClass>

let loaded: Promise<NoVncDecoders> | null = null

/** Where the installed noVNC keeps core/; its package exports only core/rfb.js, so resolve that. */
export function noVncCoreDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@novnc/novnc'))
}

/** The installed noVNC's version (package.json read from disk, as it is not exported). */
export async function noVncVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises')
  const pkg = JSON.parse(await readFile(join(noVncCoreDir(), '..', 'package.json'), 'utf8')) as { version: string }
  return pkg.version
}

/**
 * Imports modules of noVNC's core/ from node_modules, unmodified. Its logging module reads
 * `window.console` once when it loads, and websock.js reads `WebSocket.CONNECTING` etc. once
 * (Node 20 has no WebSocket), so `window` (as globalThis) and, if missing, a `WebSocket` holding
 * only those four constants exist while the modules load: left in place they would make other
 * libraries believe they run in a browser.
 */
async function importCore<T>(files: readonly string[]): Promise<T[]> {
  const core = noVncCoreDir()
  const g = globalThis as { window?: unknown; WebSocket?: unknown }
  const hadWindow = 'window' in g
  const hadWebSocket = 'WebSocket' in g
  if (!hadWindow) g.window = globalThis
  if (!hadWebSocket) g.WebSocket = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 }
  try {
    const mods = await Promise.all(files.map((file) => import(/* @vite-ignore */ pathToFileURL(join(core, file)).href) as Promise<{ default: T }>))
    return mods.map((m) => m.default)
  } finally {
    if (!hadWindow) delete g.window
    if (!hadWebSocket) delete g.WebSocket
  }
}

/** Imports noVNC's decoder modules (see {@link importCore}). */
export function loadNoVncDecoders(): Promise<NoVncDecoders> {
  loaded ??= (async () => {
    const classes = await importCore<NoVncDecoderClass>(MODULES.map(([, file]) => `decoders/${file}`))
    return new Map(MODULES.map(([enc], i) => [enc, classes[i]]))
  })()
  return loaded
}

let websock: Promise<NoVncWebsockClass> | null = null

/** Imports noVNC's Websock class (core/websock.js), its receive queue over a WebSocket. */
export function loadNoVncWebsock(): Promise<NoVncWebsockClass> {
  // After the decoders: two imports at once would each put up and take down the globals.
  websock ??= loadNoVncDecoders()
    .then(() => importCore<NoVncWebsockClass>(['websock.js']))
    .then(([c]) => c)
  return websock
}

/** noVNC's Base64 module (core/base64.js), which its Display.imageRect encodes every image with. */
export interface NoVncBase64 {
  encode(data: Uint8Array | number[]): string
}

let base64: Promise<NoVncBase64> | null = null

/** Imports core/base64.js, after the decoders for the same reason as {@link loadNoVncWebsock}. */
export function loadNoVncBase64(): Promise<NoVncBase64> {
  base64 ??= loadNoVncDecoders()
    .then(() => importCore<NoVncBase64>(['base64.js']))
    .then(([m]) => m)
  return base64
}
