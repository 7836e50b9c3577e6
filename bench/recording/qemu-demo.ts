/**
 * A tiny multiboot kernel that gives QEMU (which otherwise shows only SeaBIOS text here) a
 * `width`x`height` 32 bpp screen with content for recordings: QEMU loads it with `-kernel FILE`
 * (the multiboot "a.out kludge": a flat image loaded at 1 MiB, entered in 32-bit protected
 * mode). It sets the mode through the Bochs VBE ports of `-vga std`, finds the linear
 * framebuffer in PCI BAR0 of device 00:02.0, then redraws every frame: a static colour gradient
 * in the top half (photo-like), and in the bottom half 16x16 blocks of scattered colours that
 * scroll right two pixels a frame. Machine code written by hand for this bench; the assembly is
 * beside each instruction (AT&T syntax, as GNU as reads it).
 */
export function qemuDemoKernel(width = 1920, height = 1080): Uint8Array {
  const u16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff]
  const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24]
  const MAGIC = 0x1badb002
  const FLAGS = 0x00010000 // load addresses given in the header
  const LOAD = 0x100000
  const code: number[] = [
    // Multiboot header at 1 MiB, entry right after it.
    ...u32(MAGIC),
    ...u32(FLAGS),
    ...u32(-(MAGIC + FLAGS) >>> 0),
    ...u32(LOAD),
    ...u32(LOAD),
    ...u32(0),
    ...u32(0),
    ...u32(LOAD + 0x20),
    0x66,
    0xba,
    0xce,
    0x01, //                      mov $0x1ce, %dx        (VBE index port)
    0x66,
    0xb8,
    0x04,
    0x00,
    0x66,
    0xef, //          mov $4, %ax; out       (ENABLE)
    0x66,
    0x42,
    0x66,
    0x31,
    0xc0,
    0x66,
    0xef, //    inc %dx; xor %ax, %ax; out: disabled
    0x66,
    0x4a,
    0x66,
    0xb8,
    0x01,
    0x00,
    0x66,
    0xef, // dec %dx; mov $1, %ax; out (XRES)
    0x66,
    0x42,
    0x66,
    0xb8,
    ...u16(width),
    0x66,
    0xef, // inc %dx; mov $width, %ax; out
    0x66,
    0x4a,
    0x66,
    0xb8,
    0x02,
    0x00,
    0x66,
    0xef, // dec %dx; mov $2, %ax; out (YRES)
    0x66,
    0x42,
    0x66,
    0xb8,
    ...u16(height),
    0x66,
    0xef, // inc %dx; mov $height, %ax; out
    0x66,
    0x4a,
    0x66,
    0xb8,
    0x03,
    0x00,
    0x66,
    0xef, // dec %dx; mov $3, %ax; out (BPP)
    0x66,
    0x42,
    0x66,
    0xb8,
    0x20,
    0x00,
    0x66,
    0xef, // inc %dx; mov $32, %ax; out
    0x66,
    0x4a,
    0x66,
    0xb8,
    0x04,
    0x00,
    0x66,
    0xef, // dec %dx; mov $4, %ax; out (ENABLE)
    0x66,
    0x42,
    0x66,
    0xb8,
    0x41,
    0x00,
    0x66,
    0xef, // inc %dx; mov $0x41, %ax; out: enabled, linear
    0xb8,
    0x10,
    0x10,
    0x00,
    0x80, //               mov $0x80001010, %eax  (PCI 00:02.0 BAR0)
    0x66,
    0xba,
    0xf8,
    0x0c,
    0xef, //               mov $0xcf8, %dx; out %eax
    0x66,
    0xba,
    0xfc,
    0x0c,
    0xed, //               mov $0xcfc, %dx; in %eax
    0x83,
    0xe0,
    0xf0, //                           and $~15, %eax
    0x89,
    0xc6, //                                 mov %eax, %esi         (framebuffer)
    0x31,
    0xed, //                                 xor %ebp, %ebp         (t = 0)
    // frame (0x87):
    0x89,
    0xf7, //                                 mov %esi, %edi
    0x31,
    0xc9, //                                 xor %ecx, %ecx         (y = 0)
    // row (0x8b):
    0x31,
    0xdb, //                                 xor %ebx, %ebx         (x = 0)
    // pixel (0x8d):
    0x81,
    0xf9,
    ...u32(height >> 1), //            cmp $height/2, %ecx
    0x73,
    0x22, //                                 jae lower
    0x89,
    0xd8,
    0xc1,
    0xe8,
    0x03, //               mov %ebx, %eax; shr $3, %eax      (red = x/8)
    0x89,
    0xca,
    0xd1,
    0xea,
    0xc1,
    0xe2,
    0x08, //   mov %ecx, %edx; shr %edx; shl $8, %edx
    0x09,
    0xd0, //                                 or %edx, %eax                     (green = y/2)
    0x89,
    0xda,
    0xc1,
    0xea,
    0x03,
    0xf7,
    0xd2, //   mov %ebx, %edx; shr $3, %edx; not %edx
    0x81,
    0xe2,
    0xff,
    0x00,
    0x00,
    0x00, //         and $0xff, %edx
    0xc1,
    0xe2,
    0x10,
    0x09,
    0xd0, //               shl $16, %edx; or %edx, %eax      (blue = 255 - x/8)
    0xeb,
    0x1c, //                                 jmp put
    // lower (0xb7):
    0x89,
    0xd8,
    0x29,
    0xe8,
    0xc1,
    0xe8,
    0x04, //   mov %ebx, %eax; sub %ebp, %eax; shr $4, %eax
    0x89,
    0xca,
    0xc1,
    0xea,
    0x04,
    0x31,
    0xd0, //   mov %ecx, %edx; shr $4, %edx; xor %edx, %eax
    0x69,
    0xc0,
    0xb1,
    0x79,
    0x37,
    0x9e, //         imul $0x9e3779b1, %eax, %eax      (scatter)
    0xc1,
    0xe8,
    0x05, //                           shr $5, %eax
    0x25,
    0xe0,
    0xe0,
    0xe0,
    0x00, //               and $0xe0e0e0, %eax
    // put (0xd3):
    0x89,
    0x07,
    0x83,
    0xc7,
    0x04, //               mov %eax, (%edi); add $4, %edi
    0x43,
    0x81,
    0xfb,
    ...u32(width), //            inc %ebx; cmp $width, %ebx
    0x72,
    0xac, //                                 jb pixel
    0x41,
    0x81,
    0xf9,
    ...u32(height), //           inc %ecx; cmp $height, %ecx
    0x72,
    0xa1, //                                 jb row
    0x83,
    0xc5,
    0x02, //                           add $2, %ebp           (t += 2)
    0xb9,
    0x20,
    0x4e,
    0x00,
    0x00, //               mov $20000, %ecx
    0xe4,
    0x80,
    0xe2,
    0xfc, //                     delay: in $0x80, %al; loop delay (about 10 ms)
    0xeb,
    0x8f, //                                 jmp frame
  ]
  // QEMU looks for a Linux header at 0x202 first: padding keeps that read inside the file.
  const image = new Uint8Array(1024)
  image.set(code)
  return image
}
