import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Encoding } from '@shared/encodings'
import type { NoVncDecoderClass } from './types'

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
 * Imports noVNC's decoder modules from node_modules, unmodified. Its logging module reads
 * `window.console` once when it loads, so `window` exists (as globalThis) only while the
 * modules load: left in place it would make other libraries believe they run in a browser.
 */
export function loadNoVncDecoders(): Promise<NoVncDecoders> {
  loaded ??= (async () => {
    const core = noVncCoreDir()
    const g = globalThis as { window?: unknown }
    const hadWindow = 'window' in g
    if (!hadWindow) g.window = globalThis
    try {
      const mods = await Promise.all(MODULES.map(([, file]) =>
        import(/* @vite-ignore */ pathToFileURL(join(core, 'decoders', file)).href) as Promise<{ default: NoVncDecoderClass }>))
      return new Map(MODULES.map(([enc], i) => [enc, mods[i].default]))
    } finally {
      if (!hadWindow) delete g.window
    }
  })()
  return loaded
}
