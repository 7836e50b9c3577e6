/**
 * WebAssembly SIMD kernels for 32 bpp pixel runs: R,G,B,X made opaque, and byte-aligned
 * formats in another order (B,G,R,X...) shuffled to R,G,B,A and made opaque, 16 bytes at a time.
 * Runs are copied into the kernel's one page of memory, converted there while in cache, and
 * copied out: the framebuffer is not WebAssembly memory.
 */

/** Bytes of the kernel's memory: one 64 KiB page, a socket chunk's worth of pixels. */
export const KERNEL_BYTES = 1 << 16

/**
 * WebAssembly (with SIMD) exporting `opaque(end)`, which ORs 0xff into every 4th byte of its one
 * page of memory from 0 to `end`, 64 bytes per iteration (`end` a multiple of 64); with `shuffle`
 * (16 lane indices) each 16 bytes are first rearranged by `i8x16.shuffle` (one pshufb on x86).
 * Written out as bytes: there is no wasm toolchain in the build. In WAT, without the shuffle:
 *   (func (param $e i32) (local $p i32) (local $a v128)
 *     (local.set $a (v128.const i32x4 0xff000000 0xff000000 0xff000000 0xff000000))
 *     (block (loop (br_if 1 (i32.ge_u (local.get $p) (local.get $e)))
 *       (v128.store offset=0 (local.get $p) (v128.or (v128.load offset=0 (local.get $p)) (local.get $a)))
 *       ... offset=16, 32, 48 ...
 *       (local.set $p (i32.add (local.get $p) (i32.const 64))) (br 0))))
 */
function opaqueModuleBytes(shuffle: readonly number[] | null): Uint8Array<ArrayBuffer> {
  const alphaBytes = Array.from({ length: 16 }, (_, i) => (i % 4 === 3 ? 0xff : 0))
  // With a shuffle the loaded vector is kept in $v (local 3) and its bytes rearranged before the OR.
  const rearrange = shuffle ? [0x22, 0x03, 0x20, 0x03, 0xfd, 0x0d, ...shuffle] : [] // local.tee $v, local.get $v, i8x16.shuffle
  const orAt = (offset: number): number[] => [
    0x20,
    0x01, // local.get $p (store address)
    0x20,
    0x01,
    0xfd,
    0x00,
    0x04,
    offset, // v128.load align=16 offset
    ...rearrange,
    0x20,
    0x02,
    0xfd,
    0x50, // local.get $a, v128.or
    0xfd,
    0x0b,
    0x04,
    offset, // v128.store align=16 offset
  ]
  const body = [
    0x02,
    0x01,
    0x7f,
    shuffle ? 0x02 : 0x01,
    0x7b, // locals: $p i32, $a v128 (and $v v128 with a shuffle)
    0xfd,
    0x0c,
    ...alphaBytes,
    0x21,
    0x02, // $a = alpha in every word
    0x02,
    0x40,
    0x03,
    0x40, // block, loop
    0x20,
    0x01,
    0x20,
    0x00,
    0x4f,
    0x0d,
    0x01, // br_if 1 ($p >= $e)
    ...orAt(0),
    ...orAt(16),
    ...orAt(32),
    ...orAt(48),
    0x20,
    0x01,
    0x41,
    0xc0,
    0x00,
    0x6a,
    0x21,
    0x01, // $p += 64
    0x0c,
    0x00,
    0x0b,
    0x0b,
    0x0b, // br 0, end loop, end block, end func
  ]
  const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes]
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x00]), // type: (i32) -> ()
    ...section(3, [0x01, 0x00]), // one function of that type
    ...section(5, [0x01, 0x01, 0x01, 0x01]), // memory: 1 page, at most 1
    ...section(7, [0x02, 0x06, ...[...'opaque'].map((c) => c.charCodeAt(0)), 0x00, 0x00, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00]), // exports opaque, mem
    ...section(10, [0x01, ...uleb(body.length), ...body]),
  ])
}

function uleb(n: number): number[] {
  const out: number[] = []
  do {
    const b = n & 0x7f
    n >>>= 7
    out.push(n ? b | 0x80 : b)
  } while (n)
  return out
}

/**
 * RGBX runs made opaque with SIMD: the bytes are copied into the kernel's memory, get alpha there
 * 16 bytes per OR while they are in cache, and are copied out. Measured (Node 20, 2-core EPYC,
 * alternating passes; bench/rgbx-floor.run.ts): the JS alpha pass stores a byte per pixel and
 * costs twice the copy itself; through the kernel, 64 MiB of rows 1920 / 900 / 256 / 64 pixels
 * wide convert 2.0-2.2x / 1.6-1.9x / 3.5-4.0x / 1.2-1.3x as fast as copy + JS pass (rows batched
 * per page), and whole replays of the Raw and CopyRect recordings run 1.6-2.0x as fast (quiet
 * machine, 15 alternating passes; TigerVNC Raw 82.9 -> 42.3 ms). A single run under ~1000
 * pixels gains nothing: the two copies and the call cost what the SIMD saves. OR-ing whole
 * words instead (Uint32Array or BigUint64Array, with or without the copy first) ran at 0.3-0.7x
 * the copy + JS pass. Null where WebAssembly SIMD is missing: the JS pass is used.
 */
export interface OpaqueKernel {
  /** The kernel's memory, {@link KERNEL_BYTES} long. */
  bytes: Uint8Array
  /** Makes `bytes[0, end)` opaque; `end` a multiple of 64. */
  opaque(end: number): void
}

/** Kernels by shuffle pattern ('' for plain R,G,B,X); null where WebAssembly SIMD is missing. */
const kernels = new Map<string, OpaqueKernel | null>()

function instantiate(shuffle: readonly number[] | null): OpaqueKernel | null {
  try {
    const wa = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly
    const code = opaqueModuleBytes(shuffle)
    if (!wa || !wa.validate(code)) return null
    const exports = new wa.Instance(new wa.Module(code)).exports as { opaque: (end: number) => void; mem: WebAssembly.Memory }
    return { bytes: new Uint8Array(exports.mem.buffer, 0, KERNEL_BYTES), opaque: exports.opaque }
  } catch {
    return null
  }
}

/** The kernel that makes R,G,B,X runs opaque, or null without WebAssembly SIMD. */
export function opaqueKernel(): OpaqueKernel | null {
  return shuffleKernel(0, 8, 16)
}

/**
 * The kernel for 32 bpp pixels whose red, green and blue bytes sit at bit `r`, `g` and `b` of
 * the pixel read as a little-endian word (multiples of 8): its output is R,G,B,A.
 */
export function shuffleKernel(r: number, g: number, b: number): OpaqueKernel | null {
  const key = r === 0 && g === 8 && b === 16 ? '' : `${r},${g},${b}`
  let k = kernels.get(key)
  if (k === undefined) {
    const lanes = key ? Array.from({ length: 16 }, (_, i) => (i & ~3) + [r >> 3, g >> 3, b >> 3, 3][i & 3]) : null
    k = instantiate(lanes)
    kernels.set(key, k)
  }
  return k
}

/** Whether RGBX runs go through the WebAssembly SIMD kernel here (for tests and the bench). */
export function hasOpaqueKernel(): boolean {
  return opaqueKernel() !== null
}

/**
 * `rows` rows of `rowBytes` bytes of 32 bpp pixels, packed from `src[so]`, to `dst` bytes from `at`, rows
 * `strideBytes` apart, converted by the kernel: as many whole rows as fit its memory at a
 * time. A single row longer than that memory (`rows` 1) goes through in pieces.
 */
export function rowsViaKernel(
  k: OpaqueKernel,
  src: Uint8Array,
  so: number,
  dst: Uint8Array,
  at: number,
  rowBytes: number,
  rows: number,
  strideBytes: number,
): void {
  const kb = k.bytes
  if (rowBytes > KERNEL_BYTES) {
    for (let done = 0; done < rowBytes; done += KERNEL_BYTES) {
      const n = Math.min(rowBytes - done, KERNEL_BYTES)
      kb.set(src.subarray(so + done, so + done + n))
      k.opaque((n + 63) & ~63)
      dst.set(n === KERNEL_BYTES ? kb : kb.subarray(0, n), at + done)
    }
    return
  }
  const per = Math.floor(KERNEL_BYTES / rowBytes)
  for (let r = 0; r < rows; r += per) {
    const n = Math.min(per, rows - r)
    const len = n * rowBytes
    kb.set(src.subarray(so, so + len))
    k.opaque((len + 63) & ~63)
    if (n === 1) dst.set(len === KERNEL_BYTES ? kb : kb.subarray(0, len), at)
    else for (let i = 0, o = 0; i < n; i++, o += rowBytes) dst.set(kb.subarray(o, o + rowBytes), at + i * strideBytes)
    so += len
    at += n * strideBytes
  }
}
