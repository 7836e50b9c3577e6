import { JPEG_TURBO_WASM } from './jpeg-turbo-wasm'

/** Why a JPEG could not be decoded; the caller turns it into its own protocol error. */
export class JpegError extends Error {}

/**
 * WebAssembly memory never shrinks: once a decode has grown the instance past this many bytes,
 * the instance is dropped after that decode and a fresh one made for the next, so one large
 * image cannot keep its peak for the life of the process.
 */
export const JPEG_MEMORY_CAP = 64 << 20

/** The exports of jpeg-turbo.wasm (scripts/jpeg-wasm/glue.c says what each does). */
interface JpegTurbo {
  memory: WebAssembly.Memory
  jpeg_input(size: number): number
  jpeg_output(): number
  jpeg_message(): number
  jpeg_decode(size: number, width: number, height: number): number
}

/** The error text the module left at `at` (NUL-terminated). */
function messageAt(tj: JpegTurbo, at: number): string {
  const bytes = new Uint8Array(tj.memory.buffer, at, Math.min(200, tj.memory.buffer.byteLength - at))
  const end = bytes.indexOf(0)
  return Buffer.from(bytes.subarray(0, end < 0 ? bytes.length : end)).toString('latin1')
}

/** libjpeg's error exit: unwinds out of WebAssembly as a JS throw (the module has no setjmp). */
class Unwound extends Error {}

function instantiate(module: WebAssembly.Module): JpegTurbo {
  let tj: JpegTurbo | null = null
  const unwind = (at?: number): never => {
    throw new Unwound(tj && at !== undefined ? messageAt(tj, at) : 'the decoder stopped')
  }
  // Only libjpeg's default error handlers (replaced by glue.c) reach these WASI imports.
  const wasi = { fd_close: unwind, fd_seek: unwind, fd_write: unwind, proc_exit: unwind }
  const instance = new WebAssembly.Instance(module, { env: { jpeg_fail: unwind }, wasi_snapshot_preview1: wasi })
  tj = instance.exports as unknown as JpegTurbo
  return tj
}

/**
 * A JPEG decoder on one WebAssembly build of libjpeg-turbo (bench/jpeg-candidates.run.ts makes
 * one per build it compares). `decode` checks that the header says exactly `width` x `height`
 * before writing a pixel and returns a fresh RGBA copy. The instance is dropped after an error
 * (the throw leaves its stack and heap mid-decode) or once its memory has grown past
 * {@link JPEG_MEMORY_CAP}. Throws JpegError.
 */
export class JpegDecoder {
  private live: JpegTurbo | null = null

  constructor(private readonly module: WebAssembly.Module) {}

  decode(data: Uint8Array, width: number, height: number): Uint8Array {
    const tj = (this.live ??= instantiate(this.module))
    let ok = false
    try {
      const input = tj.jpeg_input(data.length)
      if (!input) throw new JpegError('out of decoder memory')
      new Uint8Array(tj.memory.buffer, input, data.length).set(data)
      if (tj.jpeg_decode(data.length, width, height) !== 0) throw new JpegError(messageAt(tj, tj.jpeg_message()))
      const rgba = new Uint8Array(width * height * 4)
      rgba.set(new Uint8Array(tj.memory.buffer, tj.jpeg_output(), rgba.length))
      ok = true
      return rgba
    } catch (err) {
      if (err instanceof Unwound || err instanceof WebAssembly.RuntimeError) throw new JpegError(err.message)
      throw err
    } finally {
      if (!ok || tj.memory.buffer.byteLength > JPEG_MEMORY_CAP) this.live = null
    }
  }

  /** Bytes of WebAssembly memory held now (0 when no instance is alive). */
  memory(): number {
    return this.live ? this.live.memory.buffer.byteLength : 0
  }
}

/** Tessera's build of libjpeg-turbo (scripts/jpeg-wasm/build.sh), carried in the code as base64. */
export function jpegModule(): WebAssembly.Module {
  return new WebAssembly.Module(Buffer.from(JPEG_TURBO_WASM, 'base64'))
}

let shared: JpegDecoder | null = null

/** Decodes a JPEG to RGBA with the process's {@link JpegDecoder}. Throws JpegError. */
export function decodeJpeg(data: Uint8Array, width: number, height: number): Uint8Array {
  shared ??= new JpegDecoder(jpegModule())
  return shared.decode(data, width, height)
}

/** Bytes of WebAssembly memory the JPEG decoder holds now (0 when no instance is alive). */
export function jpegDecoderMemory(): number {
  return shared ? shared.memory() : 0
}
