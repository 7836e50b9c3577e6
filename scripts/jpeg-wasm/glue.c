/*
 * Tessera's entry points into libjpeg-turbo compiled to WebAssembly (scripts/jpeg-wasm/build.sh).
 * One decompressor lives for the whole instance; the input and output buffers only grow, so once
 * warm a decode allocates nothing but libjpeg's own per-image pools, which it frees again.
 *
 * Errors: without setjmp in this toolchain, error_exit calls the host's `jpeg_fail`, which throws
 * in JavaScript and so unwinds out of the module; the host then drops the instance (its stack
 * pointer and heap are left mid-decode). Warnings (corrupt or truncated data that libjpeg would
 * paper over) are errors too, as TurboJPEG's tjDecompress2 reports them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "jpeglib.h"

#define EXPORT(name) __attribute__((export_name(name)))

/* Provided by the host: throws, never returns. */
__attribute__((import_module("env"), import_name("jpeg_fail"), noreturn)) void jpeg_fail(const char *message);

/* simd.c's: forget the IDCT's 16-bit copies of the last image's tables (absent from the builds without simd.c). */
__attribute__((weak)) void jsimd_new_image(void);

static struct jpeg_decompress_struct dec;
static struct jpeg_error_mgr errors;
static char message[JMSG_LENGTH_MAX];
static int ready;

static uint8_t *input;
static size_t input_size;
static uint8_t *output;
static size_t output_size;

static void fail(j_common_ptr cinfo) {
  (*cinfo->err->format_message)(cinfo, message);
  jpeg_fail(message);
}

static void warn(j_common_ptr cinfo, int level) {
  if (level < 0) fail(cinfo); /* level -1: a warning, i.e. damaged data */
}

/* Grows *buf to at least `size` bytes; 0 when out of memory. */
static uint8_t *reserve(uint8_t **buf, size_t *have, size_t size) {
  if (size > *have) {
    free(*buf);
    *buf = malloc(size);
    *have = *buf ? size : 0;
  }
  return *buf;
}

/* Where the caller writes `size` bytes of JPEG; 0 when out of memory. */
EXPORT("jpeg_input")
uint8_t *jpeg_input(uint32_t size) { return reserve(&input, &input_size, size ? size : 1); }

/* Where the last decode's RGBA pixels are. */
EXPORT("jpeg_output")
uint8_t *jpeg_output(void) { return output; }

/* The text of the last error. */
EXPORT("jpeg_message")
const char *jpeg_message(void) { return message; }

/*
 * Decodes the `size` bytes at jpeg_input() to width x height RGBA (alpha 255) at jpeg_output().
 * Returns 0, or 1 when the header is not a JPEG's of exactly that size, 2 when out of memory;
 * libjpeg's errors throw through jpeg_fail. jpeg_message() says why.
 */
EXPORT("jpeg_decode")
int jpeg_decode(uint32_t size, uint32_t width, uint32_t height) {
  message[0] = 0;
  if (!ready) {
    dec.err = jpeg_std_error(&errors);
    errors.error_exit = fail;
    errors.emit_message = warn;
    jpeg_create_decompress(&dec);
    /* Bounds libjpeg's whole-image buffers (a progressive or buffered image's coefficients, 6
     * bytes a pixel at 4:4:4): past it jmemnobs has no backing store and the decode fails with
     * libjpeg's own message, instead of a hostile 64-megapixel progressive image taking ~400 MB.
     * 96 MiB still holds a 16-megapixel progressive image; servers send baseline JPEG. */
    dec.mem->max_memory_to_use = 96L << 20;
    ready = 1;
  }
  if (size > input_size || width == 0 || height == 0 || (uint64_t)width * height > (1u << 28) / 4) {
    snprintf(message, sizeof message, "no %ux%u image in %u bytes", width, height, size);
    return 1;
  }
  jpeg_mem_src(&dec, input, size);
  jpeg_read_header(&dec, TRUE);
  if (dec.image_width != width || dec.image_height != height) {
    snprintf(message, sizeof message, "image of %ux%u in a %ux%u rect", dec.image_width, dec.image_height, width, height);
    jpeg_abort_decompress(&dec);
    return 1;
  }
  size_t pitch = (size_t)width * 4;
  if (!reserve(&output, &output_size, pitch * height)) {
    snprintf(message, sizeof message, "out of decoder memory");
    jpeg_abort_decompress(&dec);
    return 2;
  }
  /* libjpeg's defaults are kept: accurate integer IDCT (JDCT_ISLOW), fancy upsampling. */
  dec.out_color_space = JCS_EXT_RGBA;
  if (jsimd_new_image) jsimd_new_image();
  jpeg_start_decompress(&dec);
  if (dec.output_width != width || dec.output_height != height || dec.output_components != 4) {
    snprintf(message, sizeof message, "decoder output of %ux%ux%d", dec.output_width, dec.output_height, dec.output_components);
    jpeg_abort_decompress(&dec);
    return 1;
  }
  JSAMPROW rows[16];
  while (dec.output_scanline < height) {
    JDIMENSION want = height - dec.output_scanline;
    if (want > 16) want = 16;
    for (JDIMENSION i = 0; i < want; i++) rows[i] = output + (dec.output_scanline + i) * pitch;
    if (jpeg_read_scanlines(&dec, rows, want) == 0) {
      snprintf(message, sizeof message, "the data ended early"); /* the memory source never suspends; kept for safety */
      jpeg_fail(message);
    }
  }
  jpeg_finish_decompress(&dec);
  return 0;
}
