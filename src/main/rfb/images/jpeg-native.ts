import { createRequire } from 'node:module'

/**
 * libjpeg-turbo built natively, with its SIMD, through @julusian/jpeg-turbo (an optional
 * dependency: N-API prebuilds for Linux, macOS and Windows, x64 and arm64, each with its own
 * libturbojpeg beside it). N-API is ABI-stable, so the same binary loads in Node and in
 * Electron's main process without a rebuild. Measured at about 3x our WebAssembly build on the
 * recorded Tight JPEG rects (docs/performance.md, "JPEG on the Node path"). It decodes with
 * libjpeg-turbo's fast integer IDCT (the binding always asks for it), so its pixels may differ
 * from the WebAssembly build's by a level or two.
 */
interface TurboBinding {
  FORMAT_RGBA: number
  decompressSync(image: Buffer, out: Buffer, options: { format: number }): { width: number; height: number; size: number }
}

let binding: TurboBinding | null | undefined
/** Why the binding did not load, for the log line that says which decoder is in use. */
let failure = ''

/**
 * The native binding, loaded on first use; null when it is missing, cannot load here (no
 * prebuild for this platform, a libc it was not built for) or is switched off with
 * TESSERA_JPEG=wasm. Never throws: the WebAssembly decoder is the fallback.
 */
export function nativeJpeg(): TurboBinding | null {
  if (binding !== undefined) return binding
  binding = null
  if (process.env.TESSERA_JPEG === 'wasm') {
    failure = 'switched off by TESSERA_JPEG=wasm'
    return null
  }
  try {
    const mod = createRequire(import.meta.url)('@julusian/jpeg-turbo') as Partial<TurboBinding>
    if (typeof mod.decompressSync !== 'function' || typeof mod.FORMAT_RGBA !== 'number') throw new Error('unexpected exports')
    binding = mod as TurboBinding
  } catch (err) {
    failure = err instanceof Error ? err.message.split('\n')[0] : String(err)
  }
  return binding
}

/** Why {@link nativeJpeg} is null ('' when it loaded or was not tried yet). */
export function nativeJpegFailure(): string {
  return failure
}

/**
 * Decodes `data` (whose header the caller has checked says `width` x `height`) to RGBA through
 * the binding, into a buffer of exactly that size: the binding refuses a larger image before
 * decoding. Throws whatever the binding throws (a TypeError with libjpeg-turbo's message).
 */
export function decodeJpegNative(b: TurboBinding, data: Uint8Array, width: number, height: number): Uint8Array {
  // Not zeroed (every byte is written by the decoder, or the buffer is dropped on error) and not
  // from Buffer's pool, so the words view callers make starts at offset 0.
  const rgba = Buffer.allocUnsafeSlow(width * height * 4)
  const src = Buffer.from(data.buffer, data.byteOffset, data.length)
  const r = b.decompressSync(src, rgba, { format: b.FORMAT_RGBA })
  if (r.width !== width || r.height !== height) throw new Error(`image of ${r.width}x${r.height} in a ${width}x${height} rect`)
  return rgba
}
