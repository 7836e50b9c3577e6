import { describe, expect, it } from 'vitest'
import { SUBSAMPLINGS, SUBSAMPLING_ENCODINGS, encodingName } from '../../../src/shared/encodings'
import { type Tuning, checkFineQuality, checkSubsampling, levelForFineQuality, tuningEncodings } from '../../../src/main/rfb/tuning'

const none: Tuning = { quality: null, fineQuality: null, subsampling: null, compression: null }
const names = (t: Partial<Tuning>): string[] => tuningEncodings({ ...none, ...t }).map(encodingName)

describe('JPEG tuning pseudo-encodings', () => {
  it('uses the rfbproto / TigerVNC numbers for every subsampling', () => {
    expect(SUBSAMPLING_ENCODINGS).toEqual({ none: -768, '4x': -767, '2x': -766, gray: -765, '8x': -764, '16x': -763 })
    expect(SUBSAMPLINGS.map((s) => encodingName(SUBSAMPLING_ENCODINGS[s]))).toEqual([
      'Subsample1X',
      'Subsample2X',
      'Subsample4X',
      'Subsample8X',
      'Subsample16X',
      'SubsampleGray',
    ])
  })

  it('sends level, fine quality, subsampling, then compression, in that order', () => {
    expect(tuningEncodings({ quality: 6, fineQuality: 80, subsampling: 'gray', compression: 2 })).toEqual([-32 + 6, -512 + 80, -765, -256 + 2])
    expect(names({ quality: 6, subsampling: '2x', compression: 9 })).toEqual(['QualityLevel6', 'Subsample2X', 'CompressLevel9'])
  })

  it('keeps lossless lossless: no level and no fine quality means no JPEG pseudo-encoding, subsampling included', () => {
    expect(tuningEncodings(none)).toEqual([])
    expect(names({ subsampling: 'gray', compression: 3 })).toEqual(['CompressLevel3'])
  })

  it('turns JPEG on for a fine quality alone, with the nearest level for servers that only know levels', () => {
    expect(names({ fineQuality: 100 })).toEqual(['QualityLevel9', 'FineQuality100'])
    expect(names({ fineQuality: 0, subsampling: 'none' })).toEqual(['QualityLevel0', 'FineQuality0', 'Subsample1X'])
  })

  it('lets a fine quality override an explicit level', () => {
    expect(names({ quality: 9, fineQuality: 30 })).toEqual(['QualityLevel1', 'FineQuality30'])
  })

  it('maps fine quality to the highest level at or below it (TigerVNC TightJPEGEncoder table)', () => {
    const table: [number, number][] = [
      [0, 0],
      [14, 0],
      [15, 0],
      [29, 1],
      [41, 2],
      [42, 3],
      [61, 3],
      [62, 4],
      [77, 5],
      [79, 6],
      [86, 7],
      [92, 8],
      [99, 8],
      [100, 9],
    ]
    for (const [fine, level] of table) expect(levelForFineQuality(fine), `fine ${fine}`).toBe(level)
  })

  it('refuses out-of-range fine qualities and unknown subsampling with a clear message', () => {
    for (const bad of [-1, 101, 50.5, Number.NaN]) expect(() => checkFineQuality(bad), String(bad)).toThrow(RangeError)
    expect(() => checkFineQuality(101)).toThrow(/whole number from 0 to 100, not 101/)
    expect(checkFineQuality(0)).toBe(0)
    expect(checkFineQuality(100)).toBe(100)
    expect(() => checkSubsampling('420')).toThrow(/unknown JPEG subsampling "420" \(known: none, 2x, 4x, 8x, 16x, gray\)/)
    expect(checkSubsampling('gray')).toBe('gray')
  })
})
