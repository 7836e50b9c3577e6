/**
 * A WebAssembly loop that turns byte palette indices into RGBA words (Tight's palette filter):
 * JavaScript pays a bounds check on the palette and on the output per pixel, the kernel pays
 * neither, and the two copies in and out of its memory are memcpy. Its one 64 KiB page holds
 * the palette (256 words at 0), the indices (from {@link PALETTE_IN}) and the words (from
 * {@link PALETTE_OUT}).
 */

/** Byte offset of the indices in the kernel's memory. */
export const PALETTE_IN = 1024
/** Byte offset of the output words. */
export const PALETTE_OUT = 13312
/** The most indices one call converts: 5 bytes of memory per pixel, in and out. */
export const PALETTE_MAX = PALETTE_OUT - PALETTE_IN

/**
 * `lookup(n)` stores the palette word of each of the `n` indices at PALETTE_IN into the words at
 * PALETTE_OUT and returns all of them ANDed together (callers zero the palette's unused entries,
 * so a clear bit 31 tells an index out of range: every colour is opaque). In WAT:
 *   (func (param $n i32) (result i32) (local $i i32) (local $acc i32) (local $v i32)
 *     (local.set $acc (i32.const -1))
 *     (block (loop (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
 *       (i32.store offset=13312 (i32.shl (local.get $i) (i32.const 2))
 *         (local.tee $v (i32.load (i32.shl (i32.load8_u offset=1024 (local.get $i)) (i32.const 2)))))
 *       (local.set $acc (i32.and (local.get $acc) (local.get $v)))
 *       (local.set $i (i32.add (local.get $i) (i32.const 1))) (br 0)))
 *     (local.get $acc))
 * Written out as bytes: there is no wasm toolchain in the build.
 */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  const body = [
    0x01,
    0x03,
    0x7f, // locals: $i, $acc, $v i32
    0x41,
    0x7f,
    0x21,
    0x02, // $acc = -1
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
    0x01, // br_if 1 ($i >= $n)
    0x20,
    0x01,
    0x41,
    0x02,
    0x74, // store address: $i << 2
    0x20,
    0x01,
    0x2d,
    0x00,
    0x80,
    0x08, // i32.load8_u offset=1024 $i
    0x41,
    0x02,
    0x74,
    0x28,
    0x02,
    0x00, // i32.load (index << 2)
    0x22,
    0x03, // local.tee $v
    0x36,
    0x02,
    0x80,
    0x68, // i32.store offset=13312
    0x20,
    0x02,
    0x20,
    0x03,
    0x71,
    0x21,
    0x02, // $acc &= $v
    0x20,
    0x01,
    0x41,
    0x01,
    0x6a,
    0x21,
    0x01, // $i += 1
    0x0c,
    0x00,
    0x0b,
    0x0b, // br 0, end loop, end block
    0x20,
    0x02,
    0x0b, // $acc, end func
  ]
  const section = (id: number, bytes: number[]): number[] => [id, bytes.length, ...bytes]
  const name = [...'lookup'].map((c) => c.charCodeAt(0))
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f]), // type: (i32) -> i32
    ...section(3, [0x01, 0x00]),
    ...section(5, [0x01, 0x01, 0x01, 0x01]), // memory: 1 page, at most 1
    ...section(7, [0x02, name.length, ...name, 0x00, 0x00, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00]), // exports lookup, mem
    ...section(10, [0x01, body.length, ...body]),
  ])
}

/** The kernel's memory as bytes and as words, and its one function. */
export interface PaletteKernel {
  readonly bytes: Uint8Array
  readonly words: Uint32Array
  lookup(n: number): number
}

let kernel: PaletteKernel | null | undefined

/** The palette kernel, made on first use; null where WebAssembly is missing (the JS loop is used). */
export function paletteKernel(): PaletteKernel | null {
  if (kernel !== undefined) return kernel
  kernel = null
  try {
    const wa = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly
    if (wa) {
      const exports = new wa.Instance(new wa.Module(moduleBytes())).exports as { lookup: (n: number) => number; mem: WebAssembly.Memory }
      kernel = { bytes: new Uint8Array(exports.mem.buffer), words: new Uint32Array(exports.mem.buffer), lookup: exports.lookup }
    }
  } catch {
    kernel = null
  }
  return kernel
}
