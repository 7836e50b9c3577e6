import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

/** Why a JPEG could not be decoded; the caller turns it into its own protocol error. */
export class JpegError extends Error {}

/**
 * WebAssembly memory never shrinks: once a decode has grown the instance past this many bytes,
 * the instance is dropped after that decode and a fresh one made for the next, so one large
 * image cannot keep its peak for the life of the process.
 */
export const JPEG_MEMORY_CAP = 64 << 20

/** TurboJPEG's TJPF_RGBA pixel format. */
const TJPF_RGBA = 7

interface TurboJpeg {
  memory: WebAssembly.Memory
  malloc(n: number): number
  free(p: number): void
  tjInitDecompress(): number
  tjDestroy(handle: number): number
  tjDecompressHeader3(handle: number, src: number, size: number, w: number, h: number, sub: number, cs: number): number
  tjDecompress2(handle: number, src: number, size: number, dst: number, w: number, pitch: number, h: number, pf: number, flags: number): number
}

let compiled: WebAssembly.Module | null = null
let live: TurboJpeg | null = null

/** libjpeg-turbo from @cwasm/jpeg-turbo's WebAssembly file, instantiated by us so it can be replaced. */
function turboJpeg(): TurboJpeg {
  if (live) return live
  if (!compiled) {
    const file = createRequire(import.meta.url).resolve('@cwasm/jpeg-turbo/jpeg-turbo.wasm')
    compiled = new WebAssembly.Module(readFileSync(file))
  }
  const fail = (): never => {
    throw new JpegError('the decoder stopped on an error')
  }
  // libjpeg's error exit longjmps; the module has no unwinding, so the error becomes a JS throw.
  const env = { setjmp: () => 0, longjmp: fail }
  const wasi = { environ_sizes_get: () => 0, environ_get: fail, proc_exit: fail, fd_close: fail, fd_seek: fail, fd_write: fail }
  const instance = new WebAssembly.Instance(compiled, { env, wasi_snapshot_preview1: wasi })
  live = instance.exports as unknown as TurboJpeg
  return live
}

/**
 * Decodes a JPEG to RGBA with libjpeg-turbo (WebAssembly), after checking that its header says
 * exactly `width` x `height`. The instance is dropped when a decode fails (a throw out of
 * WebAssembly leaves its allocations behind) or when its memory has grown past
 * {@link JPEG_MEMORY_CAP}. Throws JpegError.
 */
export function decodeJpeg(data: Uint8Array, width: number, height: number): Uint8Array {
  const tj = turboJpeg()
  let ok = false
  try {
    const input = tj.malloc(data.length)
    const meta = tj.malloc(16)
    const handle = tj.tjInitDecompress()
    if (!input || !meta || !handle) throw new JpegError('out of decoder memory')
    new Uint8Array(tj.memory.buffer, input, data.length).set(data)
    if (tj.tjDecompressHeader3(handle, input, data.length, meta, meta + 4, meta + 8, meta + 12) !== 0) throw new JpegError('unreadable header')
    const [w, h] = new Uint32Array(tj.memory.buffer, meta, 2)
    if (w !== width || h !== height) throw new JpegError(`image of ${w}x${h} in a ${width}x${height} rect`)
    const size = width * height * 4
    const output = tj.malloc(size)
    if (!output) throw new JpegError('out of decoder memory')
    if (tj.tjDecompress2(handle, input, data.length, output, width, width * 4, height, TJPF_RGBA, 0) !== 0) throw new JpegError('corrupt data')
    const rgba = new Uint8Array(size)
    rgba.set(new Uint8Array(tj.memory.buffer, output, size))
    tj.free(output)
    tj.tjDestroy(handle)
    tj.free(meta)
    tj.free(input)
    ok = true
    return rgba
  } finally {
    if (!ok || tj.memory.buffer.byteLength > JPEG_MEMORY_CAP) live = null
  }
}

/** Bytes of WebAssembly memory the JPEG decoder holds now (0 when no instance is alive). */
export function jpegDecoderMemory(): number {
  return live ? live.memory.buffer.byteLength : 0
}
