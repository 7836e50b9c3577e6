/*
 * WebAssembly SIMD versions of libjpeg-turbo's hottest decoding steps (IDCT, colour conversion,
 * 4:2:0 and 4:2:2 upsampling), in the place of its jsimd_none.c (whose every jsimd_can_* says
 * no). libjpeg-turbo's own SIMD is x86/Arm assembly and intrinsics only, and clang does not
 * vectorise these loops by itself.
 *
 * All give exactly the C code's bytes: the accurate integer IDCT (jidctint.c) is the same 32-bit
 * wrapping integer arithmetic, eight columns or rows at a time in 16-bit lanes where every input
 * fits in 16 bits, else four at a time in 32-bit lanes with its all-zero-AC shortcuts chosen per
 * lane as the C code chooses them; YCbCr -> RGBA (jdcolext.c) computes its table entries inline;
 * the upsamplers are the same 16-bit sums eight columns at a time.
 */
#include <wasm_simd128.h>
#define JPEG_INTERNALS
#include "jinclude.h"
#include "jpeglib.h"
#include "jsimd.h"
#include "jdct.h"
#include "jsimddct.h"

_Static_assert(DCTSIZE == 8 && sizeof(JCOEF) == 2 && sizeof(ISLOW_MULT_TYPE) == 4 && BITS_IN_JSAMPLE == 8, "8-bit libjpeg only");

typedef v128_t V;

#define ADD wasm_i32x4_add
#define SUB wasm_i32x4_sub
#define MUL(a, k) wasm_i32x4_mul(a, wasm_i32x4_splat(k))
#define SHL wasm_i32x4_shl
#define SHR wasm_i32x4_shr /* arithmetic, as libjpeg's RIGHT_SHIFT */

/* jidctint.c's constants (CONST_BITS 13, PASS1_BITS 2). */
enum { C0_298 = 2446, C0_390 = 3196, C0_541 = 4433, C0_765 = 6270, C0_899 = 7373, C1_175 = 9633 };
enum { C1_501 = 12299, C1_847 = 15137, C1_961 = 16069, C2_053 = 16819, C2_562 = 20995, C3_072 = 25172 };

/* One 8-point pass of jpeg_idct_islow on four lanes: in[0..7] -> out[0..7], descaled by `shift`. */
static inline void idct8(const V in[8], V out[8], int shift) {
  V z1 = MUL(ADD(in[2], in[6]), C0_541);
  V tmp2 = ADD(z1, MUL(in[6], -C1_847));
  V tmp3 = ADD(z1, MUL(in[2], C0_765));
  V tmp0 = SHL(ADD(in[0], in[4]), 13);
  V tmp1 = SHL(SUB(in[0], in[4]), 13);
  V tmp10 = ADD(tmp0, tmp3), tmp13 = SUB(tmp0, tmp3), tmp11 = ADD(tmp1, tmp2), tmp12 = SUB(tmp1, tmp2);

  V o0 = in[7], o1 = in[5], o2 = in[3], o3 = in[1];
  V z5 = MUL(ADD(ADD(o0, o2), ADD(o1, o3)), C1_175);
  V y1 = MUL(ADD(o0, o3), -C0_899);
  V y2 = MUL(ADD(o1, o2), -C2_562);
  V y3 = ADD(MUL(ADD(o0, o2), -C1_961), z5);
  V y4 = ADD(MUL(ADD(o1, o3), -C0_390), z5);
  o0 = ADD(MUL(o0, C0_298), ADD(y1, y3));
  o1 = ADD(MUL(o1, C2_053), ADD(y2, y4));
  o2 = ADD(MUL(o2, C3_072), ADD(y2, y3));
  o3 = ADD(MUL(o3, C1_501), ADD(y1, y4));

  V half = wasm_i32x4_splat(1 << (shift - 1));
  tmp10 = ADD(tmp10, half), tmp11 = ADD(tmp11, half), tmp12 = ADD(tmp12, half), tmp13 = ADD(tmp13, half);
  out[0] = SHR(ADD(tmp10, o3), shift);
  out[7] = SHR(SUB(tmp10, o3), shift);
  out[1] = SHR(ADD(tmp11, o2), shift);
  out[6] = SHR(SUB(tmp11, o2), shift);
  out[2] = SHR(ADD(tmp12, o1), shift);
  out[5] = SHR(SUB(tmp12, o1), shift);
  out[3] = SHR(ADD(tmp13, o0), shift);
  out[4] = SHR(SUB(tmp13, o0), shift);
}

/* Transposes the 4x4 block held in v[0..3] (lanes = columns) in place. */
static inline void transpose4(V v[4]) {
  V t0 = wasm_i32x4_shuffle(v[0], v[1], 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(v[0], v[1], 2, 6, 3, 7);
  V t2 = wasm_i32x4_shuffle(v[2], v[3], 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(v[2], v[3], 2, 6, 3, 7);
  v[0] = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5);
  v[1] = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
  v[2] = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5);
  v[3] = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
}

/* Lanes whose in[1..7] are all zero: there the C code takes its DC-only shortcut. */
static inline V ac_zero(const V in[8]) {
  V any = wasm_v128_or(wasm_v128_or(wasm_v128_or(in[1], in[2]), wasm_v128_or(in[3], in[4])), wasm_v128_or(wasm_v128_or(in[5], in[6]), in[7]));
  return wasm_i32x4_eq(any, wasm_i32x4_splat(0));
}

/* The 32-bit IDCT: exact for any input; taken for the blocks the 16-bit one below cannot do exactly. */
static void idct_islow32(const ISLOW_MULT_TYPE *quant, JCOEFPTR coef_block, JSAMPARRAY output_buf, JDIMENSION output_col) {
  V ws[2][8]; /* pass 1's result: ws[half][row], lanes = columns 4*half .. 4*half+3 */

  /* Pass 1: columns, four at a time. */
  for (int half = 0; half < 2; half++) {
    V raw[8], in[8];
    for (int r = 0; r < 8; r++) {
      V c = wasm_v128_load(coef_block + r * 8); /* 8 coefficients (16-bit); the table is 32-bit without WITH_SIMD */
      raw[r] = half ? wasm_i32x4_extend_high_i16x8(c) : wasm_i32x4_extend_low_i16x8(c);
      in[r] = wasm_i32x4_mul(raw[r], wasm_v128_load(quant + r * 8 + half * 4));
    }
    idct8(in, ws[half], 11); /* CONST_BITS - PASS1_BITS */
    V dc = SHL(in[0], 2), zero = ac_zero(raw); /* the shortcut tests the coefficients, not their products */
    for (int r = 0; r < 8; r++) ws[half][r] = wasm_v128_bitselect(dc, ws[half][r], zero);
  }

  /* Pass 2: rows, four at a time (lanes = rows). */
  for (int group = 0; group < 2; group++) {
    V in[8], out[8];
    for (int k = 0; k < 4; k++) in[k] = ws[0][4 * group + k], in[4 + k] = ws[1][4 * group + k];
    transpose4(in);
    transpose4(in + 4);
    idct8(in, out, 18); /* CONST_BITS + PASS1_BITS + 3 */
    V dc = SHR(ADD(in[0], wasm_i32x4_splat(16)), 5), zero = ac_zero(in); /* DESCALE(wsptr[0], PASS1_BITS + 3) */
    for (int k = 0; k < 8; k++) {
      V v = wasm_v128_bitselect(dc, out[k], zero);
      /* range_limit[v & RANGE_MASK]: v's low 10 bits as a signed number, plus 128, clamped to 0..255 */
      out[k] = ADD(SHR(SHL(v, 22), 22), wasm_i32x4_splat(CENTERJSAMPLE));
    }
    transpose4(out);     /* now out[i] = row 4*group+i, columns 0..3 */
    transpose4(out + 4); /* columns 4..7 */
    for (int i = 0; i < 4; i++) {
      V words = wasm_i16x8_narrow_i32x4(out[i], out[4 + i]);
      wasm_v128_store64_lane(output_buf[4 * group + i] + output_col, wasm_u8x16_narrow_i16x8(words, words), 0);
    }
  }
}

/*
 * The same IDCT in 16-bit lanes, eight columns (then eight rows) at a time, every product and
 * pair sum one i32x4.dot_i16x8_s (pmaddwd), as libjpeg-turbo's SSE2 IDCT does it. Still exact:
 * before each pass's descaling shift, jidctint.c only adds, subtracts and multiplies 32-bit
 * wrapping integers, so writing each output as a sum of products with combined constants gives
 * the same 32-bit value; all that is needed is that each pass's inputs fit in 16 bits (the
 * dequantised coefficients, pass 1's results), and then the C code's all-zero-AC shortcuts give
 * what the full computation gives. Blocks where an input does not fit take idct_islow32.
 */
#define DOT wasm_i32x4_dot_i16x8
#define PAIR(a, b) wasm_i16x8_make(a, b, a, b, a, b, a, b)
#define LO16(a, b) wasm_i16x8_shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11)
#define HI16(a, b) wasm_i16x8_shuffle(a, b, 4, 12, 5, 13, 6, 14, 7, 15)

/* One 8-point pass on eight lanes of 16-bit inputs: out[k][h] = output k of lanes 4h..4h+3, descaled by `shift`. */
static inline void idct8x16(const V in[8], V out[8][2], int shift) {
  const V half = wasm_i32x4_splat(1 << (shift - 1));
  for (int h = 0; h < 2; h++) {
    V p04 = h ? HI16(in[0], in[4]) : LO16(in[0], in[4]), p26 = h ? HI16(in[2], in[6]) : LO16(in[2], in[6]);
    V p75 = h ? HI16(in[7], in[5]) : LO16(in[7], in[5]), p31 = h ? HI16(in[3], in[1]) : LO16(in[3], in[1]);
    /* Even part: tmp0/tmp1 = (in0 +- in4) << 13 (plus the rounding), tmp3/tmp2 = z1 + in2 * 0.765 / in6 * -1.847. */
    V tmp0 = ADD(DOT(p04, PAIR(1 << 13, 1 << 13)), half), tmp1 = ADD(DOT(p04, PAIR(1 << 13, -(1 << 13))), half);
    V tmp3 = DOT(p26, PAIR(C0_541 + C0_765, C0_541)), tmp2 = DOT(p26, PAIR(C0_541, C0_541 - C1_847));
    V tmp10 = ADD(tmp0, tmp3), tmp13 = SUB(tmp0, tmp3), tmp11 = ADD(tmp1, tmp2), tmp12 = SUB(tmp1, tmp2);
    /* Odd part: jidctint.c's z1..z5 expanded, each output a sum over in7, in5, in3, in1. */
    V o0 = ADD(DOT(p75, PAIR(C0_298 - C0_899 - C1_961 + C1_175, C1_175)), DOT(p31, PAIR(C1_175 - C1_961, C1_175 - C0_899)));
    V o1 = ADD(DOT(p75, PAIR(C1_175, C2_053 - C2_562 - C0_390 + C1_175)), DOT(p31, PAIR(C1_175 - C2_562, C1_175 - C0_390)));
    V o2 = ADD(DOT(p75, PAIR(C1_175 - C1_961, C1_175 - C2_562)), DOT(p31, PAIR(C3_072 - C2_562 - C1_961 + C1_175, C1_175)));
    V o3 = ADD(DOT(p75, PAIR(C1_175 - C0_899, C1_175 - C0_390)), DOT(p31, PAIR(C1_175, C1_501 - C0_899 - C0_390 + C1_175)));
    out[0][h] = SHR(ADD(tmp10, o3), shift), out[7][h] = SHR(SUB(tmp10, o3), shift);
    out[1][h] = SHR(ADD(tmp11, o2), shift), out[6][h] = SHR(SUB(tmp11, o2), shift);
    out[2][h] = SHR(ADD(tmp12, o1), shift), out[5][h] = SHR(SUB(tmp12, o1), shift);
    out[3][h] = SHR(ADD(tmp13, o0), shift), out[4][h] = SHR(SUB(tmp13, o0), shift);
  }
}

/* Transposes the 8x8 block of 16-bit values in v[0..7] in place. */
static inline void transpose8(V v[8]) {
  V a[8], b[8];
  for (int i = 0; i < 4; i++) a[2 * i] = LO16(v[2 * i], v[2 * i + 1]), a[2 * i + 1] = HI16(v[2 * i], v[2 * i + 1]);
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) {
      b[4 * i + 2 * j] = wasm_i32x4_shuffle(a[4 * i + j], a[4 * i + j + 2], 0, 4, 1, 5);
      b[4 * i + 2 * j + 1] = wasm_i32x4_shuffle(a[4 * i + j], a[4 * i + j + 2], 2, 6, 3, 7);
    }
  for (int i = 0; i < 4; i++) v[2 * i] = wasm_i64x2_shuffle(b[i], b[i + 4], 0, 2), v[2 * i + 1] = wasm_i64x2_shuffle(b[i], b[i + 4], 1, 3);
}

/*
 * dct_table (32-bit: libjpeg without WITH_SIMD) as 16-bit multipliers, and the largest coefficient
 * magnitude whose every product still fits in 16 bits. Made at a table's first block in each
 * image: glue.c calls jsimd_new_image before each decode, and libjpeg fills a dct_table only when
 * an output pass starts, which happens once per image here.
 */
static struct {
  const void *table;
  int16_t q[DCTSIZE2] __attribute__((aligned(16)));
  uint16_t limit;
} tables[4];
static int tables_used;

void jsimd_new_image(void) { tables_used = 0; }

static const int16_t *table16(const ISLOW_MULT_TYPE *quant, uint16_t *limit) {
  int i = 0;
  while (i < tables_used && tables[i].table != quant) i++;
  if (i == tables_used) {
    if (i == 4) return NULL;
    ISLOW_MULT_TYPE most = 0;
    for (int k = 0; k < DCTSIZE2; k++) {
      tables[i].q[k] = (int16_t)(quant[k] > 32767 ? 32767 : quant[k]); /* a multiplier over 32767 makes the limit 0 */
      if (quant[k] > most) most = quant[k];
    }
    tables[i].limit = most == 0 ? 32767 : most > 32767 ? 0 : (uint16_t)(32767 / most);
    tables[i].table = quant;
    tables_used++;
  }
  *limit = tables[i].limit;
  return tables[i].q;
}

int jsimd_can_idct_islow(void) { return 1; }

void jsimd_idct_islow(j_decompress_ptr cinfo, jpeg_component_info *compptr, JCOEFPTR coef_block, JSAMPARRAY output_buf, JDIMENSION output_col) {
  const ISLOW_MULT_TYPE *quant = (const ISLOW_MULT_TYPE *)compptr->dct_table;
  V c[8], ac = wasm_i16x8_replace_lane(wasm_v128_load(coef_block), 0, 0);
  for (int r = 0; r < 8; r++) c[r] = wasm_v128_load(coef_block + r * 8), ac = r ? wasm_v128_or(ac, c[r]) : ac;
  if (!wasm_v128_any_true(ac)) {
    /* Only the DC coefficient (flat areas): jidctint.c's two shortcuts make every sample
       range_limit[DESCALE(dc * quant << PASS1_BITS, PASS1_BITS + 3)], in its 32-bit wrapping arithmetic. */
    uint32_t dc = ((uint32_t)coef_block[0] * (uint32_t)quant[0]) << 2;
    V v = wasm_i8x16_splat((int8_t)IDCT_range_limit(cinfo)[((int32_t)(dc + 16) >> 5) & RANGE_MASK]);
    for (int r = 0; r < 8; r++) wasm_v128_store64_lane(output_buf[r] + output_col, v, 0);
    return;
  }
  uint16_t limit;
  const int16_t *q = table16(quant, &limit);
  if (!q) {
    idct_islow32(quant, coef_block, output_buf, output_col);
    return;
  }

  /* Dequantise in 16 bits, if every |coefficient| is within the limit (so every product fits). */
  V in[8], most = wasm_i16x8_splat(0);
  for (int r = 0; r < 8; r++) {
    most = wasm_u16x8_max(most, wasm_i16x8_abs(c[r])); /* abs(-32768) is 32768 unsigned: over any limit */
    in[r] = wasm_i16x8_mul(c[r], wasm_v128_load(q + r * 8));
  }
  if (wasm_v128_any_true(wasm_u16x8_gt(most, wasm_i16x8_splat((int16_t)limit)))) {
    idct_islow32(quant, coef_block, output_buf, output_col);
    return;
  }

  /* Pass 1: columns (lanes = columns); its results must fit in 16 bits too: (v + 0x8000) < 0x10000. */
  V ws[8][2], spill = wasm_i32x4_splat(0);
  idct8x16(in, ws, 11); /* CONST_BITS - PASS1_BITS */
  for (int k = 0; k < 8; k++)
    spill = wasm_v128_or(spill, wasm_v128_or(ADD(ws[k][0], wasm_i32x4_splat(0x8000)), ADD(ws[k][1], wasm_i32x4_splat(0x8000))));
  if (wasm_v128_any_true(wasm_v128_and(spill, wasm_i32x4_splat((int)0xFFFF0000u)))) {
    idct_islow32(quant, coef_block, output_buf, output_col);
    return;
  }
  for (int k = 0; k < 8; k++) in[k] = wasm_i16x8_narrow_i32x4(ws[k][0], ws[k][1]);
  transpose8(in); /* in[c] lane r = row r's input c */

  /* Pass 2: rows (lanes = rows). A result >> 18 always fits in 16 bits. */
  idct8x16(in, ws, 18); /* CONST_BITS + PASS1_BITS + 3 */
  for (int k = 0; k < 8; k++) {
    V v = wasm_i16x8_narrow_i32x4(ws[k][0], ws[k][1]);
    /* range_limit[v & RANGE_MASK]: v's low 10 bits as a signed number, plus 128, clamped to 0..255 below */
    in[k] = wasm_i16x8_add(wasm_i16x8_shr(wasm_i16x8_shl(v, 6), 6), wasm_i16x8_splat(CENTERJSAMPLE));
  }
  transpose8(in); /* in[r] = row r */
  for (int r = 0; r < 8; r += 2) {
    V bytes = wasm_u8x16_narrow_i16x8(in[r], in[r + 1]);
    wasm_v128_store64_lane(output_buf[r] + output_col, bytes, 0);
    wasm_v128_store64_lane(output_buf[r + 1] + output_col, bytes, 1);
  }
}

/* jdcolor.c's YCbCr -> RGB, exactly: its tables' entries (SCALEBITS 16) computed per pixel. */
enum { CR_R = 91881, CB_B = 116130, CR_G = 46802, CB_G = 22554, ONE_HALF = 1 << 15 };

int jsimd_can_ycc_rgb(void) { return 1; }

/* The C path for any other layout than RGBA (never asked for by glue.c). */
static void ycc_rgb_scalar(j_decompress_ptr cinfo, JSAMPROW y, JSAMPROW cb, JSAMPROW cr, JSAMPROW out) {
  JSAMPLE *limit = cinfo->sample_range_limit;
  int cs = cinfo->out_color_space, size = rgb_pixelsize[cs];
  for (JDIMENSION x = 0; x < cinfo->output_width; x++, out += size) {
    int l = y[x], b = cb[x] - CENTERJSAMPLE, r = cr[x] - CENTERJSAMPLE;
    out[rgb_red[cs]] = limit[l + ((CR_R * r + ONE_HALF) >> 16)];
    out[rgb_green[cs]] = limit[l + ((-CB_G * b + ONE_HALF - CR_G * r) >> 16)];
    out[rgb_blue[cs]] = limit[l + ((CB_B * b + ONE_HALF) >> 16)];
    if (size == 4) out[6 - rgb_red[cs] - rgb_green[cs] - rgb_blue[cs]] = 0xFF;
  }
}

void jsimd_ycc_rgb_convert(j_decompress_ptr cinfo, JSAMPIMAGE input_buf, JDIMENSION input_row, JSAMPARRAY output_buf, int num_rows) {
  const V half = wasm_i32x4_splat(ONE_HALF), centre = wasm_i32x4_splat(CENTERJSAMPLE), top = wasm_i32x4_splat(255), bottom = wasm_i32x4_splat(0);
  const V alpha = wasm_i32x4_splat((int)0xFF000000u);
  while (--num_rows >= 0) {
    JSAMPROW y = input_buf[0][input_row], cb = input_buf[1][input_row], cr = input_buf[2][input_row], out = *output_buf++;
    input_row++;
    if (cinfo->out_color_space != JCS_EXT_RGBA) {
      ycc_rgb_scalar(cinfo, y, cb, cr, out);
      continue;
    }
    JDIMENSION x = 0, width = cinfo->output_width;
    for (; x + 8 <= width; x += 8, out += 32) {
      /*
       * Eight pixels in 16-bit lanes: the constants over 16 bits split as CR_R = 65536 + 26345,
       * CR_G = 65536 - 18734, CB_B = 131072 - 14942; (65536 * k * v + rest) >> 16 is exactly
       * k * v + (rest >> 16), and the rest's products are taken in 32 bits.
       */
      V l = wasm_u16x8_load8x8(y + x);
      V b = wasm_i16x8_sub(wasm_u16x8_load8x8(cb + x), wasm_i16x8_splat(CENTERJSAMPLE));
      V r = wasm_i16x8_sub(wasm_u16x8_load8x8(cr + x), wasm_i16x8_splat(CENTERJSAMPLE));
#define HIGH16(lo, hi) wasm_i16x8_narrow_i32x4(SHR(ADD(lo, half), 16), SHR(ADD(hi, half), 16))
      V k = wasm_i16x8_splat(CR_R - 65536);
      V red = wasm_i16x8_add(wasm_i16x8_add(l, r), HIGH16(wasm_i32x4_extmul_low_i16x8(r, k), wasm_i32x4_extmul_high_i16x8(r, k)));
      V br_lo = wasm_i16x8_shuffle(b, r, 0, 8, 1, 9, 2, 10, 3, 11), br_hi = wasm_i16x8_shuffle(b, r, 4, 12, 5, 13, 6, 14, 7, 15);
      V g = wasm_i16x8_make(-CB_G, 65536 - CR_G, -CB_G, 65536 - CR_G, -CB_G, 65536 - CR_G, -CB_G, 65536 - CR_G);
      V green = wasm_i16x8_add(wasm_i16x8_sub(l, r), HIGH16(wasm_i32x4_dot_i16x8(br_lo, g), wasm_i32x4_dot_i16x8(br_hi, g)));
      k = wasm_i16x8_splat(CB_B - 131072);
      V blue = wasm_i16x8_add(wasm_i16x8_add(l, wasm_i16x8_shl(b, 1)), HIGH16(wasm_i32x4_extmul_low_i16x8(b, k), wasm_i32x4_extmul_high_i16x8(b, k)));
#undef HIGH16
      /* Clamped to 0..255 as sample_range_limit does (all three stay within -256..639), then R, G, B, A. */
      V rb = wasm_u8x16_narrow_i16x8(red, blue), ga = wasm_u8x16_narrow_i16x8(green, wasm_i16x8_splat(255));
      wasm_v128_store(out, wasm_i8x16_shuffle(rb, ga, 0, 16, 8, 24, 1, 17, 9, 25, 2, 18, 10, 26, 3, 19, 11, 27));
      wasm_v128_store(out + 16, wasm_i8x16_shuffle(rb, ga, 4, 20, 12, 28, 5, 21, 13, 29, 6, 22, 14, 30, 7, 23, 15, 31));
    }
    for (; x + 4 <= width; x += 4, out += 16) {
      /* Four pixels: each sample widened to a 32-bit lane. */
      V l = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(y + x)));
      V b = SUB(wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(cb + x))), centre);
      V r = SUB(wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(cr + x))), centre);
      V red = ADD(l, SHR(ADD(MUL(r, CR_R), half), 16));
      V green = ADD(l, SHR(ADD(ADD(MUL(b, -CB_G), half), MUL(r, -CR_G)), 16));
      V blue = ADD(l, SHR(ADD(MUL(b, CB_B), half), 16));
      red = wasm_i32x4_max(wasm_i32x4_min(red, top), bottom);
      green = wasm_i32x4_max(wasm_i32x4_min(green, top), bottom);
      blue = wasm_i32x4_max(wasm_i32x4_min(blue, top), bottom);
      V px = wasm_v128_or(wasm_v128_or(red, SHL(green, 8)), wasm_v128_or(SHL(blue, 16), alpha));
      wasm_v128_store(out, px);
    }
    JSAMPLE *limit = cinfo->sample_range_limit;
    for (; x < width; x++, out += 4) {
      int l = y[x], b = cb[x] - CENTERJSAMPLE, r = cr[x] - CENTERJSAMPLE;
      out[0] = limit[l + ((CR_R * r + ONE_HALF) >> 16)];
      out[1] = limit[l + ((-CB_G * b + ONE_HALF - CR_G * r) >> 16)];
      out[2] = limit[l + ((CB_B * b + ONE_HALF) >> 16)];
      out[3] = 0xFF;
    }
  }
}

/*
 * jdsample.c's h2v2 "fancy" (triangle) upsampling, 4:2:0 chroma to full size, exactly: per output
 * row, column sums c = 3 * nearer row + further row, then 3/4 of the nearer column sum plus 1/4
 * of the further one, with the C code's alternating rounding (+8 left outputs, +7 right ones).
 */
int jsimd_can_h2v2_fancy_upsample(void) { return 1; }

void jsimd_h2v2_fancy_upsample(j_decompress_ptr cinfo, jpeg_component_info *compptr, JSAMPARRAY input_data, JSAMPARRAY *output_data_ptr) {
  JSAMPARRAY output_data = *output_data_ptr;
  const JDIMENSION n = compptr->downsampled_width; /* more than 2: jdsample.c's condition */
  const V three = wasm_i16x8_splat(3), eight = wasm_i16x8_splat(8), seven = wasm_i16x8_splat(7);
  for (int inrow = 0, outrow = 0; outrow < cinfo->max_v_samp_factor; inrow++) {
    for (int v = 0; v < 2; v++) {
      JSAMPROW near = input_data[inrow], far = input_data[v ? inrow + 1 : inrow - 1], out = output_data[outrow++];
#define SUM(i) (near[i] * 3 + far[i])
      out[0] = (JSAMPLE)((SUM(0) * 4 + 8) >> 4);
      out[1] = (JSAMPLE)((SUM(0) * 3 + SUM(1) + 7) >> 4);
      JDIMENSION i = 1;
      /* Eight columns at a time, while every neighbour read and every byte written is inside the row. */
      for (; i + 8 <= n - 1; i += 8) {
#define VSUM(at) wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_load8x8(near + (at)), three), wasm_u16x8_load8x8(far + (at)))
        V c = wasm_i16x8_mul(VSUM(i), three);
        V left = wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(c, VSUM(i - 1)), eight), 4);
        V right = wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(c, VSUM(i + 1)), seven), 4);
        wasm_v128_store(out + 2 * i, wasm_v128_or(left, wasm_i16x8_shl(right, 8)));
#undef VSUM
      }
      for (; i < n - 1; i++) {
        out[2 * i] = (JSAMPLE)((SUM(i) * 3 + SUM(i - 1) + 8) >> 4);
        out[2 * i + 1] = (JSAMPLE)((SUM(i) * 3 + SUM(i + 1) + 7) >> 4);
      }
      out[2 * i] = (JSAMPLE)((SUM(i) * 3 + SUM(i - 1) + 8) >> 4);
      out[2 * i + 1] = (JSAMPLE)((SUM(i) * 4 + 7) >> 4);
#undef SUM
    }
  }
}

/* jdsample.c's h2v1 "fancy" upsampling (4:2:2 chroma), exactly: 3/4 nearer + 1/4 further sample. */
int jsimd_can_h2v1_fancy_upsample(void) { return 1; }

void jsimd_h2v1_fancy_upsample(j_decompress_ptr cinfo, jpeg_component_info *compptr, JSAMPARRAY input_data, JSAMPARRAY *output_data_ptr) {
  JSAMPARRAY output_data = *output_data_ptr;
  const JDIMENSION n = compptr->downsampled_width; /* more than 2: jdsample.c's condition */
  const V three = wasm_i16x8_splat(3), one = wasm_i16x8_splat(1), two = wasm_i16x8_splat(2);
  for (int row = 0; row < cinfo->max_v_samp_factor; row++) {
    JSAMPROW in = input_data[row], out = output_data[row];
    out[0] = in[0];
    out[1] = (JSAMPLE)((in[0] * 3 + in[1] + 2) >> 2);
    JDIMENSION i = 1;
    for (; i + 8 <= n - 1; i += 8) {
      V c = wasm_i16x8_mul(wasm_u16x8_load8x8(in + i), three);
      V left = wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(c, wasm_u16x8_load8x8(in + i - 1)), one), 2);
      V right = wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(c, wasm_u16x8_load8x8(in + i + 1)), two), 2);
      wasm_v128_store(out + 2 * i, wasm_v128_or(left, wasm_i16x8_shl(right, 8)));
    }
    for (; i < n - 1; i++) {
      out[2 * i] = (JSAMPLE)((in[i] * 3 + in[i - 1] + 1) >> 2);
      out[2 * i + 1] = (JSAMPLE)((in[i] * 3 + in[i + 1] + 2) >> 2);
    }
    out[2 * i] = (JSAMPLE)((in[i] * 3 + in[i - 1] + 1) >> 2);
    out[2 * i + 1] = in[i];
  }
}

/* Every other step stays libjpeg-turbo's C code: these say no, and the rest are never called. */
int jsimd_can_ycc_rgb565(void) { return 0; }
int jsimd_c_can_null_convert(void) { return 0; }
int jsimd_can_h2v2_upsample(void) { return 0; }
int jsimd_can_h2v1_upsample(void) { return 0; }
int jsimd_can_int_upsample(void) { return 0; }
int jsimd_can_h1v2_fancy_upsample(void) { return 0; }
int jsimd_can_h2v2_merged_upsample(void) { return 0; }
int jsimd_can_h2v1_merged_upsample(void) { return 0; }
int jsimd_can_idct_2x2(void) { return 0; }
int jsimd_can_idct_4x4(void) { return 0; }
int jsimd_can_idct_6x6(void) { return 0; }
int jsimd_can_idct_12x12(void) { return 0; }
int jsimd_can_idct_ifast(void) { return 0; }
int jsimd_can_idct_float(void) { return 0; }

#define NEVER(name, ...) \
  void name(__VA_ARGS__) { __builtin_trap(); }
NEVER(jsimd_ycc_rgb565_convert, j_decompress_ptr a, JSAMPIMAGE b, JDIMENSION c, JSAMPARRAY d, int e)
NEVER(jsimd_h2v2_upsample, j_decompress_ptr a, jpeg_component_info *b, JSAMPARRAY c, JSAMPARRAY *d)
NEVER(jsimd_h2v1_upsample, j_decompress_ptr a, jpeg_component_info *b, JSAMPARRAY c, JSAMPARRAY *d)
NEVER(jsimd_int_upsample, j_decompress_ptr a, jpeg_component_info *b, JSAMPARRAY c, JSAMPARRAY *d)
NEVER(jsimd_h1v2_fancy_upsample, j_decompress_ptr a, jpeg_component_info *b, JSAMPARRAY c, JSAMPARRAY *d)
NEVER(jsimd_h2v2_merged_upsample, j_decompress_ptr a, JSAMPIMAGE b, JDIMENSION c, JSAMPARRAY d)
NEVER(jsimd_h2v1_merged_upsample, j_decompress_ptr a, JSAMPIMAGE b, JDIMENSION c, JSAMPARRAY d)
NEVER(jsimd_idct_2x2, j_decompress_ptr a, jpeg_component_info *b, JCOEFPTR c, JSAMPARRAY d, JDIMENSION e)
NEVER(jsimd_idct_4x4, j_decompress_ptr a, jpeg_component_info *b, JCOEFPTR c, JSAMPARRAY d, JDIMENSION e)
NEVER(jsimd_idct_6x6, j_decompress_ptr a, jpeg_component_info *b, JCOEFPTR c, JSAMPARRAY d, JDIMENSION e)
NEVER(jsimd_idct_12x12, j_decompress_ptr a, jpeg_component_info *b, JCOEFPTR c, JSAMPARRAY d, JDIMENSION e)
NEVER(jsimd_idct_ifast, j_decompress_ptr a, jpeg_component_info *b, JCOEFPTR c, JSAMPARRAY d, JDIMENSION e)
NEVER(jsimd_idct_float, j_decompress_ptr a, jpeg_component_info *b, JCOEFPTR c, JSAMPARRAY d, JDIMENSION e)
