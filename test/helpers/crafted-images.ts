import { constants, crc32, deflateRawSync, deflateSync } from 'node:zlib'
import { encodeJpeg, smooth } from './images'

/** A PNG file from its chunks, in order, with their CRCs (ISO 15948 §5.3). */
export function pngFile(chunks: [string, Uint8Array][]): Uint8Array {
  const parts: Buffer[] = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])]
  for (const [type, body] of chunks) {
    const c = Buffer.alloc(12 + body.length)
    c.writeUInt32BE(body.length, 0)
    c.write(type, 4, 'latin1')
    c.set(body, 8)
    c.writeUInt32BE(crc32(c.subarray(4, 8 + body.length)), 8 + body.length)
    parts.push(c)
  }
  return new Uint8Array(Buffer.concat(parts))
}

/**
 * A zlib stream of `n` zero bytes, built in milliseconds even for a gigabyte: one MiB of zeros
 * compressed once and ending in a full flush (byte-aligned, nothing referring back before it)
 * repeats as often as needed (about 1,000:1), then a final empty block and the Adler-32.
 */
export function zlibZeros(n: number): Uint8Array {
  const MiB = 1 << 20
  if (n <= MiB) return deflateSync(Buffer.alloc(n))
  if (n % MiB !== 0) throw new Error('zlibZeros: a whole number of MiB')
  const segment = deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: constants.Z_FULL_FLUSH })
  const adler = Buffer.alloc(4)
  adler.writeUInt32BE((((n % 65521) << 16) | 1) >>> 0)
  const parts = [Buffer.from([0x78, 0xda]), ...Array<Buffer>(n / MiB).fill(segment), deflateRawSync(Buffer.alloc(0)), adler]
  return new Uint8Array(Buffer.concat(parts))
}

/** A w x h 8-bit RGB PNG whose image data inflates to `inflated` zero bytes, whatever w x h needs. */
export function pngBomb(w: number, h: number, inflated: number): Uint8Array {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8
  ihdr[9] = 2
  return pngFile([
    ['IHDR', ihdr],
    ['IDAT', zlibZeros(inflated)],
    ['IEND', new Uint8Array(0)],
  ])
}

/** A real w x h JPEG whose frame header then says `declaredW` x `declaredH`. */
export function jpegDeclaring(w: number, h: number, declaredW: number, declaredH: number): Uint8Array {
  const jpeg = encodeJpeg(w, h, smooth(w, h), 50)
  const sof = jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] === 0xc0)
  jpeg.set([declaredH >> 8, declaredH & 255, declaredW >> 8, declaredW & 255], sof + 5)
  return jpeg
}

/**
 * The costliest JPEG per byte we know of for a w x h rect: progressive, three full-resolution components, every coefficient zero, and
 * `refinements` rounds of AC refinement scans (one per component). Each refinement scan is about
 * 20 bytes on the wire, yet makes libjpeg visit 63 coefficients of every block.
 */
export function progressiveJpeg(w: number, h: number, refinements = 1): Uint8Array {
  const blocks = Math.ceil(w / 8) * Math.ceil(h / 8)
  const out: number[] = [0xff, 0xd8]
  const segment = (type: number, body: number[]): void => {
    out.push(0xff, type, (body.length + 2) >> 8, (body.length + 2) & 255, ...body)
  }
  segment(0xdb, [0x00, ...Array<number>(64).fill(1)]) // DQT: table 0, all ones
  segment(0xc2, [8, h >> 8, h & 255, w >> 8, w & 255, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]) // SOF2
  // DC table 0: one code "0" for category 0; AC table 0: one code "0" for EOB14 (0xE0).
  segment(0xc4, [0x00, 1, ...Array<number>(15).fill(0), 0x00])
  segment(0xc4, [0x10, 1, ...Array<number>(15).fill(0), 0xe0])
  // EOB14 runs 2^14 + (14 extra bits) blocks: one or two symbols cover a component.
  const eobBits: string[] = []
  for (let left = blocks; left > 0; left -= Math.min(left, 32767)) {
    const run = Math.max(16384, Math.min(left, 32767))
    eobBits.push('0' + (run - 16384).toString(2).padStart(14, '0'))
  }
  const bits = eobBits.join('')
  const acData: number[] = []
  for (let i = 0; i < bits.length; i += 8) {
    const byte = parseInt(bits.slice(i, i + 8).padEnd(8, '1'), 2)
    acData.push(...(byte === 0xff ? [0xff, 0x00] : [byte])) // T.81 F.1.2.3 byte stuffing
  }
  const dcData = Array<number>(Math.ceil((blocks * 3) / 8)).fill(0)
  const scan = (components: number[], ss: number, se: number, ah: number, al: number, data: number[]): void => {
    segment(0xda, [components.length, ...components.flatMap((c) => [c, 0x00]), ss, se, (ah << 4) | al])
    out.push(...data)
  }
  scan([1, 2, 3], 0, 0, 0, 1, dcData)
  for (const c of [1, 2, 3]) scan([c], 1, 63, 0, 1, acData)
  scan([1, 2, 3], 0, 0, 1, 0, dcData)
  for (let r = 0; r < refinements; r++) for (const c of [1, 2, 3]) scan([c], 1, 63, 1, 0, acData)
  out.push(0xff, 0xd9)
  return Uint8Array.from(out)
}

/**
 * A baseline greyscale JPEG of 8 rows and one block of 8 columns per entry of `blocks`, each
 * block's coefficients given as [zigzag index, value] (any 16-bit value: T.81 allows such
 * categories only in damaged data, libjpeg decodes them), every quantisation step `step`, or
 * the 64 steps given (in zigzag order); a step over 255 makes it a 16-bit table (T.81 Pq = 1).
 */
export function jpegWithCoefficients(step: number | readonly number[], blocks: [number, number][][]): Uint8Array {
  const out: number[] = [0xff, 0xd8]
  const segment = (type: number, body: number[]): void => {
    out.push(0xff, type, (body.length + 2) >> 8, (body.length + 2) & 255, ...body)
  }
  const w = 8 * blocks.length
  const steps = typeof step === 'number' ? Array<number>(64).fill(step) : step
  if (steps.some((q) => q > 255)) segment(0xdb, [0x10, ...steps.flatMap((q) => [q >> 8, q & 255])])
  else segment(0xdb, [0x00, ...steps])
  segment(0xc0, [8, 0, 8, w >> 8, w & 255, 1, 1, 0x11, 0])
  // Every code 8 bits long, in symbol order: DC categories 0-15; AC EOB, ZRL and every run/size.
  const dcSymbols = Array.from({ length: 16 }, (_, s) => s)
  const acSymbols = [0x00, 0xf0, ...Array.from({ length: 240 }, (_, i) => ((i / 15) << 4) | ((i % 15) + 1))]
  const counts = (n: number): number[] => [0, 0, 0, 0, 0, 0, 0, n, 0, 0, 0, 0, 0, 0, 0, 0]
  segment(0xc4, [0x00, ...counts(dcSymbols.length), ...dcSymbols])
  segment(0xc4, [0x10, ...counts(acSymbols.length), ...acSymbols])
  segment(0xda, [1, 1, 0x00, 0, 63, 0])
  let bits = ''
  const code = (symbols: number[], symbol: number): void => {
    bits += symbols.indexOf(symbol).toString(2).padStart(8, '0')
  }
  const sizeOf = (v: number): number => (v === 0 ? 0 : Math.floor(Math.log2(Math.abs(v))) + 1)
  const value = (v: number): void => {
    const size = sizeOf(v)
    if (size > 0) bits += (v > 0 ? v : v + (1 << size) - 1).toString(2).padStart(size, '0') // T.81 F.1.2.1
  }
  let previousDc = 0
  for (const block of blocks) {
    const coefficients = Array<number>(64).fill(0)
    for (const [k, v] of block) coefficients[k] = v
    const dc = coefficients[0] - previousDc
    previousDc = coefficients[0]
    code(dcSymbols, sizeOf(dc))
    value(dc)
    let run = 0
    for (let k = 1; k < 64; k++) {
      if (coefficients[k] === 0) {
        run++
        continue
      }
      for (; run >= 16; run -= 16) code(acSymbols, 0xf0)
      code(acSymbols, (run << 4) | sizeOf(coefficients[k]))
      value(coefficients[k])
      run = 0
    }
    if (run > 0) code(acSymbols, 0x00)
  }
  for (let i = 0; i < bits.length; i += 8) {
    const byte = parseInt(bits.slice(i, i + 8).padEnd(8, '1'), 2)
    out.push(...(byte === 0xff ? [0xff, 0x00] : [byte])) // T.81 F.1.2.3 byte stuffing
  }
  out.push(0xff, 0xd9)
  return Uint8Array.from(out)
}
